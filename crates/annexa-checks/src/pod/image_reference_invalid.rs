//! Container image references the kubelet cannot parse, so the container never starts.

use super::support::{describe, image_problem};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers, init containers and ephemeral containers whose `image` breaks the
    /// reference grammar the kubelet parses images with: a digest that is not `sha256`,
    /// `sha384` or `sha512` followed by exactly its number of lower-case hexadecimal digits
    /// (`@sha256:123456`, `@custom-algorithm:a`), upper case in the repository path, an empty
    /// or malformed path component, tag or registry host, a name over 255 characters, a bare
    /// 64-digit image id, or surrounding white space. Images holding an unrendered template
    /// placeholder (`${TAG}`, `{{ … }}`) are skipped. The checks on tags, digests, pull
    /// policies and registries (K8S-0034 to K8S-0037) still judge what is written: a
    /// malformed digest, for one, also pins nothing.
    ///
    /// ## Why it matters
    /// The API server stores the object, but the kubelet refuses the reference: the pod sits
    /// in `InvalidImageName` and the workload never starts, so a rollout that carries it
    /// stalls or takes capacity away. A truncated or made-up digest usually means the step
    /// that should have written the digest of the approved build did not run, so the
    /// manifest no longer ties the deployment to what was built and reviewed.
    ///
    /// ## Remediation
    /// Write the reference as `registry/path:tag@sha256:<64 hex digits>`, in lower case, and
    /// let the pipeline write the digest it built (`crane digest`, `docker buildx imagetools
    /// inspect`, `kustomize edit set image`) instead of typing it.
    ///
    /// ## References
    /// Kubernetes documentation: Images (image names) and Pod Lifecycle (waiting reasons).
    /// OCI Image Format Specification: Descriptors (digests).
    pub struct ImageReferenceInvalid;
    id: "K8S-0045",
    slug: "image-reference-invalid",
    title: "Container image reference cannot be parsed",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_32, A8_9],
    strategies: [],
    aliases: [],
}

impl Check for ImageReferenceInvalid {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(image) = c.image.as_deref() else { continue };
            let Some(problem) = image_problem(image) else { continue };
            out.object(
                &Self::META,
                o,
                &format!("{}/image", c.pointer),
                format!("{} uses image `{image}`, which the kubelet cannot parse: {problem}", describe(c)),
            )
            .container(&c.name);
        }
    }
}
