//! Workloads whose pods no network policy selects.

use super::selector::{covered, describe, namespace_phrase, pod_labels};
use crate::context::{Cx, pod_flag};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Workloads (CronJobs and bare Pods included) whose pods are selected by no network
    /// policy of their namespace, judged on the pod template's labels with the semantics
    /// Kubernetes gives selectors: an empty `podSelector: {}` selects every pod of the
    /// namespace; `matchLabels` and `matchExpressions` (`In`, `NotIn`, `Exists`,
    /// `DoesNotExist`) must all hold. Cilium policies (`endpointSelector`, namespaced and
    /// clusterwide) and Calico policies (`selector`, namespaced and global) count too; a
    /// Calico expression annexa cannot evaluate is taken to select the pod. Pods on the host
    /// network are reported whatever the policies say: Kubernetes leaves policy for them
    /// undefined and most network plugins cannot tell their traffic from the node's, so no
    /// policy segments them (K8S-0009 reports the host network itself). Objects without
    /// `metadata.namespace` are compared with policies without one, as they land in the same
    /// namespace when applied together.
    ///
    /// ## Why it matters
    /// A pod that no policy selects accepts connections from every pod of the cluster and
    /// may connect anywhere. One compromised workload can then reach databases, internal
    /// admin endpoints and the cloud metadata service, and in a service mesh a caller can go
    /// around the sidecar straight to the pod's port. Segmentation only exists where a policy
    /// selects the pod.
    ///
    /// ## Remediation
    /// Add a default-deny NetworkPolicy to each namespace (`podSelector: {}` with
    /// `policyTypes: [Ingress, Egress]`), then policies that allow the flows each workload
    /// needs, selected by the workload's pod labels. Check that the cluster's network plugin
    /// enforces NetworkPolicy. Pods on the host network need it taken away (or a host
    /// firewall) instead.
    ///
    /// ## References
    /// Kubernetes documentation, *Network Policies* (isolated and non-isolated pods, default
    /// policies). NIST SP 800-204 MS-SS-13 (segment the network so that traffic cannot bypass
    /// the sidecar).
    pub struct PodWithoutNetworkPolicy;
    id: "NET-0001",
    slug: "pod-without-network-policy",
    title: "Pods not selected by any NetworkPolicy",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_20, A8_22],
    strategies: [MsSs13],
    aliases: ["C-0260", "C-0030", "CKV2_K8S_6", "require-netpol", "add-network-policy", "pod-networkpolicy", "non-isolated-pod"],
}

impl Check for PodWithoutNetworkPolicy {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let namespace = o.namespace.as_deref();
        let labels = pod_labels(o, w);
        if pod_flag(o, w, "hostNetwork") {
            let message = "these pods share the node's network, where network policies do not reliably apply, so \
                           nothing segments them";
            out.object(&Self::META, o, "/metadata/name", message.to_owned());
            return;
        }
        if covered(cx, namespace, &labels) {
            return;
        }
        out.object(
            &Self::META,
            o,
            "/metadata/name",
            format!("no network policy in {} selects these pods ({})", namespace_phrase(namespace), describe(&labels)),
        );
    }
}
