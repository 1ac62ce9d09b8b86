//! Namespaces whose effective Istio mTLS mode is not STRICT.

use super::istio::{
    ROOT, first_existing, first_workload, istio_objects, namespace_phrase, namespace_wide, upper, uses_istio,
};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use serde_json::json;

/// A PeerAuthentication's own mode; `UNSET` (or nothing) inherits from the level above.
fn mode(pa: &Object) -> Option<String> {
    upper(pa.value.at("/spec/mtls/mode")).filter(|m| m != "UNSET")
}

check! {
    /// ## What it checks
    /// For every namespace that holds workloads in the estate, the mTLS mode Istio applies
    /// there: the namespace's own PeerAuthentication (one without a workload `selector`),
    /// else the mesh-wide one in the root namespace `istio-system`, else Istio's default,
    /// `PERMISSIVE`. A mode of `UNSET` inherits from the level above. The namespace fires
    /// when the result is not `STRICT`: once, at its own PeerAuthentication when it has one
    /// (the mode there is what to change), else at its first workload. Workload-level
    /// PeerAuthentications do not make a namespace strict and are not counted. When several
    /// namespace-wide PeerAuthentications exist, the first in the estate is taken (Istio
    /// takes the oldest). The check only runs when the estate uses Istio: any
    /// `networking.istio.io` or `security.istio.io` object, or a Namespace labelled
    /// `istio-injection: enabled` or `istio.io/rev`.
    ///
    /// ## Why it matters
    /// In `PERMISSIVE` mode a sidecar accepts plaintext as well as mTLS, so any pod without
    /// a sidecar, or an attacker on the pod network, can call the service unauthenticated and
    /// unencrypted, and identity-based AuthorizationPolicies cannot tell who is calling.
    /// `DISABLE` turns mutual TLS off entirely. Permissive mode is meant for migrations, and
    /// is Istio's default until someone sets otherwise.
    ///
    /// ## Remediation
    /// Create a PeerAuthentication named `default` in `istio-system` with
    /// `spec.mtls.mode: STRICT` so the whole mesh requires mTLS, and remove or tighten the
    /// namespace-level ones that lower it. Move workloads still called by clients outside the
    /// mesh behind a gateway, or give them a port-level exception with an owner and an expiry.
    ///
    /// ## References
    /// Istio documentation, *Mutual TLS Migration* and the PeerAuthentication reference
    /// (policy precedence and the root namespace). NIST SP 800-204A SM-DR6 (proxies talk to
    /// each other only over mTLS) and SM-DR16; NIST SP 800-204 MS-SS-4.
    pub struct MtlsNotStrict;
    id: "MESH-0001",
    slug: "mtls-not-strict",
    title: "Namespace does not require Istio mTLS",
    severity: High,
    target: Target::Estate,
    controls: [A8_24, A5_14, A8_5, A8_20],
    strategies: [SmDr6, SmDr16, MsSs4],
    aliases: ["enforce-strict-mtls"],
}

impl Check for MtlsNotStrict {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn estate(&self, cx: &Cx<'_>, out: &mut Findings) {
        if !uses_istio(cx) {
            return;
        }
        let policies: Vec<&Object> = istio_objects(cx, "PeerAuthentication").filter(|p| namespace_wide(p)).collect();
        let mesh = policies.iter().find(|p| p.namespace.as_deref() == Some(ROOT));
        for namespace in &cx.workload_namespaces {
            let own = policies.iter().find(|p| p.namespace == *namespace);
            let (effective, source) = match (own.and_then(|p| mode(p)), mesh.and_then(|p| mode(p).map(|m| (m, p)))) {
                (Some(m), _) => (m, "its own PeerAuthentication".to_owned()),
                (None, Some((m, p))) => (m, format!("inherited from `{}`", p.display())),
                (None, None) => {
                    ("PERMISSIVE".to_owned(), "Istio's default, as no PeerAuthentication sets one".to_owned())
                }
            };
            if effective == "STRICT" {
                continue;
            }
            let ns = namespace_phrase(namespace.as_deref());
            let message = format!("mTLS in {ns} is `{effective}` rather than `STRICT` ({source})");
            if let Some(pa) = own {
                let at = first_existing(pa, &["/spec/mtls/mode", "/spec/mtls", "/spec"]);
                out.object(&Self::META, pa, at, message).fix("/spec/mtls/mode", json!("STRICT"));
            } else if let Some(w) = first_workload(cx, namespace.as_deref()) {
                out.object(&Self::META, w, "/metadata/name", message);
            }
        }
    }
}
