//! Container images tagged `latest`, or not tagged at all.

use super::support::{ImageRef, describe};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers, init containers and ephemeral containers whose `image` has the tag `latest`,
    /// or has neither a tag nor a digest (Kubernetes and the container runtime then pull
    /// `latest`). An image pinned by a well-formed digest is not reported even when it also
    /// carries `:latest`: the digest decides what runs. Images holding an unrendered template
    /// placeholder (`${TAG}`, `{{ … }}`) are skipped.
    ///
    /// ## Why it matters
    /// `latest` moves whenever someone pushes. Two replicas of one Deployment can run different
    /// code, a rollback redeploys whatever is newest rather than what ran before, and nobody
    /// can say from the manifest which build, with which vulnerabilities, is in production.
    /// Changes reach the cluster without passing review.
    ///
    /// ## Remediation
    /// Reference an immutable version: a release tag such as `nginx:1.27.3`, or better a digest
    /// (`nginx@sha256:…`). Let the pipeline write the tag it built and tested into the manifest
    /// (for example with `kustomize edit set image`).
    ///
    /// ## References
    /// Kubernetes documentation: Images (image names, tags and the `latest` tag).
    /// Kubernetes configuration best practices: avoid `latest` in production.
    pub struct ImageTagLatest;
    id: "K8S-0034",
    slug: "image-tag-latest",
    title: "Container image is tagged latest or untagged",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_32, A8_19, A8_9],
    strategies: [],
    aliases: ["C-0075", "CKV_K8S_14", "KSV-0013", "KSV013", "disallow-latest-tag", "K8sDisallowedTags", "tagNotSpecified", "container-image-tag", "latest-tag"],
}

impl Check for ImageTagLatest {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(image) = c.image.as_deref() else { continue };
            let Some(r) = ImageRef::parse(image) else { continue };
            if r.pinned() || r.effective_tag() != Some("latest") {
                continue;
            }
            let message = if r.tag.is_some() {
                format!("{} uses image `{image}`, whose `latest` tag can change at any push", describe(c))
            } else {
                format!("{} uses image `{image}` without a tag, so Kubernetes pulls `latest`", describe(c))
            };
            out.object(&Self::META, o, &format!("{}/image", c.pointer), message).container(&c.name);
        }
    }
}
