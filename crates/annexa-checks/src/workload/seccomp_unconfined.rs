//! Containers that run without a seccomp profile.

use super::support::{Hit, own_field, report, scope, windows};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

/// The profile types the API server accepts.
const KNOWN: [&str; 3] = ["RuntimeDefault", "Localhost", "Unconfined"];

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) of Linux pods whose effective
    /// `seccompProfile.type`, after the pod-level `securityContext` is applied, is missing or
    /// `Unconfined`. `RuntimeDefault` and `Localhost` pass, whether set on the container or
    /// inherited from the pod. An explicit `Unconfined`, or a type the API server does not
    /// accept (a typo such as `Runtimedefault`, which fails validation), fires at the field,
    /// once for a pod-level value that several containers inherit; a missing profile fires at
    /// the container. The old
    /// `seccomp.security.alpha.kubernetes.io` annotations are not read: current Kubernetes
    /// releases no longer apply them. Pods with `spec.os.name: windows` are skipped.
    ///
    /// ## Why it matters
    /// Without a seccomp filter a container can make every system call the kernel offers,
    /// including rarely used ones behind many kernel privilege escalations and container
    /// escapes. Kubernetes runs containers unconfined unless a profile is set (or the kubelet's
    /// `SeccompDefault` is turned on, which a manifest cannot show).
    ///
    /// ## Remediation
    /// Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod so every container
    /// inherits it, or `Localhost` with a reviewed profile for workloads that need more (or
    /// fewer) calls. Remove `Unconfined`.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline and Restricted profiles: seccomp.
    /// Kubernetes documentation: restrict a container's syscalls with seccomp.
    pub struct SeccompUnconfined;
    id: "K8S-0016",
    slug: "seccomp-unconfined",
    title: "Container runs without a seccomp profile",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_9, A8_8],
    strategies: [],
    aliases: ["CKV_K8S_31", "KSV-0030", "KSV030", "KSV-0104", "KSV104", "restrict-seccomp-strict", "K8sPSPSeccomp", "container-seccomp-profile"],
}

impl Check for SeccompUnconfined {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if windows(o, w) {
            return;
        }
        let mut hits = Vec::new();
        for c in &w.containers {
            match &c.security.seccomp {
                Some(s) if KNOWN.contains(&s.value.as_str()) && s.value != "Unconfined" => {}
                Some(s) if s.value != "Unconfined" => hits.push(
                    Hit::new(
                        c,
                        &s.pointer,
                        format!(
                            "{}`seccompProfile.type: {}`, which the API server rejects, leaves ",
                            scope(s),
                            s.value
                        ),
                        " with no valid seccomp profile (the types are `RuntimeDefault`, `Localhost` and `Unconfined`)",
                    )
                    .fix(s.pointer.clone(), json!("RuntimeDefault")),
                ),
                Some(s) => hits.push(
                    Hit::new(
                        c,
                        &s.pointer,
                        format!("{}`seccompProfile.type: Unconfined` runs ", scope(s)),
                        " without a seccomp filter",
                    )
                    .fix(s.pointer.clone(), json!("RuntimeDefault")),
                ),
                None => hits.push(
                    Hit::new(
                        c,
                        &c.pointer,
                        "",
                        " runs without a seccomp profile: neither it nor the pod sets `seccompProfile.type`",
                    )
                    .fix(own_field(c, &["seccompProfile", "type"]), json!("RuntimeDefault")),
                ),
            }
        }
        report(out, &Self::META, o, hits);
    }
}
