//! Containers that add Linux capabilities beyond the Baseline set.

use super::support::capability;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};
use serde_json::json;

/// The capabilities the Pod Security Standards' Baseline profile lets a container add: those
/// container runtimes grant by default anyway.
const BASELINE: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

check! {
    /// ## What it checks
    /// Each entry of `securityContext.capabilities.add` of every container (init and ephemeral
    /// included) that is not in the Baseline set (`AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`,
    /// `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`,
    /// `SETUID`, `SYS_CHROOT`): for example `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`,
    /// `BPF`, `NET_RAW` or `ALL`. Names are compared as runtimes compare them: case-insensitive
    /// and with or without the `CAP_` prefix. Each offending entry is reported where it is
    /// written.
    ///
    /// ## Why it matters
    /// Capabilities are slices of root's power. `SYS_ADMIN` alone is close to privileged mode
    /// (mounts, namespaces, many kernel interfaces), `SYS_MODULE` loads kernel code,
    /// `SYS_PTRACE` reads other processes' memory, `NET_ADMIN` rewires the pod's network and
    /// `ALL` grants every one. Each widens the kernel surface an attacker can use to escape.
    ///
    /// ## Remediation
    /// Remove the entry from `capabilities.add`. If the workload really needs it (a CNI agent
    /// needing `NET_ADMIN`), keep it to that one capability, run the workload in a dedicated
    /// namespace and record an exemption in `annexa.toml` with an owner, a reason and an expiry.
    /// The suggested fix keeps only the Baseline entries of the list.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: capabilities.
    /// Linux manual page capabilities(7).
    pub struct DangerousCapabilities;
    id: "K8S-0013",
    slug: "dangerous-capabilities",
    title: "Container adds capabilities beyond the Baseline set",
    severity: High,
    target: Target::Workload,
    controls: [A8_2, A8_9, A8_18],
    strategies: [AhlcSr1],
    aliases: ["C-0046", "CKV_K8S_25", "CKV_K8S_39", "KSV-0022", "KSV022", "KSV-0005", "KSV005", "disallow-capabilities", "K8sPSPCapabilities", "dangerousCapabilities"],
}

impl Check for DangerousCapabilities {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(add) = c.security.capabilities_add.as_ref() else { continue };
            let Some(items) = o.value.at(&add.pointer).and_then(Value::as_array) else { continue };
            let allowed = |v: &Value| v.as_str().is_some_and(|n| BASELINE.contains(&capability(n).as_str()));
            let kept: Vec<&Value> = items.iter().filter(|v| allowed(v)).collect();
            for (i, item) in items.iter().enumerate() {
                let Some(name) = item.as_str().filter(|_| !allowed(item)) else { continue };
                out.object(
                    &Self::META,
                    o,
                    &child(&add.pointer, &i.to_string()),
                    format!("container `{}` adds capability `{name}`, which is outside the Baseline set", c.name),
                )
                .container(&c.name)
                .fix(add.pointer.clone(), json!(kept));
            }
        }
    }
}
