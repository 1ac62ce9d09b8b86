//! Pods that get a Kubernetes API token mounted without asking for one.

use super::support::{same_scope, service_account};
use crate::context::{Cx, pod};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::k8s::as_bool;
use annexa_load::span::child;
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Pod templates whose service account token is mounted automatically. Kubernetes mounts
    /// it unless `automountServiceAccountToken` is `false`: the pod spec's value wins when it
    /// is written; otherwise the value on the ServiceAccount the pod runs as applies. A pod
    /// is therefore reported when its spec sets `automountServiceAccountToken: true`, or sets
    /// nothing while its ServiceAccount (`serviceAccountName`, else `default`) does not set
    /// `false` either. The ServiceAccount is looked up among the scanned objects in the same
    /// namespace (and, for kustomize output, the same kustomization); when it is not there,
    /// the pod is reported, since nothing written turns the mount off. YAML 1.1 booleans
    /// (`no`, `off`) are read as Kubernetes reads them.
    ///
    /// ## Why it matters
    /// The token is a credential for the Kubernetes API, readable by every process in every
    /// container of the pod. Most applications never call the API, yet anyone who gets code
    /// execution in one (a vulnerable dependency, a server-side request forgery reading local
    /// files) can use the token with whatever RBAC the ServiceAccount holds, often more than
    /// anyone remembers granting.
    ///
    /// ## Remediation
    /// Set `automountServiceAccountToken: false` in the pod spec, or on the ServiceAccount so
    /// that every pod using it inherits it. Workloads that do call the API should set it to
    /// `true` deliberately on a dedicated ServiceAccount with minimal RBAC, and record an
    /// exemption in `annexa.toml`; or mount a short-lived, audience-bound token through a
    /// projected `serviceAccountToken` volume.
    ///
    /// ## References
    /// Kubernetes documentation: Configure Service Accounts for Pods (opt out of API credential
    /// automounting); Service Accounts; Projected Volumes.
    pub struct ServiceAccountTokenAutomounted;
    id: "K8S-0038",
    slug: "service-account-token-automounted",
    title: "Service account token is mounted automatically",
    severity: Medium,
    target: Target::Workload,
    controls: [A5_17, A5_15, A8_2],
    strategies: [],
    aliases: ["C-0034", "C-0190", "CKV_K8S_38", "KSV-0036", "KSV036", "restrict-automount-sa-token", "K8sPSPAutomountServiceAccountTokenPod", "automountServiceAccountToken"],
}

impl Check for ServiceAccountTokenAutomounted {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        let Some(spec) = pod(o, w) else { return };
        let field = child(&w.pod, "automountServiceAccountToken");
        match spec.get("automountServiceAccountToken").and_then(as_bool) {
            Some(false) => {}
            Some(true) => {
                out.object(&Self::META, o, &field, "pod spec sets `automountServiceAccountToken: true`".to_owned())
                    .fix(field.clone(), json!(false));
            }
            None => {
                let (name, _) = service_account(o, w);
                let accounts: Vec<&Object> = cx
                    .objects_in("ServiceAccount", o.namespace.as_deref())
                    .filter(|sa| sa.name == name && same_scope(o, sa))
                    .collect();
                let off = |sa: &&Object| sa.value.get("automountServiceAccountToken").and_then(as_bool) == Some(false);
                if !accounts.is_empty() && accounts.iter().all(off) {
                    return;
                }
                let message = if accounts.is_empty() {
                    format!(
                        "pod spec does not set `automountServiceAccountToken: false` and ServiceAccount `{name}` is not among the scanned objects"
                    )
                } else {
                    format!(
                        "neither the pod spec nor ServiceAccount `{name}` sets `automountServiceAccountToken: false`"
                    )
                };
                out.object(&Self::META, o, &w.pod, message).fix(field, json!(false));
            }
        }
    }
}
