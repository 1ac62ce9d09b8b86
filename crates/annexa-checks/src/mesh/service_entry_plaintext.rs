//! ServiceEntries that reach external hosts in plaintext.

use super::istio::{is_istio_kind, istio_objects, upper};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;

/// Ports whose well-known protocol runs over TLS.
const TLS_PORTS: [u64; 10] = [443, 465, 636, 853, 993, 995, 5671, 6443, 8443, 9443];

/// Port protocols that do not encrypt by themselves.
const PLAINTEXT: [&str; 4] = ["HTTP", "HTTP2", "GRPC", "TCP"];

fn cluster_local(host: &str) -> bool {
    [".svc", ".svc.cluster.local", ".cluster.local"].iter().any(|s| host.ends_with(s))
}

/// Whether a DestinationRule for `host` makes the sidecar originate TLS on `port`: a
/// port-level setting for the port wins over the rule-wide one.
fn originates_tls(cx: &Cx<'_>, host: &str, port: Option<u64>) -> bool {
    istio_objects(cx, "DestinationRule")
        .filter(|dr| dr.value.at("/spec/host").and_then(Value::as_str) == Some(host))
        .any(|dr| {
            let tls = |policy: Option<&Value>| upper(policy.and_then(|p| p.at("/tls/mode")));
            let traffic = dr.value.at("/spec/trafficPolicy");
            let port_level = traffic
                .and_then(|t| t.get("portLevelSettings"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|s| port.is_some() && s.at("/port/number").and_then(Value::as_u64) == port);
            let mode = port_level.and_then(|s| tls(Some(s))).or_else(|| tls(traffic));
            mode.is_some_and(|m| m != "DISABLE")
        })
}

check! {
    /// ## What it checks
    /// Istio ServiceEntries for external hosts (`location` absent or `MESH_EXTERNAL`, hosts
    /// not ending in `.svc` or `.cluster.local`) with a port whose `protocol` is `HTTP`,
    /// `HTTP2`, `GRPC` or `TCP` and whose destination port (`targetPort`, else `number`) is
    /// not a well-known TLS port (443, 465, 636, 853, 993, 995, 5671, 6443, 8443, 9443).
    /// Ports declared `HTTPS` or `TLS` pass. A port also passes when a DestinationRule for
    /// the same host originates TLS on it (`tls.mode` `SIMPLE`, `MUTUAL` or `ISTIO_MUTUAL`,
    /// rule-wide or for that port number), the usual egress TLS origination pattern. Each
    /// offending port is reported at its `protocol`.
    ///
    /// ## Why it matters
    /// A ServiceEntry opens a path out of the mesh. When that path is plaintext, requests
    /// and their credentials travel unencrypted over networks the organisation does not
    /// control, and the mesh cannot verify it is talking to the real external service.
    ///
    /// ## Remediation
    /// Declare the external port as `HTTPS` or `TLS` and let the application speak TLS, or
    /// keep the application on HTTP and have the sidecar or egress gateway originate TLS
    /// with a DestinationRule (`tls.mode: SIMPLE`, `sni` set to the host). If the external
    /// service offers no TLS at all, record the exception and the data it may carry.
    ///
    /// ## References
    /// Istio documentation, ServiceEntry reference and *Egress TLS Origination*. NIST SP
    /// 800-204A SM-DR8 (open egress only to named destinations, with TLS); NIST SP 800-204
    /// MS-SS-4.
    pub struct ServiceEntryPlaintext;
    id: "MESH-0007",
    slug: "service-entry-plaintext",
    title: "ServiceEntry reaches an external host in plaintext",
    severity: Medium,
    target: Target::Objects(&["ServiceEntry"]),
    controls: [A8_24, A5_14, A8_20],
    strategies: [SmDr8, MsSs4],
    aliases: [],
}

impl Check for ServiceEntryPlaintext {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_istio_kind(o, "ServiceEntry") {
            return;
        }
        if upper(o.value.at("/spec/location")).is_some_and(|l| l == "MESH_INTERNAL") {
            return;
        }
        let hosts: Vec<&str> = o
            .value
            .at("/spec/hosts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|h| !cluster_local(h))
            .collect();
        if hosts.is_empty() {
            return;
        }
        let ports = o.value.at("/spec/ports").and_then(Value::as_array).into_iter().flatten();
        for (i, port) in ports.enumerate() {
            let Some(protocol) = upper(port.get("protocol")).filter(|p| PLAINTEXT.contains(&p.as_str())) else {
                continue;
            };
            let number = port.get("number").and_then(Value::as_u64);
            let target = port.get("targetPort").and_then(Value::as_u64).or(number);
            if target.is_some_and(|t| TLS_PORTS.contains(&t)) {
                continue;
            }
            let plaintext: Vec<&str> = hosts.iter().copied().filter(|h| !originates_tls(cx, h, number)).collect();
            let Some(first) = plaintext.first() else { continue };
            let more = if plaintext.len() > 1 { format!(" and {} more", plaintext.len() - 1) } else { String::new() };
            let shown = target.map_or_else(|| "?".to_owned(), |t| t.to_string());
            out.object(
                &Self::META,
                o,
                &format!("/spec/ports/{i}/protocol"),
                format!("port {shown} reaches `{first}`{more} over plaintext `{protocol}` and no DestinationRule originates TLS"),
            );
        }
    }
}
