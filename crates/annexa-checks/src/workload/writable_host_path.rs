//! Containers that mount a host path without `readOnly: true`.

use super::support::{volume_name, volumes};
use crate::context::{Cx, container};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::k8s::as_bool;
use annexa_load::span::child;
use annexa_load::{Object, Workload};
use serde_json::json;
use std::collections::BTreeMap;

check! {
    /// ## What it checks
    /// Every `volumeMounts` entry of every container (init and ephemeral included) that mounts
    /// a `hostPath` volume without `readOnly: true`. An absent `readOnly` fires at the mount;
    /// `readOnly: false` (or a YAML 1.1 `no`) fires at the field. A host path volume that no
    /// container mounts is left to K8S-0006.
    ///
    /// ## Why it matters
    /// A writable host path lets the container change the node itself: plant a binary or a
    /// systemd unit that runs as root, rewrite the kubelet's configuration, or tamper with
    /// other pods' data and logs. Read-only still exposes the files, but cannot change them.
    ///
    /// ## Remediation
    /// Set `readOnly: true` on the `volumeMounts` entry. If the workload must write, give it an
    /// `emptyDir` or a `persistentVolumeClaim` instead, or record an exemption in `annexa.toml`
    /// for the node agent that needs it, with an owner, a reason and an expiry.
    ///
    /// ## References
    /// Kubernetes documentation: volumes, hostPath (security warnings).
    /// Kubernetes Pod Security Policy `allowedHostPaths.readOnly`, the model this follows.
    pub struct WritableHostPath;
    id: "K8S-0007",
    slug: "writable-host-path",
    title: "Host path mounted writable",
    severity: High,
    target: Target::Workload,
    controls: [A8_2, A8_3, A8_9],
    strategies: [],
    aliases: ["C-0045", "ensure-readonly-hostpath", "K8sPSPHostFilesystem", "writable-host-mount"],
}

impl Check for WritableHostPath {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let host: BTreeMap<&str, &str> = volumes(o, w)
            .into_iter()
            .filter_map(|(_, v)| {
                let h = v.get("hostPath").filter(|h| !h.is_null())?;
                Some((volume_name(v), h.get("path").and_then(Value::as_str).unwrap_or_default()))
            })
            .collect();
        if host.is_empty() {
            return;
        }
        for c in &w.containers {
            let Some(mounts) = container(o, c).and_then(|m| m.get("volumeMounts")).and_then(Value::as_array) else {
                continue;
            };
            for (i, m) in mounts.iter().enumerate() {
                let name = m.get("name").and_then(Value::as_str).unwrap_or_default();
                let Some(path) = host.get(name) else { continue };
                let at = child(&child(&c.pointer, "volumeMounts"), &i.to_string());
                let read_only = child(&at, "readOnly");
                let (pointer, how) = match m.get("readOnly").and_then(as_bool) {
                    Some(true) => continue,
                    Some(false) => (read_only.clone(), "with `readOnly: false`"),
                    None => (at, "without `readOnly: true`"),
                };
                out.object(
                    &Self::META,
                    o,
                    &pointer,
                    format!("container `{}` mounts the node's path `{path}` (volume `{name}`) {how}", c.name),
                )
                .container(&c.name)
                .fix(read_only, json!(true));
            }
        }
    }
}
