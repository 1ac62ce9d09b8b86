//! Pods that set kernel parameters outside the safe set.

use crate::context::{Cx, pod};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};

/// The sysctls Kubernetes considers namespaced and isolated from other pods on the node.
const SAFE: [&str; 10] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

check! {
    /// ## What it checks
    /// Each entry of the pod-level `securityContext.sysctls` whose `name` is not in the safe
    /// set: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
    /// `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_syncookies`,
    /// `net.ipv4.ping_group_range`, `net.ipv4.ip_local_reserved_ports`,
    /// `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
    /// `net.ipv4.tcp_keepalive_intvl` and `net.ipv4.tcp_keepalive_probes`. Names written with
    /// `/` as the separator (`kernel/shm_rmid_forced`) are compared in their dotted form.
    ///
    /// ## Why it matters
    /// The safe sysctls only change the pod's own network or IPC namespace. Any other kernel
    /// parameter may be shared with the node or other pods: raising it for one pod can weaken
    /// the whole node's network hardening, exhaust shared kernel memory or change how other
    /// tenants' traffic is handled. The kubelet refuses such pods unless it was started with
    /// `--allowed-unsafe-sysctls`, so a manifest that needs one also depends on special nodes.
    ///
    /// ## Remediation
    /// Remove the unsafe sysctl from the pod. If the workload depends on it, set it on the
    /// nodes through their provisioning (and document why), or run the workload on a dedicated
    /// node pool with an exemption in `annexa.toml` with an owner, a reason and an expiry.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: sysctls.
    /// Kubernetes documentation: using sysctls in a Kubernetes cluster.
    pub struct UnsafeSysctls;
    id: "K8S-0020",
    slug: "unsafe-sysctls",
    title: "Pod sets an unsafe sysctl",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_2, A8_9],
    strategies: [],
    aliases: ["C-0211", "KSV-0026", "KSV026", "restrict-sysctls", "K8sPSPForbiddenSysctls", "unsafe-sysctls"],
}

impl Check for UnsafeSysctls {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let Some(sysctls) =
            pod(o, w).and_then(|p| p.get("securityContext")).and_then(|s| s.get("sysctls")).and_then(Value::as_array)
        else {
            return;
        };
        let list = child(&child(&w.pod, "securityContext"), "sysctls");
        for (i, s) in sysctls.iter().enumerate() {
            let Some(name) = s.get("name").and_then(Value::as_str) else { continue };
            if SAFE.contains(&name.replace('/', ".").as_str()) {
                continue;
            }
            out.object(
                &Self::META,
                o,
                &child(&child(&list, &i.to_string()), "name"),
                format!("the pod sets sysctl `{name}`, which is outside the safe set"),
            );
        }
    }
}
