//! Container images referenced by tag rather than by content digest.

use super::support::{ImageRef, describe};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers, init containers and ephemeral containers whose `image` carries no
    /// well-formed content digest (`@sha256:` followed by the hexadecimal hash), whatever its
    /// tag. A malformed digest counts as none. Images holding an unrendered template
    /// placeholder (`${TAG}`, `{{ … }}`) are skipped.
    ///
    /// ## Why it matters
    /// Tags are mutable labels: anyone who can push to the repository, or who compromises the
    /// registry, can point `1.4.2` at different content, and every node that pulls afterwards
    /// runs it. Only a digest guarantees that the image running is the one that was built,
    /// scanned and approved, which is what vulnerability reports and change records refer to.
    ///
    /// ## Remediation
    /// Append the digest the pipeline built or promoted: `registry.example.com/shop/web:1.4.2@sha256:…`
    /// (the tag stays for readability; the digest decides). `crane digest`, `docker buildx
    /// imagetools inspect` or `kustomize edit set image` give and write it; tools such as
    /// Renovate keep it current.
    ///
    /// ## References
    /// Kubernetes documentation: Images (image names and digests).
    /// NIST SP 800-204C section 4.8.1 (scan container images in the pipeline).
    pub struct ImageNotPinnedByDigest;
    id: "K8S-0035",
    slug: "image-not-pinned-by-digest",
    title: "Container image is not pinned by digest",
    severity: Low,
    target: Target::Workload,
    controls: [A5_21, A8_19, A8_32],
    strategies: [C204_4_8_1],
    aliases: ["C-0306", "CKV_K8S_43", "require-image-checksum", "K8sImageDigests"],
}

impl Check for ImageNotPinnedByDigest {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(image) = c.image.as_deref() else { continue };
            let Some(r) = ImageRef::parse(image) else { continue };
            if r.pinned() {
                continue;
            }
            let message = if r.digest.is_some() {
                format!("{} uses image `{image}`, whose digest is not a well-formed content hash", describe(c))
            } else {
                format!("{} uses image `{image}`, which is not pinned by digest", describe(c))
            };
            out.object(&Self::META, o, &format!("{}/image", c.pointer), message).container(&c.name);
        }
    }
}
