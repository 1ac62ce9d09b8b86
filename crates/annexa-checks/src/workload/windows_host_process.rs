//! Windows containers that run as host processes.

use super::support::{Hit, report, scope};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) whose effective
    /// `securityContext.windowsOptions.hostProcess`, after the pod-level `securityContext` is
    /// applied, is `true` (YAML 1.1 `yes`/`on` included). A pod-level value that several
    /// containers inherit is reported once.
    ///
    /// ## Why it matters
    /// A Windows HostProcess container is not isolated at all: it runs as a process on the node,
    /// in the node's network, with a node account such as `NT AUTHORITY\SYSTEM` if asked, and
    /// full access to the node's filesystem. It is the Windows equivalent of a privileged
    /// container with host namespaces.
    ///
    /// ## Remediation
    /// Remove `windowsOptions.hostProcess` (or set it to `false`). Node agents that need it
    /// belong in a dedicated namespace with an exemption in `annexa.toml` with an owner, a
    /// reason and an expiry.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: HostProcess.
    /// Kubernetes documentation: create a Windows HostProcess pod.
    pub struct WindowsHostProcess;
    id: "K8S-0021",
    slug: "windows-host-process",
    title: "Windows container runs as a host process",
    severity: Critical,
    target: Target::Workload,
    controls: [A8_2, A8_9, A8_18],
    strategies: [AhlcSr1],
    aliases: ["C-0211", "KSV-0103", "KSV103", "disallow-host-process", "K8sPSPHostProcess", "hostProcess"],
}

impl Check for WindowsHostProcess {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let mut hits = Vec::new();
        for c in &w.containers {
            if let Some(s) = c.security.host_process.as_ref().filter(|s| s.value) {
                hits.push(
                    Hit::new(
                        c,
                        &s.pointer,
                        format!("{}`windowsOptions.hostProcess: true` runs ", scope(s)),
                        " directly on the node",
                    )
                    .fix(s.pointer.clone(), json!(false)),
                );
            }
        }
        report(out, &Self::META, o, hits);
    }
}
