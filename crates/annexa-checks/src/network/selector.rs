//! What the network checks share: label selectors with the semantics Kubernetes gives them, the
//! pod labels of a workload, and the network policies that can select its pods.

use crate::context::Cx;
use annexa_load::At;
use annexa_load::Value;
use annexa_load::{Object, Workload};
use std::collections::{BTreeMap, HashMap};

/// Pod labels, as text.
pub(crate) type Labels = BTreeMap<String, String>;

/// A label value as Kubernetes would store it (numbers and booleans written unquoted included).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The labels of a workload's pods (its pod template's `metadata.labels`).
pub(crate) fn pod_labels(o: &Object, w: &Workload) -> Labels {
    o.value
        .at(&format!("{}/labels", w.pod_metadata))
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| text(v).map(|v| (k.clone(), v))).collect())
        .unwrap_or_default()
}

/// Whether a `metav1.LabelSelector` selects `labels`. An absent, `null` or empty selector
/// selects everything; `matchLabels` and `matchExpressions` must all hold. `key` maps a
/// selector key to a label key (Cilium prefixes keys with their source, `k8s:app`).
pub(crate) fn selects(selector: Option<&Value>, labels: &Labels, key: fn(&str) -> &str) -> bool {
    let Some(selector) = selector.filter(|s| !s.is_null()) else { return true };
    let Some(selector) = selector.as_object() else { return false };
    let match_labels = selector.get("matchLabels").and_then(Value::as_object);
    let labels_hold = match_labels
        .into_iter()
        .flatten()
        .all(|(k, v)| text(v).is_some_and(|v| labels.get(key(k)).is_some_and(|l| *l == v)));
    let expressions = selector.get("matchExpressions").and_then(Value::as_array);
    labels_hold && expressions.into_iter().flatten().all(|e| expression(e, labels, key))
}

fn expression(e: &Value, labels: &Labels, key: fn(&str) -> &str) -> bool {
    let Some(k) = e.get("key").and_then(Value::as_str) else { return false };
    let values: Vec<String> =
        e.get("values").and_then(Value::as_array).map(|a| a.iter().filter_map(text).collect()).unwrap_or_default();
    let label = labels.get(key(k));
    match e.get("operator").and_then(Value::as_str) {
        Some("In") => label.is_some_and(|l| values.contains(l)),
        Some("NotIn") => label.is_none_or(|l| !values.contains(l)),
        Some("Exists") => label.is_some(),
        Some("DoesNotExist") => label.is_none(),
        // The API server rejects any other operator: such a selector selects nothing.
        _ => false,
    }
}

/// Keys as Kubernetes writes them.
pub(crate) fn plain(k: &str) -> &str {
    k
}

/// Cilium selector keys without their source prefix (`k8s:app` is `app`).
fn cilium(k: &str) -> &str {
    k.strip_prefix("k8s:").or_else(|| k.strip_prefix("any:")).unwrap_or(k)
}

/// A Kubernetes NetworkPolicy (`networking.k8s.io`), as opposed to Calico's kind of the same name.
pub(crate) fn is_k8s_policy(o: &Object) -> bool {
    o.kind == "NetworkPolicy"
        && (o.api_version.starts_with("networking.k8s.io/") || o.api_version.starts_with("extensions/"))
}

/// Whether some network policy in the estate selects the pods of a workload in `namespace`
/// with `labels`: Kubernetes NetworkPolicies, Cilium policies (namespaced and clusterwide)
/// and Calico policies (namespaced and global).
pub(crate) fn covered(cx: &Cx<'_>, namespace: Option<&str>, labels: &Labels) -> bool {
    // Cilium and Calico can select on the namespace as if it were a pod label.
    let mut with_namespace = labels.clone();
    if let Some(ns) = namespace {
        with_namespace.insert("io.kubernetes.pod.namespace".to_owned(), ns.to_owned());
        with_namespace.insert("projectcalico.org/namespace".to_owned(), ns.to_owned());
    }
    let in_namespace = ["NetworkPolicy", "CiliumNetworkPolicy"].into_iter().flat_map(|k| cx.objects_in(k, namespace));
    let cluster_wide =
        ["CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy"].into_iter().flat_map(|k| cx.objects_of(k));
    in_namespace.chain(cluster_wide).any(|p| {
        let same_namespace = p.namespace.as_deref() == namespace;
        match (p.kind.as_str(), p.group()) {
            ("NetworkPolicy", "networking.k8s.io" | "extensions") => {
                same_namespace && selects(p.value.at("/spec/podSelector"), labels, plain)
            }
            ("CiliumNetworkPolicy", "cilium.io") => same_namespace && cilium_selects(p, &with_namespace),
            ("CiliumClusterwideNetworkPolicy", "cilium.io") => cilium_selects(p, &with_namespace),
            ("NetworkPolicy", "projectcalico.org" | "crd.projectcalico.org") => {
                same_namespace && calico_selects(p, &with_namespace)
            }
            ("GlobalNetworkPolicy", "projectcalico.org" | "crd.projectcalico.org") => {
                calico_selects(p, &with_namespace)
            }
            _ => false,
        }
    })
}

/// A Cilium policy holds one rule in `spec` or several in `specs`; rules that select nodes
/// (`nodeSelector`) instead of endpoints do not cover pods.
fn cilium_selects(p: &Object, labels: &Labels) -> bool {
    let one = p.value.get("spec").into_iter();
    let many = p.value.get("specs").and_then(Value::as_array).into_iter().flatten();
    one.chain(many).any(|rule| {
        rule.get("nodeSelector").is_none()
            && rule.get("endpointSelector").is_some_and(|s| selects(Some(s), labels, cilium))
    })
}

/// Calico's `selector` is an expression language; the common forms (`all()`, `has(k)`,
/// `!has(k)`, `k == 'v'`, `k != 'v'` joined with `&&`) are evaluated, and any other expression
/// is assumed to select the pod rather than report a gap that may not exist.
fn calico_selects(p: &Object, labels: &Labels) -> bool {
    let selector = p.value.at("/spec/selector").and_then(Value::as_str).map(str::trim).unwrap_or_default();
    // An alternative anywhere can select the pod whatever the other terms say.
    if selector.is_empty() || selector.contains("||") {
        return true;
    }
    selector.split("&&").map(str::trim).all(|term| calico_term(term, labels).unwrap_or(true))
}

/// A label key as written in a Calico expression, when it is nothing more than a key.
fn plain_key(k: &str) -> Option<&str> {
    let k = k.trim();
    (!k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))).then_some(k)
}

fn calico_term(term: &str, labels: &Labels) -> Option<bool> {
    let unquote = |s: &str| {
        let s = s.trim();
        s.strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .or_else(|| s.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
            .filter(|v| !v.contains(['\'', '"']))
            .map(str::to_owned)
    };
    if term == "all()" {
        return Some(true);
    }
    if let Some(k) = term.strip_prefix("!has(").and_then(|t| t.strip_suffix(')')) {
        return Some(!labels.contains_key(plain_key(k)?));
    }
    if let Some(k) = term.strip_prefix("has(").and_then(|t| t.strip_suffix(')')) {
        return Some(labels.contains_key(plain_key(k)?));
    }
    if let Some((k, v)) = term.split_once("!=") {
        return Some(labels.get(plain_key(k)?) != Some(&unquote(v)?));
    }
    if let Some((k, v)) = term.split_once("==") {
        return Some(labels.get(plain_key(k)?) == Some(&unquote(v)?));
    }
    None
}

/// `namespace \`shop\``, or words for objects that name none.
pub(crate) fn namespace_phrase(namespace: Option<&str>) -> String {
    namespace.map_or_else(|| "the namespace they are applied to".to_owned(), |ns| format!("namespace `{ns}`"))
}

/// `app=web, tier=front`, or `no labels`.
pub(crate) fn describe(labels: &Labels) -> String {
    if labels.is_empty() {
        return "no labels".to_owned();
    }
    let shown: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("labels `{}`", shown.join(", "))
}

/// The workloads of an estate that no network policy selects, with their pod labels, indexed
/// by label so that a policy's `matchLabels` finds its candidates without a pass over all of
/// them.
#[derive(Debug, Default)]
pub(crate) struct Unprotected {
    /// Index into `estate.workloads`, and the pod labels.
    pub(crate) workloads: Vec<(usize, Labels)>,
    /// `(key, value)` to positions in `workloads`.
    by_label: HashMap<(String, String), Vec<usize>>,
}

impl Unprotected {
    /// Built once per run, on first use.
    pub(crate) fn of<'c>(cx: &'c Cx<'_>) -> &'c Unprotected {
        cx.memo.unprotected.get_or_init(|| {
            let mut out = Unprotected::default();
            for (i, w) in cx.estate.workloads.iter().enumerate() {
                let Some(o) = cx.estate.objects.get(w.object) else { continue };
                let labels = pod_labels(o, w);
                if covered(cx, o.namespace.as_deref(), &labels) {
                    continue;
                }
                for (k, v) in &labels {
                    out.by_label.entry((k.clone(), v.clone())).or_default().push(out.workloads.len());
                }
                out.workloads.push((i, labels));
            }
            out
        })
    }

    /// The unprotected workloads a selector may select: those carrying the first of its
    /// `matchLabels`, or all of them when it has none.
    pub(crate) fn candidates(&self, selector: Option<&Value>) -> Vec<&(usize, Labels)> {
        let first = selector
            .and_then(|s| s.get("matchLabels"))
            .and_then(Value::as_object)
            .and_then(|m| m.iter().find_map(|(k, v)| text(v).map(|v| (k.clone(), v))));
        match first {
            Some(pair) => {
                self.by_label.get(&pair).into_iter().flatten().filter_map(|&i| self.workloads.get(i)).collect()
            }
            None => self.workloads.iter().collect(),
        }
    }
}
