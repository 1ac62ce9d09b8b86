//! Pods that share the node's IPC namespace.

use super::support::pod_flag_at;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Pod templates with `hostIPC: true` (YAML 1.1 `yes`/`on` included).
    ///
    /// ## Why it matters
    /// The pod shares System V IPC objects and POSIX shared memory with the node's own processes
    /// and with every other host-IPC pod. It can read or corrupt the shared memory segments,
    /// semaphores and message queues they use, which leaks data or crashes them.
    ///
    /// ## Remediation
    /// Remove `hostIPC` (or set it to `false`). Containers of one pod that must share memory
    /// already share the pod's own IPC namespace.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: host namespaces.
    /// Kubernetes API reference: PodSpec `hostIPC`.
    pub struct HostIpc;
    id: "K8S-0011",
    slug: "host-ipc",
    title: "Pod shares the node's IPC namespace",
    severity: High,
    target: Target::Workload,
    controls: [A8_3, A8_9],
    strategies: [],
    aliases: ["C-0038", "CKV_K8S_18", "KSV-0008", "KSV008", "disallow-host-namespaces", "K8sPSPHostNamespace", "hostIPCSet", "host-ipc"],
}

impl Check for HostIpc {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if let Some(pointer) = pod_flag_at(o, w, "hostIPC") {
            out.object(
                &Self::META,
                o,
                &pointer,
                "the pod shares the node's IPC namespace (`hostIPC: true`)".to_owned(),
            )
            .fix(pointer, json!(false));
        }
    }
}
