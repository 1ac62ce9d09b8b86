//! Credentials written as literal container environment values.

use super::detect::named;
use crate::context::{Cx, container};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Environment variables of containers, init containers and ephemeral containers (in every
    /// workload kind, CronJobs included) whose `value:` is a literal credential: a value in a
    /// known credential format (AWS access key id, GitHub, Slack, Stripe or Google API key,
    /// private key, JWT, literal `Bearer` token, URL with a password) whatever the variable's
    /// name, or, for a variable
    /// named like a credential (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`...), a literal
    /// of at least 8 characters with at least 3 bits of entropy per character. Variables set
    /// through `valueFrom` and values that are references (`$(VAR)`, `${VAR}`, templating) are
    /// not reported. Values are always shown masked.
    ///
    /// ## Why it matters
    /// A literal in a manifest is readable by everyone who can read the repository, the
    /// rendered chart, `kubectl get -o yaml` output, audit logs and backups, and it cannot be
    /// rotated without a redeploy. A live payment or cloud key there is one leaked repository
    /// away from fraud.
    ///
    /// ## Remediation
    /// Move the value into a Secret (created from a secret manager by the External Secrets
    /// Operator, Sealed Secrets or the Secrets Store CSI driver, not committed in clear) and
    /// reference it with `valueFrom.secretKeyRef`, or mount it as a file. Rotate the exposed
    /// credential: it has to be treated as compromised.
    ///
    /// ## References
    /// Kubernetes documentation, Good practices for Kubernetes Secrets.
    /// OWASP Secrets Management Cheat Sheet.
    pub struct SecretInEnv;
    id: "SEC-0001",
    slug: "secret-in-env",
    title: "Credential in a container environment value",
    severity: High,
    target: Target::Workload,
    controls: [A5_17, A8_12],
    strategies: [],
    aliases: [],
}

impl Check for SecretInEnv {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(env) = container(o, c).and_then(|m| m.get("env")).and_then(Value::as_array) else { continue };
            let env_pointer = child(&c.pointer, "env");
            for (i, var) in env.iter().enumerate() {
                let Some(name) = var.get("name").and_then(Value::as_str) else { continue };
                let Some(value) = var.get("value").and_then(Value::as_str) else { continue };
                let Some(hit) = named(name, value) else { continue };
                let pointer = child(&child(&env_pointer, &i.to_string()), "value");
                out.object(
                    &Self::META,
                    o,
                    &pointer,
                    format!("env var `{name}` of container `{}` holds {}", c.name, hit.describe()),
                )
                .container(&c.name);
            }
        }
    }
}
