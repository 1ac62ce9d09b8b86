//! Pipelines that build software without scanning its dependencies.

use super::model::{Scan, delivers, report_missing, scans};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;

check! {
    /// ## What it checks
    /// GitHub Actions workflows and GitLab CI pipelines that build, package or publish software
    /// (an image build or push such as `docker build` or `docker/build-push-action`, or a source
    /// build or install such as `npm ci`, `go build`, `cargo build`, `mvn`, `gradle`,
    /// `pip install`) while no step anywhere in the file runs a dependency vulnerability
    /// scanner. Recognised scanners: `trivy fs`/`trivy repo` (or `trivy-action` with
    /// `scan-type: fs`), `grype`, `osv-scanner`, `snyk test` and Snyk's language actions,
    /// `npm`/`yarn`/`pnpm audit`, `pip-audit`, `cargo audit`, `cargo deny`, `govulncheck`,
    /// `bundle audit`, `safety`, `composer audit`, OWASP Dependency-Check,
    /// `actions/dependency-review-action` and GitLab's Dependency-Scanning template. The finding
    /// is reported once per file, at the first job that builds.
    ///
    /// ## Why it matters
    /// Most of the code that ships is third-party. Without a scan at build time a library with
    /// a published, exploitable vulnerability reaches production unnoticed, and nobody can show
    /// that dependencies were evaluated before release.
    ///
    /// ## Remediation
    /// Add a job or step that scans the lock files and fails on findings above an agreed
    /// severity, for example `trivy fs --scanners vuln --exit-code 1 .`, `osv-scanner -r .` or
    /// `actions/dependency-review-action` on pull requests. Keep the results as build evidence.
    ///
    /// ## References
    /// NIST SP 800-204D section 5.1.4 (enumerate and evaluate open-source dependencies).
    /// OWASP Top 10 A06:2021, vulnerable and outdated components.
    pub struct DependencyScanMissing;
    id: "CI-0001",
    slug: "dependency-scan-missing",
    title: "Pipeline builds without a dependency scan",
    severity: Medium,
    target: Target::Pipeline,
    controls: [A8_8, A8_25, A5_21],
    strategies: [D204_5_1_4],
    aliases: [],
}

impl Check for DependencyScanMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        report_missing(doc, &Self::META, delivers, |s| scans(s, Scan::Dependencies), "runs a dependency scanner", out);
    }
}
