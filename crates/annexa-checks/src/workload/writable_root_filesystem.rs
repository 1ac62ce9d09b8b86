//! Containers whose root filesystem is writable.

use super::support::{Hit, own_field, report, windows};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) of Linux pods whose
    /// `securityContext.readOnlyRootFilesystem` is not `true`. The field only exists on
    /// containers, so an absent field fires at the container, and a pod-level value (which
    /// Kubernetes ignores) does not count. Pods with `spec.os.name: windows` are skipped.
    ///
    /// ## Why it matters
    /// A writable image filesystem lets an intruder drop tools, replace binaries or plant
    /// persistence inside the running container, and lets a buggy application fill the node's
    /// disk. A read-only root keeps the running container identical to the reviewed image.
    ///
    /// ## Remediation
    /// Set `securityContext.readOnlyRootFilesystem: true` on each container, and mount an
    /// `emptyDir` volume at each path the application must write (`/tmp`, caches, pid files).
    ///
    /// ## References
    /// Kubernetes documentation: configure a security context for a pod or container.
    /// NSA/CISA Kubernetes Hardening Guidance: immutable container file systems.
    pub struct WritableRootFilesystem;
    id: "K8S-0005",
    slug: "writable-root-filesystem",
    title: "Container root filesystem is writable",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_9, A8_7],
    strategies: [],
    aliases: ["C-0017", "CKV_K8S_22", "KSV-0014", "KSV014", "require-ro-rootfs", "K8sPSPReadOnlyRootFilesystem", "notReadOnlyRootFilesystem", "container-security-context-readonlyrootfilesystem", "no-read-only-root-fs"],
}

impl Check for WritableRootFilesystem {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if windows(o, w) {
            return;
        }
        let mut hits = Vec::new();
        for c in &w.containers {
            match &c.security.read_only_root_filesystem {
                Some(s) if s.value => {}
                Some(s) => hits.push(
                    Hit::new(c, &s.pointer, "", " has a writable root filesystem (`readOnlyRootFilesystem: false`)")
                        .fix(s.pointer.clone(), json!(true)),
                ),
                None => hits.push(
                    Hit::new(c, &c.pointer, "", " does not set `readOnlyRootFilesystem: true`")
                        .fix(own_field(c, &["readOnlyRootFilesystem"]), json!(true)),
                ),
            }
        }
        report(out, &Self::META, o, hits);
    }
}
