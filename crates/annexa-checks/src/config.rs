//! What the checks take from `annexa.toml` (`[scan]`), and the findings about that
//! configuration itself: exemptions that have run out.

use crate::{AnnexA, CheckMeta, Severity, Target};

/// The `[scan]` section of `annexa.toml`: what some checks need to know about the
/// organisation. Everything is optional; a check that needs a setting left empty stays silent.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The registries, or registry paths, images may come from (`registry.example.com`,
    /// `ghcr.io/acme`); an image whose reference starts with none of them is reported.
    /// Docker Hub is written `docker.io` (official images `docker.io/library`).
    #[serde(default)]
    pub allowed_registries: Vec<String>,
}

/// The full repository name of an image name without tag or digest, as the Docker reference
/// grammar normalises it: the first component is a registry when it has a dot, a port or
/// upper case, or is `localhost`; otherwise the image is Docker Hub's (`docker.io`, also
/// written `index.docker.io`), whose one-component names live under `library/`. So `nginx`
/// is `docker.io/library/nginx` and `bitnami/redis` is `docker.io/bitnami/redis`.
pub(crate) fn full_image_name(name: &str) -> String {
    let (registry, path) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':']) || first == "localhost" || first.chars().any(char::is_uppercase) =>
        {
            (first, rest)
        }
        _ => ("docker.io", name),
    };
    let registry = if registry.eq_ignore_ascii_case("index.docker.io") { "docker.io" } else { registry };
    if registry == "docker.io" && !path.contains('/') {
        format!("docker.io/library/{path}")
    } else {
        format!("{registry}/{path}")
    }
}

impl Settings {
    /// Why an entry of `allowed_registries` cannot be matched as written, with its index: an
    /// empty entry, a URL, a tag or a digest (entries name registries and paths, not images).
    pub fn problems(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, entry) in self.allowed_registries.iter().enumerate() {
            let e = entry.trim();
            let last = e.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
            let why = if e.is_empty() {
                "is empty"
            } else if e.contains("://") {
                "is a URL; write the registry host and path alone (`registry.example.com/team`)"
            } else if e.contains(char::is_whitespace) {
                "contains white space"
            } else if e.contains('@') || (e.contains('/') && last.contains(':')) {
                "names an image (a tag or digest); write the registry or registry path it comes from"
            } else {
                continue;
            };
            out.push((i, format!("`allowed_registries` entry `{entry}` {why}")));
        }
        out
    }

    /// Whether a full image name (`docker.io/library/nginx`, `ghcr.io/acme/web`) starts with an
    /// allowed registry or registry path, whole path components only.
    pub fn allows(&self, name: &str) -> bool {
        self.allowed_registries.iter().map(|a| a.trim().trim_end_matches('/')).filter(|a| !a.is_empty()).any(|a| {
            // Docker Hub's older host name is the same registry.
            let a: std::borrow::Cow<'_, str> = match a.get(..16) {
                Some(head) if head.eq_ignore_ascii_case("index.docker.io/") => format!("docker.io/{}", &a[16..]).into(),
                _ if a.eq_ignore_ascii_case("index.docker.io") => "docker.io".into(),
                _ => a.into(),
            };
            name.get(..a.len()).is_some_and(|head| head.eq_ignore_ascii_case(&a))
                && (name.len() == a.len() || name.as_bytes()[a.len()] == b'/')
        })
    }
}

/// An exemption past its expiry date: the risk it accepted is no longer accepted, the
/// findings it covered count again, and someone must decide anew.
pub static EXEMPTION_EXPIRED: CheckMeta = CheckMeta {
    id: "CFG-0001",
    slug: "exemption-expired",
    title: "Exemption past its expiry date",
    severity: Severity::Medium,
    target: Target::Estate,
    controls: &[AnnexA::A5_36, AnnexA::A8_9],
    strategies: &[],
    aliases: &[],
    doc: "## What it checks
An exemption in `annexa.toml` whose `expires` date has passed.

## Why it matters
An exemption records an accepted risk with an owner and a reason for a limited time. Once it
has expired nobody has re-accepted the risk: the findings it covered count again, and an
auditor will ask who reviewed it.

## Remediation
Fix the findings the exemption covered, or review the exemption with its owner and set a new
`expires` date (with the reason updated if it changed).

## References
ISO/IEC 27001:2022 clause 6.1.3 (risk treatment and acceptance of residual risk).
",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_are_normalised_as_runtimes_do() {
        assert_eq!(full_image_name("nginx"), "docker.io/library/nginx");
        assert_eq!(full_image_name("bitnami/redis"), "docker.io/bitnami/redis");
        assert_eq!(full_image_name("index.docker.io/library/nginx"), "docker.io/library/nginx");
        assert_eq!(full_image_name("localhost:5000/app"), "localhost:5000/app");
        assert_eq!(full_image_name("ghcr.io/acme/web"), "ghcr.io/acme/web");
    }

    #[test]
    fn allowed_registries_match_whole_components() {
        let s =
            Settings { allowed_registries: vec!["registry.example.com/".into(), "ghcr.io/Acme".into(), " ".into()] };
        assert!(s.allows("registry.example.com/shop/web"));
        assert!(s.allows("ghcr.io/acme/web"));
        assert!(!s.allows("ghcr.io/acme-labs/web"));
        assert!(!s.allows("registry.example.com.evil.io/web"));
        assert!(!s.allows("docker.io/library/nginx"));
        assert!(!Settings::default().allows("registry.example.com/shop/web"));
        let hub = Settings { allowed_registries: vec!["index.docker.io".into(), "INDEX.DOCKER.IO/acme".into()] };
        assert!(hub.allows("docker.io/library/nginx") && hub.allows("docker.io/acme/web"));
    }

    #[test]
    fn entries_that_cannot_match_are_problems() {
        let s = Settings {
            allowed_registries: vec![
                "registry.example.com".into(),
                "localhost:5000".into(),
                "ghcr.io/acme/".into(),
                " ".into(),
                "https://registry.example.com".into(),
                "ghcr.io/acme/web:1.0".into(),
                "ghcr.io/acme/web@sha256:00".into(),
            ],
        };
        let bad: Vec<usize> = s.problems().into_iter().map(|(i, _)| i).collect();
        assert_eq!(bad, [3, 4, 5, 6]);
    }
}
