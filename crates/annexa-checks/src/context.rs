//! What checks share: the estate and indexes built once per run.

use annexa_load::{Container, Estate, Object, Workload};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The context every hook receives.
#[derive(Debug)]
pub struct Cx<'a> {
    /// The estate being checked.
    pub estate: &'a Estate,
    /// Namespaces that hold at least one workload (`None` for objects without a namespace).
    pub workload_namespaces: BTreeSet<Option<String>>,
}

impl<'a> Cx<'a> {
    /// Builds the shared indexes.
    pub fn new(estate: &'a Estate) -> Cx<'a> {
        let workload_namespaces = estate.workloads.iter().map(|w| estate.objects[w.object].namespace.clone()).collect();
        Cx { estate, workload_namespaces }
    }

    /// Objects of a kind.
    pub fn objects_of(&self, kind: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.estate.objects.iter().filter(move |o| o.kind == kind)
    }
}

/// The pod spec of a workload.
pub fn pod<'o>(o: &'o Object, w: &Workload) -> Option<&'o Map<String, Value>> {
    o.value.pointer(&w.pod).and_then(Value::as_object)
}

/// A container's own mapping.
pub fn container<'o>(o: &'o Object, c: &Container) -> Option<&'o Map<String, Value>> {
    o.value.pointer(&c.pointer).and_then(Value::as_object)
}

/// A boolean field of a pod spec, read as Kubernetes reads it.
pub fn pod_flag(o: &Object, w: &Workload, field: &str) -> bool {
    pod(o, w).and_then(|p| p.get(field)).and_then(annexa_load::k8s::as_bool).unwrap_or(false)
}
