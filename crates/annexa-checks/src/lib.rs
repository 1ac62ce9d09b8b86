//! annexa's check catalogue: each technical control of ISO/IEC 27001:2022 Annex A that can be
//! checked as code, one file per check, each tied to the controls and SP 800-204 strategies it
//! gives evidence for.
//!
//! A check is declared with [`check!`]: its doc comment is its user documentation (headings
//! *What it checks*, *Why it matters*, *Remediation*, *References*), its metadata sits beside
//! it, and its logic implements one or more hooks of [`Check`]. Checks are pure and total: the
//! same estate gives the same findings in the same order, and no input makes one panic.
//!
//! A mapping says a check *contributes evidence to* a control, never that the control is met.

mod config;
pub mod context;
mod finding;
mod registry;

pub mod compose;
pub mod dockerfile;
pub mod mesh;
pub mod network;
pub mod openapi;
pub mod pipeline;
pub mod pod;
pub mod rbac;
pub mod secrets;
pub mod workload;

pub use annexa_model::{AnnexA, Severity, Strategy};
pub use config::{EXEMPTION_EXPIRED, Settings};
pub use context::Cx;
pub use finding::{Finding, Findings, Fix, Resource, mask};
pub use registry::{all, find};

use annexa_load::{Dockerfile, Document, Estate, Object, Workload};
use rayon::prelude::*;

/// What a check looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every workload's pod template, with effective security settings.
    Workload,
    /// Kubernetes objects of these kinds.
    Objects(&'static [&'static str]),
    /// The estate as a whole (coverage across objects).
    Estate,
    /// Dockerfiles.
    Dockerfile,
    /// docker-compose files.
    Compose,
    /// GitHub Actions workflows and GitLab CI pipelines.
    Pipeline,
    /// Any file that can hold a credential.
    Secrets,
    /// OpenAPI documents.
    OpenApi,
}

impl Target {
    /// What the target is called in docs and output.
    pub fn describe(self) -> String {
        match self {
            Target::Workload => {
                "workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob)"
                    .to_owned()
            }
            Target::Objects(kinds) => kinds.join(", "),
            Target::Estate => "the estate as a whole".to_owned(),
            Target::Dockerfile => "Dockerfiles".to_owned(),
            Target::Compose => "docker-compose files".to_owned(),
            Target::Pipeline => "GitHub Actions workflows and GitLab CI pipelines".to_owned(),
            Target::Secrets => "manifests, Dockerfiles, compose files and pipelines".to_owned(),
            Target::OpenApi => "OpenAPI documents".to_owned(),
        }
    }
}

/// A check's identity and mappings. Ids are never reused: a retired check keeps its id.
#[derive(Debug)]
pub struct CheckMeta {
    /// `K8S-0001`.
    pub id: &'static str,
    /// Names the bad pattern: `privileged-container`.
    pub slug: &'static str,
    /// A short title for lists.
    pub title: &'static str,
    /// How much a finding matters.
    pub severity: Severity,
    /// What it looks at.
    pub target: Target,
    /// The Annex A controls its results give evidence for.
    pub controls: &'static [AnnexA],
    /// The SP 800-204 strategies it gives evidence for.
    pub strategies: &'static [Strategy],
    /// The peers' ids for the same check (Kubescape, Checkov, Trivy, Kyverno, Gatekeeper, Polaris...).
    pub aliases: &'static [&'static str],
    /// The user documentation (Markdown), from the check's doc comment.
    pub doc: &'static str,
}

impl CheckMeta {
    /// The documentation as Markdown: doc comments keep the space after `///`, dropped here.
    pub fn documentation(&self) -> String {
        let mut text: String =
            self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n");
        text.push('\n');
        text
    }
}

/// A check: metadata plus hooks. Each hook defaults to doing nothing.
pub trait Check: Sync + Send {
    /// The check's metadata.
    fn meta(&self) -> &'static CheckMeta;

    /// Called once per workload.
    fn workload(&self, _cx: &Cx<'_>, _object: &Object, _workload: &Workload, _out: &mut Findings) {}

    /// Called once per Kubernetes object.
    fn object(&self, _cx: &Cx<'_>, _object: &Object, _out: &mut Findings) {}

    /// Called once per Dockerfile.
    fn dockerfile(&self, _cx: &Cx<'_>, _file: &Dockerfile, _out: &mut Findings) {}

    /// Called once per non-Kubernetes document (compose, pipeline, OpenAPI, SBOM...).
    fn document(&self, _cx: &Cx<'_>, _doc: &Document, _out: &mut Findings) {}

    /// Called once per run, for checks across objects.
    fn estate(&self, _cx: &Cx<'_>, _out: &mut Findings) {}

    /// Whether `annexa.toml` gives what the check needs to judge anything. A check that is not
    /// configured is not run: its silence would otherwise read as evidence that its controls
    /// are met.
    fn configured(&self, _settings: &Settings) -> bool {
        true
    }
}

/// Declares a check: its doc comment becomes its user doc and its metadata `META`.
#[macro_export]
macro_rules! check {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident;
        id: $id:literal,
        slug: $slug:literal,
        title: $title:literal,
        severity: $severity:ident,
        target: $target:expr,
        controls: [$($control:ident),* $(,)?],
        strategies: [$($strategy:ident),* $(,)?],
        aliases: [$($alias:literal),* $(,)?] $(,)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $name {
            /// The check's metadata; its `doc` is the doc comment above.
            pub const META: $crate::CheckMeta = $crate::CheckMeta {
                id: $id,
                slug: $slug,
                title: $title,
                severity: $crate::Severity::$severity,
                target: $target,
                controls: &[$($crate::AnnexA::$control),*],
                strategies: &[$($crate::Strategy::$strategy),*],
                aliases: &[$($alias),*],
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// Runs `checks` over an estate with the default settings: every object, workload, file and
/// document is visited once, in parallel, and the findings come back sorted by file, line,
/// column and check.
pub fn run(estate: &Estate, checks: &[&'static dyn Check]) -> Vec<Finding> {
    run_with(estate, checks, &Settings::default())
}

/// [`run`] with the `[scan]` settings of `annexa.toml`.
pub fn run_with(estate: &Estate, checks: &[&'static dyn Check], settings: &Settings) -> Vec<Finding> {
    let cx = Cx::with_settings(estate, settings);
    let per_workload = estate.workloads.par_iter().flat_map_iter(|w| {
        let mut out = Findings::new();
        let o = &estate.objects[w.object];
        for c in checks {
            c.workload(&cx, o, w, &mut out);
        }
        out.into_vec()
    });
    let per_object = estate.objects.par_iter().flat_map_iter(|o| {
        let mut out = Findings::new();
        for c in checks {
            c.object(&cx, o, &mut out);
        }
        out.into_vec()
    });
    let per_dockerfile = estate.dockerfiles.par_iter().flat_map_iter(|d| {
        let mut out = Findings::new();
        for c in checks {
            c.dockerfile(&cx, d, &mut out);
        }
        out.into_vec()
    });
    let per_document = estate.documents.par_iter().flat_map_iter(|d| {
        let mut out = Findings::new();
        for c in checks {
            c.document(&cx, d, &mut out);
        }
        out.into_vec()
    });
    let whole = checks.par_iter().flat_map_iter(|c| {
        let mut out = Findings::new();
        c.estate(&cx, &mut out);
        out.into_vec()
    });
    let mut findings: Vec<Finding> =
        per_workload.chain(per_object).chain(per_dockerfile).chain(per_document).chain(whole).collect();
    // Stable, like `sort_by`, on every core: a large estate has tens of thousands of findings.
    findings.par_sort_by(|a, b| {
        (&a.location.file, a.location.line, a.location.col, a.check.id, &a.message, &a.resource).cmp(&(
            &b.location.file,
            b.location.line,
            b.location.col,
            b.check.id,
            &b.message,
            &b.resource,
        ))
    });
    // The same base rendered by several overlays yields the same finding at the same place once.
    findings.dedup_by(|a, b| {
        a.check.id == b.check.id && a.location == b.location && a.message == b.message && a.resource == b.resource
    });
    findings
}
