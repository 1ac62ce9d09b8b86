//! Containers whose image is not pulled again each time they start.

use super::support::{ImageRef, describe};
use crate::context::{Cx, container};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers, init containers and ephemeral containers whose effective `imagePullPolicy`
    /// is not `Always`. The effective value is the one Kubernetes ends up with: when the field
    /// is absent, Kubernetes defaults it to `Always` for an image tagged `latest` or carrying
    /// neither tag nor digest, and to `IfNotPresent` for everything else. So an absent field
    /// is reported only for images with another tag or a digest; `IfNotPresent` and `Never`
    /// are always reported. (An untagged image is reported by K8S-0034 instead.) When the
    /// field is absent and the image holds an unrendered template placeholder, the default
    /// cannot be known and the container is skipped.
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
    /// Set `imagePullPolicy: Always` on each container. Cluster-wide, the `AlwaysPullImages`
    /// admission plugin enforces the same. If a workload must start while the registry is
    /// unreachable, pin its image by digest and record an exemption in `annexa.toml`.
    ///
    /// ## References
    /// Kubernetes documentation: Images (image pull policy and its defaults); admission
    /// controller `AlwaysPullImages`.
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
                    let Some(image) = c.image.as_deref() else { continue };
                    let Some(r) = ImageRef::parse(image) else { continue };
                    if r.effective_tag() == Some("latest") {
                        continue;
                    }
                    out.object(
                        &Self::META,
                        o,
                        &c.pointer,
                        format!(
                            "{} sets no `imagePullPolicy`, so Kubernetes uses `IfNotPresent` for image `{image}`",
                            describe(c)
                        ),
                    )
                    .container(&c.name)
                    .fix(field, json!("Always"));
                }
            }
        }
    }
}
