//! Pipelines that push images without signing them.

use super::model::{pushes_image, report_missing, signs};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;

check! {
    /// ## What it checks
    /// GitHub Actions workflows and GitLab CI pipelines that push a container image to a
    /// registry (`docker push`, `docker buildx build --push`, `docker/build-push-action` with
    /// `push` not `false`, `buildah push`, kaniko, `ko`, `jib:build`, `crane`/`skopeo` copies...)
    /// while no step signs it. Signing evidence: `cosign sign` or `cosign attest`,
    /// `notation sign` or `notaryproject/notation-action/sign`, `docker trust sign`, and signed
    /// provenance from `actions/attest-build-provenance` or the SLSA GitHub generator.
    /// Installing cosign (`sigstore/cosign-installer`) alone is not signing. The finding is
    /// reported once per file, at the first job that pushes.
    ///
    /// ## Why it matters
    /// Without a signature a cluster cannot tell the image the pipeline built from one pushed
    /// with a stolen registry token. Signatures (and signed provenance) let admission policies
    /// accept only images that came out of the organisation's own pipeline.
    ///
    /// ## Remediation
    /// Sign the pushed digest, for example with keyless `cosign sign --yes $IMAGE@$DIGEST`
    /// (needs `id-token: write` on GitHub), and verify signatures at admission with Kyverno,
    /// Gatekeeper with Ratify, or the Sigstore policy controller.
    ///
    /// ## References
    /// NIST SP 800-204D section 5.1.1 (signed attestations). SLSA v1.0 build track.
    /// Sigstore cosign documentation.
    pub struct ImageSigningMissing;
    id: "CI-0005",
    slug: "image-signing-missing",
    title: "Pipeline pushes an image without signing it",
    severity: Medium,
    target: Target::Pipeline,
    controls: [A5_21, A8_24, A8_32],
    strategies: [D204_5_1_1],
    aliases: ["CKV_GHA_5"],
}

impl Check for ImageSigningMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        report_missing(doc, &Self::META, pushes_image, signs, "signs the image", out);
    }
}
