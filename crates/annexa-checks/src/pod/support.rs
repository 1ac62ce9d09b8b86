//! What the pod hygiene checks share: image references as container runtimes read them,
//! resource settings with the defaults Kubernetes and LimitRanges fill in, objects of the same
//! scope, and how a container is named in a message.

use crate::context::{Cx, pod};
use annexa_load::At;
use annexa_load::{Container, ContainerKind, Object, Workload};
use annexa_load::{Map, Value};

/// `container `app``, `init container `migrate`` or `ephemeral container `debug``.
pub(crate) fn describe(c: &Container) -> String {
    let what = match c.kind {
        ContainerKind::Container => "container",
        ContainerKind::Init => "init container",
        ContainerKind::Ephemeral => "ephemeral container",
    };
    format!("{what} `{}`", c.name)
}

/// Whether two objects end up in the same namespace: the same written namespace (both absent
/// means both go to the namespace they are applied to) and, for rendered kustomizations, the
/// same kustomization, so that two overlays of one base are never mixed.
pub(crate) fn same_scope(a: &Object, b: &Object) -> bool {
    a.namespace == b.namespace && a.via == b.via
}

/// The deepest of `pointers` (shallowest first) that is written in the object.
pub(crate) fn deepest(o: &Object, pointers: &[String]) -> String {
    pointers.iter().rev().find(|p| o.value.at(p).is_some()).or_else(|| pointers.first()).cloned().unwrap_or_default()
}

/// A value that is really there: not null, not an empty string.
fn written(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

/// `resources.limits` or `resources.requests`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Amount {
    /// `limits`.
    Limit,
    /// `requests`.
    Request,
}

impl Amount {
    fn field(self) -> &'static str {
        match self {
            Amount::Limit => "limits",
            Amount::Request => "requests",
        }
    }
}

/// `resources.<amount>.<resource>` of a mapping that has `resources` (a container or a pod).
fn amount(m: &Map, amount: Amount, resource: &str) -> bool {
    written(m.get("resources").and_then(|r| r.get(amount.field())).and_then(|a| a.get(resource)))
}

/// The defaults the LimitRanges of one namespace give containers, as the API server fills them
/// in: a missing default limit is the `max`; a missing default request is the default limit,
/// else the `min`.
#[derive(Debug, Default)]
pub(crate) struct LimitDefaults {
    ranges: Vec<Map>,
}

impl LimitDefaults {
    /// The `type: Container` items of every LimitRange in the object's namespace.
    pub(crate) fn of(cx: &Cx<'_>, o: &Object) -> LimitDefaults {
        let ranges = cx
            .objects_in("LimitRange", o.namespace.as_deref())
            .filter(|lr| same_scope(o, lr))
            .filter_map(|lr| lr.value.at("/spec/limits").and_then(Value::as_array))
            .flatten()
            .filter_map(Value::as_object)
            .filter(|item| item.get("type").and_then(Value::as_str) == Some("Container"))
            .cloned()
            .collect();
        LimitDefaults { ranges }
    }

    fn gives(&self, amount: Amount, resource: &str) -> bool {
        let fields: &[&str] = match amount {
            Amount::Limit => &["default", "max"],
            Amount::Request => &["defaultRequest", "default", "max", "min"],
        };
        self.ranges.iter().any(|item| fields.iter().any(|f| written(item.get(f).and_then(|m| m.get(resource)))))
    }
}

/// Where to report that a container sets no `amount` of `resource`, or `None` when it ends up
/// with one anyway: its own, the request Kubernetes copies from its limit, a pod-level
/// `resources` (which bounds every container together), or a LimitRange default. Ephemeral
/// containers cannot have resources and are never reported.
pub(crate) fn missing_resource(
    o: &Object,
    w: &Workload,
    c: &Container,
    defaults: &LimitDefaults,
    which: Amount,
    resource: &str,
) -> Option<String> {
    if c.kind == ContainerKind::Ephemeral {
        return None;
    }
    let own = crate::context::container(o, c)?;
    let set = |m: &Map| amount(m, which, resource) || which == Amount::Request && amount(m, Amount::Limit, resource);
    if set(own) || pod(o, w).is_some_and(set) || defaults.gives(which, resource) {
        return None;
    }
    let resources = format!("{}/resources", c.pointer);
    let list = format!("{resources}/{}", which.field());
    Some(deepest(o, &[c.pointer.clone(), resources, list]))
}

/// An image reference, split as container runtimes split it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// The registry host, when one is written (`ghcr.io`, `localhost:5000`).
    pub(crate) registry: Option<&'a str>,
    /// The repository path after the registry (`library/nginx`, `nginx`).
    pub(crate) repository: &'a str,
    /// The tag, when one is written.
    pub(crate) tag: Option<&'a str>,
    /// The digest, when one is written (`sha256:…`).
    pub(crate) digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Splits a reference. `None` for an empty one or one holding a template placeholder
    /// (`${TAG}`, `{{ .Values.image }}`) that is filled in after annexa reads the file.
    pub(crate) fn parse(image: &'a str) -> Option<ImageRef<'a>> {
        let image = image.trim();
        if image.is_empty() || placeholder(image) {
            return None;
        }
        let (name, digest) = match image.split_once('@') {
            Some((name, digest)) => (name, Some(digest)),
            None => (image, None),
        };
        // The first component is a registry host when it looks like one, as the Docker
        // reference grammar decides: a dot, a port, `localhost`, or an upper-case letter.
        let (registry, rest) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':']) || first == "localhost" || first.chars().any(char::is_uppercase) =>
            {
                (Some(first), rest)
            }
            _ => (None, name),
        };
        let (repository, tag) = match rest.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo, Some(tag)),
            _ => (rest, None),
        };
        Some(ImageRef { registry, repository, tag, digest })
    }

    /// Whether the digest is a well-formed content digest by the OCI image spec: lower-case
    /// hex, of the exact length the algorithm produces (an algorithm the spec does not
    /// register needs at least 32 digits). The kubelet accepts fewer algorithms
    /// (`image_problem`).
    pub(crate) fn pinned(&self) -> bool {
        self.digest.and_then(|d| d.split_once(':')).is_some_and(|(algorithm, hex)| {
            let length_fits = match algorithm {
                "sha256" | "blake3" => hex.len() == 64,
                "sha384" => hex.len() == 96,
                "sha512" => hex.len() == 128,
                other => !other.is_empty() && hex.len() >= 32,
            };
            length_fits && lower_hex(hex)
        })
    }

    /// The full repository name the runtime pulls, registry included: `nginx` is
    /// `docker.io/library/nginx`, `bitnami/redis` is `docker.io/bitnami/redis`.
    pub(crate) fn full_name(&self) -> String {
        match self.registry {
            Some(registry) => crate::config::full_image_name(&format!("{registry}/{}", self.repository)),
            None => crate::config::full_image_name(self.repository),
        }
    }

    /// The tag Kubernetes assumes: the written one, else `latest` when there is no digest.
    pub(crate) fn effective_tag(&self) -> Option<&'a str> {
        match (self.tag, self.digest) {
            (Some(tag), _) => Some(tag),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }
}

/// Whether an image reference is still a template, filled in after annexa reads the file.
fn placeholder(image: &str) -> bool {
    image.contains('$') || image.contains("{{")
}

/// The longest repository path (the registry aside) the reference grammar accepts.
const NAME_MAX: usize = 255;

/// Why the kubelet cannot parse an image reference, or `None` when it can, and for an empty
/// reference or a template placeholder, which are judged once rendered. The grammar is the
/// Docker reference grammar the kubelet parses images with (`distribution/reference`), and
/// the digest algorithms are the ones it accepts; a container whose image fails it ends in
/// `InvalidImageName` and never starts.
pub(crate) fn image_problem(image: &str) -> Option<String> {
    if image.is_empty() || placeholder(image) {
        return None;
    }
    if image.trim() != image {
        return Some("it has leading or trailing white space, which the API server rejects".to_owned());
    }
    if image.len() == 64 && lower_hex(image) {
        return Some("it is a 64-digit hexadecimal image id, not a repository name".to_owned());
    }
    let ImageRef { registry, repository: path, tag, digest } = ImageRef::parse(image)?;
    if let Some(host) = registry.filter(|h| !registry_ok(h)) {
        return Some(format!("registry `{host}` is not a host name with an optional port"));
    }
    if path.is_empty() {
        return Some("it names no repository".to_owned());
    }
    if !path.split('/').all(path_component_ok) {
        return Some(if path.split('/').all(|c| path_component_ok(&c.to_ascii_lowercase())) {
            format!("repository `{path}` has upper-case letters, and repository names are lower case")
        } else {
            format!(
                "repository `{path}` is not a valid name (lower-case letters and digits, separated by `.`, `_`, `__`, \
                 dashes or `/`)"
            )
        });
    }
    // distribution/reference 0.6 (the kubelet's since Kubernetes 1.31) bounds the path alone,
    // once normalised: a one-component Docker Hub name is `library/<name>`.
    let docker_hub = registry.is_none_or(|r| r == "docker.io" || r == "index.docker.io");
    let library = if docker_hub && !path.contains('/') { "library/".len() } else { 0 };
    if library + path.len() > NAME_MAX {
        return Some(format!("the repository path is longer than {NAME_MAX} characters"));
    }
    if let Some(tag) = tag.filter(|t| !tag_ok(t)) {
        return Some(format!(
            "tag `{tag}` is not valid (up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`)"
        ));
    }
    digest.and_then(digest_problem)
}

/// Lower-case hexadecimal digits only.
fn lower_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `host` or `host:port`, the host being DNS labels joined by dots or a bracketed IPv6 address.
fn registry_ok(registry: &str) -> bool {
    let (host_ok, port) = if let Some(inner) = registry.strip_prefix('[') {
        let Some((address, after)) = inner.split_once(']') else { return false };
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return false,
            },
        };
        // The grammar takes hexadecimal digits and colons only: no IPv4-mapped form, no zone.
        let grammar = address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        (grammar && address.parse::<std::net::Ipv6Addr>().is_ok(), port)
    } else {
        let (host, port) = match registry.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (registry, None),
        };
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        (host.split('.').all(label_ok), port)
    };
    host_ok && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// One path component: lower-case letters and digits, separated by one `.`, one or two `_`,
/// or any number of `-`.
fn path_component_ok(component: &str) -> bool {
    let b = component.as_bytes();
    let alphanumeric = |x: Option<&u8>| x.is_some_and(|x| x.is_ascii_lowercase() || x.is_ascii_digit());
    if !alphanumeric(b.first()) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alphanumeric(b.get(i)) {
            i += 1;
            continue;
        }
        match b[i] {
            b'.' => i += 1,
            b'_' => i += if b.get(i + 1) == Some(&b'_') { 2 } else { 1 },
            b'-' => {
                while b.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return false,
        }
        if !alphanumeric(b.get(i)) {
            return false;
        }
    }
    true
}

/// A tag: a word character, then up to 127 word characters, dots and dashes.
fn tag_ok(tag: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    tag.len() <= 128 && tag.bytes().next().is_some_and(word) && tag.bytes().all(|b| word(b) || b == b'.' || b == b'-')
}

/// Why a digest is not one the kubelet accepts: `sha256`, `sha384` or `sha512` followed by
/// exactly the number of lower-case hexadecimal digits the algorithm produces.
fn digest_problem(digest: &str) -> Option<String> {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return Some(format!("digest `{digest}` names no algorithm (`sha256:` and the hash)"));
    };
    let digits = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            return Some(format!(
                "digest algorithm `{algorithm}` is not one the kubelet accepts (`sha256`, `sha384`, `sha512`)"
            ));
        }
    };
    if encoded.len() == digits && lower_hex(encoded) {
        return None;
    }
    Some(format!("digest `{digest}` is not a {algorithm} hash, which is {digits} lower-case hexadecimal digits"))
}

/// Whether a workload is a batch workload: a Job, a CronJob, or a pod that is not restarted
/// when it exits (`restartPolicy: Never` or `OnFailure`).
pub(crate) fn is_batch(o: &Object, w: &Workload) -> bool {
    matches!(o.kind.as_str(), "Job" | "CronJob")
        || pod(o, w)
            .and_then(|p| p.get("restartPolicy"))
            .and_then(Value::as_str)
            .is_some_and(|r| r == "Never" || r == "OnFailure")
}

/// The ServiceAccount a pod runs as, and the field that names it: `serviceAccountName`, else
/// the deprecated `serviceAccount`, else (no field) the namespace's `default`.
pub(crate) fn service_account<'o>(o: &'o Object, w: &Workload) -> (&'o str, Option<String>) {
    let Some(spec) = pod(o, w) else { return ("default", None) };
    ["serviceAccountName", "serviceAccount"]
        .into_iter()
        .find_map(|f| {
            spec.get(f)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| (n, Some(annexa_load::span::child(&w.pod, f))))
        })
        .unwrap_or(("default", None))
}

/// How a container's probe of one kind (`livenessProbe`, `readinessProbe`) is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    /// Written with a handler.
    Present,
    /// Absent or null: report at the container.
    Missing,
    /// Written without `exec`, `httpGet`, `tcpSocket` or `grpc`: report at this pointer.
    NoHandler(String),
}

/// Reads a container's probe of one kind.
pub(crate) fn probe(o: &Object, c: &Container, field: &str) -> Probe {
    let Some(own) = crate::context::container(o, c) else { return Probe::Present };
    match own.get(field) {
        None | Some(Value::Null) => Probe::Missing,
        Some(p) if ["exec", "httpGet", "tcpSocket", "grpc"].iter().any(|h| p.get(*h).is_some_and(|v| !v.is_null())) => {
            Probe::Present
        }
        Some(_) => Probe::NoHandler(annexa_load::span::child(&c.pointer, field)),
    }
}

/// Reports every long-running container of `w` without a `field` probe (`livenessProbe`,
/// `readinessProbe`), or with one that has no handler; batch workloads are left alone.
pub(crate) fn report_missing_probe(
    meta: &'static crate::CheckMeta,
    field: &str,
    word: &str,
    o: &Object,
    w: &Workload,
    out: &mut crate::Findings,
) {
    if is_batch(o, w) {
        return;
    }
    for c in w.containers.iter().filter(|c| c.kind == annexa_load::ContainerKind::Container) {
        match probe(o, c, field) {
            Probe::Present => {}
            Probe::Missing => {
                out.object(meta, o, &c.pointer, format!("{} has no {word} probe", describe(c))).container(&c.name);
            }
            Probe::NoHandler(at) => {
                out.object(meta, o, &at, format!("{} has a {word} probe with no handler", describe(c)))
                    .container(&c.name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Registry, repository, tag and digest.
    type Parts<'a> = (Option<&'a str>, &'a str, Option<&'a str>, Option<&'a str>);

    fn parts(image: &str) -> Option<Parts<'_>> {
        ImageRef::parse(image).map(|r| (r.registry, r.repository, r.tag, r.digest))
    }

    #[test]
    fn image_references_split_as_runtimes_split_them() {
        assert_eq!(parts("nginx"), Some((None, "nginx", None, None)));
        assert_eq!(parts("nginx:1.27"), Some((None, "nginx", Some("1.27"), None)));
        assert_eq!(parts("bitnami/redis:7.2"), Some((None, "bitnami/redis", Some("7.2"), None)));
        assert_eq!(parts("localhost:5000/app"), Some((Some("localhost:5000"), "app", None, None)));
        assert_eq!(parts("localhost/app:1"), Some((Some("localhost"), "app", Some("1"), None)));
        assert_eq!(
            parts("ghcr.io/org/app:v2@sha256:abc"),
            Some((Some("ghcr.io"), "org/app", Some("v2"), Some("sha256:abc")))
        );
        assert_eq!(parts("registry:5000/team/app"), Some((Some("registry:5000"), "team/app", None, None)));
        assert_eq!(parts("${IMAGE}"), None);
        assert_eq!(parts("  "), None);
    }

    #[test]
    fn kubernetes_assumes_latest_only_without_tag_and_digest() {
        let tag = |i: &str| ImageRef::parse(i).and_then(|r| r.effective_tag()).map(str::to_owned);
        assert_eq!(tag("nginx").as_deref(), Some("latest"));
        assert_eq!(tag("nginx:1.27").as_deref(), Some("1.27"));
        assert_eq!(tag("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), None);
        let pinned = |i: &str| ImageRef::parse(i).is_some_and(|r| r.pinned());
        assert!(pinned("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        assert!(!pinned("nginx@sha256:abc"));
        assert!(!pinned("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg"));
        assert!(!pinned("nginx:1.27"));
    }

    #[test]
    fn references_the_kubelet_refuses_are_told_apart() {
        let fine = [
            "nginx",
            "nginx:1.27.3-alpine",
            "docker.io/library/nginx:latest",
            "localhost:5000/team/app_v2__x/web--beta:v1",
            "LOCALHOST/app",
            "[::1]:5000/app:1",
            "10.0.0.7:443/app",
            "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "app:Tag_1.0@sha512:00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
            // Judged once rendered.
            "${IMAGE}",
            "{{ .Values.image }}",
            "",
        ];
        for image in fine {
            assert_eq!(image_problem(image), None, "{image}");
        }
        let refused = [
            ("nginx@sha256:123456", "is not a sha256 hash"),
            ("nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "is not a sha256 hash"),
            ("busybox@custom-algorithm:a", "`custom-algorithm` is not one the kubelet accepts"),
            ("busybox@md5:0123456789abcdef0123456789abcdef", "`md5` is not one the kubelet accepts"),
            ("busybox@0123456789abcdef", "names no algorithm"),
            ("MyApp:1.0", "has upper-case letters"),
            ("registry.example.com/Team/app", "has upper-case letters"),
            ("team/app-:1", "is not a valid name"),
            ("team//app", "is not a valid name"),
            ("a___b", "is not a valid name"),
            ("nginx:", "tag `` is not valid"),
            ("nginx:.hidden", "tag `.hidden` is not valid"),
            (":1.0", "names no repository"),
            ("bad_host.example.com/app", "registry `bad_host.example.com`"),
            ("registry.example.com:http/app", "registry `registry.example.com:http`"),
            (" nginx", "white space"),
            ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "image id"),
        ];
        for (image, why) in refused {
            let problem = image_problem(image).unwrap_or_default();
            assert!(problem.contains(why), "{image}: {problem:?} should say {why:?}");
        }
        // The path alone counts, once normalised.
        assert!(image_problem(&format!("registry.example.com/{}", "a".repeat(250))).is_none());
        let long = format!("registry.example.com/{}", "a".repeat(256));
        assert!(image_problem(&long).unwrap_or_default().contains("longer than 255"));
        assert!(image_problem(&"a".repeat(250)).unwrap_or_default().contains("longer than 255"));
        assert!(image_problem(&format!("team/{}", "a".repeat(250))).is_none());
        assert!(image_problem("[::ffff:1.2.3.4]:5000/app").unwrap_or_default().contains("registry"));
        assert!(image_problem(&format!("nginx:{}", "1".repeat(129))).is_some());
        assert!(image_problem(&format!("nginx:{}", "1".repeat(128))).is_none());
    }
}
