//! Namespaces whose images no admission policy verifies the signatures of.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{At, Object, Value};

/// The label with which a namespace opts in to sigstore's policy-controller.
const SIGSTORE_INCLUDE: &str = "policy.sigstore.dev/include";

check! {
    /// ## What it checks
    /// Namespaces holding workloads in which no admission policy of the estate verifies image
    /// signatures, one finding per namespace. When the cluster's admission policies are kept
    /// in another repository, scan it along, or record where verification happens as an
    /// exemption in `annexa.toml`, with its owner and expiry. A namespace counts as verified
    /// when:
    /// - a Kyverno ClusterPolicy with a `verifyImages` rule matches it (a rule that lists
    ///   namespaces must list it), a Kyverno Policy with one lives in it, or a Kyverno
    ///   `ImageValidatingPolicy` exists;
    /// - a sigstore `ClusterImagePolicy` exists and the namespace opts in with the label
    ///   `policy.sigstore.dev/include: "true"` (a namespace not declared in the estate gets the
    ///   benefit of the doubt);
    /// - a Gatekeeper constraint of a Ratify verification kind, or a Portieris policy, covers it.
    ///
    /// ## Why it matters
    /// Signing images in the pipeline proves nothing unless the cluster refuses what is not
    /// signed. Without verification at admission, an image pushed by someone who stole
    /// registry credentials, or one built outside the pipeline, runs like any other, and the
    /// signatures and attestations the pipeline produces protect nothing.
    ///
    /// ## Remediation
    /// Add an admission policy that verifies the signatures (and, better, the provenance
    /// attestations) of every image against the pipeline's key or identity: a Kyverno
    /// ClusterPolicy with `verifyImages`, or sigstore's policy-controller with a
    /// `ClusterImagePolicy` and the namespaces labelled `policy.sigstore.dev/include: "true"`.
    /// Start in audit mode, then enforce.
    ///
    /// ## References
    /// Kyverno documentation, *Verify Images Rules*. Sigstore documentation, *Policy
    /// Controller*. NIST SP 800-204D section 5.1.1 (signed attestations). CIS Kubernetes
    /// Benchmark 5.5.1 (image provenance).
    pub struct ImageSignatureNotVerified;
    id: "K8S-0047",
    slug: "image-signature-not-verified",
    title: "No admission policy verifies image signatures",
    severity: Medium,
    target: Target::Estate,
    controls: [A5_21, A8_19, A8_32],
    strategies: [D204_5_1_1],
    aliases: ["C-0236", "C-0237", "verify-image"],
}

fn group(o: &Object) -> &str {
    o.api_version.split('/').next().unwrap_or_default()
}

/// The Kyverno rules of a policy that verify images.
fn verifying_rules(p: &Object) -> impl Iterator<Item = &Value> {
    let rules = p.value.at("/spec/rules").and_then(Value::as_array).into_iter().flatten();
    rules.filter(|r| r.get("verifyImages").and_then(Value::as_array).is_some_and(|v| !v.is_empty()))
}

/// The namespaces a Kyverno rule's `match` names, or `None` when it names none (every
/// namespace).
fn matched_namespaces(rule: &Value) -> Option<Vec<&str>> {
    let m = rule.get("match")?;
    let blocks = ["any", "all"]
        .into_iter()
        .filter_map(|k| m.get(k).and_then(Value::as_array))
        .flatten()
        .chain(std::iter::once(m))
        .filter_map(|b| b.at("/resources/namespaces").and_then(Value::as_array));
    let names: Vec<&str> = blocks.flatten().filter_map(Value::as_str).collect();
    (!names.is_empty()).then_some(names)
}

/// `*` and a trailing `*`, as Kyverno matches namespace names.
fn wildcard(pattern: &str, name: &str) -> bool {
    pattern == "*" || pattern.strip_suffix('*').map_or(pattern == name, |prefix| name.starts_with(prefix))
}

/// The verification policies of an estate, gathered once per run.
struct Policies<'e> {
    /// Kyverno ClusterPolicy rules that verify images.
    cluster_rules: Vec<&'e Value>,
    /// Whether something verifies every namespace: a Kyverno `ImageValidatingPolicy`, a
    /// Ratify constraint or a Portieris ClusterImagePolicy.
    everywhere: bool,
    /// Whether a sigstore `ClusterImagePolicy` exists (namespaces opt in by label).
    sigstore: bool,
}

impl<'e> Policies<'e> {
    fn of(cx: &Cx<'e>) -> Policies<'e> {
        let cluster_rules =
            cx.objects_of("ClusterPolicy").filter(|p| group(p) == "kyverno.io").flat_map(verifying_rules).collect();
        let ratify = cx
            .estate
            .objects
            .iter()
            .any(|o| group(o) == "constraints.gatekeeper.sh" && o.kind.to_ascii_lowercase().contains("ratify"));
        let everywhere = ratify
            || cx.objects_of("ImageValidatingPolicy").any(|p| group(p) == "policies.kyverno.io")
            || cx.objects_of("ClusterImagePolicy").any(|p| group(p) == "portieris.cloud.ibm.com");
        let sigstore = cx.objects_of("ClusterImagePolicy").any(|p| group(p) == "policy.sigstore.dev");
        Policies { cluster_rules, everywhere, sigstore }
    }

    fn verify(&self, cx: &Cx<'_>, namespace: Option<&str>) -> bool {
        let name = namespace.unwrap_or("default");
        let cluster = self
            .cluster_rules
            .iter()
            .any(|r| matched_namespaces(r).is_none_or(|names| names.iter().any(|n| wildcard(n, name))));
        let namespaced =
            cx.objects_in("Policy", namespace).any(|p| group(p) == "kyverno.io" && verifying_rules(p).next().is_some())
                || cx.objects_in("ImagePolicy", namespace).any(|p| group(p) == "portieris.cloud.ibm.com");
        let sigstore = self.sigstore && {
            let declared = cx.objects_of("Namespace").find(|o| o.api_version == "v1" && o.name == name);
            declared.is_none_or(|ns| ns.label(SIGSTORE_INCLUDE) == Some("true"))
        };
        self.everywhere || cluster || namespaced || sigstore
    }
}

impl Check for ImageSignatureNotVerified {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn estate(&self, cx: &Cx<'_>, out: &mut Findings) {
        let policies = Policies::of(cx);
        for namespace in &cx.workload_namespaces {
            let ns = namespace.as_deref();
            if policies.verify(cx, ns) {
                continue;
            }
            let declared =
                ns.and_then(|name| cx.objects_of("Namespace").find(|o| o.api_version == "v1" && o.name == name));
            let Some(at) = declared.or_else(|| cx.workloads_in(ns).next().map(|(o, _)| o)) else { continue };
            let shown =
                ns.map_or_else(|| "the namespace they are applied to".to_owned(), |n| format!("namespace `{n}`"));
            out.object(
                &Self::META,
                at,
                "/metadata/name",
                format!("no admission policy verifies image signatures in {shown}, so unsigned images run there"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use annexa_load::{Options, load_bytes};

    fn fired(yaml: &str) -> Vec<(String, u32)> {
        let estate = load_bytes("estate.yaml", yaml.as_bytes(), &Options::default());
        let findings = crate::run(&estate, &[&ImageSignatureNotVerified]);
        findings.iter().map(|f| (f.message.clone(), f.location.line)).collect()
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  \
                              template:\n    spec:\n      containers:\n      - {name: web, image: web:1}\n";

    #[test]
    fn an_undeclared_namespace_is_reported_at_its_first_workload() {
        let got = fired(DEPLOYMENT);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].0.contains("namespace `shop`") && got[0].1 == 4, "{got:?}");
    }

    #[test]
    fn a_ratify_constraint_verifies_every_namespace() {
        let ratify =
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: RatifyVerification\nmetadata:\n  name: ratify\n---\n";
        assert!(fired(&format!("{ratify}{DEPLOYMENT}")).is_empty());
    }
}
