//! Containers that set no memory request.

use super::support::{Amount, LimitDefaults, describe, missing_resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers and init containers with no `resources.requests.memory`. A container that
    /// sets only `resources.limits.memory` is not reported: Kubernetes copies the limit into
    /// the request. Nor is one whose pod spec sets pod-level memory resources, or whose
    /// namespace (and, for kustomize output, kustomization) has a LimitRange of type
    /// `Container` that gives a default request (`defaultRequest`, `default`, `max` or `min`).
    /// Ephemeral containers cannot have resources and are skipped.
    ///
    /// ## Why it matters
    /// Without a memory request the scheduler assumes the container needs no memory and may
    /// pack it onto a node that cannot hold it. When the node runs short, pods using more
    /// memory than they requested are evicted first, so this workload is the likeliest victim
    /// and its capacity never appears in the cluster's plans.
    ///
    /// ## Remediation
    /// Set `resources.requests.memory` on each container to its usual working set (for example
    /// `256Mi`), or give the namespace a LimitRange with a `defaultRequest` for memory.
    ///
    /// ## References
    /// Kubernetes documentation: Resource Management for Pods and Containers; Node-pressure
    /// Eviction; Limit Ranges.
    pub struct MemoryRequestMissing;
    id: "K8S-0033",
    slug: "memory-request-missing",
    title: "Container sets no memory request",
    severity: Low,
    target: Target::Workload,
    controls: [A8_6],
    strategies: [],
    aliases: ["C-0269", "CKV_K8S_12", "KSV-0016", "KSV016", "require-pod-requests-limits", "K8sContainerRequests", "memoryRequestsMissing", "container-resources", "unset-memory-requirements"],
}

impl Check for MemoryRequestMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let defaults = LimitDefaults::of(cx, o);
        for c in &w.containers {
            if let Some(at) = missing_resource(o, w, c, &defaults, Amount::Request, "memory") {
                out.object(&Self::META, o, &at, format!("{} sets no memory request", describe(c))).container(&c.name);
            }
        }
    }
}
