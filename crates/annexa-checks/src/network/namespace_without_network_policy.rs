//! Namespaces that no network policy applies to.

use super::selector::{Labels, covered};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;

/// The namespaced policy kinds and the API groups that define them (Calico's namespaced kind
/// shares Kubernetes' name).
const NAMESPACED: [(&str, &[&str]); 2] = [
    ("NetworkPolicy", &["networking.k8s.io", "extensions", "projectcalico.org", "crd.projectcalico.org"]),
    ("CiliumNetworkPolicy", &["cilium.io"]),
];

check! {
    /// ## What it checks
    /// Namespaces declared in the estate (`kind: Namespace`) in which no network policy lives
    /// (a Kubernetes NetworkPolicy, a Cilium or a Calico policy, whatever it selects) and which
    /// no cluster-wide policy covers as a whole: a Cilium clusterwide or Calico global policy
    /// counts when it selects every pod of the namespace (an empty selector, or one on the
    /// namespace alone). Every namespace is judged, system ones included, whether or not the
    /// estate holds workloads for it.
    ///
    /// ## Why it matters
    /// A namespace without a policy admits every pod deployed to it, now or later and by
    /// whichever pipeline, as a non-isolated pod: it accepts connections from anywhere in the
    /// cluster and may connect anywhere. A default-deny policy declared with the namespace
    /// makes segmentation the starting point instead of something each workload must add.
    /// NET-0001 judges the workloads already in the estate; this check judges the namespace
    /// that they, and the ones not written yet, land in.
    ///
    /// ## Remediation
    /// Declare, next to the Namespace, a NetworkPolicy with `podSelector: {}` and
    /// `policyTypes: [Ingress, Egress]` and no rules (deny by default), then policies that
    /// allow the flows each workload needs. With Cilium or Calico, a clusterwide or global
    /// default-deny policy does the same for every namespace.
    ///
    /// ## References
    /// Kubernetes documentation, *Network Policies* (default policies). CIS Kubernetes
    /// Benchmark 5.3.2 (all namespaces have network policies defined). NIST SP 800-204
    /// MS-SS-13 (segment the network so that traffic cannot bypass the sidecar).
    pub struct NamespaceWithoutNetworkPolicy;
    id: "NET-0007",
    slug: "namespace-without-network-policy",
    title: "Namespace has no NetworkPolicy",
    severity: Medium,
    target: Target::Objects(&["Namespace"]),
    controls: [A8_20, A8_22],
    strategies: [MsSs13],
    aliases: ["C-0206"],
}

impl Check for NamespaceWithoutNetworkPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "Namespace" || o.api_version != "v1" || o.name.is_empty() {
            return;
        }
        let namespace = Some(o.name.as_str());
        let has_own =
            NAMESPACED.iter().any(|(kind, groups)| cx.objects_in(kind, namespace).any(|p| groups.contains(&p.group())));
        // A pod with no labels is selected only by a policy that selects the whole namespace.
        if has_own || covered(cx, namespace, &Labels::new()) {
            return;
        }
        out.object(
            &Self::META,
            o,
            "/metadata/name",
            format!("no network policy applies to namespace `{}`, so its pods accept and open any connection", o.name),
        );
    }
}
