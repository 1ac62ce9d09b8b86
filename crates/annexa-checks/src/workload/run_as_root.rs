//! Containers that run, or may run, as root.

use super::support::{Hit, own_field, report, scope};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Every container (init and ephemeral included), judged on its effective settings after
    /// the pod-level `securityContext` is applied. It fires when `runAsUser` is `0`, wherever it
    /// is written. Otherwise it fires when `runAsNonRoot` is not `true` and `runAsUser` is not a
    /// number above 0: nothing then stops the image's own user, often root, from being used.
    /// A pod-level `runAsNonRoot: true` or `runAsUser: 1000` that a container inherits
    /// satisfies the check; a pod-level value that several containers inherit is reported once.
    ///
    /// ## Why it matters
    /// UID 0 in a container is UID 0 on the node's kernel. A root process that breaks out through
    /// a kernel or runtime flaw, or through a mounted host path, owns the node. Root inside the
    /// container can also read and change every file in the image, which makes a compromise
    /// easier to deepen and to hide.
    ///
    /// ## Remediation
    /// Set `securityContext.runAsNonRoot: true` on the pod (or on each container) so the kubelet
    /// refuses to start a container whose user is root, and set `runAsUser` to a non-zero UID
    /// when the image does not declare a numeric non-root `USER`. Remove any `runAsUser: 0`.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Restricted profile: running as non-root and
    /// non-root user. NIST SP 800-204B AHLC-SR-1 (do not run containers as root).
    pub struct RunAsRoot;
    id: "K8S-0003",
    slug: "run-as-root",
    title: "Container may run as root",
    severity: High,
    target: Target::Workload,
    controls: [A8_2, A8_9],
    strategies: [AhlcSr1],
    aliases: ["C-0013", "CKV_K8S_23", "KSV-0012", "KSV012", "require-run-as-nonroot", "K8sPSPAllowedUsers", "runAsRootAllowed", "container-security-context-user-group-id", "run-as-non-root"],
}

impl Check for RunAsRoot {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let mut hits = Vec::new();
        for c in &w.containers {
            let s = &c.security;
            if let Some(user) = s.run_as_user.as_ref().filter(|u| u.value == 0) {
                hits.push(Hit::new(c, &user.pointer, format!("{}`runAsUser: 0` runs ", scope(user)), " as root"));
                continue;
            }
            if s.run_as_non_root.as_ref().is_some_and(|n| n.value)
                || s.run_as_user.as_ref().is_some_and(|u| u.value > 0)
            {
                continue;
            }
            let hit = match &s.run_as_non_root {
                Some(n) => Hit::new(
                    c,
                    &n.pointer,
                    format!("{}`runAsNonRoot: false` lets ", scope(n)),
                    " run as root, and no `runAsUser` above 0 is set",
                )
                .fix(n.pointer.clone(), json!(true)),
                None => Hit::new(
                    c,
                    &c.pointer,
                    "",
                    " may run as root: neither `runAsNonRoot: true` nor a `runAsUser` above 0 is set",
                )
                .fix(own_field(c, &["runAsNonRoot"]), json!(true)),
            };
            hits.push(hit);
        }
        report(out, &Self::META, o, hits);
    }
}
