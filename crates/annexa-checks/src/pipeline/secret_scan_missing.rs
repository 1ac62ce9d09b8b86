//! Pipelines that build software without scanning the repository for secrets.

use super::model::{Scan, delivers, report_missing, scans};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;

check! {
    /// ## What it checks
    /// GitHub Actions workflows and GitLab CI pipelines that build, package or publish software
    /// while no step looks for committed credentials. Recognised secret scanners: `gitleaks`
    /// (and its action), `trufflehog`, `detect-secrets`, `ggshield`, Trivy when it runs its
    /// secret scanner on the repository (`trivy fs`/`trivy repo`, whose default scanners
    /// include secrets, or any `--scanners secret`), and GitLab's Secret-Detection template.
    /// An image scan by `trivy-action` does not count: it looks inside the image, not at the
    /// repository. The finding is reported once per file, at the first job that builds.
    ///
    /// ## Why it matters
    /// Keys and passwords committed by mistake stay in the history for good and are harvested
    /// from public and leaked repositories within minutes. A scan on every change catches them
    /// while rotating them is still cheap.
    ///
    /// ## Remediation
    /// Add a secret scanning step that fails the pipeline on a finding, for example
    /// `gitleaks detect --redact` or `trufflehog git file://. --fail`. Rotate anything it finds;
    /// removing the line is not enough.
    ///
    /// ## References
    /// OWASP Secrets Management Cheat Sheet (detection in CI).
    /// CIS Software Supply Chain Security Guide, source code: secret scanning.
    pub struct SecretScanMissing;
    id: "CI-0003",
    slug: "secret-scan-missing",
    title: "Pipeline builds without a secret scan",
    severity: Medium,
    target: Target::Pipeline,
    controls: [A5_17, A8_12, A8_25],
    strategies: [],
    aliases: [],
}

impl Check for SecretScanMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        report_missing(doc, &Self::META, delivers, |s| scans(s, Scan::Secrets), "runs a secret scanner", out);
    }
}
