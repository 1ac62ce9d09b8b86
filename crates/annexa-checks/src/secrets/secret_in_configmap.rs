//! Credentials stored in ConfigMaps.

use super::detect::{base64_decode, in_text, is_secret_file, named};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;
use annexa_load::Value;
use annexa_load::span::child;

check! {
    /// ## What it checks
    /// ConfigMaps whose `data` or `binaryData` holds a credential: a key named like a
    /// credential (`SMTP_PASSWORD`, `api-key`...) with a literal value of at least 8 characters
    /// and 3 bits of entropy per character; a value in a known credential format (cloud and
    /// SaaS keys, private keys, JWTs, URLs with a password); or, in a value that is a whole
    /// configuration file (`.env`, properties, YAML, JSON), a line assigning such a literal to
    /// a credential-named setting. `binaryData` is decoded before it is searched, and its keys
    /// named like key files (`id_rsa`, `*.key`, `*.p12`, `*.jks`) are reported too. References
    /// (`${VAR}`, templating) are not credentials. Values are always shown masked.
    ///
    /// ## Why it matters
    /// ConfigMaps are not meant for secrets: they are not encrypted at rest even where Secrets
    /// are, RBAC commonly lets many more people and controllers read them, and they are printed
    /// freely by tools and dashboards. A password there is effectively public inside the
    /// cluster and wherever the manifest is stored.
    ///
    /// ## Remediation
    /// Move the credential into a Secret sourced from a secret manager (External Secrets
    /// Operator, Sealed Secrets, Secrets Store CSI driver) and consume it through
    /// `secretKeyRef` or a mounted file; keep only non-sensitive settings in the ConfigMap.
    /// Rotate the exposed credential.
    ///
    /// ## References
    /// Kubernetes documentation, ConfigMaps ("ConfigMap does not provide secrecy or
    /// encryption") and Good practices for Kubernetes Secrets.
    pub struct SecretInConfigmap;
    id: "SEC-0002",
    slug: "secret-in-configmap",
    title: "Credential stored in a ConfigMap",
    severity: High,
    target: Target::Objects(&["ConfigMap"]),
    controls: [A5_17, A8_12],
    strategies: [],
    aliases: [],
}

impl Check for SecretInConfigmap {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "ConfigMap" {
            return;
        }
        for field in ["data", "binaryData"] {
            let Some(map) = o.value.get(field).and_then(Value::as_object) else { continue };
            let base = format!("/{field}");
            let mut hits: Vec<(String, String)> = Vec::new();
            for (key, value) in map {
                let Some(raw) = value.as_str() else { continue };
                let decoded;
                let text = if field == "binaryData" {
                    decoded = base64_decode(raw).and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
                    decoded.as_str()
                } else {
                    raw
                };
                let hit = named(key, text).or_else(|| in_text(text).into_iter().next().map(|(_, h)| h));
                let message = match hit {
                    Some(hit) => format!("key `{key}` holds {}", hit.describe()),
                    // Binary key stores (`.p12`, `.jks`) cannot be searched: their name says enough.
                    None if field == "binaryData" && is_secret_file(key) => {
                        format!("key `{key}` holds a credential file")
                    }
                    None => continue,
                };
                hits.push((child(&base, key), message));
            }
            // In the order the keys are written, not the map's; only keys with a finding are
            // looked up.
            hits.sort_by_cached_key(|(pointer, _)| o.locate(pointer).line);
            for (pointer, message) in hits {
                out.object(&Self::META, o, &pointer, message);
            }
        }
    }
}
