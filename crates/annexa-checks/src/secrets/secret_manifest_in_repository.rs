//! Secret manifests with their values committed alongside the code.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;
use annexa_load::Value;

check! {
    /// ## What it checks
    /// Kubernetes `Secret` objects in the scanned files that carry values: a non-empty `data`
    /// or `stringData`. Secrets of type `kubernetes.io/service-account-token` with no data
    /// (filled in by the cluster) and Secrets without values are not reported, and encrypted
    /// forms (`SealedSecret`, `ExternalSecret`, SOPS-encrypted files) are different kinds and
    /// never match.
    ///
    /// ## Why it matters
    /// `data` is only base64, an encoding, not encryption: anyone who can read the repository
    /// (and every clone, fork, CI cache and backup of it) can read the credentials, and the
    /// history keeps them after they are deleted. Rotation also becomes a code change.
    ///
    /// ## Remediation
    /// Keep secret values out of the repository: store them in a secret manager and sync
    /// them into the cluster with the External Secrets Operator or the Secrets Store CSI
    /// driver, or commit them encrypted (Sealed Secrets, SOPS). Rotate values that were
    /// committed in clear.
    ///
    /// ## References
    /// Kubernetes documentation, Secrets (the caution on base64 encoding) and Good practices
    /// for Kubernetes Secrets. OWASP Secrets Management Cheat Sheet.
    pub struct SecretManifestInRepository;
    id: "SEC-0006",
    slug: "secret-manifest-in-repository",
    title: "Secret manifest with values in the repository",
    severity: Medium,
    target: Target::Objects(&["Secret"]),
    controls: [A5_17, A8_24, A8_12],
    strategies: [],
    aliases: [],
}

impl Check for SecretManifestInRepository {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "Secret" || o.api_version != "v1" {
            return;
        }
        for field in ["data", "stringData"] {
            let Some(map) = o.value.get(field).and_then(Value::as_object) else { continue };
            let filled = map.values().filter(|v| v.as_str().is_some_and(|s| !s.trim().is_empty())).count();
            if filled == 0 {
                continue;
            }
            let plural = if filled == 1 { "value" } else { "values" };
            let how = if field == "data" { "base64-encoded, not encrypted" } else { "in clear text" };
            out.object(
                &Self::META,
                o,
                &format!("/{field}"),
                format!("`{field}` commits {filled} {plural} to the repository ({how})"),
            );
        }
    }
}
