//! Containers that run without AppArmor confinement.

use super::support::{Hit, report, scope};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};
use serde_json::json;

/// The legacy per-container annotation.
const ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) whose effective AppArmor profile is
    /// `Unconfined`: through `securityContext.appArmorProfile.type` on the container or the
    /// pod, or through the legacy annotation
    /// `container.apparmor.security.beta.kubernetes.io/<container>: unconfined` on the pod
    /// template. The kubelet prefers the container's annotation to the pod-level field, so an
    /// `unconfined` annotation fires even when the pod sets a profile. A missing profile is
    /// silent: on nodes with AppArmor the runtime's default profile applies. A pod-level value
    /// that several containers inherit is reported once.
    ///
    /// ## Why it matters
    /// AppArmor's default container profile blocks writes to sensitive `/proc` and `/sys` files,
    /// mounts and other operations that container escapes rely on. Opting out removes that layer
    /// for the whole container, so a single bug inside it meets fewer barriers on its way to the
    /// node.
    ///
    /// ## Remediation
    /// Remove the `Unconfined` profile so the runtime default applies, or set
    /// `securityContext.appArmorProfile.type: RuntimeDefault` (or `Localhost` with a reviewed
    /// profile). On clusters before 1.30, set the annotation to `runtime/default` instead.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: AppArmor.
    /// Kubernetes documentation: restrict a container's access to resources with AppArmor.
    pub struct ApparmorUnconfined;
    id: "K8S-0017",
    slug: "apparmor-unconfined",
    title: "Container runs without AppArmor confinement",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_9, A8_8],
    strategies: [],
    aliases: ["KSV-0002", "KSV002", "restrict-apparmor-profiles", "K8sPSPAppArmor"],
}

impl Check for ApparmorUnconfined {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let annotations = child(&w.pod_metadata, "annotations");
        let mut hits = Vec::new();
        for c in &w.containers {
            let key = format!("{ANNOTATION}{}", c.name);
            let annotation = child(&annotations, &key);
            let legacy = o.value.at(&annotation).and_then(Value::as_str);
            // The kubelet reads the container's field, then its annotation, then the pod's field;
            // the workload view puts the pod's field before the annotation.
            let own = c.security.apparmor.as_ref().filter(|s| !s.from_pod);
            if let Some(legacy) = legacy.filter(|_| own.is_none()) {
                if legacy == "unconfined" {
                    hits.push(
                        Hit::new(c, &annotation, format!("annotation `{key}: unconfined` runs "), " without AppArmor")
                            .fix(annotation.clone(), json!("runtime/default")),
                    );
                }
                continue;
            }
            if let Some(s) = c.security.apparmor.as_ref().filter(|s| s.value == "Unconfined") {
                hits.push(
                    Hit::new(
                        c,
                        &s.pointer,
                        format!("{}`appArmorProfile.type: Unconfined` runs ", scope(s)),
                        " without AppArmor",
                    )
                    .fix(s.pointer.clone(), json!("RuntimeDefault")),
                );
            }
        }
        report(out, &Self::META, o, hits);
    }
}
