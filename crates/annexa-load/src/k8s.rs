//! Kubernetes objects and the workload view: every pod template with the securityContext each
//! container ends up with, resolved once here so that no check has to redo inheritance.

use crate::diag::{Code, Diagnostic};
use crate::pointer::At;
use crate::span::{Pos, SpanIndex, child};
use crate::tree::{Map, Value};
use std::sync::Arc;

/// Where a value is written: file, line, column, and the JSON pointer inside its document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    /// The file, as the user named it.
    pub file: Arc<str>,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
    /// JSON pointer of the value inside its document.
    pub pointer: String,
}

/// A Kubernetes object (one document, or one item of a `List`).
#[derive(Clone, Debug)]
pub struct Object {
    /// The file it was read from.
    pub file: Arc<str>,
    /// Its document's position in the file's stream.
    pub doc: usize,
    /// Pointer of the object inside its document (`/items/3` for a List item, else empty).
    pub base: String,
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// `metadata.name` (or `generateName` when there is no name).
    pub name: String,
    /// `metadata.namespace`, when written.
    pub namespace: Option<String>,
    /// The object.
    pub value: Value,
    /// Positions of the document's nodes.
    pub spans: Arc<SpanIndex>,
    /// For rendered Helm output: the chart template named in its `# Source:` comment.
    pub template: Option<String>,
    /// For an object rendered from a kustomization: the outermost kustomization's directory.
    pub via: Option<String>,
}

impl Object {
    /// Where the value at `pointer` (relative to the object) is written. Values a patch
    /// created point at their nearest written ancestor.
    pub fn locate(&self, pointer: &str) -> Location {
        let full = format!("{}{pointer}", self.base);
        let pos = self.spans.locate(&full).unwrap_or(Pos { line: 1, col: 1 });
        Location { file: self.file.clone(), line: pos.line, col: pos.col, pointer: pointer.to_owned() }
    }

    /// The API group: `networking.k8s.io` for `networking.k8s.io/v1`, empty for the core group
    /// (`v1`).
    pub fn group(&self) -> &str {
        self.api_version.split_once('/').map_or("", |(group, _)| group)
    }

    /// `metadata.labels` and `metadata.annotations` values.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.value.at("/metadata/labels").and_then(|l| l.get(key)).and_then(Value::as_str)
    }

    /// An annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.value.at("/metadata/annotations").and_then(|l| l.get(key)).and_then(Value::as_str)
    }

    /// `Kind namespace/name`, or `Kind name` when no namespace is written.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

/// Reads a document's value as Kubernetes objects: itself, or each item of a `List`.
pub(crate) fn objects(
    file: &Arc<str>,
    doc: usize,
    value: Value,
    spans: Arc<SpanIndex>,
    template: Option<String>,
    out: &mut Vec<Object>,
    diags: &mut Vec<Diagnostic>,
) {
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or_default();
    if kind == "List" || kind.ends_with("List") && value.get("items").is_some_and(Value::is_array) {
        let Value::Object(mut map) = value else { return };
        if let Some(Value::Array(items)) = map.remove("items") {
            for (i, item) in items.into_iter().enumerate() {
                let base = format!("/items/{i}");
                push(file, doc, base, item, spans.clone(), template.clone(), out, diags);
            }
        }
        return;
    }
    push(file, doc, String::new(), value, spans, template, out, diags);
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site, and each argument is a different part of the object's provenance"
)]
fn push(
    file: &Arc<str>,
    doc: usize,
    base: String,
    value: Value,
    spans: Arc<SpanIndex>,
    template: Option<String>,
    out: &mut Vec<Object>,
    diags: &mut Vec<Diagnostic>,
) {
    let text = |p: &str| value.at(p).and_then(Value::as_str).map(str::to_owned);
    let (Some(api_version), Some(kind)) = (text("/apiVersion"), text("/kind")) else {
        let pos = spans.locate(&base).unwrap_or_default();
        diags.push(
            Diagnostic::error(Code::Kubernetes, pos, "object without `apiVersion` or `kind`".to_owned()).in_file(file),
        );
        return;
    };
    let name = text("/metadata/name").or_else(|| text("/metadata/generateName")).unwrap_or_default();
    // Objects without metadata at all (AdmissionReview, TokenReview) are not stored resources.
    if name.is_empty() && value.get("metadata").is_some() {
        let pos = spans.locate(&base).unwrap_or_default();
        diags.push(
            Diagnostic::warning(Code::Kubernetes, pos, format!("{kind} without `metadata.name`"))
                .with_help("Kubernetes rejects objects without a name; add `metadata.name`")
                .in_file(file),
        );
    }
    let namespace = text("/metadata/namespace").filter(|n| !n.is_empty());
    out.push(Object {
        file: file.clone(),
        doc,
        base,
        api_version,
        kind,
        name,
        namespace,
        value,
        spans,
        template,
        via: None,
    });
}

/// The built-in kinds that carry a pod template, and where it is.
pub fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Pod" => Some("/spec"),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" | "Job" => {
            Some("/spec/template/spec")
        }
        "CronJob" => Some("/spec/jobTemplate/spec/template/spec"),
        _ => None,
    }
}

/// Which list of the pod spec a container is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerKind {
    /// `containers`.
    Container,
    /// `initContainers`.
    Init,
    /// `ephemeralContainers`.
    Ephemeral,
}

impl ContainerKind {
    fn field(self) -> &'static str {
        match self {
            ContainerKind::Container => "containers",
            ContainerKind::Init => "initContainers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// A setting and where it was decided: the container's own securityContext or the pod's.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting<T> {
    /// The effective value.
    pub value: T,
    /// The pointer (relative to the object) of the field that decided it.
    pub pointer: String,
    /// Whether it was inherited from the pod-level securityContext.
    pub from_pod: bool,
}

/// A container's effective security settings, after pod-level inheritance.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Security {
    /// `runAsNonRoot` (container, else pod).
    pub run_as_non_root: Option<Setting<bool>>,
    /// `runAsUser` (container, else pod).
    pub run_as_user: Option<Setting<i64>>,
    /// `runAsGroup` (container, else pod).
    pub run_as_group: Option<Setting<i64>>,
    /// `seccompProfile.type` (container, else pod).
    pub seccomp: Option<Setting<String>>,
    /// `appArmorProfile.type` (container, else the legacy per-container annotation, else pod).
    pub apparmor: Option<Setting<String>>,
    /// `seLinuxOptions` (container, else pod).
    pub selinux: Option<Setting<Value>>,
    /// `windowsOptions.hostProcess` (container, else pod).
    pub host_process: Option<Setting<bool>>,
    /// `privileged` (container only).
    pub privileged: Option<Setting<bool>>,
    /// `allowPrivilegeEscalation` (container only).
    pub allow_privilege_escalation: Option<Setting<bool>>,
    /// `readOnlyRootFilesystem` (container only).
    pub read_only_root_filesystem: Option<Setting<bool>>,
    /// `procMount` (container only).
    pub proc_mount: Option<Setting<String>>,
    /// `capabilities.add` (container only).
    pub capabilities_add: Option<Setting<Vec<String>>>,
    /// `capabilities.drop` (container only).
    pub capabilities_drop: Option<Setting<Vec<String>>>,
}

/// One container of a workload with its effective security settings.
#[derive(Clone, Debug)]
pub struct Container {
    /// Which list it is in.
    pub kind: ContainerKind,
    /// Its position in that list.
    pub index: usize,
    /// Its pointer relative to the object (`/spec/template/spec/containers/0`).
    pub pointer: String,
    /// `name`.
    pub name: String,
    /// `image`, when written.
    pub image: Option<String>,
    /// The effective settings.
    pub security: Security,
}

/// A workload: an object with a pod template.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Index of the object in [`crate::Estate::objects`].
    pub object: usize,
    /// Pointer of the pod spec relative to the object.
    pub pod: String,
    /// Pointer of the pod template's metadata (labels the Services select on).
    pub pod_metadata: String,
    /// Every container, init container and ephemeral container.
    pub containers: Vec<Container>,
}

/// Fields that only mean something on a container; Kubernetes does not honour them at pod level.
const CONTAINER_ONLY: [&str; 5] =
    ["privileged", "allowPrivilegeEscalation", "capabilities", "readOnlyRootFilesystem", "procMount"];

/// Builds the workload view of one object, if it has a pod template.
pub(crate) fn workload(index: usize, object: &Object, diags: &mut Vec<Diagnostic>) -> Option<Workload> {
    let pod = pod_spec_pointer(&object.kind)?;
    let spec = object.value.at(pod)?.as_object()?;
    let pod_metadata = if object.kind == "Pod" {
        "/metadata".to_owned()
    } else {
        pod.trim_end_matches("/spec").to_owned() + "/metadata"
    };
    let pod_sc_pointer = child(pod, "securityContext");
    let pod_sc = spec.get("securityContext").and_then(Value::as_object);
    if let Some(sc) = pod_sc {
        for field in CONTAINER_ONLY.iter().filter(|f| sc.contains_key(f)) {
            let at = object.locate(&child(&pod_sc_pointer, field));
            diags.push(
                Diagnostic::warning(
                    Code::IgnoredField,
                    Pos { line: at.line, col: at.col },
                    format!("`{field}` has no effect in a pod-level securityContext"),
                )
                .with_help(format!("set `securityContext.{field}` on each container instead"))
                .in_file(&object.file),
            );
        }
    }
    let mut containers = Vec::new();
    for kind in [ContainerKind::Init, ContainerKind::Container, ContainerKind::Ephemeral] {
        let list_pointer = child(pod, kind.field());
        let Some(list) = spec.get(kind.field()).and_then(Value::as_array) else { continue };
        for (i, c) in list.iter().enumerate() {
            let Some(c) = c.as_object() else { continue };
            let pointer = child(&list_pointer, &i.to_string());
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let security = resolve(object, &pointer, c, &pod_sc_pointer, pod_sc, &name);
            let image = c.get("image").and_then(Value::as_str).map(str::to_owned);
            containers.push(Container { kind, index: i, pointer, name, image, security });
        }
    }
    Some(Workload { object: index, pod: pod.to_owned(), pod_metadata, containers })
}

fn resolve(object: &Object, pointer: &str, c: &Map, pod_pointer: &str, pod: Option<&Map>, name: &str) -> Security {
    let sc_pointer = child(pointer, "securityContext");
    let own = c.get("securityContext").and_then(Value::as_object);
    // Container first, then pod: the inheritance Kubernetes applies to these fields.
    let inherited = |path: &[&str]| -> Option<(Value, String, bool)> {
        [(own, sc_pointer.as_str(), false), (pod, pod_pointer, true)].into_iter().find_map(|(sc, base, from_pod)| {
            lookup(sc, path).map(|v| (v.clone(), path.iter().fold(base.to_owned(), |p, k| child(&p, k)), from_pod))
        })
    };
    let own_only = |path: &[&str]| -> Option<(Value, String, bool)> {
        lookup(own, path).map(|v| (v.clone(), path.iter().fold(sc_pointer.clone(), |p, k| child(&p, k)), false))
    };
    let boolean = |f: Option<(Value, String, bool)>| {
        f.and_then(|(v, pointer, from_pod)| as_bool(&v).map(|value| Setting { value, pointer, from_pod }))
    };
    let int = |f: Option<(Value, String, bool)>| {
        f.and_then(|(v, pointer, from_pod)| v.as_i64().map(|value| Setting { value, pointer, from_pod }))
    };
    let text = |f: Option<(Value, String, bool)>| {
        f.and_then(|(v, pointer, from_pod)| v.as_str().map(|s| Setting { value: s.to_owned(), pointer, from_pod }))
    };
    let list = |f: Option<(Value, String, bool)>| {
        f.and_then(|(v, pointer, from_pod)| {
            v.as_array().map(|a| Setting {
                value: a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                pointer,
                from_pod,
            })
        })
    };
    // The kubelet's order: the container's own field, then its legacy annotation (still
    // honoured before 1.30), then the pod-level field.
    let annotation = || {
        let key = format!("container.apparmor.security.beta.kubernetes.io/{name}");
        let annotations =
            if object.kind == "Pod" { "/metadata/annotations".to_owned() } else { object_pod_annotations(object) };
        object.value.at(&annotations).and_then(|a| a.get(&key)).and_then(Value::as_str).map(|v| Setting {
            value: match v {
                "runtime/default" => "RuntimeDefault".to_owned(),
                "unconfined" => "Unconfined".to_owned(),
                other => other.strip_prefix("localhost/").map_or_else(|| other.to_owned(), |_| "Localhost".to_owned()),
            },
            pointer: child(&annotations, &key),
            from_pod: true,
        })
    };
    let apparmor = text(own_only(&["appArmorProfile", "type"])).or_else(annotation).or_else(|| {
        text(
            lookup(pod, &["appArmorProfile", "type"])
                .map(|v| (v.clone(), child(&child(pod_pointer, "appArmorProfile"), "type"), true)),
        )
    });
    Security {
        run_as_non_root: boolean(inherited(&["runAsNonRoot"])),
        run_as_user: int(inherited(&["runAsUser"])),
        run_as_group: int(inherited(&["runAsGroup"])),
        seccomp: text(inherited(&["seccompProfile", "type"])),
        apparmor,
        selinux: inherited(&["seLinuxOptions"]).map(|(value, pointer, from_pod)| Setting { value, pointer, from_pod }),
        host_process: boolean(inherited(&["windowsOptions", "hostProcess"])),
        privileged: boolean(own_only(&["privileged"])),
        allow_privilege_escalation: boolean(own_only(&["allowPrivilegeEscalation"])),
        read_only_root_filesystem: boolean(own_only(&["readOnlyRootFilesystem"])),
        proc_mount: text(own_only(&["procMount"])),
        capabilities_add: list(own_only(&["capabilities", "add"])),
        capabilities_drop: list(own_only(&["capabilities", "drop"])),
    }
}

/// The non-null value at `path` inside a securityContext.
fn lookup<'a>(sc: Option<&'a Map>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut v = sc?.get(first)?;
    for key in rest {
        v = v.get(key)?;
    }
    (!v.is_null()).then_some(v)
}

fn object_pod_annotations(object: &Object) -> String {
    let pod = pod_spec_pointer(&object.kind).unwrap_or("/spec");
    pod.trim_end_matches("/spec").to_owned() + "/metadata/annotations"
}

/// A boolean as Kubernetes reads it: YAML 1.1's `yes`/`no`/`on`/`off` included (the loader
/// has already warned about those).
pub fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => Some(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn load(text: &str) -> (Vec<Object>, Vec<Workload>, Vec<Diagnostic>) {
        let file: Arc<str> = Arc::from("w.yaml");
        let mut objects = Vec::new();
        let mut diags = Vec::new();
        for d in parse(text, Limits::default()).docs {
            super::objects(&file, d.index, d.value, Arc::new(d.spans), None, &mut objects, &mut diags);
        }
        let workloads = objects.iter().enumerate().filter_map(|(i, o)| workload(i, o, &mut diags)).collect();
        (objects, workloads, diags)
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/sidecar: runtime/default
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile:
          type: RuntimeDefault
        privileged: true
      initContainers:
      - name: init
        image: busybox
      containers:
      - name: app
        image: web:1
        securityContext:
          runAsUser: 0
          allowPrivilegeEscalation: false
          capabilities:
            drop: [ALL]
      - name: sidecar
        image: proxy:2
";

    #[test]
    fn pod_level_settings_are_inherited_and_container_level_wins() {
        let (objects, workloads, _) = load(DEPLOYMENT);
        assert_eq!(objects[0].display(), "Deployment shop/web");
        let w = &workloads[0];
        let names: Vec<&str> = w.containers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["init", "app", "sidecar"]);
        let app = &w.containers[1].security;
        assert_eq!(app.run_as_user.as_ref().map(|s| (s.value, s.from_pod)), Some((0, false)));
        assert_eq!(app.run_as_non_root.as_ref().map(|s| (s.value, s.from_pod)), Some((true, true)));
        assert_eq!(
            app.seccomp.as_ref().map(|s| s.pointer.as_str()),
            Some("/spec/template/spec/securityContext/seccompProfile/type")
        );
        assert_eq!(app.capabilities_drop.as_ref().map(|s| s.value.clone()), Some(vec!["ALL".to_owned()]));
        let init = &w.containers[0].security;
        assert_eq!(init.run_as_user.as_ref().map(|s| s.value), Some(1000));
        // Kubernetes ignores `privileged` at pod level: no container inherits it.
        assert!(w.containers.iter().all(|c| c.security.privileged.is_none()));
        assert_eq!(w.containers[2].security.apparmor.as_ref().map(|s| s.value.as_str()), Some("RuntimeDefault"));
        assert!(w.containers[1].security.apparmor.is_none());
    }

    #[test]
    fn apparmor_follows_the_kubelet_order() {
        let text = "apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/b: runtime/default
spec:
  securityContext:
    appArmorProfile: {type: Unconfined}
  containers:
  - {name: a, image: x, securityContext: {appArmorProfile: {type: Localhost}}}
  - {name: b, image: x}
  - {name: c, image: x}
";
        let (_, workloads, _) = load(text);
        let got: Vec<Option<String>> =
            workloads[0].containers.iter().map(|c| c.security.apparmor.as_ref().map(|s| s.value.clone())).collect();
        assert_eq!(got, [Some("Localhost".into()), Some("RuntimeDefault".into()), Some("Unconfined".into())]);
    }

    #[test]
    fn container_only_fields_at_pod_level_are_reported_where_written() {
        let (_, _, diags) = load(DEPLOYMENT);
        let d: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == Code::IgnoredField).collect();
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].pos.line, d[0].pos.col), (17, 9));
        assert!(d[0].message.contains("`privileged`"));
    }

    #[test]
    fn locations_point_at_the_key() {
        let (objects, workloads, _) = load(DEPLOYMENT);
        let c = &workloads[0].containers[1];
        let at = objects[0]
            .locate(&c.security.allow_privilege_escalation.as_ref().map(|s| s.pointer.clone()).unwrap_or_default());
        assert_eq!((at.line, at.col), (26, 11));
    }

    #[test]
    fn lists_cronjobs_and_pods() {
        let text = "apiVersion: v1
kind: List
items:
- apiVersion: batch/v1
  kind: CronJob
  metadata: {name: nightly}
  spec:
    jobTemplate:
      spec:
        template:
          spec:
            containers: [{name: job, image: 'tool:1', securityContext: {privileged: yes}}]
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    containers: [{name: c, image: x}]
";
        let (objects, workloads, _) = load(text);
        assert_eq!(objects.iter().map(|o| o.kind.as_str()).collect::<Vec<_>>(), ["CronJob", "Pod"]);
        assert_eq!(objects[0].base, "/items/0");
        assert_eq!(workloads.len(), 2);
        assert_eq!(workloads[0].containers[0].security.privileged.as_ref().map(|s| s.value), Some(true));
        assert_eq!(objects[0].locate("/spec").line, 7);
        assert_eq!(workloads[1].pod_metadata, "/metadata");
    }
}
