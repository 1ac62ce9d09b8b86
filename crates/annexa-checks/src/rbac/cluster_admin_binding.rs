//! Bindings that grant the `cluster-admin` ClusterRole.

use super::rules::{built_in, is_rbac, role_ref, subjects};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;

check! {
    /// ## What it checks
    /// RoleBindings and ClusterRoleBindings whose `roleRef` is the ClusterRole `cluster-admin`,
    /// whoever the subjects are: users, groups, and ServiceAccounts alike. The finding points
    /// at `roleRef.name` and names the subjects; a ServiceAccount subject is the worst case,
    /// because every pod running as it holds a token with full control of the cluster. The
    /// `cluster-admin` binding the API server creates for `system:masters` (labelled
    /// `kubernetes.io/bootstrapping: rbac-defaults`) is left out.
    ///
    /// ## Why it matters
    /// `cluster-admin` may do anything to any object: read every secret, run code in every
    /// pod, rewrite RBAC itself. Through a ClusterRoleBinding it covers the whole cluster;
    /// through a RoleBinding it still gives full control of the namespace, secrets and
    /// role bindings included. A leaked credential of any subject is then a full compromise.
    ///
    /// ## Remediation
    /// Bind a role that lists only what the subject needs, or the built-in `admin`, `edit` or
    /// `view` roles through a namespaced RoleBinding. Keep break-glass administrator access
    /// out of standing bindings: grant it through a group managed by the identity provider,
    /// time-limited and logged.
    ///
    /// ## References
    /// Kubernetes documentation, *Using RBAC Authorization* (user-facing roles) and *RBAC Good
    /// Practices*. CIS Kubernetes Benchmark 5.1.1 (use the cluster-admin role only where
    /// required).
    pub struct ClusterAdminBinding;
    id: "RBAC-0002",
    slug: "cluster-admin-binding",
    title: "Binding grants cluster-admin",
    severity: High,
    target: Target::Objects(&["RoleBinding", "ClusterRoleBinding"]),
    controls: [A8_2, A5_15, A5_18],
    strategies: [],
    aliases: ["C-0185", "KSV-0111", "KSV111", "restrict-binding-clusteradmin", "cluster-admin-role-binding"],
}

impl Check for ClusterAdminBinding {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_rbac(o, &["RoleBinding", "ClusterRoleBinding"]) || built_in(o) {
            return;
        }
        if role_ref(o) != Some(("ClusterRole", "cluster-admin")) {
            return;
        }
        let mut subjects = subjects(o);
        // ServiceAccounts first: their tokens sit in pods.
        subjects.sort_by_key(|s| s.kind != "ServiceAccount");
        let whom: Vec<String> = subjects.iter().map(|s| s.describe(o)).collect();
        let scope = match (o.kind.as_str(), o.namespace.as_deref()) {
            ("RoleBinding", Some(ns)) => format!(" in namespace `{ns}`"),
            ("RoleBinding", None) => " in its namespace".to_owned(),
            _ => " cluster-wide".to_owned(),
        };
        let message = if whom.is_empty() {
            format!("binds `cluster-admin`{scope}")
        } else {
            format!("grants `cluster-admin`{scope} to {}", whom.join(", "))
        };
        out.object(&Self::META, o, "/roleRef/name", message);
    }
}
