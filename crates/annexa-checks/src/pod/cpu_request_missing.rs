//! Containers that set no CPU request.

use super::support::{Amount, LimitDefaults, describe, missing_resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers and init containers with no `resources.requests.cpu`. A container that sets
    /// only `resources.limits.cpu` is not reported: Kubernetes copies the limit into the
    /// request. Nor is one whose pod spec sets pod-level CPU resources, or whose namespace
    /// (and, for kustomize output, kustomization) has a LimitRange of type `Container` that
    /// gives a default request (`defaultRequest`, `default`, `max` or `min`). Ephemeral
    /// containers cannot have resources and are skipped.
    ///
    /// ## Why it matters
    /// The scheduler places pods by their requests. A container without a CPU request counts
    /// as needing nothing, so nodes get overcommitted, the pod lands in the lowest quality of
    /// service class and is the first to be starved or evicted under pressure. Capacity plans
    /// built on requests then say nothing about this workload.
    ///
    /// ## Remediation
    /// Set `resources.requests.cpu` on each container to its typical usage (for example
    /// `100m`), or give the namespace a LimitRange with a `defaultRequest` for CPU.
    ///
    /// ## References
    /// Kubernetes documentation: Resource Management for Pods and Containers; Pod Quality of
    /// Service Classes; Limit Ranges.
    pub struct CpuRequestMissing;
    id: "K8S-0032",
    slug: "cpu-request-missing",
    title: "Container sets no CPU request",
    severity: Low,
    target: Target::Workload,
    controls: [A8_6],
    strategies: [],
    aliases: ["C-0268", "CKV_K8S_10", "KSV-0015", "KSV015", "require-pod-requests-limits", "K8sContainerRequests", "cpuRequestsMissing", "container-resources", "unset-cpu-requirements"],
}

impl Check for CpuRequestMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let defaults = LimitDefaults::of(cx, o);
        for c in &w.containers {
            if let Some(at) = missing_resource(o, w, c, &defaults, Amount::Request, "cpu") {
                out.object(&Self::META, o, &at, format!("{} sets no CPU request", describe(c))).container(&c.name);
            }
        }
    }
}
