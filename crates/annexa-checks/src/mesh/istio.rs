//! What the mesh checks share: recognising Istio's objects, their scope, and the namespaces of
//! the estate's workloads.

use crate::context::Cx;
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;

/// Istio's root namespace: policies there without a selector apply to the whole mesh.
pub(crate) const ROOT: &str = "istio-system";

/// Whether the object is an Istio object (`networking.istio.io`, `security.istio.io`).
pub(crate) fn is_istio(o: &Object) -> bool {
    o.api_version.starts_with("networking.istio.io/") || o.api_version.starts_with("security.istio.io/")
}

/// Whether the object is the Istio object of this kind.
pub(crate) fn is_istio_kind(o: &Object, kind: &str) -> bool {
    o.kind == kind && is_istio(o)
}

/// Whether the estate uses Istio at all: an Istio object, or a namespace enrolled for sidecar
/// injection (`istio-injection: enabled`, or a revision label `istio.io/rev`).
pub(crate) fn uses_istio(cx: &Cx<'_>) -> bool {
    *cx.memo.istio.get_or_init(|| {
        cx.estate.objects.iter().any(|o| {
            is_istio(o)
                || o.kind == "Namespace"
                    && o.api_version == "v1"
                    && (o.label("istio-injection") == Some("enabled") || o.label("istio.io/rev").is_some())
        })
    })
}

/// Whether a policy applies to its whole namespace: no `selector` with labels, and no
/// `targetRef`/`targetRefs` (which attach it to a gateway or waypoint instead).
pub(crate) fn namespace_wide(o: &Object) -> bool {
    let spec = o.value.get("spec");
    let labelled =
        spec.and_then(|s| s.at("/selector/matchLabels")).and_then(Value::as_object).is_some_and(|m| !m.is_empty());
    let targeted = spec.is_some_and(|s| {
        s.get("targetRef").is_some_and(|t| !t.is_null())
            || s.get("targetRefs").and_then(Value::as_array).is_some_and(|a| !a.is_empty())
    });
    !labelled && !targeted
}

/// Objects of an Istio kind, in estate order.
pub(crate) fn istio_objects<'a>(cx: &'a Cx<'a>, kind: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
    cx.objects_of(kind).filter(|o| is_istio(o))
}

/// The first workload object of a namespace, in estate order.
pub(crate) fn first_workload<'a>(cx: &Cx<'a>, namespace: Option<&str>) -> Option<&'a Object> {
    cx.workloads_in(namespace).next().map(|(o, _)| o)
}

/// `namespace \`shop\``, or words for objects that name none.
pub(crate) fn namespace_phrase(namespace: Option<&str>) -> String {
    namespace.map_or_else(
        || "the namespace of objects without `metadata.namespace`".to_owned(),
        |ns| format!("namespace `{ns}`"),
    )
}

/// The first of `pointers` that exists in the object, else `/metadata/name`.
pub(crate) fn first_existing<'p>(o: &Object, pointers: &[&'p str]) -> &'p str {
    pointers.iter().copied().find(|p| o.value.at(p).is_some()).unwrap_or("/metadata/name")
}

/// An enum field's value, upper-cased as Istio's enums are spelled.
pub(crate) fn upper(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_ascii_uppercase)
}

#[cfg(test)]
mod tests {
    use crate::{Check, run};
    use annexa_load::{Options, load_bytes};

    const WORKLOAD: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: 'web:1'}]
";

    fn fired(text: &str, check: &dyn Check) -> usize {
        let estate = load_bytes("estate.yaml", text.as_bytes(), &Options::default());
        run(&estate, super::super::CHECKS).iter().filter(|f| f.check.id == check.meta().id).count()
    }

    #[test]
    fn estates_without_istio_are_not_judged_on_istio_policies() {
        assert_eq!(fired(WORKLOAD, &super::super::MtlsNotStrict), 0);
        assert_eq!(fired(WORKLOAD, &super::super::AuthorizationPolicyMissing), 0);
    }

    #[test]
    fn a_namespace_enrolled_for_injection_is_enough_to_judge() {
        let text = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {{istio.io/rev: stable}}\n---\n{WORKLOAD}"
        );
        assert_eq!(fired(&text, &super::super::MtlsNotStrict), 1);
        assert_eq!(fired(&text, &super::super::AuthorizationPolicyMissing), 1);
    }
}
