//! Containers that can gain more privileges than their parent process.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) whose `securityContext.allowPrivilegeEscalation`
    /// is not set to `false`. Kubernetes allows escalation when the field is absent, so an
    /// absent field fires too.
    ///
    /// ## Why it matters
    /// With escalation allowed, a process can become root through a setuid binary or file
    /// capabilities even when the container starts as a non-root user, undoing the point of
    /// running as non-root.
    ///
    /// ## Remediation
    /// Set `securityContext.allowPrivilegeEscalation: false` on every container. It cannot be
    /// set at pod level: Kubernetes ignores it there.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Restricted profile: privilege escalation.
    /// NIST SP 800-204B AHLC-SR-4 (explicitly prevent privilege escalation).
    pub struct PrivilegeEscalation;
    id: "K8S-0002",
    slug: "privilege-escalation",
    title: "Container may escalate privileges",
    severity: High,
    target: Target::Workload,
    controls: [A8_2, A8_9],
    strategies: [AhlcSr4],
    aliases: ["C-0016", "CKV_K8S_20", "KSV-0001", "KSV001", "disallow-privilege-escalation", "K8sPSPAllowPrivilegeEscalationContainer", "privilegeEscalationAllowed", "privilege-escalation-container"],
}

impl Check for PrivilegeEscalation {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            match &c.security.allow_privilege_escalation {
                Some(s) if !s.value => {}
                Some(s) => {
                    out.object(
                        &Self::META,
                        o,
                        &s.pointer,
                        format!("container `{}` allows privilege escalation", c.name),
                    )
                    .container(&c.name)
                    .fix(s.pointer.clone(), json!(false));
                }
                None => {
                    // A privileged container is reported by K8S-0001; escalation is implied there.
                    let fix = format!("{}/securityContext/allowPrivilegeEscalation", c.pointer);
                    out.object(
                        &Self::META,
                        o,
                        &c.pointer,
                        format!("container `{}` does not set `allowPrivilegeEscalation: false`", c.name),
                    )
                    .container(&c.name)
                    .fix(fix, json!(false));
                }
            }
        }
    }
}
