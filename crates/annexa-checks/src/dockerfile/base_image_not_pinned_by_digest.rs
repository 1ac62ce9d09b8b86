//! Base images referenced by a tag rather than a digest.

use super::common::report_base_images;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// Every `FROM` whose image is not pinned by a content digest (`@sha256:...`), whatever
    /// its tag. `scratch` and `FROM` lines that name an earlier stage are skipped. An image
    /// given by an `ARG` (`FROM ${BASE}`) is judged on the `ARG`'s default and reported at that
    /// `ARG`; a reference whose value only the build command supplies is not judged.
    ///
    /// ## Why it matters
    /// Tags, even precise ones such as `3.20.1`, can be pushed again: by the publisher when they
    /// rebuild, or by anyone who gains write access to the repository. Only a digest names
    /// exactly the bytes that were reviewed and scanned, so only a digest lets you prove what an
    /// image was built from and notice when it changes.
    ///
    /// ## Remediation
    /// Append the digest of the image you tested: `FROM alpine:3.20@sha256:...` (find it with
    /// `docker buildx imagetools inspect alpine:3.20`). Keep the tag for readers; let a bot such
    /// as Renovate or Dependabot propose digest updates as reviewed changes.
    ///
    /// ## References
    /// Docker documentation, pulling an image by digest.
    /// NIST SP 800-204D section 5.1.4 (know and evaluate the components a build pulls in).
    /// SLSA build provenance: resolved dependencies identified by digest.
    pub struct BaseImageNotPinnedByDigest;
    id: "DKR-0004",
    slug: "base-image-not-pinned-by-digest",
    title: "Base image is not pinned by digest",
    severity: Low,
    target: Target::Dockerfile,
    controls: [A5_21, A8_32, A8_9],
    strategies: [D204_5_1_4],
    aliases: [],
}

impl Check for BaseImageNotPinnedByDigest {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        report_base_images(
            &Self::META,
            d,
            out,
            |r| !r.is_scratch() && r.digest.is_none(),
            |stage, image| format!("{stage} builds on {image}, which is not pinned by digest"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::lines;

    #[test]
    fn only_digests_pin() {
        let text = "ARG BASE=alpine:3.20\nFROM ${BASE} AS a\nFROM a\nFROM scratch\nFROM alpine:3.20@sha256:0000\n\
                    FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n";
        assert_eq!(lines(&BaseImageNotPinnedByDigest, text), [1, 6]);
    }
}
