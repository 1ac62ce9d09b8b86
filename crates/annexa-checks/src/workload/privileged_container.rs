//! Containers that run privileged.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers, init containers and ephemeral containers whose `securityContext.privileged`
    /// is `true`.
    ///
    /// ## Why it matters
    /// A privileged container has every capability and access to the node's devices: a process
    /// that escapes it is root on the node, and from there it reaches every other pod and the
    /// kubelet's credentials. Few workloads need it; those that do (node agents) belong in a
    /// namespace of their own with an approved exception.
    ///
    /// ## Remediation
    /// Remove `privileged: true`, or set `securityContext.privileged: false`. Grant the one
    /// capability the workload needs instead (`capabilities.add`), or record an exemption in
    /// `annexa.toml` with an owner, a reason and an expiry.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: privileged containers.
    /// NIST SP 800-204B AHLC-SR-1 (do not run containers as privileged).
    pub struct PrivilegedContainer;
    id: "K8S-0001",
    slug: "privileged-container",
    title: "Container runs privileged",
    severity: Critical,
    target: Target::Workload,
    controls: [A8_2, A8_9, A8_18],
    strategies: [AhlcSr1],
    aliases: ["CKV_K8S_16", "KSV-0017", "KSV017", "disallow-privileged-containers", "K8sPSPPrivilegedContainer", "runAsPrivileged", "privileged-container"],
}

impl Check for PrivilegedContainer {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            if let Some(p) = c.security.privileged.as_ref().filter(|p| p.value) {
                out.object(&Self::META, o, &p.pointer, format!("container `{}` runs privileged", c.name))
                    .container(&c.name)
                    .fix(p.pointer.clone(), json!(false));
            }
        }
    }
}
