//! NetworkPolicies whose pod selector matches no workload.

use super::selector::{Labels, Unprotected, is_k8s_policy, namespace_phrase, plain, selects};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;

check! {
    /// ## What it checks
    /// Kubernetes NetworkPolicies whose `spec.podSelector` matches the pod labels of no
    /// workload in the policy's namespace. When the estate holds workloads of that
    /// namespace, a policy that selects none of them is reported. When it holds none, the
    /// namespace's workloads may be defined elsewhere, so the policy is reported only if it
    /// selects the pods of a workload in another namespace that no policy protects: it was
    /// most likely written for that workload and put in the wrong namespace, where it
    /// cannot apply; a selector that also selects pods with no labels names no workload in
    /// particular and is left alone there. An empty `podSelector: {}` never fires.
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
        if !is_k8s_policy(o) {
            return;
        }
        let selector = o.value.at("/spec/podSelector");
        let namespace = o.namespace.as_deref();
        let at = if selector.is_some() { "/spec/podSelector" } else { "/metadata/name" };
        if cx.workload_namespaces.contains(&o.namespace) {
            let selected = cx.pod_labels_in(namespace).iter().any(|labels| selects(selector, labels, plain));
            if !selected {
                let message = format!("`podSelector` matches no workload in {}", namespace_phrase(namespace));
                out.object(&Self::META, o, at, message);
            }
            return;
        }
        // A selector that also takes unlabelled pods says nothing about which workload it was
        // written for.
        if selects(selector, &Labels::new(), plain) {
            return;
        }
        let elsewhere = Unprotected::of(cx).candidates(selector).into_iter().find_map(|(i, labels)| {
            let target = cx.estate.objects.get(cx.estate.workloads.get(*i)?.object)?;
            (target.namespace.as_deref() != namespace && selects(selector, labels, plain)).then_some(target)
        });
        if let Some(target) = elsewhere {
            out.object(
                &Self::META,
                o,
                at,
                format!(
                    "`podSelector` matches no workload in {}, but it matches {} `{}` in {}, which no policy selects: \
                     a NetworkPolicy applies only to pods of its own namespace",
                    namespace_phrase(namespace),
                    target.kind,
                    target.name,
                    namespace_phrase(target.namespace.as_deref())
                ),
            );
        }
    }
}
