//! Pods that mount a directory or file of the node.

use super::support::{volume_name, volumes};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Pod templates with a volume of type `hostPath`, whatever its path and whether or not a
    /// container mounts it. Each such volume is reported at its `hostPath` field.
    ///
    /// ## Why it matters
    /// A `hostPath` volume hands the pod a piece of the node's filesystem. Depending on the path,
    /// that is the kubelet's credentials, other pods' data and secrets, the container runtime's
    /// socket, or system binaries that run as root. It also ties the pod to one node's layout
    /// and bypasses every storage access control the cluster has.
    ///
    /// ## Remediation
    /// Replace the volume with `emptyDir`, a `persistentVolumeClaim`, a `configMap` or a
    /// `secret`, or, for node agents that truly need host files, mount only the narrowest path
    /// with `readOnly: true` and record an exemption in `annexa.toml` with an owner, a reason
    /// and an expiry.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: HostPath volumes.
    /// Kubernetes documentation: volumes, hostPath (security warnings).
    pub struct HostPathVolume;
    id: "K8S-0006",
    slug: "host-path-volume",
    title: "Pod mounts a host path volume",
    severity: High,
    target: Target::Workload,
    controls: [A8_2, A8_3, A8_9],
    strategies: [],
    aliases: ["C-0048", "KSV-0023", "KSV023", "disallow-host-path", "K8sPSPHostFilesystem", "hostPathSet", "sensitive-host-mounts"],
}

impl Check for HostPathVolume {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for (pointer, v) in volumes(o, w) {
            let Some(host) = v.get("hostPath").filter(|h| !h.is_null()) else { continue };
            let path = host.get("path").and_then(Value::as_str).unwrap_or_default();
            out.object(
                &Self::META,
                o,
                &child(&pointer, "hostPath"),
                format!("volume `{}` mounts the node's path `{path}`", volume_name(v)),
            );
        }
    }
}
