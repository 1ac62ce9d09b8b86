//! Containers that see the node's `/proc` without the usual masks.

use super::support::{Hit, report};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) whose `securityContext.procMount` is set to
    /// anything other than `Default`, such as `Unmasked`. The field exists only on containers.
    ///
    /// ## Why it matters
    /// By default the runtime masks and makes read-only the parts of `/proc` that reveal or
    /// change the host: kernel keys, timers, `sysrq-trigger`, `/proc/kcore` and others. An
    /// unmasked `/proc` exposes them to the container, giving an attacker information about
    /// the node and kernel interfaces that are a short step from an escape.
    ///
    /// ## Remediation
    /// Remove `procMount` or set it to `Default`. `Unmasked` is meant only for nested
    /// container runtimes running in a user namespace (`hostUsers: false`); such a workload
    /// needs an exemption in `annexa.toml` with an owner, a reason and an expiry.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: /proc mount type.
    /// Kubernetes API reference: SecurityContext `procMount`.
    pub struct UnmaskedProcMount;
    id: "K8S-0019",
    slug: "unmasked-proc-mount",
    title: "Container mounts /proc unmasked",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_3, A8_9],
    strategies: [],
    aliases: ["C-0211", "KSV-0027", "KSV027", "disallow-proc-mount", "K8sPSPProcMount", "procMount", "unsafe-proc-mount"],
}

impl Check for UnmaskedProcMount {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let mut hits = Vec::new();
        for c in &w.containers {
            if let Some(s) = c.security.proc_mount.as_ref().filter(|s| s.value != "Default") {
                hits.push(
                    Hit::new(c, &s.pointer, "", format!(" mounts `/proc` with `procMount: {}`", s.value))
                        .fix(s.pointer.clone(), json!("Default")),
                );
            }
        }
        report(out, &Self::META, o, hits);
    }
}
