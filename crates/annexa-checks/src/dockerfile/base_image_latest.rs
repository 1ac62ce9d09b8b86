//! Base images taken from the moving `latest` tag.

use super::common::report_base_images;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// Every `FROM` whose image carries the tag `latest` without a digest. `FROM` lines that
    /// name an earlier stage are skipped. An image given by an `ARG` (`FROM ${BASE}`) is judged
    /// on the `ARG`'s default and reported at that `ARG`, where the value is written; a
    /// reference whose value only the build command supplies is not judged. An image pinned
    /// by digest (`node:latest@sha256:...`) does not fire: the digest decides what is pulled.
    ///
    /// ## Why it matters
    /// `latest` is a label the publisher moves whenever they like. Two builds of the same
    /// commit can start from different operating systems, libraries and vulnerabilities, so a
    /// build cannot be reproduced, a regression cannot be traced to a change, and an image that
    /// passed review is not the one that ships.
    ///
    /// ## Remediation
    /// Name the release you tested, for example `FROM node:20.14-bookworm-slim`, and move to a
    /// newer one through a reviewed change (a bot such as Renovate or Dependabot can propose
    /// it). Better still, add the digest: `FROM node:20.14-bookworm-slim@sha256:...`.
    ///
    /// ## References
    /// Dockerfile reference, `FROM` instruction.
    /// Docker documentation, image tags and digests.
    /// NIST SP 800-204D section 5.1.4 (know and evaluate the components a build pulls in).
    pub struct BaseImageLatest;
    id: "DKR-0002",
    slug: "base-image-latest",
    title: "Base image uses the latest tag",
    severity: Medium,
    target: Target::Dockerfile,
    controls: [A8_9, A8_32, A5_21],
    strategies: [D204_5_1_4],
    aliases: ["DL3007", "DS-0001", "CKV_DOCKER_7"],
}

impl Check for BaseImageLatest {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        report_base_images(
            &Self::META,
            d,
            out,
            |r| r.digest.is_none() && r.tag == Some("latest"),
            |stage, image| format!("{stage} builds on {image}, a tag that moves"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::lines;

    #[test]
    fn literal_and_arg_images() {
        let text = "ARG BASE=node:latest\nFROM ${BASE} AS build\nFROM build AS test\nFROM nginx:latest\n\
                    FROM nginx:latest@sha256:0000\nFROM latest\nFROM ${OTHER}\n";
        assert_eq!(lines(&BaseImageLatest, text), [1, 4]);
    }
}
