//! Pipelines that build container images without scanning them.

use super::model::{Scan, builds_image, pushes_image, report_missing, scans};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;

check! {
    /// ## What it checks
    /// GitHub Actions workflows and GitLab CI pipelines that build or push a container image
    /// (`docker build`/`push`, `docker buildx`, `docker/build-push-action`, `buildah`, `podman`,
    /// kaniko, `ko`, `jib`...) while no step runs an image vulnerability scanner:
    /// `trivy image` or `aquasecurity/trivy-action` (image scan), `grype`,
    /// `anchore/scan-action`, `docker scout` or `docker/scout-action`, `snyk container` or
    /// `snyk/actions/docker`, Clair, or GitLab's Container-Scanning template. Pipelines that only
    /// build source code are left to the dependency scan check. The finding is reported once
    /// per file, at the first job that builds or pushes an image.
    ///
    /// ## Why it matters
    /// An image carries a whole operating system userland besides the application. Base image
    /// packages with known vulnerabilities are the most common weakness in running containers,
    /// and the pipeline is the last point where a vulnerable image can be stopped cheaply.
    ///
    /// ## Remediation
    /// Scan the built image before (or right after) pushing it and fail on critical and high
    /// findings, for example `trivy image --exit-code 1 --severity CRITICAL,HIGH $IMAGE` or the
    /// pinned `aquasecurity/trivy-action`. Keep the report with the build.
    ///
    /// ## References
    /// NIST SP 800-204C section 4.8.1 (image scanning in the pipeline).
    /// NIST SP 800-190, section 4.1 (image vulnerabilities).
    pub struct ImageScanMissing;
    id: "CI-0002",
    slug: "image-scan-missing",
    title: "Pipeline builds an image without scanning it",
    severity: Medium,
    target: Target::Pipeline,
    controls: [A8_8, A8_25, A5_21],
    strategies: [C204_4_8_1],
    aliases: [],
}

impl Check for ImageScanMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        report_missing(
            doc,
            &Self::META,
            |s| builds_image(s).or_else(|| pushes_image(s)),
            |s| scans(s, Scan::Image),
            "runs an image vulnerability scanner",
            out,
        );
    }
}
