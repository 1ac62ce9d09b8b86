//! Pods that share the node's network namespace.

use super::support::pod_flag_at;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Pod templates with `hostNetwork: true` (YAML 1.1 `yes`/`on` included).
    ///
    /// ## Why it matters
    /// The pod sees and uses every network interface of the node: it can sniff node traffic,
    /// reach services bound to the node's loopback (the kubelet's read-only port, local agents and
    /// metadata endpoints), and slip past NetworkPolicies, which do not apply to host-network pods.
    /// Its ports also take the node's ports, colliding with other host-network pods.
    ///
    /// ## Remediation
    /// Remove `hostNetwork` (or set it to `false`) and expose the workload through a Service. CNI
    /// plugins and other node agents that need it belong in a dedicated namespace with an exemption.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: host namespaces.
    /// Kubernetes API reference: PodSpec `hostNetwork`.
    pub struct HostNetwork;
    id: "K8S-0009",
    slug: "host-network",
    title: "Pod shares the node's network namespace",
    severity: High,
    target: Target::Workload,
    controls: [A8_20, A8_22, A8_9],
    strategies: [],
    aliases: ["C-0041", "CKV_K8S_19", "KSV-0009", "KSV009", "disallow-host-namespaces", "K8sPSPHostNetworkingPorts", "hostNetworkSet", "host-network"],
}

impl Check for HostNetwork {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if let Some(pointer) = pod_flag_at(o, w, "hostNetwork") {
            out.object(
                &Self::META,
                o,
                &pointer,
                "the pod shares the node's network namespace (`hostNetwork: true`)".to_owned(),
            )
            .fix(pointer, json!(false));
        }
    }
}
