//! Namespaced objects placed in the `default` namespace, or in no namespace at all.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;

/// The built-in namespaced kinds annexa knows. Custom resources are left out: whether one is
/// namespaced depends on its CustomResourceDefinition.
const KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "Ingress",
    "NetworkPolicy",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "PersistentVolumeClaim",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "LimitRange",
    "ResourceQuota",
    "Lease",
];

check! {
    /// ## What it checks
    /// Namespaced objects of the built-in kinds (workloads, Services, Ingresses,
    /// NetworkPolicies, ConfigMaps, Secrets, ServiceAccounts, Roles and RoleBindings,
    /// PersistentVolumeClaims, autoscalers, disruption budgets, LimitRanges, ResourceQuotas and
    /// the like) whose `metadata.namespace` is `default` or is not written. An object applied
    /// without a namespace lands in the namespace of the current kubectl context (or the one
    /// given with `-n`), which is `default` unless someone changed it: the manifest alone does
    /// not say where it goes. Objects rendered from a Helm chart are reported only for an
    /// explicit `default`, because Helm puts them into the release's namespace at install
    /// time. Custom resources are not judged, since their scope depends on their definition.
    ///
    /// ## Why it matters
    /// Namespaces are the unit of isolation in Kubernetes: RBAC grants, NetworkPolicies,
    /// ResourceQuotas, LimitRanges and Pod Security admission levels all apply per namespace.
    /// The `default` namespace usually has none of them, is shared by whatever lands there by
    /// accident, and is where broad grants tend to be made. Objects that depend on the current
    /// context can also be applied to the wrong environment.
    ///
    /// ## Remediation
    /// Give every application a namespace of its own, with its RBAC, NetworkPolicies, quotas
    /// and Pod Security labels, and write it in each manifest's `metadata.namespace` (or in the
    /// kustomization's `namespace` field). Keep `default` empty.
    ///
    /// ## References
    /// Kubernetes documentation: Namespaces; Pod Security Admission; Resource Quotas.
    /// NIST SP 800-204B APE-SR-3 (keep communication within the application's namespace).
    pub struct DefaultNamespace;
    id: "K8S-0042",
    slug: "default-namespace",
    title: "Object is in the default namespace",
    severity: Low,
    target: Target::Objects(KINDS),
    controls: [A8_9, A8_31, A5_15],
    strategies: [ApeSr3],
    aliases: ["C-0061", "C-0212", "CKV_K8S_21", "KSV-0110", "KSV110", "disallow-default-namespace", "use-namespace"],
}

impl Check for DefaultNamespace {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !KINDS.contains(&o.kind.as_str()) {
            return;
        }
        // Kubernetes creates these itself in `default` and they cannot live anywhere else.
        let built_in = matches!(o.namespace.as_deref(), None | Some("default"))
            && matches!((o.kind.as_str(), o.name.as_str()), ("Service", "kubernetes") | ("ServiceAccount", "default"));
        if built_in {
            return;
        }
        match o.namespace.as_deref() {
            Some("default") => {
                out.object(
                    &Self::META,
                    o,
                    "/metadata/namespace",
                    format!("{} `{}` is in the `default` namespace", o.kind, o.name),
                );
            }
            Some(_) => {}
            None if o.template.is_some() => {}
            None => {
                out.object(
                    &Self::META,
                    o,
                    "/metadata/name",
                    format!(
                        "{} `{}` names no namespace and lands in the current context's namespace, usually `default`",
                        o.kind, o.name
                    ),
                );
            }
        }
    }
}
