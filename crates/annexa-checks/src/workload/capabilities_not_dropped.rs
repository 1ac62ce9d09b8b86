//! Containers that keep the runtime's default Linux capabilities.

use super::support::{capability, own_field, windows};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) of Linux pods whose
    /// `securityContext.capabilities.drop` does not contain `ALL` (compared case-insensitively).
    /// A missing list fires at the container, a list without `ALL` at the list. Capabilities
    /// exist only on containers: a pod-level `capabilities` does not count. Pods with
    /// `spec.os.name: windows` are skipped.
    ///
    /// ## Why it matters
    /// Container runtimes grant a default set of capabilities, such as `CHOWN`, `DAC_OVERRIDE`,
    /// `SETUID`, `NET_RAW` and `MKNOD`. Almost no application needs them, yet they let a
    /// compromised process ignore file permissions, change its identity or forge network packets.
    /// Dropping all of them and adding back only what is needed is the least-privilege default.
    ///
    /// ## Remediation
    /// Set `securityContext.capabilities.drop: ["ALL"]` on each container and, if the application
    /// needs one (typically `NET_BIND_SERVICE` to listen below port 1024), add it back with
    /// `capabilities.add`.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Restricted profile: capabilities.
    /// Linux manual page capabilities(7).
    pub struct CapabilitiesNotDropped;
    id: "K8S-0014",
    slug: "capabilities-not-dropped",
    title: "Container does not drop all capabilities",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_2, A8_9],
    strategies: [],
    aliases: ["C-0211", "CKV_K8S_37", "KSV-0003", "KSV003", "KSV-0106", "KSV106", "require-drop-all", "disallow-capabilities-strict", "K8sPSPCapabilities"],
}

impl Check for CapabilitiesNotDropped {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if windows(o, w) {
            return;
        }
        for c in &w.containers {
            let (pointer, message) = match &c.security.capabilities_drop {
                Some(d) if d.value.iter().any(|n| capability(n) == "ALL") => continue,
                Some(d) => (d.pointer.clone(), format!("container `{}` drops some capabilities but not `ALL`", c.name)),
                None => {
                    (c.pointer.clone(), format!("container `{}` does not set `capabilities.drop: [\"ALL\"]`", c.name))
                }
            };
            out.object(&Self::META, o, &pointer, message)
                .container(&c.name)
                .fix(own_field(c, &["capabilities", "drop"]), json!(["ALL"]));
        }
    }
}
