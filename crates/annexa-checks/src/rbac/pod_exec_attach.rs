//! Roles that may open a shell in running containers.

use super::rules::{built_in, is_rbac, rules};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;

/// The verbs that open an exec or attach stream: `create` for SPDY, `get` for WebSockets.
const OPEN: [&str; 3] = ["create", "get", "*"];

/// The resource names RBAC matches against `pods/exec` and `pods/attach`.
const REACHES: [&str; 5] = ["pods/exec", "pods/attach", "*/exec", "*/attach", "*"];

check! {
    /// ## What it checks
    /// Rules of Roles and ClusterRoles that allow `create`, `get` or `*` on `pods/exec` or
    /// `pods/attach` in the core API group. RBAC also matches these subresources with
    /// `*/exec`, `*/attach` and `*`, so those fire too. One finding per rule, at the first
    /// resource item that reaches exec or attach. The roles the API server maintains itself
    /// (labelled `kubernetes.io/bootstrapping: rbac-defaults`) are left out.
    ///
    /// ## Why it matters
    /// `kubectl exec` and `kubectl attach` run commands inside a container with its identity:
    /// its mounted secrets, its ServiceAccount token, its network position. Whoever holds the
    /// permission bypasses the application's own authentication and leaves little trace
    /// beyond the API audit log. `get` is enough, because the API server accepts exec over
    /// WebSockets with a GET request.
    ///
    /// ## Remediation
    /// Keep exec and attach out of standing roles. Debug with `kubectl debug` ephemeral
    /// containers granted through a separate, time-limited role, or give the few operators who
    /// need it a dedicated Role in one namespace, bound through an identity-provider group.
    ///
    /// ## References
    /// Kubernetes documentation, *RBAC Good Practices* (escalation paths: exec into pods) and
    /// *Debug Running Pods*.
    pub struct PodExecAttach;
    id: "RBAC-0004",
    slug: "pod-exec-attach",
    title: "Role may exec or attach into pods",
    severity: High,
    target: Target::Objects(&["Role", "ClusterRole"]),
    controls: [A8_2, A5_15],
    strategies: [],
    aliases: ["C-0002", "CKV2_K8S_2", "KSV-0053", "KSV053", "KSV-0054", "KSV054", "clusterrolePodExecAttach", "rolePodExecAttach"],
}

impl Check for PodExecAttach {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_rbac(o, &["Role", "ClusterRole"]) || built_in(o) {
            return;
        }
        for rule in rules(o) {
            if !rule.core_group() || !rule.has_any("verbs", &OPEN) {
                continue;
            }
            let resources = rule.items("resources");
            // The explicit subresource is the more telling place to point at.
            let Some((pointer, resource)) =
                REACHES.iter().find_map(|wanted| resources.iter().find(|(_, r)| r == wanted))
            else {
                continue;
            };
            let verbs: Vec<&str> =
                rule.items("verbs").into_iter().map(|(_, v)| v).filter(|v| OPEN.contains(v)).collect();
            out.object(
                &Self::META,
                o,
                pointer,
                format!(
                    "rule {} allows `{}` on `{resource}`, which reaches into running containers",
                    rule.index,
                    verbs.join(", ")
                ),
            );
        }
    }
}
