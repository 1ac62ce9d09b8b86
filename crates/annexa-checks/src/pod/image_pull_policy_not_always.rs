//! Containers whose image is not pulled again each time they start.

use super::support::{ImageRef, describe};
use crate::context::{Cx, container};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers, init containers and ephemeral containers that do not set
    /// `imagePullPolicy: Always`: `IfNotPresent`, `Never`, or no policy at all. An absent
    /// field is reported whatever the image. Kubernetes fills it in when the object is first
    /// created, from the tag the image has then (`Always` for `latest` or no tag,
    /// `IfNotPresent` otherwise), and keeps that value when the image is changed later, so a
    /// manifest that relies on the default cannot tell which policy its pods run with.
    ///
    /// ## Why it matters
    /// With `IfNotPresent` a node reuses whatever image it has cached under that name. Any pod
    /// scheduled there can then start a private image without presenting registry credentials,
    /// and a tag that was re-pushed (to ship a fix, or by an attacker) keeps running its old or
    /// tampered content on some nodes and not others. `Always` makes the kubelet ask the
    /// registry each time, which checks the pull credentials and resolves the tag afresh; with
    /// a digest-pinned image this costs little, because unchanged layers are not downloaded.
    ///
    /// ## Remediation
    /// Set `imagePullPolicy: Always` on each container, even for a `latest` image. Cluster-wide, the `AlwaysPullImages`
    /// admission plugin enforces the same. If a workload must start while the registry is
    /// unreachable, pin its image by digest and record an exemption in `annexa.toml`.
    ///
    /// ## References
    /// Kubernetes documentation: Images (image pull policy, its defaults and when they are
    /// set); admission controller `AlwaysPullImages`.
    pub struct ImagePullPolicyNotAlways;
    id: "K8S-0036",
    slug: "image-pull-policy-not-always",
    title: "Container image pull policy is not Always",
    severity: Low,
    target: Target::Workload,
    controls: [A8_19, A5_15],
    strategies: [],
    aliases: ["C-0075", "CKV_K8S_15", "imagepullpolicy-always", "pullPolicyNotAlways", "container-image-pull-policy"],
}

impl Check for ImagePullPolicyNotAlways {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(image) = c.image.as_deref() else { continue };
            let Some(own) = container(o, c) else { continue };
            let field = format!("{}/imagePullPolicy", c.pointer);
            match own.get("imagePullPolicy").filter(|v| !v.is_null()) {
                Some(Value::String(p)) if p == "Always" => {}
                Some(p) => {
                    let shown = p.as_str().map_or_else(|| p.to_string(), str::to_owned);
                    out.object(&Self::META, o, &field, format!("{} sets `imagePullPolicy: {shown}`", describe(c)))
                        .container(&c.name)
                        .fix(field.clone(), json!("Always"));
                }
                None => {
                    let message = match ImageRef::parse(image).map(|r| r.effective_tag()) {
                        Some(Some("latest")) => format!(
                            "{} sets no `imagePullPolicy`: Kubernetes picks `Always` for image `{image}` from its tag \
                             when the object is created, and keeps it if the image changes later",
                            describe(c)
                        ),
                        Some(_) => format!(
                            "{} sets no `imagePullPolicy`, so Kubernetes uses `IfNotPresent` for image `{image}`",
                            describe(c)
                        ),
                        // A template placeholder: the tag is not known yet.
                        None => format!(
                            "{} sets no `imagePullPolicy`: Kubernetes picks one from the tag image `{image}` has when \
                             the object is created, and keeps it if the image changes later",
                            describe(c)
                        ),
                    };
                    out.object(&Self::META, o, &c.pointer, message).container(&c.name).fix(field, json!("Always"));
                }
            }
        }
    }
}
