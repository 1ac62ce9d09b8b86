//! Istio ALLOW policies with a rule that matches every request.

use super::istio::{is_istio_kind, upper};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;

/// Whether a list of `from` or `to` items restricts nothing: absent, empty, or made only of
/// items whose `source`/`operation` is empty.
fn open(rule: &Value, field: &str, inner: &str) -> bool {
    match rule.get(field) {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.iter().all(|item| match item.get(inner) {
            None | Some(Value::Null) => true,
            Some(Value::Object(m)) => m.is_empty(),
            Some(_) => false,
        }),
        Some(_) => false,
    }
}

fn unrestricted(rule: &Value) -> bool {
    let when_open = match rule.get("when") {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    };
    rule.is_object() && open(rule, "from", "source") && open(rule, "to", "operation") && when_open
}

check! {
    /// ## What it checks
    /// Istio AuthorizationPolicies whose action is `ALLOW` (written or implied) and which
    /// hold a rule that restricts nothing: `rules: [{}]`, or a rule whose `from`, `to` and
    /// `when` are all absent or empty. Each such rule is reported where it is written. As
    /// Istio defines it, a policy with no rules at all, `spec: {}` included, matches nothing
    /// and so allows nothing: it is the recommended deny-all and stays silent, as do
    /// `DENY`, `AUDIT` and `CUSTOM` policies.
    ///
    /// ## Why it matters
    /// One empty rule in an ALLOW policy matches every request, so the workloads it selects
    /// (the whole namespace, or the whole mesh from `istio-system`) accept any caller on any
    /// path and method, and any deny-by-default posture built with other ALLOW policies is
    /// undone. It often comes from confusing `rules: [{}]` (allow all) with `spec: {}`
    /// (allow nothing).
    ///
    /// ## Remediation
    /// Give each rule the restriction it is meant to have: `from.source.principals` or
    /// `namespaces` for the callers, `to.operation` for methods, paths and ports, `when` for
    /// request attributes. If the intent is to deny everything, use `spec: {}`.
    ///
    /// ## References
    /// Istio documentation, *Authorization Policy* reference (allow-all and allow-nothing
    /// policies, rule matching). NIST SP 800-204B SAUZ-SR-1 and APE-SR-3; NIST SP 800-204A
    /// SM-DR1.
    pub struct AuthorizationPolicyAllowAll;
    id: "MESH-0004",
    slug: "authorization-policy-allow-all",
    title: "AuthorizationPolicy allows every request",
    severity: High,
    target: Target::Objects(&["AuthorizationPolicy"]),
    controls: [A5_15, A8_3, A8_20],
    strategies: [SauzSr1, ApeSr3, SmDr1],
    aliases: [],
}

impl Check for AuthorizationPolicyAllowAll {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if !is_istio_kind(o, "AuthorizationPolicy") {
            return;
        }
        let action = upper(o.value.at("/spec/action")).unwrap_or_else(|| "ALLOW".to_owned());
        if action != "ALLOW" {
            return;
        }
        let rules = o.value.at("/spec/rules").and_then(Value::as_array).into_iter().flatten();
        for (i, _) in rules.enumerate().filter(|(_, r)| unrestricted(r)) {
            out.object(
                &Self::META,
                o,
                &format!("/spec/rules/{i}"),
                format!("rule {i} of this ALLOW policy restricts neither source, operation nor condition, so it allows every request"),
            );
        }
    }
}
