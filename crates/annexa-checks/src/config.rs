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
    /// Whether a full image name (`docker.io/library/nginx`, `ghcr.io/acme/web`) starts with an
    /// allowed registry or registry path, whole path components only.
    pub fn allows(&self, name: &str) -> bool {
        self.allowed_registries.iter().map(|a| a.trim().trim_end_matches('/')).filter(|a| !a.is_empty()).any(|a| {
            name.get(..a.len()).is_some_and(|head| head.eq_ignore_ascii_case(a))
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
    }
}
