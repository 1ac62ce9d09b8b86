//! PeerAuthentications that accept plaintext.

use super::istio::{is_istio_kind, upper};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;
use annexa_load::span::child;
use serde_json::json;

fn weak(mode: &str) -> Option<&'static str> {
    match mode {
        "PERMISSIVE" => Some("accepts plaintext as well as mTLS"),
        "DISABLE" => Some("turns mutual TLS off"),
        _ => None,
    }
}

check! {
    /// ## What it checks
    /// Every Istio PeerAuthentication whose `spec.mtls.mode` is `PERMISSIVE` or `DISABLE`,
    /// and every `spec.portLevelMtls` entry with one of those modes, each reported at its
    /// `mode`. Unlike MESH-0001, which judges the mode each namespace ends up with, this
    /// check reports each weak setting where it is written, mesh-wide, namespace-wide or for
    /// selected workloads and ports.
    ///
    /// ## Why it matters
    /// A permissive or disabled PeerAuthentication lets the selected workloads accept
    /// connections without a client certificate: the traffic is not encrypted, the caller is
    /// not authenticated, and authorization rules on principals or namespaces cannot match.
    /// Port-level exceptions are a common way for one plaintext port to outlive the migration
    /// it was made for.
    ///
    /// ## Remediation
    /// Set `mode: STRICT` (or remove the field so the stricter parent applies). Where a
    /// client outside the mesh still needs a port, route it through an ingress gateway, or
    /// keep the narrowest port-level exception with an owner and an end date.
    ///
    /// ## References
    /// Istio documentation, PeerAuthentication reference (mutual TLS modes, port-level
    /// settings) and *Mutual TLS Migration*. NIST SP 800-204A SM-DR6 and SM-DR16.
    pub struct PeerAuthenticationPermissive;
    id: "MESH-0002",
    slug: "peer-authentication-permissive",
    title: "PeerAuthentication allows plaintext",
    severity: Medium,
    target: Target::Objects(&["PeerAuthentication"]),
    controls: [A8_24, A5_14, A8_5],
    strategies: [SmDr6, SmDr16],
    aliases: ["enforce-strict-mtls"],
}

impl Check for PeerAuthenticationPermissive {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_istio_kind(o, "PeerAuthentication") {
            return;
        }
        if let Some(mode) = upper(o.value.at("/spec/mtls/mode"))
            && let Some(why) = weak(&mode)
        {
            out.object(&Self::META, o, "/spec/mtls/mode", format!("`mtls.mode: {mode}` {why}"))
                .fix("/spec/mtls/mode", json!("STRICT"));
        }
        let ports = o.value.at("/spec/portLevelMtls").and_then(Value::as_object).into_iter().flatten();
        for (port, setting) in ports {
            if let Some(mode) = upper(setting.get("mode"))
                && let Some(why) = weak(&mode)
            {
                let at = child(&child("/spec/portLevelMtls", port), "mode");
                out.object(&Self::META, o, &at, format!("port {port} is set to `{mode}`, which {why}"))
                    .fix(at.clone(), json!("STRICT"));
            }
        }
    }
}
