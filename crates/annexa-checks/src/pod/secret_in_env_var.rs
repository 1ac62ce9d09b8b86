//! Secrets handed to containers as environment variables.

use crate::context::{Cx, container};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Value;
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) that receive a Kubernetes Secret through
    /// environment variables: an `env[].valueFrom.secretKeyRef`, or an `envFrom[].secretRef`
    /// that turns every key of a Secret into a variable.
    ///
    /// ## Why it matters
    /// Environment variables leak: crash reports, debug endpoints and error pages print them,
    /// every child process inherits them, and `kubectl describe` or a process listing on the
    /// node shows them to people who may not read the Secret itself. A secret mounted as a file
    /// stays in a tmpfs volume that only the container reads, and can be rotated without a
    /// restart.
    ///
    /// ## Remediation
    /// Mount the Secret as a volume (`volumes[].secret` and a `volumeMount` with
    /// `readOnly: true`) and let the application read the file, or fetch it from a secret
    /// manager at start-up (External Secrets, the Secrets Store CSI driver, Vault Agent).
    ///
    /// ## References
    /// CIS Kubernetes Benchmark 5.4.1: prefer secrets as files over secrets as environment variables.
    pub struct SecretInEnvVar;
    id: "K8S-0044",
    slug: "secret-in-env-var",
    title: "Secret exposed to a container as an environment variable",
    severity: Low,
    target: Target::Workload,
    controls: [A5_17, A8_12],
    strategies: [],
    aliases: ["C-0207", "CKV_K8S_35", "disallow-secrets-from-env-vars", "read-secret-from-env-var"],
}

impl Check for SecretInEnvVar {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(spec) = container(o, c) else { continue };
            for (i, e) in spec.get("env").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let Some(secret) = e.at("/valueFrom/secretKeyRef/name").and_then(Value::as_str) else { continue };
                let var = e.get("name").and_then(Value::as_str).unwrap_or_default();
                let pointer = format!("{}/env/{i}/valueFrom/secretKeyRef", c.pointer);
                out.object(
                    &Self::META,
                    o,
                    &pointer,
                    format!("container `{}` reads Secret `{secret}` into variable `{var}`", c.name),
                )
                .container(&c.name);
            }
            for (i, e) in spec.get("envFrom").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let Some(secret) = e.at("/secretRef/name").and_then(Value::as_str) else { continue };
                let pointer = format!("{}/envFrom/{i}/secretRef", c.pointer);
                out.object(
                    &Self::META,
                    o,
                    &pointer,
                    format!("container `{}` turns every key of Secret `{secret}` into a variable", c.name),
                )
                .container(&c.name);
            }
        }
    }
}
