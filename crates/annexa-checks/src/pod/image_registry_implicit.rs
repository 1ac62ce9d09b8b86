//! Container images that name no registry and so come from Docker Hub implicitly.

use super::support::{ImageRef, describe};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers, init containers and ephemeral containers whose `image` starts with no
    /// registry host, such as `nginx:1.27` or `bitnami/redis:7.2`. The first path component
    /// counts as a host when it contains a dot, a port or an upper-case letter, or is
    /// `localhost`, as the image reference grammar decides. Images holding an unrendered
    /// template placeholder are skipped. This is the form of the allowed-registries check that
    /// needs no configuration; with `allowed_registries` under `[scan]` in `annexa.toml`,
    /// K8S-0046 checks every image against the approved list.
    ///
    /// ## Why it matters
    /// A short name is resolved by the node: most runtimes send it to Docker Hub, some try a
    /// configured list of registries in turn. Either way the manifest does not say where the
    /// code comes from, public images bypass the organisation's mirror and its scanning, and a
    /// look-alike image published under the same short name on another searched registry can
    /// be pulled instead. Docker Hub's pull rate limits can also stop pods from starting.
    ///
    /// ## Remediation
    /// Write the full reference: `docker.io/library/nginx:1.27` if Docker Hub is really meant,
    /// or better the organisation's registry or pull-through mirror,
    /// `registry.example.com/mirror/nginx:1.27`. The fix annexa proposes keeps today's meaning
    /// by naming Docker Hub explicitly.
    ///
    /// ## References
    /// Kubernetes documentation: Images (image names and registries).
    /// containers-registries.conf(5): short-name resolution.
    pub struct ImageRegistryImplicit;
    id: "K8S-0037",
    slug: "image-registry-implicit",
    title: "Container image names no registry",
    severity: Low,
    target: Target::Workload,
    controls: [A5_21, A8_19],
    strategies: [],
    aliases: ["C-0001", "KSV-0034", "KSV034", "K8sDisallowedRepos"],
}

impl Check for ImageRegistryImplicit {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(image) = c.image.as_deref() else { continue };
            let Some(r) = ImageRef::parse(image) else { continue };
            if r.registry.is_some() {
                continue;
            }
            let image = image.trim();
            let explicit = if r.repository.contains('/') {
                format!("docker.io/{image}")
            } else {
                format!("docker.io/library/{image}")
            };
            let field = format!("{}/image", c.pointer);
            out.object(
                &Self::META,
                o,
                &field,
                format!(
                    "{} uses image `{image}`, which names no registry and is pulled from Docker Hub implicitly",
                    describe(c)
                ),
            )
            .container(&c.name)
            .fix(field.clone(), json!(explicit));
        }
    }
}
