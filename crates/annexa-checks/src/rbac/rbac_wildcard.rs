//! Roles and ClusterRoles whose rules use the `*` wildcard.

use super::rules::{built_in, is_rbac, rules};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;

check! {
    /// ## What it checks
    /// Every rule of a Role or ClusterRole whose `verbs`, `resources` or `apiGroups` list holds
    /// the wildcard `*`. Each wildcard item is reported where it is written, so a rule with
    /// `*` in two lists gives two findings. The roles the API server maintains itself (labelled
    /// `kubernetes.io/bootstrapping: rbac-defaults`, such as `cluster-admin`) are left out.
    ///
    /// ## Why it matters
    /// A wildcard grants more than its author can see: `verbs: ["*"]` includes `escalate`,
    /// `bind` and `impersonate`, `resources: ["*"]` includes secrets and every subresource such
    /// as `pods/exec`, and `apiGroups: ["*"]` extends to every custom resource installed later,
    /// without anyone reviewing the role again. Least privilege can only be reviewed when the
    /// permissions are spelled out.
    ///
    /// ## Remediation
    /// Replace each `*` with the exact verbs, resources and API groups the subject needs, for
    /// example `verbs: ["get", "list", "watch"]` on `resources: ["configmaps"]` in
    /// `apiGroups: [""]`. `kubectl auth can-i --list --as=<subject>` shows what the role
    /// grants today; audit logs show what it actually uses.
    ///
    /// ## References
    /// Kubernetes documentation, *Role Based Access Control Good Practices*: least privilege
    /// and the risks of wildcards. CIS Kubernetes Benchmark 5.1.3 (minimize wildcard use in
    /// Roles and ClusterRoles).
    pub struct RbacWildcard;
    id: "RBAC-0001",
    slug: "rbac-wildcard",
    title: "RBAC rule uses a wildcard",
    severity: High,
    target: Target::Objects(&["Role", "ClusterRole"]),
    controls: [A5_15, A5_18, A8_2],
    strategies: [],
    aliases: ["C-0187", "CKV_K8S_49", "KSV-0044", "KSV044", "KSV-0045", "KSV045", "KSV-0046", "KSV046", "restrict-wildcard-verbs", "restrict-wildcard-resources", "wildcard-in-rules"],
}

impl Check for RbacWildcard {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_rbac(o, &["Role", "ClusterRole"]) || built_in(o) {
            return;
        }
        for rule in rules(o) {
            for field in ["apiGroups", "resources", "verbs"] {
                for (pointer, _) in rule.items(field).into_iter().filter(|(_, s)| *s == "*") {
                    out.object(&Self::META, o, &pointer, format!("rule {} grants `*` in `{field}`", rule.index));
                }
            }
        }
    }
}
