//! Container image references taken apart: registry, repository, tag, digest.

/// An image reference as Kubernetes and Docker read it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImageRef {
    /// The registry host (`docker.io` when none is written).
    pub registry: String,
    /// The repository path (`library/redis` for `redis`).
    pub repository: String,
    /// The tag, when written.
    pub tag: Option<String>,
    /// The digest, when written (`sha256:...`).
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses `registry/repo:tag@digest`; a first path part with `.` or `:` or `localhost` is a registry.
    pub fn parse(reference: &str) -> ImageRef {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_owned())),
            None => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].find(':') {
            Some(i) => (&rest[..last_slash + i], Some(rest[last_slash + i + 1..].to_owned())),
            None => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, path)) if first.contains(['.', ':']) || first == "localhost" => {
                (first.to_owned(), path.to_owned())
            }
            Some(_) => ("docker.io".to_owned(), name.to_owned()),
            None => ("docker.io".to_owned(), format!("library/{name}")),
        };
        ImageRef { registry, repository, tag, digest }
    }

    /// Pinned means addressed by digest: the bytes cannot change under the same reference.
    pub fn pinned(&self) -> bool {
        self.digest.as_deref().is_some_and(|d| d.starts_with("sha256:") && d.len() == 71)
    }

    /// The last path segment of the repository, lowercased: `postgresql` for `bitnami/postgresql`.
    pub fn short_name(&self) -> String {
        self.repository.rsplit('/').next().unwrap_or(&self.repository).to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_people_write() {
        let r = ImageRef::parse("redis:alpine");
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("docker.io", "library/redis", Some("alpine"))
        );
        let r = ImageRef::parse(
            "ghcr.io/acme/frontend:1.4.2@sha256:0123456789012345678901234567890123456789012345678901234567890123",
        );
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("ghcr.io", "acme/frontend", Some("1.4.2"))
        );
        assert!(r.pinned());
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!((r.registry.as_str(), r.repository.as_str(), r.tag), ("localhost:5000", "app", None));
        let r = ImageRef::parse("weaveworksdemos/carts:0.4.8");
        assert_eq!((r.registry.as_str(), r.short_name()), ("docker.io", "carts".to_owned()));
        assert!(!r.pinned());
    }
}
