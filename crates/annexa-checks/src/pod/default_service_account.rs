//! Pods that run as their namespace's `default` ServiceAccount.

use super::support::service_account;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Pod templates that run as the namespace's `default` ServiceAccount: `serviceAccountName`
    /// (or its deprecated spelling `serviceAccount`) is absent, empty, or `default`.
    ///
    /// ## Why it matters
    /// Every namespace has a `default` ServiceAccount, and every pod that names no other runs
    /// as it. Those pods share one identity: RBAC granted to `default` for one of them reaches
    /// all of them, audit logs cannot tell them apart, and mesh or cloud workload identity
    /// policies cannot single one out. Least privilege needs one identity per workload.
    ///
    /// ## Remediation
    /// Create a ServiceAccount for the workload (with `automountServiceAccountToken: false`
    /// unless it calls the Kubernetes API), grant it only what it needs, and set
    /// `serviceAccountName` in the pod template. Grant nothing to `default`.
    ///
    /// ## References
    /// Kubernetes documentation: Service Accounts; RBAC good practices.
    /// NIST SP 800-204A SM-DR11 and SM-DR18 (one runtime identity per service, no shared or
    /// default identities).
    pub struct DefaultServiceAccount;
    id: "K8S-0039",
    slug: "default-service-account",
    title: "Pod runs as the default ServiceAccount",
    severity: Low,
    target: Target::Workload,
    controls: [A5_16, A5_15, A8_2],
    strategies: [SmDr11, SmDr18],
    aliases: ["C-0189", "CKV_K8S_41", "CKV_K8S_42", "default-service-account"],
}

impl Check for DefaultServiceAccount {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        match service_account(o, w) {
            ("default", Some(field)) => {
                let name = field.rsplit('/').next().unwrap_or_default().to_owned();
                out.object(&Self::META, o, &field, format!("pod spec sets `{name}: default`"));
            }
            (_, Some(_)) => {}
            (_, None) => {
                out.object(
                    &Self::META,
                    o,
                    &w.pod,
                    "pod spec names no `serviceAccountName` and runs as the namespace's `default` ServiceAccount"
                        .to_owned(),
                );
            }
        }
    }
}
