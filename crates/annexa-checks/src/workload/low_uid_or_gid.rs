//! Containers whose user or group id is unset or not above 10000.

use super::support::{Hit, report, scope, windows};
use crate::context::{Cx, pod};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::k8s::as_bool;
use annexa_load::{Object, Workload};

/// The highest id still reported: ids up to this are where host accounts live.
const LOW: i64 = 10000;

check! {
    /// ## What it checks
    /// Every container (init and ephemeral included) of a Linux pod, judged on its effective
    /// `runAsUser` and `runAsGroup` after the pod-level `securityContext` is applied. The rule:
    /// each of the two must be set and greater than 10000. A value of 10000 or below fires at
    /// the field (once for a pod-level value that several containers inherit); a container
    /// for which either is unset fires once at the container, naming what is missing. Pods with
    /// `spec.os.name: windows` are skipped (these fields cannot be set there), and so are pods
    /// with `hostUsers: false`, whose ids are mapped to unprivileged ids on the node.
    ///
    /// ## Why it matters
    /// Low ids are where the node's own accounts and groups live (system services, the first
    /// human users, `root` and group `0`). A container that escapes, or that shares a host path,
    /// acts with the rights of whichever host account has the same id. An id above 10000 is very
    /// unlikely to match one. When the id is unset, the image decides, and many images use root.
    ///
    /// ## Remediation
    /// Set `securityContext.runAsUser` and `securityContext.runAsGroup` to values above 10000,
    /// for example `10001`, on the pod or on each container, and make sure the image's files are
    /// readable by that user (`COPY --chown` or group-readable permissions).
    /// Where the cluster supports it, `hostUsers: false` (user namespaces) maps the container's
    /// ids to unprivileged ids on the node, which removes the overlap whatever ids are used.
    ///
    /// ## References
    /// Kubernetes documentation: configure a security context for a pod or container.
    /// Kubernetes documentation: use a user namespace with a pod.
    pub struct LowUidOrGid;
    id: "K8S-0004",
    slug: "low-uid-or-gid",
    title: "Container user or group id not above 10000",
    severity: Low,
    target: Target::Workload,
    controls: [A8_2, A8_9],
    strategies: [],
    aliases: ["KSV-0020", "KSV020", "KSV-0021", "KSV021", "K8sPSPAllowedUsers", "container-security-context-user-group-id"],
}

impl Check for LowUidOrGid {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let user_namespace = pod(o, w).and_then(|p| p.get("hostUsers")).and_then(as_bool) == Some(false);
        if windows(o, w) || user_namespace {
            return;
        }
        let mut hits = Vec::new();
        for c in &w.containers {
            let mut missing = Vec::new();
            for (field, id, setting) in
                [("runAsUser", "UID", &c.security.run_as_user), ("runAsGroup", "GID", &c.security.run_as_group)]
            {
                match setting {
                    Some(s) if s.value > LOW => {}
                    Some(s) => hits.push(Hit::new(
                        c,
                        &s.pointer,
                        format!("{}`{field}: {}` gives ", scope(s), s.value),
                        format!(" a {id} not above {LOW}"),
                    )),
                    None => missing.push(field),
                }
            }
            let after = match missing.as_slice() {
                [] => continue,
                [one] => format!(" does not set `{one}`, so the image decides it"),
                _ => " does not set `runAsUser` or `runAsGroup`, so the image decides them".to_owned(),
            };
            hits.push(Hit::new(c, &c.pointer, "", after));
        }
        report(out, &Self::META, o, hits);
    }
}
