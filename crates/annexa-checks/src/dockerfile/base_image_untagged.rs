//! Base images named without a tag or digest.

use super::common::report_base_images;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// Every `FROM` whose image has neither a tag nor a digest (`FROM node`). `scratch` and
    /// `FROM` lines that name an earlier stage are skipped. An image given by an `ARG`
    /// (`FROM ${BASE}`) is judged only when the `ARG`'s default resolves it, and is then
    /// reported at that `ARG`; a reference whose value only the build command supplies is not
    /// judged.
    ///
    /// ## Why it matters
    /// An image without a tag is pulled as `latest`, silently: whatever the publisher last
    /// pushed becomes the base of the next build. The build cannot be reproduced, and a new
    /// major version with different libraries or a different user can arrive unannounced.
    ///
    /// ## Remediation
    /// Write the tag you tested, for example `FROM python:3.12-slim-bookworm`, and pin it by
    /// digest as well when you can (`FROM python:3.12-slim-bookworm@sha256:...`). For
    /// `ARG`-driven images, give the `ARG` a default that carries a tag.
    ///
    /// ## References
    /// Dockerfile reference, `FROM` instruction (the tag defaults to `latest`).
    /// NIST SP 800-204D section 5.1.4 (know and evaluate the components a build pulls in).
    pub struct BaseImageUntagged;
    id: "DKR-0003",
    slug: "base-image-untagged",
    title: "Base image has no tag",
    severity: Medium,
    target: Target::Dockerfile,
    controls: [A8_9, A8_32, A5_21],
    strategies: [D204_5_1_4],
    aliases: ["DL3006", "CKV_DOCKER_7"],
}

impl Check for BaseImageUntagged {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        report_base_images(
            &Self::META,
            d,
            out,
            |r| !r.is_scratch() && r.tag.is_none() && r.digest.is_none(),
            |stage, image| format!("{stage} builds on {image} without a tag, which pulls `latest`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::lines;

    #[test]
    fn untagged_images_but_not_scratch_or_stages() {
        let text = "ARG BASE=debian\nARG TAGGED=debian:12\nFROM ${BASE} AS a\nFROM ${TAGGED} AS b\nFROM scratch\n\
                    FROM a\nFROM registry.local:5000/team/app\nFROM app@sha256:0000\nFROM ${UNSET}\n";
        assert_eq!(lines(&BaseImageUntagged, text), [1, 7]);
    }
}
