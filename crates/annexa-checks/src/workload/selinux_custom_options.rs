//! Containers given a custom SELinux user, role or type.

use super::support::{Hit, report, scope};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};

/// The SELinux types the Pod Security Standards' Baseline profile allows: the container
/// policy's own confined types.
const TYPES: [&str; 4] = ["container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) whose effective `securityContext.seLinuxOptions`,
    /// after the pod-level `securityContext` is applied (a container's own `seLinuxOptions`
    /// replaces the pod's as a whole), sets a non-empty `user` or `role`, or a non-empty `type`
    /// other than `container_t`, `container_init_t`, `container_kvm_t` or `container_engine_t`.
    /// The `level` (MCS categories) is free. Each offending field is reported where it is
    /// written, once for a pod-level value that several containers inherit.
    ///
    /// ## Why it matters
    /// On SELinux nodes the runtime confines every container to the `container_t` type with
    /// its own categories. A custom type such as `spc_t` or `unconfined_t` lifts that
    /// confinement altogether, and a custom user or role can open other domains: the container
    /// then touches host files and processes that SELinux would have denied.
    ///
    /// ## Remediation
    /// Remove `user`, `role` and `type` from `seLinuxOptions` and keep at most `level`. A
    /// workload that needs a custom policy (a node agent) should run in a dedicated namespace
    /// with an exemption in `annexa.toml` with an owner, a reason and an expiry.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: SELinux.
    /// Kubernetes documentation: assign SELinux labels to a container.
    pub struct SelinuxCustomOptions;
    id: "K8S-0018",
    slug: "selinux-custom-options",
    title: "Container sets a custom SELinux user, role or type",
    severity: High,
    target: Target::Workload,
    controls: [A8_2, A8_9],
    strategies: [],
    aliases: ["C-0211", "KSV-0025", "KSV025", "disallow-selinux", "K8sPSPSELinuxV2"],
}

impl Check for SelinuxCustomOptions {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let mut hits = Vec::new();
        for c in &w.containers {
            let Some(s) = c.security.selinux.as_ref() else { continue };
            for field in ["user", "role", "type"] {
                let Some(value) = s.value.get(field).and_then(Value::as_str).filter(|v| !v.is_empty()) else {
                    continue;
                };
                if field == "type" && TYPES.contains(&value) {
                    continue;
                }
                hits.push(Hit::new(
                    c,
                    &child(&s.pointer, field),
                    format!("{}SELinux {field} `{value}` applies to ", scope(s)),
                    ", outside the confined container defaults",
                ));
            }
        }
        report(out, &Self::META, o, hits);
    }
}
