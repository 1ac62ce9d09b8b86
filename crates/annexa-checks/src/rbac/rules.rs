//! What the RBAC checks share: the rules of a Role or ClusterRole and the subjects of a binding,
//! read the way the Kubernetes RBAC authorizer reads them.

use annexa_load::Object;
use annexa_load::span::child;
use annexa_load::{Map, Value};

/// Whether the object is an RBAC object of `rbac.authorization.k8s.io` of one of `kinds`.
pub(crate) fn is_rbac(o: &Object, kinds: &[&str]) -> bool {
    o.api_version.starts_with("rbac.authorization.k8s.io/") && kinds.contains(&o.kind.as_str())
}

/// Whether the object is one the API server creates and reconciles itself (`cluster-admin`,
/// `admin`, `edit`, `system:*`): those carry the `kubernetes.io/bootstrapping` label, and
/// editing them is undone at the next restart, so reporting them helps nobody.
pub(crate) fn built_in(o: &Object) -> bool {
    o.label("kubernetes.io/bootstrapping") == Some("rbac-defaults")
}

/// One rule of a Role or ClusterRole.
#[derive(Debug)]
pub(crate) struct Rule<'a> {
    /// Its position in `rules`.
    pub(crate) index: usize,
    /// Its pointer, relative to the object.
    pub(crate) pointer: String,
    map: &'a Map,
}

impl<'a> Rule<'a> {
    /// The string items of a list field (`verbs`, `resources`, `apiGroups`) with their pointers.
    pub(crate) fn items(&self, field: &str) -> Vec<(String, &'a str)> {
        let base = child(&self.pointer, field);
        self.map
            .get(field)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.as_str().map(|s| (child(&base, &i.to_string()), s)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether a list field holds one of `values`.
    pub(crate) fn has_any(&self, field: &str, values: &[&str]) -> bool {
        self.items(field).iter().any(|(_, s)| values.contains(s))
    }

    /// Whether the rule reaches the core API group (`""`), where pods and secrets live.
    pub(crate) fn core_group(&self) -> bool {
        self.has_any("apiGroups", &["", "*"])
    }

    /// Whether the rule is limited to named objects through `resourceNames`.
    pub(crate) fn named_only(&self) -> bool {
        self.map.get("resourceNames").and_then(Value::as_array).is_some_and(|a| !a.is_empty())
    }
}

/// The rules of a Role or ClusterRole, in order.
pub(crate) fn rules(o: &Object) -> Vec<Rule<'_>> {
    o.value
        .get("rules")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(index, r)| {
                    r.as_object().map(|map| Rule { index, pointer: format!("/rules/{index}"), map })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One subject of a RoleBinding or ClusterRoleBinding.
#[derive(Debug)]
pub(crate) struct Subject<'a> {
    /// Its pointer, relative to the object.
    pub(crate) pointer: String,
    /// `ServiceAccount`, `User` or `Group`.
    pub(crate) kind: &'a str,
    /// `name`.
    pub(crate) name: &'a str,
    /// `namespace`, for ServiceAccounts.
    pub(crate) namespace: Option<&'a str>,
}

impl Subject<'_> {
    /// `ServiceAccount \`ns/name\``, `Group \`ops\``.
    pub(crate) fn describe(&self, binding: &Object) -> String {
        match (self.kind, self.namespace.or(binding.namespace.as_deref())) {
            ("ServiceAccount", Some(ns)) => format!("ServiceAccount `{ns}/{}`", self.name),
            (kind, _) => format!("{kind} `{}`", self.name),
        }
    }
}

/// The subjects of a binding, in order.
pub(crate) fn subjects(o: &Object) -> Vec<Subject<'_>> {
    o.value
        .get("subjects")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let text = |k: &str| s.get(k).and_then(Value::as_str);
                    Some(Subject {
                        pointer: format!("/subjects/{i}"),
                        kind: text("kind")?,
                        name: text("name")?,
                        namespace: text("namespace").filter(|n| !n.is_empty()),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `roleRef.kind` and `roleRef.name` of a binding.
pub(crate) fn role_ref(o: &Object) -> Option<(&str, &str)> {
    let r = o.value.get("roleRef")?;
    Some((r.get("kind")?.as_str()?, r.get("name")?.as_str()?))
}
