//! Bindings that grant a role to a namespace's `default` ServiceAccount.

use super::rules::{built_in, is_rbac, role_ref, subjects};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;

check! {
    /// ## What it checks
    /// Subjects of RoleBindings and ClusterRoleBindings that name the `default` ServiceAccount
    /// of a namespace: `kind: ServiceAccount` with `name: default`, or the same account
    /// written as a user, `kind: User` with `name: system:serviceaccount:<namespace>:default`.
    /// Each such subject is reported at its `name`. Bindings the API server maintains itself
    /// (labelled `kubernetes.io/bootstrapping: rbac-defaults`) are left out.
    ///
    /// ## Why it matters
    /// Every pod that does not name a ServiceAccount runs as `default`. A role granted to it is
    /// granted to all of those pods at once, including ones deployed later by someone else,
    /// so the permission cannot be traced to one workload or reviewed as one. It also defeats
    /// per-service identities, which mesh and audit policies rely on.
    ///
    /// ## Remediation
    /// Create a ServiceAccount for the workload that needs the permission, bind the role to
    /// it, and set `spec.serviceAccountName` in that workload's pod template. Leave the
    /// `default` ServiceAccount without bindings (and with
    /// `automountServiceAccountToken: false`).
    ///
    /// ## References
    /// Kubernetes documentation, *Service Accounts* and *RBAC Good Practices*. CIS Kubernetes
    /// Benchmark 5.1.5 (ensure that default service accounts are not actively used).
    /// NIST SP 800-204A SM-DR11 and SM-DR18 (a runtime identity per service).
    pub struct DefaultServiceAccountBound;
    id: "RBAC-0005",
    slug: "default-service-account-bound",
    title: "Role bound to the default ServiceAccount",
    severity: Medium,
    target: Target::Objects(&["RoleBinding", "ClusterRoleBinding"]),
    controls: [A5_15, A5_18, A5_16],
    strategies: [SmDr11, SmDr18],
    aliases: ["C-0189", "CKV_K8S_42"],
}

impl Check for DefaultServiceAccountBound {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_rbac(o, &["RoleBinding", "ClusterRoleBinding"]) || built_in(o) {
            return;
        }
        let role = role_ref(o).map_or_else(|| "a role".to_owned(), |(kind, name)| format!("{kind} `{name}`"));
        for s in subjects(o) {
            let namespace = match s.kind {
                "ServiceAccount" if s.name == "default" => s.namespace.or(o.namespace.as_deref()),
                "User" => match s.name.strip_prefix("system:serviceaccount:").and_then(|r| r.split_once(':')) {
                    Some((ns, "default")) => Some(ns),
                    _ => continue,
                },
                _ => continue,
            };
            let whose = namespace.map_or_else(|| "its namespace".to_owned(), |ns| format!("namespace `{ns}`"));
            out.object(
                &Self::META,
                o,
                &format!("{}/name", s.pointer),
                format!(
                    "grants {role} to the `default` ServiceAccount of {whose}, shared by every pod that names none"
                ),
            );
        }
    }
}
