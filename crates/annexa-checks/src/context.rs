//! What checks share: the estate and indexes built once per run.

use crate::Settings;
use crate::network::selector::{Labels, pod_labels};
use annexa_load::At;
use annexa_load::{Container, Estate, Object, Workload};
use annexa_load::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

/// The context every hook receives. Its indexes are built once per run so that a check
/// looking across objects (a NetworkPolicy for this pod, the LimitRange of this namespace)
/// costs a lookup, not a pass over the whole estate: scans stay linear in the estate's size.
#[derive(Debug)]
pub struct Cx<'a> {
    /// The estate being checked.
    pub estate: &'a Estate,
    /// Namespaces that hold at least one workload (`None` for objects without a namespace).
    pub workload_namespaces: BTreeSet<Option<String>>,
    by_kind: HashMap<&'a str, Vec<&'a Object>>,
    /// Kind, then namespace (`""` for objects that name none: Kubernetes names are never empty).
    by_kind_namespace: HashMap<&'a str, HashMap<&'a str, Vec<&'a Object>>>,
    workloads_by_namespace: HashMap<&'a str, Vec<(&'a Object, &'a Workload)>>,
    /// The pod labels of `workloads_by_namespace`'s workloads, in the same order, read on
    /// first use: every NetworkPolicy of a namespace is matched against all of them.
    /// Owned keys: a borrowed one would tie the cell to `'a` and make `Cx` invariant in it.
    pod_labels_by_namespace: OnceLock<HashMap<String, Vec<Labels>>>,
    /// Facts a check area computes once per run (whether Istio is in use, ...).
    pub memo: Memo,
    /// The `[scan]` settings of `annexa.toml`.
    pub settings: &'a Settings,
}

/// Facts computed at most once per run, on first use.
#[derive(Debug, Default)]
pub struct Memo {
    /// Whether the estate uses Istio.
    pub istio: OnceLock<bool>,
    /// The workloads no network policy selects, indexed by pod label.
    pub(crate) unprotected: OnceLock<crate::network::selector::Unprotected>,
}

impl<'a> Cx<'a> {
    /// Builds the shared indexes, with the default settings.
    pub fn new(estate: &'a Estate) -> Cx<'a> {
        static DEFAULT: Settings = Settings { allowed_registries: Vec::new() };
        Cx::with_settings(estate, &DEFAULT)
    }

    /// Builds the shared indexes.
    pub fn with_settings(estate: &'a Estate, settings: &'a Settings) -> Cx<'a> {
        let workload_namespaces =
            estate.workloads.iter().filter_map(|w| estate.objects.get(w.object)).map(|o| o.namespace.clone()).collect();
        let mut by_kind: HashMap<&str, Vec<&Object>> = HashMap::new();
        let mut by_kind_namespace: HashMap<&str, HashMap<&str, Vec<&Object>>> = HashMap::new();
        for o in &estate.objects {
            by_kind.entry(o.kind.as_str()).or_default().push(o);
            let namespace = o.namespace.as_deref().unwrap_or_default();
            by_kind_namespace.entry(o.kind.as_str()).or_default().entry(namespace).or_default().push(o);
        }
        let mut workloads_by_namespace: HashMap<&str, Vec<(&Object, &Workload)>> = HashMap::new();
        for w in &estate.workloads {
            if let Some(o) = estate.objects.get(w.object) {
                workloads_by_namespace.entry(o.namespace.as_deref().unwrap_or_default()).or_default().push((o, w));
            }
        }
        Cx {
            estate,
            workload_namespaces,
            by_kind,
            by_kind_namespace,
            workloads_by_namespace,
            pod_labels_by_namespace: OnceLock::new(),
            memo: Memo::default(),
            settings,
        }
    }

    /// Objects of a kind, in estate order.
    pub fn objects_of(&self, kind: &str) -> std::iter::Copied<std::slice::Iter<'_, &'a Object>> {
        self.by_kind.get(kind).map_or(&[][..], Vec::as_slice).iter().copied()
    }

    /// Objects of a kind in one namespace (`None`: objects that name no namespace), in estate order.
    pub fn objects_in(
        &self,
        kind: &str,
        namespace: Option<&str>,
    ) -> std::iter::Copied<std::slice::Iter<'_, &'a Object>> {
        let found = self.by_kind_namespace.get(kind).and_then(|m| m.get(namespace.unwrap_or_default()));
        found.map_or(&[][..], Vec::as_slice).iter().copied()
    }

    /// The workloads of one namespace, in estate order.
    pub fn workloads_in(
        &self,
        namespace: Option<&str>,
    ) -> std::iter::Copied<std::slice::Iter<'_, (&'a Object, &'a Workload)>> {
        self.workloads_by_namespace.get(namespace.unwrap_or_default()).map_or(&[][..], Vec::as_slice).iter().copied()
    }
}

impl Cx<'_> {
    /// The pod labels of the workloads of one namespace, in the order of `workloads_in`.
    pub(crate) fn pod_labels_in(&self, namespace: Option<&str>) -> &[Labels] {
        let all = self.pod_labels_by_namespace.get_or_init(|| {
            let labels = |ws: &Vec<(&Object, &Workload)>| ws.iter().map(|(o, w)| pod_labels(o, w)).collect();
            self.workloads_by_namespace.iter().map(|(ns, ws)| ((*ns).to_owned(), labels(ws))).collect()
        });
        all.get(namespace.unwrap_or_default()).map_or(&[][..], Vec::as_slice)
    }
}

/// The pod spec of a workload.
pub fn pod<'o>(o: &'o Object, w: &Workload) -> Option<&'o Map> {
    o.value.at(&w.pod).and_then(Value::as_object)
}

/// A container's own mapping.
pub fn container<'o>(o: &'o Object, c: &Container) -> Option<&'o Map> {
    o.value.at(&c.pointer).and_then(Value::as_object)
}

/// A boolean field of a pod spec, read as Kubernetes reads it.
pub fn pod_flag(o: &Object, w: &Workload, field: &str) -> bool {
    pod(o, w).and_then(|p| p.get(field)).and_then(annexa_load::k8s::as_bool).unwrap_or(false)
}
