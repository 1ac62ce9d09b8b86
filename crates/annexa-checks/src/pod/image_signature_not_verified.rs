//! Namespaces whose images no admission policy verifies the signatures of.

use crate::context::Cx;
use crate::network::selector::namespace_phrase;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{At, Object, Value};
use std::collections::HashMap;

/// The label with which a namespace opts in to sigstore's policy-controller.
const SIGSTORE_INCLUDE: &str = "policy.sigstore.dev/include";

check! {
    /// ## What it checks
    /// Namespaces holding workloads in which no admission policy of the estate verifies image
    /// signatures, one finding per namespace. When the cluster's admission policies are kept
    /// in another repository, scan it along, or record where verification happens as an
    /// exemption in `annexa.toml`, with its owner and expiry. A namespace counts as verified
    /// when:
    /// - a Kyverno ClusterPolicy with an enforcing `verifyImages` rule matches it (by the
    ///   namespaces of its `match` blocks, less those of `exclude` blocks that name only
    ///   namespaces), a Kyverno Policy with one lives in it, or a Kyverno
    ///   `ImageValidatingPolicy` exists. A rule enforces when its `verifyImages` entries say
    ///   `failureAction: Enforce`, or say nothing and the policy's `validationFailureAction` is
    ///   `Enforce`: Kyverno's default, `Audit`, lets unsigned images run;
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

/// The Kyverno rules of a policy that verify images and block what fails: `Enforce` on the
/// `verifyImages` entries (Kyverno 1.13 and later) or, when they say nothing, on the policy's
/// `validationFailureAction`. Kyverno's default is `Audit`, which only reports.
fn verifying_rules(p: &Object) -> impl Iterator<Item = &Value> {
    let enforce = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|a| a.eq_ignore_ascii_case("enforce"));
    let policy_enforces = enforce(p.value.at("/spec/validationFailureAction"));
    let rules = p.value.at("/spec/rules").and_then(Value::as_array).into_iter().flatten();
    rules.filter(move |r| {
        let entries = r.get("verifyImages").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        entries.iter().any(|e| match e.get("failureAction") {
            Some(action) => enforce(Some(action)),
            None => policy_enforces,
        })
    })
}

/// Whether a Kyverno resource filter (`match` or `exclude` block) names namespace `name`:
/// `Some(true)` when its `namespaces` list it, `Some(false)` when they do not, `None` when
/// the block names no namespaces.
fn names_namespace(block: &Value, name: &str) -> Option<bool> {
    let list = block.at("/resources/namespaces").and_then(Value::as_array)?;
    Some(list.iter().filter_map(Value::as_str).any(|n| wildcard(n, name)))
}

/// Whether a Kyverno rule applies to pods of namespace `name`: its `match` (`any` blocks, one
/// of which must hold; `all` blocks, each of which must; or one legacy block) lets the
/// namespace in, and no `exclude` block that names only namespaces takes it out.
fn covers(rule: &Value, name: &str) -> bool {
    fn blocks<'v>(filter: &'v Value, key: &str) -> Vec<&'v Value> {
        filter.get(key).and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default()
    }
    let matched = rule.get("match").is_none_or(|m| {
        let (any, all) = (blocks(m, "any"), blocks(m, "all"));
        let admits = |b: &Value| names_namespace(b, name) != Some(false);
        if any.is_empty() && all.is_empty() {
            admits(m)
        } else {
            (any.is_empty() || any.iter().any(|b| admits(b))) && all.iter().all(|b| admits(b))
        }
    });
    // An exclusion narrowed by names or labels leaves the rest of the namespace verified.
    let excluded = rule.get("exclude").is_some_and(|x| {
        let mut candidates = blocks(x, "any");
        candidates.extend(blocks(x, "all"));
        candidates.push(x);
        candidates.iter().any(|b| {
            let narrowed =
                ["names", "selector", "namespaceSelector"].iter().any(|k| b.at(&format!("/resources/{k}")).is_some());
            !narrowed && names_namespace(b, name) == Some(true)
        })
    });
    matched && !excluded
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
    /// The Namespace objects of the estate, by name.
    namespaces: HashMap<&'e str, &'e Object>,
}

impl<'e> Policies<'e> {
    fn of(cx: &Cx<'e>) -> Policies<'e> {
        let cluster_rules =
            cx.objects_of("ClusterPolicy").filter(|p| p.group() == "kyverno.io").flat_map(verifying_rules).collect();
        let ratify = cx
            .estate
            .objects
            .iter()
            .any(|o| o.group() == "constraints.gatekeeper.sh" && o.kind.to_ascii_lowercase().contains("ratify"));
        let everywhere = ratify
            || cx.objects_of("ImageValidatingPolicy").any(|p| p.group() == "policies.kyverno.io")
            || cx.objects_of("ClusterImagePolicy").any(|p| p.group() == "portieris.cloud.ibm.com");
        let sigstore = cx.objects_of("ClusterImagePolicy").any(|p| p.group() == "policy.sigstore.dev");
        let namespaces =
            cx.objects_of("Namespace").filter(|o| o.api_version == "v1").map(|o| (o.name.as_str(), o)).collect();
        Policies { cluster_rules, everywhere, sigstore, namespaces }
    }

    fn verify(&self, cx: &Cx<'_>, namespace: Option<&str>) -> bool {
        let name = namespace.unwrap_or("default");
        let cluster = self.cluster_rules.iter().any(|r| covers(r, name));
        let namespaced = cx
            .objects_in("Policy", namespace)
            .any(|p| p.group() == "kyverno.io" && verifying_rules(p).next().is_some())
            || cx.objects_in("ImagePolicy", namespace).any(|p| p.group() == "portieris.cloud.ibm.com");
        let sigstore =
            self.sigstore && self.namespaces.get(name).is_none_or(|ns| ns.label(SIGSTORE_INCLUDE) == Some("true"));
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
            let declared = ns.and_then(|name| policies.namespaces.get(name).copied());
            let Some(at) = declared.or_else(|| cx.workloads_in(ns).next().map(|(o, _)| o)) else { continue };
            out.object(
                &Self::META,
                at,
                "/metadata/name",
                format!(
                    "no admission policy verifies image signatures in {}, so unsigned images run there",
                    namespace_phrase(ns)
                ),
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

    fn rule(yaml: &str) -> Value {
        let parsed = annexa_load::yaml::parse(yaml, annexa_load::yaml::Limits::default());
        parsed.docs.into_iter().next().map(|d| d.value).unwrap_or(Value::Null)
    }

    #[test]
    fn kyverno_match_and_exclude_blocks_decide_the_namespaces() {
        // One `any` block without namespaces lets every namespace in.
        let open = rule("match:\n  any:\n  - resources: {namespaces: [other]}\n  - resources: {kinds: [Pod]}\n");
        assert!(covers(&open, "shop"));
        let listed = rule("match:\n  any:\n  - resources: {namespaces: [other, \"team-*\"]}\n");
        assert!(!covers(&listed, "shop") && covers(&listed, "team-a"));
        let all = rule("match:\n  all:\n  - resources: {kinds: [Pod]}\n  - resources: {namespaces: [other]}\n");
        assert!(!covers(&all, "shop"));
        let legacy = rule("match:\n  resources: {namespaces: [shop]}\n");
        assert!(covers(&legacy, "shop") && !covers(&legacy, "other"));
        let excluded = rule(
            "match:\n  any:\n  - resources: {kinds: [Pod]}\nexclude:\n  any:\n  - resources: {namespaces: [shop]}\n",
        );
        assert!(!covers(&excluded, "shop") && covers(&excluded, "other"));
        // An exclusion of some pods only leaves the namespace verified.
        let narrow = rule(
            "match:\n  any:\n  - resources: {kinds: [Pod]}\nexclude:\n  any:\n  - resources: {namespaces: [shop], names: [debug-*]}\n",
        );
        assert!(covers(&narrow, "shop"));
    }

    #[test]
    fn a_ratify_constraint_verifies_every_namespace() {
        let ratify =
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: RatifyVerification\nmetadata:\n  name: ratify\n---\n";
        assert!(fired(&format!("{ratify}{DEPLOYMENT}")).is_empty());
    }
}
