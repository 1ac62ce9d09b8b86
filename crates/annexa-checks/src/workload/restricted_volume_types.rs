//! Pods with volumes of a type outside the Restricted set.

use super::support::{volume_name, volumes};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::span::child;
use annexa_load::{Object, Workload};

/// The volume types the Pod Security Standards' Restricted profile allows.
const ALLOWED: [&str; 8] =
    ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

check! {
    /// ## What it checks
    /// Each volume of a pod template whose type is not one of `configMap`, `csi`,
    /// `downwardAPI`, `emptyDir`, `ephemeral`, `persistentVolumeClaim`, `projected` or `secret`:
    /// `hostPath` (also reported by K8S-0006), and in-tree network and cloud volumes such as
    /// `nfs`, `iscsi`, `rbd`, `cephfs`, `awsElasticBlockStore`, `gcePersistentDisk` or
    /// `gitRepo`. The volume is reported at its type field.
    ///
    /// ## Why it matters
    /// The allowed types are either the pod's own data or storage claimed through the cluster,
    /// where a StorageClass and access controls decide what the pod gets. The others let a pod
    /// name a storage server, a disk or a host path directly, so anyone who can create a pod can
    /// reach data no claim was granted for; `gitRepo` even runs `git` on the node.
    ///
    /// ## Remediation
    /// Replace the volume with a `persistentVolumeClaim` bound to a PersistentVolume or
    /// StorageClass that administrators control, or with `emptyDir`, `configMap`, `secret` or a
    /// `projected` volume for pod-local data.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Restricted profile: volume types.
    /// Kubernetes documentation: volumes (deprecated in-tree types and `gitRepo`).
    pub struct RestrictedVolumeTypes;
    id: "K8S-0022",
    slug: "restricted-volume-types",
    title: "Pod uses a volume type outside the Restricted set",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_3, A8_9],
    strategies: [],
    aliases: ["KSV-0028", "KSV028", "restrict-volume-types", "K8sPSPVolumeTypes"],
}

impl Check for RestrictedVolumeTypes {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for (pointer, v) in volumes(o, w) {
            for (kind, value) in v.iter() {
                if kind == "name" || value.is_null() || ALLOWED.contains(&kind.as_str()) {
                    continue;
                }
                out.object(
                    &Self::META,
                    o,
                    &child(&pointer, kind),
                    format!("volume `{}` is of type `{kind}`, which is outside the Restricted set", volume_name(v)),
                );
            }
        }
    }
}
