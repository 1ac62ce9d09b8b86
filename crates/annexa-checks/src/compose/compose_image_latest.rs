//! Compose services pulling a moving image tag.

use super::common::services;
use crate::context::Cx;
use crate::dockerfile::common::image_ref;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;

check! {
    /// ## What it checks
    /// Services of a docker-compose file whose `image:` has the tag `latest` or no tag at all
    /// (which compose pulls as `latest`), unless it is pinned by digest. Services with a
    /// `build:` are skipped: their `image:` names what compose builds, not what it pulls.
    /// `${VAR:-default}` is judged on its default; an image named by a variable without a
    /// default is not judged.
    ///
    /// ## Why it matters
    /// `latest` moves whenever the publisher pushes. Every `docker compose pull` can bring a
    /// different version, so two hosts or two days run different software, a breaking or
    /// vulnerable release arrives without review, and nobody can say afterwards which version
    /// was running during an incident.
    ///
    /// ## Remediation
    /// Name the tested release, for example `image: postgres:16.3-bookworm`, ideally with its
    /// digest (`postgres:16.3-bookworm@sha256:...`), and update it through reviewed changes
    /// (Renovate and Dependabot both read compose files).
    ///
    /// ## References
    /// Compose specification, service `image`.
    /// Docker documentation, image tags and digests.
    /// NIST SP 800-204D section 5.1.4 (know and evaluate the components a deployment pulls in).
    pub struct ComposeImageLatest;
    id: "CMP-0007",
    slug: "compose-image-latest",
    title: "Compose service uses a latest or untagged image",
    severity: Medium,
    target: Target::Compose,
    controls: [A8_9, A8_32, A5_21],
    strategies: [D204_5_1_4],
    aliases: [],
}

impl Check for ComposeImageLatest {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        for s in services(doc) {
            if s.spec.contains_key("build") {
                continue;
            }
            let Some(image) = s.text("image").filter(|i| !i.is_empty()) else { continue };
            let r = image_ref(&image);
            if r.digest.is_some() {
                continue;
            }
            let message = match r.tag {
                None => format!("service `{}` pulls `{image}` without a tag, which means `latest`", s.name),
                Some("latest") => format!("service `{}` pulls `{image}`, a tag that moves", s.name),
                Some(_) => continue,
            };
            out.at(&Self::META, s.locate(&["image"]), Some(s.resource()), message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::common::tests_support::lines;

    #[test]
    fn latest_untagged_and_exceptions() {
        let text = [
            "services:",
            "  a:",
            "    image: redis",
            "  b:",
            "    image: redis:latest",
            "  c:",
            "    image: redis:7.2",
            "  d:",
            "    image: redis@sha256:0000",
            "  e:",
            "    image: registry.local:5000/app",
            "  f:",
            "    build: .",
            "    image: app",
            "  g:",
            "    image: redis:${TAG:-latest}",
            "  h:",
            "    image: redis:${TAG}",
        ]
        .join("\n");
        assert_eq!(lines(&ComposeImageLatest, &text), [3, 5, 11, 16]);
    }
}
