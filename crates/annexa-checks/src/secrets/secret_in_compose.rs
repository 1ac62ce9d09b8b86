//! Credentials written into docker-compose files.

use super::detect::named;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Resource, Target, check};
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{DocKind, Document};

check! {
    /// ## What it checks
    /// docker-compose services whose `environment` (mapping or `KEY=value` list form) or
    /// `build.args` sets a credential literally: a credential-named variable (`*PASSWORD*`,
    /// `*SECRET*`, `*TOKEN*`, `*API_KEY*`...) set to a literal of at least 8 characters with at
    /// least 3 bits of entropy per character, or any variable set to a value in a known
    /// credential format (cloud and SaaS keys, private keys, JWTs, URLs with a password).
    /// Interpolations such as `${DB_PASSWORD}` and `*_FILE` variables pointing at compose
    /// secrets are the recommended forms and are not reported. Values are always shown masked.
    ///
    /// ## Why it matters
    /// Compose files are committed and shared between developers, and "local only" values
    /// have a way of being reused in shared and production environments. A literal there is
    /// readable by anyone with the repository and shows up in `docker inspect` of every
    /// container started from it.
    ///
    /// ## Remediation
    /// Use compose `secrets:` (mounted under `/run/secrets/`) with `*_FILE` variables, or
    /// interpolate from an untracked `.env` file (`DB_PASSWORD: ${DB_PASSWORD}`) that is listed
    /// in `.gitignore`. Rotate any credential that was committed.
    ///
    /// ## References
    /// Docker documentation, Manage secrets securely in Docker Compose, and Set environment
    /// variables (interpolation). OWASP Secrets Management Cheat Sheet.
    pub struct SecretInCompose;
    id: "SEC-0004",
    slug: "secret-in-compose",
    title: "Credential in a docker-compose file",
    severity: High,
    target: Target::Compose,
    controls: [A5_17, A8_12],
    strategies: [],
    aliases: [],
}

/// `(pointer, name, value)` of each variable of an `environment` or `args` mapping or list.
fn variables(value: &Value, pointer: &str) -> Vec<(String, String, String)> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match value {
        Value::Object(m) => m.iter().filter_map(|(k, v)| text(v).map(|t| (child(pointer, k), k.clone(), t))).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let s = v.as_str()?;
                let (k, val) = s.split_once('=')?;
                Some((child(pointer, &i.to_string()), k.trim().to_owned(), val.to_owned()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl Check for SecretInCompose {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        if doc.kind != DocKind::Compose {
            return;
        }
        let Some(services) = doc.value.get("services").and_then(Value::as_object) else { return };
        let mut found = Vec::new();
        for (service, spec) in services {
            let base = child("/services", service);
            let mut vars = Vec::new();
            if let Some(env) = spec.get("environment") {
                vars.extend(variables(env, &child(&base, "environment")));
            }
            if let Some(args) = spec.get("build").and_then(|b| b.get("args")) {
                vars.extend(variables(args, &child(&child(&base, "build"), "args")));
            }
            for (pointer, name, value) in vars {
                if let Some(hit) = named(&name, &value) {
                    found.push((service.clone(), pointer, name, hit));
                }
            }
        }
        found.sort_by_key(|(_, p, _, _)| doc.locate(p).line);
        for (service, pointer, name, hit) in found {
            let resource =
                Resource { kind: "service".to_owned(), namespace: None, name: service.clone(), container: None };
            out.at(
                &Self::META,
                doc.locate(&pointer),
                Some(resource),
                format!("service `{service}` sets `{name}` to {}", hit.describe()),
            );
        }
    }
}
