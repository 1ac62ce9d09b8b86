//! Workloads configured to talk to an outside service over plain HTTP.

use crate::context::{Cx, container};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Container environment variables (`env[].value`) and ConfigMap values that hold an
    /// `http://` (or `ws://`) URL whose host is outside the cluster: a DNS name that is not a
    /// Service name, not `*.svc`, `*.cluster.local`, `*.local` or `*.internal`, and not
    /// `localhost` or an IP address.
    ///
    /// ## Why it matters
    /// Traffic that leaves the cluster in plaintext can be read and changed by anyone on the
    /// path: credentials, personal data, card data and the responses the service trusts. The
    /// mesh's mTLS ends at the cluster's edge, so only the URL's scheme protects this hop.
    ///
    /// ## Remediation
    /// Use the provider's `https://` endpoint. If the provider offers no TLS, originate TLS at
    /// an egress gateway or replace the supplier, and record the risk until then.
    ///
    /// ## References
    /// NIST SP 800-204 MS-SS-4 (encrypt communication); NIST SP 800-204A SM-DR8 (egress by
    /// explicit policy to named destinations).
    pub struct PlaintextExternalUrl;
    id: "NET-0006",
    slug: "plaintext-external-url",
    title: "Outside service called over plain HTTP",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_24, A5_14, A8_20],
    strategies: [MsSs4, SmDr8],
    aliases: [],
}

/// The host of an `http://` or `ws://` URL in `value`, when it is outside the cluster.
fn plaintext_external_host(value: &str) -> Option<&str> {
    let rest = value.trim().strip_prefix("http://").or_else(|| value.trim().strip_prefix("ws://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = authority.split(':').next().unwrap_or_default();
    let internal =
        [".svc", ".local", ".internal", ".localhost"].iter().any(|s| host.ends_with(s)) || host.contains(".svc.");
    let external =
        host.contains('.') && !internal && !host.chars().all(|c| c.is_ascii_digit() || c == '.') && host != "localhost";
    external.then_some(host)
}

impl Check for PlaintextExternalUrl {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(spec) = container(o, c) else { continue };
            for (i, e) in spec.get("env").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let Some(host) = e.get("value").and_then(Value::as_str).and_then(plaintext_external_host) else {
                    continue;
                };
                let var = e.get("name").and_then(Value::as_str).unwrap_or_default();
                let pointer = format!("{}/env/{i}/value", c.pointer);
                out.object(
                    &Self::META,
                    o,
                    &pointer,
                    format!("container `{}` calls outside host `{host}` over plain HTTP (`{var}`)", c.name),
                )
                .container(&c.name);
            }
        }
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "ConfigMap" {
            return;
        }
        for (key, value) in o.value.get("data").and_then(Value::as_object).into_iter().flatten() {
            if let Some(host) = value.as_str().and_then(plaintext_external_host) {
                let pointer = format!("/data/{}", key.replace('~', "~0").replace('/', "~1"));
                out.object(
                    &Self::META,
                    o,
                    &pointer,
                    format!("ConfigMap key `{key}` points at outside host `{host}` over plain HTTP"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::plaintext_external_host;

    #[test]
    fn only_outside_hosts_over_plain_http() {
        assert_eq!(plaintext_external_host("http://legacy-fraud.example.net/check"), Some("legacy-fraud.example.net"));
        assert_eq!(plaintext_external_host("ws://user:pw@stream.example.com:8080/x"), Some("stream.example.com"));
        for inside in [
            "http://orders.shop.svc.cluster.local:8080",
            "http://orders:8080",
            "http://10.0.0.1/",
            "http://localhost:9090",
            "https://api.example.com",
            "http://vault.internal/v1",
        ] {
            assert_eq!(plaintext_external_host(inside), None, "{inside}");
        }
    }
}
