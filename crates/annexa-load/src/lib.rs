//! Reading the estate: walks paths, detects each file's kind from its name and content, and
//! reads YAML/JSON with a span for every value, Kubernetes objects (with Helm and Kustomize),
//! Dockerfiles, compose files, CI pipelines, OpenAPI documents, SBOMs and scanner reports.
//!
//! Bad input never stops a run: every problem becomes a [`Diagnostic`] with file and line,
//! and [`Stats`] accounts for every file seen.

pub mod detect;
pub mod diag;
pub mod dockerfile;
mod estate;
pub mod fastyaml;
pub mod k8s;
mod kustomize;
pub mod pointer;
mod read;
pub mod sbom;
pub mod span;
pub mod tree;
pub mod yaml;

pub use detect::DocKind;
pub use diag::{Code, Diagnostic, Severity, Stats};
pub use dockerfile::Dockerfile;
pub use estate::{Document, Estate, FileReport, Input, Options, kind_counts, load, load_bytes};
/// The patch operations Kustomize applies, usable on their own.
pub mod patch {
    pub use crate::kustomize::{json6902, merge as strategic_merge};
}

pub use k8s::{Container, ContainerKind, Location, Object, Security, Setting, Workload};
pub use pointer::At;
pub use span::{NodeSpan, Pos, SpanIndex};
pub use tree::{Map, Number, Value};
