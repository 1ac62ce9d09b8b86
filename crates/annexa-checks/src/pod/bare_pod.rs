//! Pods that no controller manages.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;

check! {
    /// ## What it checks
    /// Objects of kind `Pod` with no `metadata.ownerReferences`, that is pods written directly
    /// rather than created by a Deployment, StatefulSet, DaemonSet, Job or other controller.
    /// Mirror pods (annotated `kubernetes.io/config.mirror`, the API view of a kubelet's
    /// static pods) are managed by their kubelet and are not reported. Static pod manifests
    /// read from a node's manifest directory look like bare pods: record an exemption in
    /// `annexa.toml` for them.
    ///
    /// ## Why it matters
    /// Nothing recreates a bare pod. When its node fails, is drained for maintenance or evicts
    /// it under pressure, the workload is simply gone until someone notices. It also cannot be
    /// scaled or rolled out and rolled back in a controlled way, and changes to it are made by
    /// deleting and recreating it by hand, outside the usual release process.
    ///
    /// ## Remediation
    /// Wrap the pod spec in a controller: a Deployment for stateless services, a StatefulSet
    /// for stateful ones, a DaemonSet for per-node agents, a Job or CronJob for work that
    /// finishes. Keep bare pods for short-lived debugging only, and delete them afterwards.
    ///
    /// ## References
    /// Kubernetes documentation: Pods (working with pods, and why controllers manage them);
    /// Kubernetes configuration best practices: naked pods; Owners and Dependents.
    pub struct BarePod;
    id: "K8S-0043",
    slug: "bare-pod",
    title: "Pod is not managed by a controller",
    severity: Low,
    target: Target::Objects(&["Pod"]),
    controls: [A8_14, A8_32],
    strategies: [],
    aliases: ["C-0073"],
}

impl Check for BarePod {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "Pod" {
            return;
        }
        let owned =
            o.value.at("/metadata/ownerReferences").and_then(Value::as_array).is_some_and(|owners| !owners.is_empty());
        if owned || o.annotation("kubernetes.io/config.mirror").is_some() {
            return;
        }
        out.object(&Self::META, o, "/metadata/name", format!("Pod `{}` is not managed by any controller", o.name));
    }
}
