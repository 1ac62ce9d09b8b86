//! Ingresses that serve hosts without TLS.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;

/// Whether a TLS host (possibly `*.example.com`) covers a rule host, as certificates match:
/// a wildcard stands for exactly one leftmost label.
fn covers(tls: &str, host: &str) -> bool {
    if tls.eq_ignore_ascii_case(host) {
        return true;
    }
    match (tls.strip_prefix("*."), host.split_once('.')) {
        (Some(domain), Some((label, rest))) => label != "*" && !label.is_empty() && domain.eq_ignore_ascii_case(rest),
        _ => false,
    }
}

check! {
    /// ## What it checks
    /// Ingresses with no `spec.tls` at all (absent, `null` or an empty list), reported at
    /// `spec`; and, when `spec.tls` is present, each rule whose `host` no TLS entry covers,
    /// reported at that `host`. A TLS host covers a rule host when they are equal or when a
    /// wildcard `*.example.com` stands for its leftmost label, as in a certificate. A TLS
    /// entry that lists no hosts applies to every host, following the Ingress API's default.
    ///
    /// ## Why it matters
    /// Without TLS the Ingress serves the application over plain HTTP: credentials, session
    /// cookies and personal data cross the network readable and modifiable by anyone on the
    /// path. A host missing from the TLS list is the easy-to-miss variant: the other hosts of
    /// the same Ingress are encrypted, that one is not.
    ///
    /// ## Remediation
    /// Add a `spec.tls` entry listing every host of the rules and the Secret that holds its
    /// certificate (cert-manager can issue and renew it), and keep the controller's
    /// HTTP-to-HTTPS redirect on.
    ///
    /// ## References
    /// Kubernetes documentation, *Ingress* (TLS). NIST SP 800-204 MS-SS-4 (encrypt
    /// client-to-gateway traffic).
    pub struct IngressWithoutTls;
    id: "NET-0005",
    slug: "ingress-without-tls",
    title: "Ingress serves hosts without TLS",
    severity: Medium,
    target: Target::Objects(&["Ingress"]),
    controls: [A8_24, A8_20, A5_14],
    strategies: [MsSs4],
    aliases: ["C-0263", "require-ingress-https", "K8sHttpsOnly", "tlsSettingsMissing"],
}

impl Check for IngressWithoutTls {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "Ingress" || !matches!(o.group(), "networking.k8s.io" | "extensions") {
            return;
        }
        let tls = o.value.at("/spec/tls").and_then(Value::as_array).filter(|a| !a.is_empty());
        let Some(tls) = tls else {
            let at = if o.value.get("spec").is_some() { "/spec" } else { "/metadata/name" };
            out.object(&Self::META, o, at, "the Ingress has no `spec.tls`, so it serves plain HTTP".to_owned());
            return;
        };
        let mut tls_hosts = Vec::new();
        for entry in tls {
            match entry.get("hosts").and_then(Value::as_array).filter(|h| !h.is_empty()) {
                Some(hosts) => tls_hosts.extend(hosts.iter().filter_map(Value::as_str)),
                // An entry without hosts takes the controller's default certificate for all.
                None => return,
            }
        }
        let rules = o.value.at("/spec/rules").and_then(Value::as_array).into_iter().flatten();
        for (i, rule) in rules.enumerate() {
            let Some(host) = rule.get("host").and_then(Value::as_str).filter(|h| !h.is_empty()) else { continue };
            if !tls_hosts.iter().any(|t| covers(t, host)) {
                out.object(
                    &Self::META,
                    o,
                    &format!("/spec/rules/{i}/host"),
                    format!("host `{host}` is in no `spec.tls` entry, so it is served over plain HTTP"),
                );
            }
        }
    }
}
