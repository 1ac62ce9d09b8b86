//! The asset register and data-flow map derived from a loaded estate: the scope an ISO 27001
//! risk assessment starts from, discovered from the files instead of typed by hand.
//!
//! Pure: takes an [`Estate`], returns an [`Inventory`]. Secret values are never read into it.

mod flows;
mod image;
mod render;

pub use flows::{Flow, Mtls};
pub use image::ImageRef;

use annexa_load::At;
use annexa_load::k8s::Location;
use annexa_load::{DocKind, Estate, Object, Workload};
use annexa_load::{Map, Value};
use annexa_model::AnnexA;
use std::collections::{BTreeMap, BTreeSet};

/// What kind of asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssetKind {
    /// A workload and the Services that select it.
    Service,
    /// A workload that keeps data: a StatefulSet with volume claims, a database, cache or queue.
    DataStore,
    /// A Secret, defined or only referenced, with its consumers.
    Secret,
    /// An entry point: a Service's ports, an Ingress or route, an OpenAPI operation.
    Api,
    /// A container image.
    Image,
    /// Something outside the estate it talks to.
    ThirdParty,
    /// A CI/CD pipeline.
    Pipeline,
}

impl AssetKind {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Service => "service",
            AssetKind::DataStore => "data-store",
            AssetKind::Secret => "secret",
            AssetKind::Api => "api",
            AssetKind::Image => "image",
            AssetKind::ThirdParty => "third-party",
            AssetKind::Pipeline => "pipeline",
        }
    }

    /// The Annex A controls that concern an asset of this kind: an asset of the kind is
    /// something those controls are applied to, not evidence that they are met.
    pub fn controls(self) -> &'static [AnnexA] {
        match self {
            AssetKind::Service => &[AnnexA::A5_9, AnnexA::A8_9, AnnexA::A8_20, AnnexA::A8_22, AnnexA::A8_26],
            AssetKind::DataStore => &[AnnexA::A5_9, AnnexA::A5_12, AnnexA::A8_3, AnnexA::A8_13, AnnexA::A8_24],
            AssetKind::Secret => &[AnnexA::A5_17, AnnexA::A8_12, AnnexA::A8_24],
            AssetKind::Api => &[AnnexA::A5_14, AnnexA::A8_5, AnnexA::A8_20, AnnexA::A8_26],
            AssetKind::Image => &[AnnexA::A5_21, AnnexA::A8_8, AnnexA::A8_19],
            AssetKind::ThirdParty => &[AnnexA::A5_14, AnnexA::A5_19, AnnexA::A5_21, AnnexA::A5_22, AnnexA::A5_23],
            AssetKind::Pipeline => &[AnnexA::A8_4, AnnexA::A8_25, AnnexA::A8_32],
        }
    }
}

/// A file and line, as JSON shows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Place {
    /// The file.
    pub file: String,
    /// The line, from 1.
    pub line: u32,
}

impl From<&Location> for Place {
    fn from(l: &Location) -> Place {
        Place { file: l.file.to_string(), line: l.line }
    }
}

/// One asset of the register.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Asset {
    /// What kind.
    pub kind: AssetKind,
    /// Its name (`payments`, `ghcr.io/acme/api:1.2`, `GET /orders/{id}`).
    pub name: String,
    /// Its namespace, where it has one.
    pub namespace: Option<String>,
    /// Where it is defined.
    pub location: Place,
    /// Owner, from `annexa.io/owner` (label or annotation).
    pub owner: Option<String>,
    /// Data classification, from `annexa.io/data-classification`.
    pub classification: Option<String>,
    /// The Annex A controls that concern it.
    pub controls: Vec<String>,
    /// Facts particular to the kind (workload kind, Services, ports, registry, consumers...).
    pub details: BTreeMap<String, Value>,
}

impl Asset {
    /// `kind:namespace/name`, the id flows refer to.
    pub fn id(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}:{ns}/{}", self.kind.as_str(), self.name),
            None => format!("{}:{}", self.kind.as_str(), self.name),
        }
    }
}

/// The asset register and data-flow map.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Inventory {
    /// Every asset, by kind, namespace and name.
    pub assets: Vec<Asset>,
    /// Data flows between assets, with their mTLS status.
    pub flows: Vec<Flow>,
}

impl Inventory {
    /// Assets of one kind.
    pub fn of(&self, kind: AssetKind) -> impl Iterator<Item = &Asset> {
        self.assets.iter().filter(move |a| a.kind == kind)
    }
}

/// The labels annexa reads for owner and classification, most specific first.
const OWNER_KEYS: [&str; 3] = ["annexa.io/owner", "owner", "team"];
const CLASSIFICATION_KEYS: [&str; 2] = ["annexa.io/data-classification", "data-classification"];

/// Images whose short name marks a database, cache or queue.
const DATA_STORE_IMAGES: [&str; 24] = [
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "valkey",
    "memcached",
    "cassandra",
    "elasticsearch",
    "opensearch",
    "rabbitmq",
    "kafka",
    "zookeeper",
    "nats",
    "etcd",
    "couchdb",
    "couchbase",
    "neo4j",
    "influxdb",
    "clickhouse",
    "cockroachdb",
    "minio",
];

fn metadata_value(o: &Object, pod_metadata: Option<&str>, keys: &[&str]) -> Option<String> {
    let places = ["/metadata/labels", "/metadata/annotations"]
        .into_iter()
        .map(str::to_owned)
        .chain(pod_metadata.into_iter().flat_map(|m| [format!("{m}/labels"), format!("{m}/annotations")]));
    for place in places {
        for key in keys {
            if let Some(v) = o.value.at(&place).and_then(|m| m.get(*key)).and_then(Value::as_str) {
                return Some(v.to_owned());
            }
        }
    }
    None
}

fn controls(kind: AssetKind) -> Vec<String> {
    kind.controls().iter().map(ToString::to_string).collect()
}

fn asset(kind: AssetKind, name: String, namespace: Option<String>, location: &Location) -> Asset {
    Asset {
        kind,
        name,
        namespace,
        location: location.into(),
        owner: None,
        classification: None,
        controls: controls(kind),
        details: BTreeMap::new(),
    }
}

/// Whether a workload keeps data, and why.
fn data_store_reason(o: &Object, w: &Workload) -> Option<String> {
    if o.kind == "StatefulSet"
        && o.value.at("/spec/volumeClaimTemplates").and_then(Value::as_array).is_some_and(|v| !v.is_empty())
    {
        return Some("StatefulSet with volume claims".to_owned());
    }
    for c in w.containers.iter().filter(|c| c.kind != annexa_load::ContainerKind::Ephemeral) {
        let Some(image) = &c.image else { continue };
        let short = ImageRef::parse(image).short_name();
        if DATA_STORE_IMAGES.contains(&short.as_str()) {
            return Some(format!("image `{short}`"));
        }
        if short.split('-').any(|s| s == "db" || s == "database") {
            return Some(format!("image `{short}`"));
        }
    }
    o.name.split('-').any(|s| s == "db" || s == "database").then(|| format!("name `{}`", o.name))
}

/// Whether a Service's selector picks a workload's pods.
pub(crate) fn selects(service: &Object, o: &Object, w: &Workload) -> bool {
    if service.namespace != o.namespace {
        return false;
    }
    let Some(selector) = service.value.at("/spec/selector").and_then(Value::as_object).filter(|s| !s.is_empty()) else {
        return false;
    };
    let labels = o.value.at(&format!("{}/labels", w.pod_metadata)).and_then(Value::as_object);
    selector.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// Builds the inventory of a loaded estate.
pub fn inventory(estate: &Estate) -> Inventory {
    let mut assets = Vec::new();
    let services: Vec<&Object> = estate.objects.iter().filter(|o| o.kind == "Service").collect();
    let mut services_by_namespace: std::collections::HashMap<Option<&str>, Vec<&Object>> =
        std::collections::HashMap::new();
    for s in &services {
        services_by_namespace.entry(s.namespace.as_deref()).or_default().push(s);
    }

    // Services and data stores: one per workload.
    for w in &estate.workloads {
        let o = &estate.objects[w.object];
        let reason = data_store_reason(o, w);
        let kind = if reason.is_some() { AssetKind::DataStore } else { AssetKind::Service };
        let mut a = asset(kind, o.name.clone(), o.namespace.clone(), &o.locate("/metadata/name"));
        a.owner = metadata_value(o, Some(&w.pod_metadata), &OWNER_KEYS);
        a.classification = metadata_value(o, Some(&w.pod_metadata), &CLASSIFICATION_KEYS);
        a.details.insert("workload".into(), Value::String(o.kind.clone()));
        if let Some(r) = reason {
            a.details.insert("why".into(), Value::String(r));
        }
        let selecting: Vec<Value> = services_by_namespace
            .get(&o.namespace.as_deref())
            .into_iter()
            .flatten()
            .filter(|s| selects(s, o, w))
            .map(|s| Value::String(s.name.clone()))
            .collect();
        if !selecting.is_empty() {
            a.details.insert("services".into(), Value::Array(selecting));
        }
        let images: Vec<Value> = w.containers.iter().filter_map(|c| c.image.clone()).map(Value::String).collect();
        a.details.insert("images".into(), Value::Array(images));
        if let Some(app) = o.label("app.kubernetes.io/part-of") {
            a.details.insert("part-of".into(), Value::String(app.to_owned()));
        }
        assets.push(a);
    }

    assets.extend(secrets(estate));
    assets.extend(apis(estate, &services));
    assets.extend(images(estate));
    assets.extend(pipelines(estate));
    let (third_parties, flows) = flows::flows(estate, &assets, &services);
    assets.extend(third_parties);

    assets.sort_by(|a, b| {
        (a.kind, &a.namespace, &a.name, &a.location).cmp(&(b.kind, &b.namespace, &b.name, &b.location))
    });
    // The same object rendered by several overlays is one asset in the register.
    assets.dedup_by(|a, b| {
        a.kind == b.kind && a.namespace == b.namespace && a.name == b.name && a.location.file == b.location.file
    });
    Inventory { assets, flows }
}

/// Every Secret a pod spec refers to: `(name, pointer)`.
pub(crate) fn secret_references(o: &Object, w: &Workload) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(spec) = o.value.at(&w.pod) else { return out };
    let mut push = |v: Option<&Value>, pointer: String| {
        if let Some(name) = v.and_then(Value::as_str) {
            out.push((name.to_owned(), pointer));
        }
    };
    for (i, v) in spec.get("volumes").and_then(Value::as_array).into_iter().flatten().enumerate() {
        push(v.at("/secret/secretName"), format!("{}/volumes/{i}/secret/secretName", w.pod));
        for (j, s) in v.at("/projected/sources").and_then(Value::as_array).into_iter().flatten().enumerate() {
            push(s.at("/secret/name"), format!("{}/volumes/{i}/projected/sources/{j}/secret/name", w.pod));
        }
    }
    for (i, s) in spec.get("imagePullSecrets").and_then(Value::as_array).into_iter().flatten().enumerate() {
        push(s.get("name"), format!("{}/imagePullSecrets/{i}/name", w.pod));
    }
    for c in &w.containers {
        let Some(cv) = o.value.at(&c.pointer) else { continue };
        for (i, e) in cv.get("env").and_then(Value::as_array).into_iter().flatten().enumerate() {
            push(e.at("/valueFrom/secretKeyRef/name"), format!("{}/env/{i}/valueFrom/secretKeyRef/name", c.pointer));
        }
        for (i, e) in cv.get("envFrom").and_then(Value::as_array).into_iter().flatten().enumerate() {
            push(e.at("/secretRef/name"), format!("{}/envFrom/{i}/secretRef/name", c.pointer));
        }
    }
    out
}

fn secrets(estate: &Estate) -> Vec<Asset> {
    let mut found: BTreeMap<(Option<String>, String), Asset> = BTreeMap::new();
    for o in estate.objects.iter().filter(|o| o.kind == "Secret") {
        let mut a = asset(AssetKind::Secret, o.name.clone(), o.namespace.clone(), &o.locate("/metadata/name"));
        a.owner = metadata_value(o, None, &OWNER_KEYS);
        a.classification = metadata_value(o, None, &CLASSIFICATION_KEYS);
        a.details.insert("defined".into(), Value::Bool(true));
        if let Some(t) = o.value.get("type").and_then(Value::as_str) {
            a.details.insert("type".into(), Value::String(t.to_owned()));
        }
        // Key names are listed so a reviewer sees what is held; values never leave the loader.
        let keys: BTreeSet<String> = ["data", "stringData"]
            .iter()
            .filter_map(|f| o.value.get(*f).and_then(Value::as_object))
            .flat_map(|m| m.keys().cloned())
            .collect();
        a.details.insert("keys".into(), keys.into_iter().map(Value::String).collect());
        a.details.insert("consumers".into(), Value::Array(Vec::new()));
        found.insert((o.namespace.clone(), o.name.clone()), a);
    }
    for w in &estate.workloads {
        let o = &estate.objects[w.object];
        for (name, pointer) in secret_references(o, w) {
            let entry = found.entry((o.namespace.clone(), name.clone())).or_insert_with(|| {
                let mut a = asset(AssetKind::Secret, name.clone(), o.namespace.clone(), &o.locate(&pointer));
                a.details.insert("defined".into(), Value::Bool(false));
                a.details.insert("consumers".into(), Value::Array(Vec::new()));
                a
            });
            let consumer = Value::String(format!("{}/{}", o.kind, o.name));
            if let Some(Value::Array(list)) = entry.details.get_mut("consumers")
                && !list.contains(&consumer)
            {
                list.push(consumer);
            }
        }
    }
    found.into_values().collect()
}

fn apis(estate: &Estate, services: &[&Object]) -> Vec<Asset> {
    let mut out = Vec::new();
    for s in services {
        let mut a = asset(AssetKind::Api, s.name.clone(), s.namespace.clone(), &s.locate("/metadata/name"));
        let kind = s.value.at("/spec/type").and_then(Value::as_str).unwrap_or("ClusterIP");
        a.details.insert("source".into(), Value::String("Service".into()));
        a.details.insert("type".into(), Value::String(kind.to_owned()));
        let exposure = match kind {
            "LoadBalancer" | "NodePort" => "external",
            "ExternalName" => "alias",
            _ => "cluster",
        };
        a.details.insert("exposure".into(), Value::String(exposure.to_owned()));
        let ports: Vec<Value> = s
            .value
            .at("/spec/ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| {
                let port = p.get("port").map(ToString::to_string).unwrap_or_default();
                let protocol = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                Value::String(format!("{port}/{protocol}"))
            })
            .collect();
        a.details.insert("ports".into(), Value::Array(ports));
        a.owner = metadata_value(s, None, &OWNER_KEYS);
        out.push(a);
    }
    for o in estate.objects.iter().filter(|o| o.kind == "Ingress") {
        for (i, rule) in o.value.at("/spec/rules").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let host = rule.get("host").and_then(Value::as_str).unwrap_or("*");
            for (j, path) in rule.at("/http/paths").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let p = path.get("path").and_then(Value::as_str).unwrap_or("/");
                let mut a = asset(
                    AssetKind::Api,
                    format!("{host}{p}"),
                    o.namespace.clone(),
                    &o.locate(&format!("/spec/rules/{i}/http/paths/{j}")),
                );
                a.details.insert("source".into(), Value::String(format!("Ingress {}", o.name)));
                let tls = o.value.at("/spec/tls").and_then(Value::as_array).is_some_and(|t| {
                    t.iter().any(|e| {
                        e.get("hosts")
                            .and_then(Value::as_array)
                            .is_some_and(|h| h.iter().any(|x| x.as_str() == Some(host)))
                    })
                });
                a.details.insert("tls".into(), Value::Bool(tls));
                a.details.insert("exposure".into(), Value::String("external".into()));
                if let Some(b) = path.at("/backend/service/name").or_else(|| path.at("/backend/serviceName")) {
                    a.details.insert("backend".into(), b.clone());
                }
                out.push(a);
            }
        }
    }
    for o in estate.objects.iter().filter(|o| matches!(o.kind.as_str(), "HTTPRoute" | "GRPCRoute" | "VirtualService")) {
        let hosts: Vec<&str> = o
            .value
            .at(if o.kind == "VirtualService" { "/spec/hosts" } else { "/spec/hostnames" })
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut a =
            asset(AssetKind::Api, format!("{} {}", o.kind, o.name), o.namespace.clone(), &o.locate("/metadata/name"));
        a.details.insert("source".into(), Value::String(o.kind.clone()));
        a.details.insert("hosts".into(), hosts.iter().map(|h| Value::String((*h).to_owned())).collect());
        out.push(a);
    }
    for o in estate.objects.iter().filter(|o| o.kind == "Gateway") {
        let listeners = o.value.at("/spec/listeners").or_else(|| o.value.at("/spec/servers")).and_then(Value::as_array);
        for (i, l) in listeners.into_iter().flatten().enumerate() {
            let protocol = l.get("protocol").or_else(|| l.at("/port/protocol")).and_then(Value::as_str).unwrap_or("?");
            let port =
                l.get("port").and_then(|p| p.as_u64().or_else(|| p.get("number").and_then(Value::as_u64))).unwrap_or(0);
            let field = if o.value.at("/spec/listeners").is_some() { "listeners" } else { "servers" };
            let mut a = asset(
                AssetKind::Api,
                format!("{} {protocol}:{port}", o.name),
                o.namespace.clone(),
                &o.locate(&format!("/spec/{field}/{i}")),
            );
            a.details.insert("source".into(), Value::String("Gateway".into()));
            a.details.insert("exposure".into(), Value::String("external".into()));
            out.push(a);
        }
    }
    for d in estate.documents_of(DocKind::OpenApi) {
        let title = d.value.at("/info/title").and_then(Value::as_str).unwrap_or("api");
        let global = d.value.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
        for (path, item) in d.value.get("paths").and_then(Value::as_object).into_iter().flatten() {
            for method in ["get", "put", "post", "delete", "patch", "head", "options", "trace"] {
                let Some(op) = item.get(method) else { continue };
                let pointer = format!("/paths/{}/{method}", path.replace('~', "~0").replace('/', "~1"));
                let mut a =
                    asset(AssetKind::Api, format!("{} {path}", method.to_ascii_uppercase()), None, &d.locate(&pointer));
                a.details.insert("source".into(), Value::String(format!("OpenAPI {title}")));
                let secured = match op.get("security").and_then(Value::as_array) {
                    Some(s) => !s.is_empty() && !s.iter().all(|r| r.as_object().is_some_and(Map::is_empty)),
                    None => global,
                };
                a.details.insert("authenticated".into(), Value::Bool(secured));
                out.push(a);
            }
        }
    }
    out
}

fn images(estate: &Estate) -> Vec<Asset> {
    let mut found: BTreeMap<String, Asset> = BTreeMap::new();
    let mut add = |reference: &str, location: &Location, user: String| {
        let entry = found.entry(reference.to_owned()).or_insert_with(|| {
            let r = ImageRef::parse(reference);
            let mut a = asset(AssetKind::Image, reference.to_owned(), None, location);
            a.details.insert("registry".into(), Value::String(r.registry.clone()));
            a.details.insert("repository".into(), Value::String(r.repository.clone()));
            a.details.insert("tag".into(), r.tag.clone().map_or(Value::Null, Value::String));
            a.details.insert("digest".into(), r.digest.clone().map_or(Value::Null, Value::String));
            a.details.insert("pinned".into(), Value::Bool(r.pinned()));
            a.details.insert("used-by".into(), Value::Array(Vec::new()));
            a
        });
        if let Some(Value::Array(users)) = entry.details.get_mut("used-by") {
            let user = Value::String(user);
            if !users.contains(&user) {
                users.push(user);
            }
        }
    };
    for w in &estate.workloads {
        let o = &estate.objects[w.object];
        for c in &w.containers {
            if let Some(image) = &c.image {
                add(image, &o.locate(&format!("{}/image", c.pointer)), format!("{}/{}", o.kind, o.name));
            }
        }
    }
    for d in estate.documents_of(DocKind::Compose) {
        for (name, s) in d.value.get("services").and_then(Value::as_object).into_iter().flatten() {
            if let Some(image) = s.get("image").and_then(Value::as_str) {
                add(image, &d.locate(&format!("/services/{name}/image")), format!("compose {name}"));
            }
        }
    }
    for f in &estate.dockerfiles {
        let last = f.stages.len();
        for (i, stage) in f.stages.iter().enumerate() {
            if f.stages[..i].iter().any(|s| s.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(&stage.image)))
                || stage.image == "scratch"
            {
                continue;
            }
            let role = if i + 1 == last { "base image of" } else { "build stage of" };
            let location = Location {
                file: f.file.clone(),
                line: stage.image_pos.line,
                col: stage.image_pos.col,
                pointer: String::new(),
            };
            add(&stage.image, &location, format!("{role} {}", f.file));
        }
    }
    found.into_values().collect()
}

fn pipelines(estate: &Estate) -> Vec<Asset> {
    let mut out = Vec::new();
    for d in estate.documents.iter().filter(|d| matches!(d.kind, DocKind::GithubWorkflow | DocKind::GitlabCi)) {
        let name = d.value.get("name").and_then(Value::as_str).map_or_else(|| d.file.to_string(), str::to_owned);
        let mut a = asset(AssetKind::Pipeline, name, None, &d.locate(""));
        let system = if d.kind == DocKind::GithubWorkflow { "github-actions" } else { "gitlab-ci" };
        a.details.insert("system".into(), Value::String(system.into()));
        a.details.insert("file".into(), Value::String(d.file.to_string()));
        let jobs: Vec<Value> = match d.kind {
            DocKind::GithubWorkflow => d
                .value
                .get("jobs")
                .and_then(Value::as_object)
                .map(|j| j.keys().cloned().map(Value::String).collect())
                .unwrap_or_default(),
            _ => d
                .value
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(k, v)| !k.starts_with('.') && v.get("script").is_some())
                        .map(|(k, _)| Value::String(k.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        };
        a.details.insert("jobs".into(), Value::Array(jobs));
        if let Some(on) = d.value.get("on") {
            let triggers: Vec<Value> = match on {
                Value::String(s) => vec![Value::String(s.clone())],
                Value::Array(a) => a.clone(),
                Value::Object(m) => m.keys().cloned().map(Value::String).collect(),
                _ => Vec::new(),
            };
            a.details.insert("triggers".into(), Value::Array(triggers));
        }
        out.push(a);
    }
    out
}
