//! A namespace's `default` ServiceAccount left to mount its token into pods.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;
use annexa_load::k8s::as_bool;
use serde_json::json;

check! {
    /// ## What it checks
    /// ServiceAccount objects named `default` that do not set
    /// `automountServiceAccountToken: false`: the field is absent, or set to `true` (YAML 1.1
    /// booleans such as `no` are read as Kubernetes reads them). Kubernetes creates this
    /// account in every namespace, and a manifest that declares it is where its settings are
    /// decided. A finding is placed at the field when it is written, else at the account's name.
    ///
    /// ## Why it matters
    /// Every pod that names no ServiceAccount runs as `default`, and unless the pod says
    /// otherwise Kubernetes mounts that account's API token into each of its containers. The
    /// token is a credential: code execution in any such container (a vulnerable dependency, a
    /// file-read flaw) turns into API access with whatever the account has been granted, in
    /// pods whose authors never asked for a token. Turning the mount off on `default` covers
    /// the pods nobody thought about, including ones deployed later.
    ///
    /// ## Remediation
    /// Set `automountServiceAccountToken: false` on the `default` ServiceAccount of each
    /// namespace. Workloads that call the Kubernetes API get their own ServiceAccount, with
    /// minimal RBAC and the mount turned on there (or a projected, audience-bound token).
    ///
    /// ## References
    /// Kubernetes documentation: Service Accounts; Configure Service Accounts for Pods (opt out
    /// of API credential automounting). CIS Kubernetes Benchmark 5.1.5 (default service
    /// accounts are not actively used). NIST SP 800-204A SM-DR11 and SM-DR18 (a runtime
    /// identity per service, no shared default identity).
    pub struct DefaultServiceAccountAutomountsToken;
    id: "RBAC-0006",
    slug: "default-service-account-automounts-token",
    title: "Default ServiceAccount mounts its token into pods",
    severity: Medium,
    target: Target::Objects(&["ServiceAccount"]),
    controls: [A5_17, A5_15, A8_2],
    strategies: [SmDr11, SmDr18],
    aliases: ["C-0189", "CKV_K8S_41"],
}

impl Check for DefaultServiceAccountAutomountsToken {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "ServiceAccount" || o.name != "default" {
            return;
        }
        let field = "/automountServiceAccountToken";
        let (at, message) = match o.value.get("automountServiceAccountToken").and_then(as_bool) {
            Some(false) => return,
            Some(true) => (field, "the namespace's `default` ServiceAccount sets `automountServiceAccountToken: true`"),
            None => (
                "/metadata/name",
                "the namespace's `default` ServiceAccount does not set `automountServiceAccountToken: false`",
            ),
        };
        out.object(&Self::META, o, at, message.to_owned()).fix(field, json!(false));
    }
}
