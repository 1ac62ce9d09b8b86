//! Pipelines that ship images or releases without a software bill of materials.

use super::model::{makes_sbom, pushes_image, releases, report_missing};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;

check! {
    /// ## What it checks
    /// GitHub Actions workflows and GitLab CI pipelines that push a container image or publish
    /// a release (`goreleaser`, `gh release create`, `npm publish`, `cargo publish`,
    /// `twine upload`, release actions...) while no step produces an SBOM. SBOM evidence:
    /// `syft` or `anchore/sbom-action`, Trivy with `--format cyclonedx|spdx|spdx-json` (or
    /// `trivy-action` with that `format`), any `cyclonedx-*` generator, `cdxgen`,
    /// `docker buildx build --sbom`, `sbom: true` on `docker/build-push-action`,
    /// `actions/attest-sbom`, `docker sbom` and `sbom-tool`. The finding is reported once per
    /// file, at the first job that ships.
    ///
    /// ## Why it matters
    /// An SBOM is the inventory of what a release contains. Without one, answering "are we
    /// affected?" when the next widely used library is found vulnerable means rebuilding or
    /// unpacking every artefact by hand, and customers asking for supply-chain evidence get
    /// nothing.
    ///
    /// ## Remediation
    /// Generate an SBOM for each shipped artefact in the same pipeline, for example
    /// `syft $IMAGE -o cyclonedx-json=sbom.cdx.json`, keep it with the release, and ideally
    /// attach it as a signed attestation (`cosign attest --type cyclonedx`).
    ///
    /// ## References
    /// NIST SP 800-204D section 5.1.4. NTIA, The Minimum Elements for an SBOM (2021).
    /// CycloneDX and SPDX specifications.
    pub struct SbomMissing;
    id: "CI-0006",
    slug: "sbom-missing",
    title: "Pipeline ships without generating an SBOM",
    severity: Low,
    target: Target::Pipeline,
    controls: [A5_9, A5_21, A8_8],
    strategies: [D204_5_1_4],
    aliases: ["CKV_GHA_6"],
}

impl Check for SbomMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        report_missing(
            doc,
            &Self::META,
            |s| pushes_image(s).or_else(|| releases(s)),
            makes_sbom,
            "generates an SBOM",
            out,
        );
    }
}
