//! Ingress controllers and gateways configured to accept TLS older than 1.2.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::span::child;
use annexa_load::{Object, Value};
use serde_json::json;

/// The ingress-nginx names of protocols older than TLS 1.2.
const NGINX_OLD: [&str; 4] = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

/// The AWS load balancer annotations that name a security policy.
const AWS_POLICY: [&str; 2] =
    ["alb.ingress.kubernetes.io/ssl-policy", "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy"];

/// The ingress-nginx annotations that add raw nginx configuration.
const NGINX_SNIPPETS: [&str; 2] =
    ["nginx.ingress.kubernetes.io/server-snippet", "nginx.ingress.kubernetes.io/configuration-snippet"];

check! {
    /// ## What it checks
    /// The settings with which the common ingress controllers and gateways choose their lowest
    /// TLS version, when they allow a version older than TLS 1.2 (Istio Gateways are judged by
    /// MESH-0006):
    /// - an ingress-nginx ConfigMap whose `ssl-protocols` lists `TLSv1`, `TLSv1.1`, `SSLv3` or
    ///   `SSLv2`, and an Ingress whose `server-snippet` or `configuration-snippet` annotation
    ///   sets such `ssl_protocols`;
    /// - a Traefik `TLSOption` with `minVersion: VersionTLS10` or `VersionTLS11`;
    /// - a Contour `HTTPProxy` with `tls.minimumProtocolVersion` `1.0` or `1.1`;
    /// - an Envoy Gateway `ClientTrafficPolicy` with `tls.minVersion` `1.0` or `1.1`;
    /// - an AWS load balancer security policy (`alb.ingress.kubernetes.io/ssl-policy` on an
    ///   Ingress, `service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy` on a
    ///   Service) whose name does not start at TLS 1.2 or 1.3: the ones named for 1.0 or 1.1
    ///   and the older ones named by date only, such as `ELBSecurityPolicy-2016-08`.
    ///
    /// Settings left at their defaults are not reported: every controller above defaults to
    /// TLS 1.2 or later, except the AWS load balancer controllers, whose default policy is
    /// not written in the manifest.
    ///
    /// ## Why it matters
    /// TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on SHA-1 and on cipher suites
    /// without forward secrecy, and a client can be pushed down to them when the server
    /// still offers them. Every traffic entering the cluster through that controller can
    /// then be read or changed by someone on the path, credentials included.
    ///
    /// ## Remediation
    /// Offer TLS 1.2 and 1.3 only: `ssl-protocols: "TLSv1.2 TLSv1.3"` (or remove the key),
    /// `minVersion: VersionTLS12`, `minimumProtocolVersion: "1.2"`, `minVersion: "1.2"`, or an
    /// AWS policy such as `ELBSecurityPolicy-TLS13-1-2-2021-06`. Check first that no client
    /// still needs the old versions.
    ///
    /// ## References
    /// IETF RFC 8996 (deprecating TLS 1.0 and 1.1). NIST SP 800-52 Rev. 2 (TLS 1.2 at least
    /// for government systems). ingress-nginx ConfigMap reference (`ssl-protocols`); Traefik
    /// TLS options; Contour HTTPProxy TLS; Envoy Gateway ClientTrafficPolicy; AWS Elastic Load
    /// Balancing security policies. NIST SP 800-204 MS-SS-4.
    pub struct TlsBelow12;
    id: "NET-0008",
    slug: "tls-below-1-2",
    title: "Ingress or gateway accepts TLS older than 1.2",
    severity: Medium,
    target: Target::Objects(&["ConfigMap", "Ingress", "Service", "TLSOption", "HTTPProxy", "ClientTrafficPolicy"]),
    controls: [A8_24, A8_20, A5_14],
    strategies: [MsSs4],
    aliases: [],
}

/// The protocols of an nginx protocol list older than TLS 1.2.
fn nginx_old(list: &str) -> Vec<&str> {
    list.split_whitespace().filter(|p| NGINX_OLD.iter().any(|old| old.eq_ignore_ascii_case(p))).collect()
}

/// The old protocols an nginx snippet's `ssl_protocols` directives list.
fn snippet_old(snippet: &str) -> Vec<&str> {
    snippet
        .split(';')
        .filter_map(|statement| statement.trim().strip_prefix("ssl_protocols"))
        .flat_map(nginx_old)
        .collect()
}

/// The lowest TLS version an AWS security policy name gives (`ELBSecurityPolicy-TLS13-1-2-2021-06`
/// is 1.2), or `None` for the names that carry no version, all of which accept TLS 1.0.
fn aws_minimum(policy: &str) -> Option<u8> {
    let parts: Vec<&str> = policy.split('-').collect();
    parts.windows(2).find_map(|w| match w {
        ["1", minor] if minor.len() == 1 => minor.parse().ok(),
        _ => None,
    })
}

fn text<'v>(o: &'v Object, pointer: &str) -> Option<&'v str> {
    o.value.at(pointer).and_then(Value::as_str)
}

impl TlsBelow12 {
    fn report(o: &Object, pointer: &str, message: String, fix: Option<serde_json::Value>, out: &mut Findings) {
        let finding = out.object(&Self::META, o, pointer, message);
        if let Some(value) = fix {
            finding.fix(pointer.to_owned(), value);
        }
    }

    fn annotations(o: &Object, keys: &[&str]) -> Vec<(String, String)> {
        keys.iter().filter_map(|k| o.annotation(k).map(|v| (child("/metadata/annotations", k), v.to_owned()))).collect()
    }

    fn aws(o: &Object, out: &mut Findings) {
        for (pointer, policy) in Self::annotations(o, &AWS_POLICY) {
            let minimum = aws_minimum(&policy);
            if policy.starts_with("ELBSecurityPolicy") && minimum.is_none_or(|m| m < 2) {
                let version = minimum.map_or_else(|| "1.0".to_owned(), |m| format!("1.{m}"));
                let message = format!("AWS security policy `{policy}` accepts TLS {version}, older than TLS 1.2");
                Self::report(o, &pointer, message, Some(json!("ELBSecurityPolicy-TLS13-1-2-2021-06")), out);
            }
        }
    }
}

impl Check for TlsBelow12 {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        match (o.kind.as_str(), o.group()) {
            ("ConfigMap", "") => {
                let Some(list) = text(o, "/data/ssl-protocols") else { return };
                let old = nginx_old(list);
                if !old.is_empty() {
                    let message =
                        format!("ingress-nginx `ssl-protocols` offers `{}`, older than TLS 1.2", old.join(" "));
                    Self::report(o, "/data/ssl-protocols", message, Some(json!("TLSv1.2 TLSv1.3")), out);
                }
            }
            ("Ingress", "networking.k8s.io" | "extensions") => {
                for (pointer, snippet) in Self::annotations(o, &NGINX_SNIPPETS) {
                    let old = snippet_old(&snippet);
                    if !old.is_empty() {
                        let message =
                            format!("nginx snippet sets `ssl_protocols` with `{}`, older than TLS 1.2", old.join(" "));
                        Self::report(o, &pointer, message, None, out);
                    }
                }
                Self::aws(o, out);
            }
            ("Service", "") => Self::aws(o, out),
            ("TLSOption", "traefik.io" | "traefik.containo.us") => {
                if let Some(v) = text(o, "/spec/minVersion").filter(|v| matches!(*v, "VersionTLS10" | "VersionTLS11")) {
                    let message = format!("Traefik TLS option accepts `{v}`, older than TLS 1.2");
                    Self::report(o, "/spec/minVersion", message, Some(json!("VersionTLS12")), out);
                }
            }
            ("HTTPProxy", "projectcontour.io") => {
                let at = "/spec/virtualhost/tls/minimumProtocolVersion";
                if let Some(v) = text(o, at).filter(|v| matches!(*v, "1.0" | "1.1")) {
                    Self::report(
                        o,
                        at,
                        format!("Contour accepts TLS {v} for this virtual host"),
                        Some(json!("1.2")),
                        out,
                    );
                }
            }
            ("ClientTrafficPolicy", "gateway.envoyproxy.io") => {
                let at = "/spec/tls/minVersion";
                if let Some(v) = text(o, at).filter(|v| matches!(*v, "1.0" | "1.1")) {
                    let message = format!("Envoy Gateway accepts TLS {v} from clients");
                    Self::report(o, at, message, Some(json!("1.2")), out);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_policy_names_give_their_lowest_version() {
        assert_eq!(aws_minimum("ELBSecurityPolicy-TLS13-1-2-2021-06"), Some(2));
        assert_eq!(aws_minimum("ELBSecurityPolicy-TLS13-1-3-2021-06"), Some(3));
        assert_eq!(aws_minimum("ELBSecurityPolicy-TLS-1-2-Ext-2018-06"), Some(2));
        assert_eq!(aws_minimum("ELBSecurityPolicy-FS-1-2-Res-2020-10"), Some(2));
        // `1-1-2017` must not read as 1.2.
        assert_eq!(aws_minimum("ELBSecurityPolicy-TLS-1-1-2017-01"), Some(1));
        assert_eq!(aws_minimum("ELBSecurityPolicy-TLS13-1-0-2021-06"), Some(0));
        assert_eq!(aws_minimum("ELBSecurityPolicy-2016-08"), None);
        assert_eq!(aws_minimum("ELBSecurityPolicy-FS-2018-06"), None);
    }

    #[test]
    fn nginx_lists_and_snippets() {
        assert_eq!(nginx_old("TLSv1 TLSv1.1 TLSv1.2"), ["TLSv1", "TLSv1.1"]);
        assert!(nginx_old("TLSv1.2 TLSv1.3").is_empty());
        assert_eq!(snippet_old("more_set_headers \"X: y\";\n  ssl_protocols TLSv1.1 TLSv1.2;"), ["TLSv1.1"]);
        assert!(snippet_old("ssl_ciphers HIGH;").is_empty());
    }
}
