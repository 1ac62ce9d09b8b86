//! NetworkPolicies whose pod selector matches no workload.

use super::selector::{is_k8s_policy, namespace_phrase, plain, selects};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;

check! {
    /// ## What it checks
    /// Kubernetes NetworkPolicies whose `spec.podSelector` matches the pod labels of no
    /// workload in the policy's namespace. The check only runs for namespaces that hold
    /// workloads in the estate, so a policy shipped without its workloads stays silent. An
    /// empty `podSelector: {}` selects every pod and never fires.
    ///
    /// ## Why it matters
    /// A policy that selects nothing protects nothing, yet reads as if it did: usually the
    /// selector drifted from the labels (a renamed `app` label, a typo, a chart that changed
    /// its labels) and the workload it was written for is now unprotected. Reviews that count
    /// policies instead of checking what they select miss it.
    ///
    /// ## Remediation
    /// Make the selector match the pod template labels of the workload it is meant for
    /// (`kubectl get pods -l <selector>` should list them), or delete the policy if that
    /// workload is gone.
    ///
    /// ## References
    /// Kubernetes documentation, *Network Policies* (the `podSelector` field) and *Labels and
    /// Selectors*.
    pub struct NetworkPolicySelectsNothing;
    id: "NET-0002",
    slug: "network-policy-selects-nothing",
    title: "NetworkPolicy selects no workload",
    severity: Low,
    target: Target::Objects(&["NetworkPolicy"]),
    controls: [A8_20, A8_22],
    strategies: [MsSs13],
    aliases: ["C-0299", "networkpolicy-targets-pod", "dangling-networkpolicy"],
}

impl Check for NetworkPolicySelectsNothing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_k8s_policy(o) || !cx.workload_namespaces.contains(&o.namespace) {
            return;
        }
        let selector = o.value.at("/spec/podSelector");
        let selected = cx.pod_labels_in(o.namespace.as_deref()).iter().any(|labels| selects(selector, labels, plain));
        if selected {
            return;
        }
        let at = if selector.is_some() { "/spec/podSelector" } else { "/metadata/name" };
        out.object(
            &Self::META,
            o,
            at,
            format!("`podSelector` matches no workload in {}", namespace_phrase(o.namespace.as_deref())),
        );
    }
}
