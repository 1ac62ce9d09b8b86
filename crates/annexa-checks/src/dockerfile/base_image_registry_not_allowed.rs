//! Base images from registries `annexa.toml` does not allow.

use super::common::report_base_images;
use crate::config::full_image_name;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Settings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// `FROM` images, `ARG` defaults substituted, that come from no registry listed in
    /// `allowed_registries` under `[scan]` in `annexa.toml`, matched as K8S-0046 matches
    /// container images: whole path components of the full name, `node:22` being
    /// `docker.io/library/node`. Stages built on an earlier stage, `scratch`, and references
    /// left to a build argument with no default are skipped. Without the setting the check
    /// does not run, so its controls get no evidence from it.
    ///
    /// ## Why it matters
    /// A base image is code that ships inside every image built on it. Taken from outside the
    /// approved registries it has not been scanned or approved, and it can change or be
    /// replaced by whoever controls its source, reaching production through every rebuild.
    ///
    /// ## Remediation
    /// Build on the organisation's mirror of the image (`registry.example.com/mirror/node:22`)
    /// or on an approved base image, or add the registry to `allowed_registries` in a reviewed
    /// change.
    ///
    /// ## References
    /// Docker documentation, *Dockerfile reference* (`FROM`). NIST SP 800-190 section 4.1.5
    /// (use of untrusted images).
    pub struct BaseImageRegistryNotAllowed;
    id: "DKR-0013",
    slug: "base-image-registry-not-allowed",
    title: "Base image comes from a registry that is not allowed",
    severity: Medium,
    target: Target::Dockerfile,
    controls: [A5_21, A5_19, A8_19],
    strategies: [],
    aliases: ["DL3026"],
}

impl Check for BaseImageRegistryNotAllowed {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn configured(&self, settings: &Settings) -> bool {
        !settings.allowed_registries.is_empty()
    }

    fn dockerfile(&self, cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        let settings = cx.settings;
        if settings.allowed_registries.is_empty() {
            return;
        }
        report_base_images(
            &Self::META,
            d,
            out,
            |r| !r.is_scratch() && !settings.allows(&full_image_name(r.name)),
            |stage, image| {
                format!(
                    "{stage} builds on {image}, from a registry that `allowed_registries` in annexa.toml does not list"
                )
            },
        );
    }
}
