//! Namespaces in an Istio mesh that no AuthorizationPolicy governs.

use super::istio::{ROOT, first_workload, istio_objects, namespace_phrase, namespace_wide, uses_istio};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Object;

check! {
    /// ## What it checks
    /// Namespaces that hold workloads in an estate that uses Istio, where no Istio
    /// AuthorizationPolicy exists in the namespace and none applies mesh-wide (one in the
    /// root namespace `istio-system` without a workload `selector` or `targetRef`). Each such
    /// namespace is reported once: at its Namespace object when the estate has one, else at
    /// its first workload. Whether the policies found are any good is left to MESH-0004.
    /// The check only runs when the estate uses Istio (see MESH-0001).
    ///
    /// ## Why it matters
    /// Without an AuthorizationPolicy, Istio allows every request that reaches a sidecar:
    /// mTLS proves who the caller is, but nothing decides whether that caller may call.
    /// Any compromised workload of the mesh can reach every service of the namespace, on
    /// every path and method.
    ///
    /// ## Remediation
    /// Add a mesh-wide default-deny AuthorizationPolicy in `istio-system` (`spec: {}` denies
    /// everything it applies to), then ALLOW policies per workload naming the calling
    /// principals, namespaces, paths and methods. Roll it out namespace by namespace with
    /// `action: AUDIT` or dry-run annotations first if needed.
    ///
    /// ## References
    /// Istio documentation, *Authorization Policy* reference (implicit allow without
    /// policies, allow-nothing policy) and *Security Best Practices* (default-deny). NIST SP
    /// 800-204B SAUZ-SR-1 and APE-SR-3; NIST SP 800-204A SM-DR1.
    pub struct AuthorizationPolicyMissing;
    id: "MESH-0003",
    slug: "authorization-policy-missing",
    title: "Namespace has no Istio AuthorizationPolicy",
    severity: Medium,
    target: Target::Estate,
    controls: [A5_15, A8_3, A8_20],
    strategies: [SauzSr1, ApeSr3, SmDr1],
    aliases: ["require-authorizationpolicy", "require-authorizationpolicies"],
}

impl Check for AuthorizationPolicyMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn estate(&self, cx: &Cx<'_>, out: &mut Findings) {
        if !uses_istio(cx) {
            return;
        }
        let policies: Vec<&Object> = istio_objects(cx, "AuthorizationPolicy").collect();
        if policies.iter().any(|p| p.namespace.as_deref() == Some(ROOT) && namespace_wide(p)) {
            return;
        }
        for namespace in &cx.workload_namespaces {
            if policies.iter().any(|p| p.namespace == *namespace) {
                continue;
            }
            let ns = namespace.as_deref();
            let declared =
                ns.and_then(|name| cx.objects_of("Namespace").find(|o| o.api_version == "v1" && o.name == name));
            let message =
                format!("no AuthorizationPolicy applies in {}, so Istio allows every request", namespace_phrase(ns));
            if let Some(at) = declared.or_else(|| first_workload(cx, ns)) {
                out.object(&Self::META, at, "/metadata/name", message);
            }
        }
    }
}
