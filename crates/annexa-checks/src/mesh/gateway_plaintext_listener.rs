//! Gateways that accept plaintext HTTP or old TLS versions.

use super::istio::{is_istio_kind, upper};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;
use serde_json::json;

/// Istio server protocols that carry HTTP without TLS.
const PLAINTEXT: [&str; 3] = ["HTTP", "HTTP2", "GRPC"];

/// TLS versions older than 1.2.
const OLD_TLS: [&str; 2] = ["TLSV1_0", "TLSV1_1"];

fn is_gateway_api(o: &Object, kind: &str) -> bool {
    o.kind == kind && o.api_version.starts_with("gateway.networking.k8s.io/")
}

/// Whether every rule of an HTTPRoute only redirects to `https`.
fn redirects_only(route: &Object) -> bool {
    let rules = route.value.at("/spec/rules").and_then(Value::as_array);
    rules.is_some_and(|rules| {
        !rules.is_empty()
            && rules.iter().all(|r| {
                r.get("filters").and_then(Value::as_array).into_iter().flatten().any(|f| {
                    f.get("type").and_then(Value::as_str) == Some("RequestRedirect")
                        && f.at("/requestRedirect/scheme").and_then(Value::as_str) == Some("https")
                })
            })
    })
}

/// Whether an HTTPRoute attaches to a listener of a Gateway API Gateway.
fn attaches(route: &Object, gateway: &Object, listener: &Value) -> bool {
    let refs = route.value.at("/spec/parentRefs").and_then(Value::as_array).into_iter().flatten();
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    refs.into_iter().any(|r| {
        let kind_ok = text(r, "kind").is_none_or(|k| k == "Gateway");
        let namespace = text(r, "namespace").or_else(|| route.namespace.clone());
        let section_ok = text(r, "sectionName").is_none_or(|s| Some(s) == text(listener, "name"));
        let port_ok = r.get("port").is_none_or(|p| Some(p) == listener.get("port"));
        kind_ok
            && text(r, "name").as_deref() == Some(gateway.name.as_str())
            && namespace == gateway.namespace
            && section_ok
            && port_ok
    })
}

check! {
    /// ## What it checks
    /// Istio Gateways with a server whose `port.protocol` is `HTTP`, `HTTP2` or `GRPC`
    /// (plaintext) without `tls.httpsRedirect: true`, reported at the protocol; and Istio
    /// servers whose `tls.minProtocolVersion` is `TLSV1_0` or `TLSV1_1`, reported at that
    /// field. For Gateway API Gateways, listeners with `protocol: HTTP`, unless every
    /// HTTPRoute attached to the listener (by `parentRefs` name, namespace, `sectionName`
    /// and `port`) only redirects to `https`, and at least one is. The TLS versions of
    /// ingress controllers and other gateways are NET-0008's.
    ///
    /// ## Why it matters
    /// The gateway is where clients from outside enter the mesh. A plaintext listener lets
    /// credentials, cookies and data cross the internet or corporate network unencrypted,
    /// and lets anyone on the path change them. TLS 1.0 and 1.1 are deprecated (RFC 8996)
    /// and lack the modern cipher suites TLS 1.2 and 1.3 require.
    ///
    /// ## Remediation
    /// Serve clients on an `HTTPS` server with a certificate, and keep port 80 only to
    /// redirect: `tls.httpsRedirect: true` on the Istio server, or an HTTPRoute with a
    /// `RequestRedirect` filter to scheme `https` on the Gateway API listener. Set
    /// `tls.minProtocolVersion: TLSV1_2` or higher.
    ///
    /// ## References
    /// Istio documentation, Gateway reference (ServerTLSSettings, httpsRedirect, TLS
    /// versions). Kubernetes Gateway API, *HTTP redirects and rewrites*. IETF RFC 8996
    /// (deprecating TLS 1.0 and 1.1). NIST SP 800-204 MS-SS-4.
    pub struct GatewayPlaintextListener;
    id: "MESH-0006",
    slug: "gateway-plaintext-listener",
    title: "Gateway accepts plaintext or old TLS",
    severity: Medium,
    target: Target::Objects(&["Gateway"]),
    controls: [A8_24, A5_14, A8_20],
    strategies: [MsSs4],
    aliases: [],
}

impl GatewayPlaintextListener {
    fn istio(o: &Object, out: &mut Findings) {
        let servers = o.value.at("/spec/servers").and_then(Value::as_array).into_iter().flatten();
        for (i, server) in servers.enumerate() {
            let base = format!("/spec/servers/{i}");
            let port = server.at("/port/number").map_or_else(|| "?".to_owned(), Value::to_string);
            let protocol = upper(server.at("/port/protocol")).unwrap_or_default();
            let redirect = server.at("/tls/httpsRedirect").and_then(annexa_load::k8s::as_bool).unwrap_or(false);
            if PLAINTEXT.contains(&protocol.as_str()) && !redirect {
                out.object(
                    &Self::META,
                    o,
                    &format!("{base}/port/protocol"),
                    format!("server on port {port} accepts plaintext `{protocol}` without `tls.httpsRedirect: true`"),
                )
                .fix(format!("{base}/tls/httpsRedirect"), json!(true));
            }
            if let Some(version) = upper(server.at("/tls/minProtocolVersion")).filter(|v| OLD_TLS.contains(&v.as_str()))
            {
                let at = format!("{base}/tls/minProtocolVersion");
                out.object(
                    &Self::META,
                    o,
                    &at,
                    format!("server on port {port} accepts `{version}`, older than TLS 1.2"),
                )
                .fix(at.clone(), json!("TLSV1_2"));
            }
        }
    }

    fn gateway_api(cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        let listeners = o.value.at("/spec/listeners").and_then(Value::as_array).into_iter().flatten();
        for (i, listener) in listeners.enumerate() {
            if listener.get("protocol").and_then(Value::as_str) != Some("HTTP") {
                continue;
            }
            let routes: Vec<&Object> = cx
                .objects_of("HTTPRoute")
                .filter(|r| is_gateway_api(r, "HTTPRoute") && attaches(r, o, listener))
                .collect();
            if !routes.is_empty() && routes.iter().all(|r| redirects_only(r)) {
                continue;
            }
            let name = listener.get("name").and_then(Value::as_str).unwrap_or("?");
            let why = if routes.is_empty() { "" } else { " and not all of its routes redirect to HTTPS" };
            out.object(
                &Self::META,
                o,
                &format!("/spec/listeners/{i}/protocol"),
                format!("listener `{name}` accepts plaintext `HTTP`{why}"),
            );
        }
    }
}

impl Check for GatewayPlaintextListener {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if is_istio_kind(o, "Gateway") {
            Self::istio(o, out);
        } else if is_gateway_api(o, "Gateway") {
            Self::gateway_api(cx, o, out);
        }
    }
}
