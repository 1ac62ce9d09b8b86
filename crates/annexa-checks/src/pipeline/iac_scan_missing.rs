//! Pipelines that build software without checking its infrastructure as code.

use super::model::{Scan, delivers, report_missing, scans};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;

check! {
    /// ## What it checks
    /// GitHub Actions workflows and GitLab CI pipelines that build, package or publish software
    /// while no step checks infrastructure as code (Kubernetes manifests, Dockerfiles,
    /// Terraform, Helm) for misconfiguration. Recognised tools: `checkov`, `kics`, `tfsec`,
    /// `trivy config` (or `trivy-action` with `scan-type: config`, or `--scanners misconfig`),
    /// `kubescape`, `kube-linter`, `conftest`, `terrascan`, `kube-score`, `polaris audit`,
    /// `annexa scan`, their GitHub actions, and GitLab's SAST-IaC template. The finding is
    /// reported once per file, at the first job that builds.
    ///
    /// ## Why it matters
    /// The manifests that deploy a service decide its privileges, network exposure and
    /// resource limits. Checking them only after deployment leaves a window in which a
    /// privileged container or an open port is live; checking them in the pipeline keeps the
    /// configuration baseline enforced on every change.
    ///
    /// ## Remediation
    /// Add a step that scans the repository's manifests and fails on high-severity findings,
    /// for example `annexa scan k8s/ --fail-on high`, `checkov -d .` or `trivy config .`.
    ///
    /// ## References
    /// NIST SP 800-204C, infrastructure as code and policy as code in the DevSecOps pipeline.
    /// CIS Kubernetes Benchmark (the settings such tools check).
    pub struct IacScanMissing;
    id: "CI-0004",
    slug: "iac-scan-missing",
    title: "Pipeline builds without an IaC scan",
    severity: Low,
    target: Target::Pipeline,
    controls: [A8_9, A8_25, A8_29],
    strategies: [],
    aliases: [],
}

impl Check for IacScanMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        report_missing(
            doc,
            &Self::META,
            delivers,
            |s| scans(s, Scan::Iac),
            "runs an infrastructure-as-code scanner",
            out,
        );
    }
}
