//! Container images from registries `annexa.toml` does not allow.

use super::support::{ImageRef, describe};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Settings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers, init containers and ephemeral containers whose image does not come from a
    /// registry listed in `allowed_registries` under `[scan]` in `annexa.toml`. An entry is a
    /// registry (`registry.example.com`) or a registry path (`ghcr.io/acme`), matched on whole
    /// path components against the full name the runtime pulls: an image with no registry is
    /// Docker Hub's, `nginx` being `docker.io/library/nginx`. Without the setting the check
    /// does not run, so its controls get no evidence from it (K8S-0037 still reports images
    /// that name no registry). Images holding an
    /// unrendered template placeholder are skipped.
    ///
    /// ## Why it matters
    /// The approved registries are where images are scanned, signed and kept, and where the
    /// organisation decides what may run. An image pulled from anywhere else has passed none
    /// of that: a public image can be replaced by its publisher or by whoever takes over the
    /// account, and a look-alike name on another registry can be pulled in its place.
    ///
    /// ## Remediation
    /// Mirror or rebuild the image into an approved registry and reference it there, or, when
    /// the source is trustworthy and meant to be used, add it to `allowed_registries` in a
    /// reviewed change. Admission control (Kyverno, Gatekeeper, `annexa` at deploy time)
    /// enforces the same list in the cluster.
    ///
    /// ## References
    /// Kubernetes documentation: Images (image names). NIST SP 800-190 section 4.1.5 (use of
    /// untrusted images). CIS Kubernetes Benchmark 5.5.1 (image provenance).
    pub struct ImageRegistryNotAllowed;
    id: "K8S-0046",
    slug: "image-registry-not-allowed",
    title: "Container image comes from a registry that is not allowed",
    severity: Medium,
    target: Target::Workload,
    controls: [A5_21, A5_19, A8_19],
    strategies: [],
    aliases: ["C-0078", "KSV-0125", "KSV125", "K8sAllowedRepos", "restrict-image-registries"],
}

impl Check for ImageRegistryNotAllowed {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn configured(&self, settings: &Settings) -> bool {
        !settings.allowed_registries.is_empty()
    }

    fn workload(&self, cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if cx.settings.allowed_registries.is_empty() {
            return;
        }
        for c in &w.containers {
            let Some(image) = c.image.as_deref() else { continue };
            let Some(r) = ImageRef::parse(image) else { continue };
            let name = r.full_name();
            if cx.settings.allows(&name) {
                continue;
            }
            out.object(
                &Self::META,
                o,
                &format!("{}/image", c.pointer),
                format!(
                    "{} uses image `{image}` from `{name}`, which no entry of `allowed_registries` in annexa.toml allows",
                    describe(c)
                ),
            )
            .container(&c.name);
        }
    }
}
