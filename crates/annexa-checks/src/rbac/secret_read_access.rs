//! Roles that may read Secrets.

use super::rules::{built_in, is_rbac, rules};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;

/// The verbs that return a secret's data.
const READ: [&str; 4] = ["get", "list", "watch", "*"];

check! {
    /// ## What it checks
    /// Rules of Roles and ClusterRoles that allow `get`, `list`, `watch` or `*` on `secrets`
    /// (or on `*` resources) in the core API group (`""` or `*`). One finding per rule, at
    /// the resource item that reaches secrets. Rules narrowed with `resourceNames` to named
    /// secrets are accepted: that is the least-privilege form. The roles the API server
    /// maintains itself (labelled `kubernetes.io/bootstrapping: rbac-defaults`) are left out.
    ///
    /// ## Why it matters
    /// Reading a Secret returns its data in clear: database passwords, API keys, TLS private
    /// keys and, in older clusters, ServiceAccount tokens that lead to further privileges.
    /// `list` and `watch` are as strong as `get`: they return every secret of the namespace
    /// (or cluster) with its content, not just the names.
    ///
    /// ## Remediation
    /// Remove secret access from roles that do not need it; let pods receive their own secrets
    /// as mounted volumes or environment variables instead of reading them through the API.
    /// Where a controller must read a secret, bind a namespaced Role with `verbs: ["get"]`
    /// and `resourceNames` listing the exact secrets.
    ///
    /// ## References
    /// Kubernetes documentation, *Good practices for Kubernetes Secrets* and *RBAC Good
    /// Practices* (listing secrets). CIS Kubernetes Benchmark 5.1.2 (minimize access to
    /// secrets).
    pub struct SecretReadAccess;
    id: "RBAC-0003",
    slug: "secret-read-access",
    title: "Role may read Secrets",
    severity: High,
    target: Target::Objects(&["Role", "ClusterRole"]),
    controls: [A5_15, A8_3, A8_2],
    strategies: [],
    aliases: ["C-0015", "C-0186", "CKV2_K8S_5", "KSV-0041", "KSV041", "KSV-0113", "KSV113", "restrict-secret-role-verbs", "access-to-secrets"],
}

impl Check for SecretReadAccess {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_rbac(o, &["Role", "ClusterRole"]) || built_in(o) {
            return;
        }
        for rule in rules(o) {
            if !rule.core_group() || rule.named_only() {
                continue;
            }
            let verbs: Vec<&str> =
                rule.items("verbs").into_iter().map(|(_, v)| v).filter(|v| READ.contains(v)).collect();
            if verbs.is_empty() {
                continue;
            }
            let resources = rule.items("resources");
            let Some((pointer, resource)) =
                resources.iter().find(|(_, r)| *r == "secrets").or_else(|| resources.iter().find(|(_, r)| *r == "*"))
            else {
                continue;
            };
            out.object(
                &Self::META,
                o,
                pointer,
                if *resource == "secrets" {
                    format!("rule {} allows `{}` on `secrets`", rule.index, verbs.join(", "))
                } else {
                    format!("rule {} allows `{}` on `{resource}`, which includes secrets", rule.index, verbs.join(", "))
                },
            );
        }
    }
}
