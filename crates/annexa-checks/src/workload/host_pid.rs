//! Pods that share the node's process namespace.

use super::support::pod_flag_at;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Pod templates with `hostPID: true` (YAML 1.1 `yes`/`on` included).
    ///
    /// ## Why it matters
    /// The pod sees every process on the node, with its command line and environment under
    /// `/proc`. A process with enough privileges can signal, trace or inject into them, including
    /// the kubelet and other pods' containers, and read secrets passed on their command lines or in
    /// their environment.
    ///
    /// ## Remediation
    /// Remove `hostPID` (or set it to `false`). Debugging should use `kubectl debug` with an
    /// ephemeral container sharing only the target pod's process namespace (`shareProcessNamespace`).
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: host namespaces.
    /// Kubernetes API reference: PodSpec `hostPID`.
    pub struct HostPid;
    id: "K8S-0010",
    slug: "host-pid",
    title: "Pod shares the node's process namespace",
    severity: High,
    target: Target::Workload,
    controls: [A8_2, A8_3, A8_9],
    strategies: [],
    aliases: ["C-0038", "CKV_K8S_17", "KSV-0010", "KSV010", "disallow-host-namespaces", "K8sPSPHostNamespace", "hostPIDSet", "host-pid"],
}

impl Check for HostPid {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if let Some(pointer) = pod_flag_at(o, w, "hostPID") {
            out.object(
                &Self::META,
                o,
                &pointer,
                "the pod shares the node's process namespace (`hostPID: true`)".to_owned(),
            )
            .fix(pointer, json!(false));
        }
    }
}
