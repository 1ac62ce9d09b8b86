//! Containers that set no CPU limit.

use super::support::{Amount, LimitDefaults, describe, missing_resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers and init containers with no `resources.limits.cpu`. A container is not
    /// reported when the pod spec sets a pod-level `resources.limits.cpu`, or when a LimitRange
    /// of type `Container` in the same namespace (and, for kustomize output, the same
    /// kustomization) gives a default limit through `default` or `max`. Ephemeral containers
    /// cannot have resources and are skipped.
    ///
    /// ## Why it matters
    /// Without a limit a container may use every idle CPU on its node. A busy loop, a runaway
    /// request or a cryptominer in a compromised container then slows its neighbours, and the
    /// scheduler's view of the node no longer matches reality. Some teams deliberately run
    /// without CPU limits to avoid throttling and rely on requests instead: that is a decision
    /// to record, not a default to inherit.
    ///
    /// ## Remediation
    /// Set `resources.limits.cpu` on each container (for example `500m`), sized from observed
    /// usage, or give the namespace a LimitRange with a default CPU limit. Where unlimited CPU
    /// is intended, record an exemption in `annexa.toml` with an owner and a reason.
    ///
    /// ## References
    /// Kubernetes documentation: Resource Management for Pods and Containers; Limit Ranges.
    pub struct CpuLimitMissing;
    id: "K8S-0030",
    slug: "cpu-limit-missing",
    title: "Container sets no CPU limit",
    severity: Low,
    target: Target::Workload,
    controls: [A8_6, A8_9],
    strategies: [],
    aliases: ["C-0270", "CKV_K8S_11", "KSV-0011", "KSV011", "require-pod-requests-limits", "K8sContainerLimits", "cpuLimitsMissing", "container-resources", "unset-cpu-requirements"],
}

impl Check for CpuLimitMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let defaults = LimitDefaults::of(cx, o);
        for c in &w.containers {
            if let Some(at) = missing_resource(o, w, c, &defaults, Amount::Limit, "cpu") {
                out.object(&Self::META, o, &at, format!("{} sets no CPU limit", describe(c))).container(&c.name);
            }
        }
    }
}
