//! Containers that set no memory limit.

use super::support::{Amount, LimitDefaults, describe, missing_resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers and init containers with no `resources.limits.memory`. A container is not
    /// reported when the pod spec sets a pod-level `resources.limits.memory`, or when a
    /// LimitRange of type `Container` in the same namespace (and, for kustomize output, the
    /// same kustomization) gives a default limit through `default` or `max`. Ephemeral
    /// containers cannot have resources and are skipped.
    ///
    /// ## Why it matters
    /// Memory cannot be throttled, only reclaimed by killing. A container without a limit can
    /// grow until the node runs short, and the kernel's out-of-memory killer then picks victims
    /// that may belong to other, well-behaved workloads. A leak or a memory-exhaustion attack
    /// in one service becomes an outage of several.
    ///
    /// ## Remediation
    /// Set `resources.limits.memory` on each container (for example `512Mi`), a little above its
    /// observed peak, or give the namespace a LimitRange with a default memory limit.
    ///
    /// ## References
    /// Kubernetes documentation: Resource Management for Pods and Containers; Limit Ranges;
    /// Node-pressure Eviction.
    pub struct MemoryLimitMissing;
    id: "K8S-0031",
    slug: "memory-limit-missing",
    title: "Container sets no memory limit",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_6, A8_9],
    strategies: [],
    aliases: ["C-0271", "CKV_K8S_13", "KSV-0018", "KSV018", "require-pod-requests-limits", "K8sContainerLimits", "memoryLimitsMissing", "container-resources", "unset-memory-requirements"],
}

impl Check for MemoryLimitMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let defaults = LimitDefaults::of(cx, o);
        for c in &w.containers {
            if let Some(at) = missing_resource(o, w, c, &defaults, Amount::Limit, "memory") {
                out.object(&Self::META, o, &at, format!("{} sets no memory limit", describe(c))).container(&c.name);
            }
        }
    }
}
