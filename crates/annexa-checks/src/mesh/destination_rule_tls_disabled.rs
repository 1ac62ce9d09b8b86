//! DestinationRules that turn TLS off.

use super::istio::{is_istio_kind, upper};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;
use serde_json::json;

/// Whether a host names a service of the cluster, where Istio's own mTLS is the fix.
fn in_mesh(host: &str) -> bool {
    !host.contains('.') || [".svc", ".svc.cluster.local", ".cluster.local"].iter().any(|s| host.ends_with(s))
}

/// The `trafficPolicy` pointers of a DestinationRule: the top one and each subset's.
fn traffic_policies(o: &Object) -> Vec<(String, Option<String>)> {
    let mut out = vec![("/spec/trafficPolicy".to_owned(), None)];
    let subsets = o.value.at("/spec/subsets").and_then(Value::as_array).into_iter().flatten();
    for (i, s) in subsets.enumerate() {
        let name = s.get("name").and_then(Value::as_str).map(str::to_owned);
        out.push((format!("/spec/subsets/{i}/trafficPolicy"), name));
    }
    out
}

check! {
    /// ## What it checks
    /// Istio DestinationRules that set `tls.mode: DISABLE`: in `spec.trafficPolicy`, in any
    /// of its `portLevelSettings`, and in the traffic policy of each subset (and its
    /// port-level settings). Each setting is reported at its `mode`.
    ///
    /// ## Why it matters
    /// `DISABLE` makes the client sidecar send plaintext to the destination, overriding the
    /// automatic mTLS Istio would otherwise use. If the destination is in the mesh with
    /// `STRICT` mTLS the calls fail; if it is permissive or outside the mesh the traffic
    /// crosses the network unencrypted and the callee cannot authenticate the caller.
    ///
    /// ## Remediation
    /// For services in the mesh, remove the `tls` block or set `mode: ISTIO_MUTUAL`. For
    /// external destinations, originate TLS with `mode: SIMPLE` (or `MUTUAL` with a client
    /// certificate) and the expected `sni` and CA certificates.
    ///
    /// ## References
    /// Istio documentation, DestinationRule reference (ClientTLSSettings, TLS modes) and
    /// *Egress TLS Origination*. NIST SP 800-204A SM-DR6; NIST SP 800-204 MS-SS-4.
    pub struct DestinationRuleTlsDisabled;
    id: "MESH-0005",
    slug: "destination-rule-tls-disabled",
    title: "DestinationRule disables TLS",
    severity: High,
    target: Target::Objects(&["DestinationRule"]),
    controls: [A8_24, A5_14, A8_20],
    strategies: [SmDr6, MsSs4],
    aliases: ["enforce-tls-hosts-host-subnets"],
}

impl Check for DestinationRuleTlsDisabled {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_istio_kind(o, "DestinationRule") {
            return;
        }
        let host = o.value.at("/spec/host").and_then(Value::as_str).unwrap_or_default();
        let fix = in_mesh(host).then(|| json!("ISTIO_MUTUAL"));
        for (policy, subset) in traffic_policies(o) {
            let whose = subset.map_or_else(String::new, |s| format!(" of subset `{s}`"));
            let mut report = |pointer: String, scope: String| {
                if upper(o.value.at(&pointer)).as_deref() == Some("DISABLE") {
                    let f = out.object(
                        &Self::META,
                        o,
                        &pointer,
                        format!("`tls.mode: DISABLE`{scope}{whose} sends traffic to `{host}` in plaintext"),
                    );
                    if let Some(v) = &fix {
                        f.fix(pointer.clone(), v.clone());
                    }
                }
            };
            report(format!("{policy}/tls/mode"), String::new());
            let ports = o.value.at(&format!("{policy}/portLevelSettings")).and_then(Value::as_array);
            for (i, p) in ports.into_iter().flatten().enumerate() {
                let number = p.at("/port/number").map(Value::to_string).unwrap_or_else(|| "?".to_owned());
                report(format!("{policy}/portLevelSettings/{i}/tls/mode"), format!(" for port {number}"));
            }
        }
    }
}
