//! Data flows between services (from env and config that name other services, Ingress and
//! route backends, NetworkPolicy rules) and the mTLS status of each (from PeerAuthentication
//! per mesh, namespace and workload, and DestinationRule TLS), plus the third parties the
//! estate talks to.

use crate::{Asset, AssetKind, Place, asset, selects};
use annexa_load::At;
use annexa_load::k8s::Location;
use annexa_load::{Estate, Object, Workload};
use annexa_load::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// How a flow is protected in transit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mtls {
    /// The destination accepts mutual TLS only.
    Strict,
    /// The destination accepts mutual TLS and plaintext (Istio's default).
    Permissive,
    /// mTLS is turned off (PeerAuthentication `DISABLE` or DestinationRule TLS `DISABLE`).
    Disabled,
    /// No service mesh covers the destination.
    None,
    /// To a third party over TLS (`https://`): encrypted, not mutually authenticated by the mesh.
    Tls,
    /// To a third party in plaintext (`http://`).
    Plaintext,
}

impl Mtls {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mtls::Strict => "strict",
            Mtls::Permissive => "permissive",
            Mtls::Disabled => "disabled",
            Mtls::None => "none",
            Mtls::Tls => "tls",
            Mtls::Plaintext => "plaintext",
        }
    }
}

/// A data flow from one asset to another.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Flow {
    /// The asset the data leaves (`service:shop/orders`).
    pub from: String,
    /// The asset it reaches.
    pub to: String,
    /// The mTLS status of the connection.
    pub mtls: Mtls,
    /// What shows the flow (`env ORDERS_URL`, `Ingress shop`, `NetworkPolicy allow-orders`).
    pub via: Vec<String>,
    /// Where the first piece of evidence is written.
    pub location: Place,
}

/// The mesh settings that decide mTLS for a destination.
struct Mesh<'a> {
    /// Namespaces with sidecar injection turned on.
    injected: Vec<Option<String>>,
    peer_auth: Vec<&'a Object>,
    /// DestinationRules that turn TLS off, by the host they name.
    tls_disabled: HashMap<String, Vec<&'a Object>>,
}

impl<'a> Mesh<'a> {
    fn new(estate: &'a Estate) -> Mesh<'a> {
        let injected = estate
            .objects
            .iter()
            .filter(|o| {
                o.kind == "Namespace"
                    && (o.label("istio-injection") == Some("enabled") || o.label("istio.io/rev").is_some())
            })
            .map(|o| Some(o.name.clone()))
            .collect();
        let of = |kind: &str| {
            estate.objects.iter().filter(|o| o.kind == kind && o.api_version.starts_with("security.istio.io")).collect()
        };
        let mut tls_disabled: HashMap<String, Vec<&Object>> = HashMap::new();
        for d in estate.objects.iter().filter(|o| o.kind == "DestinationRule") {
            if d.value.at("/spec/trafficPolicy/tls/mode").and_then(Value::as_str) == Some("DISABLE")
                && let Some(host) = d.value.at("/spec/host").and_then(Value::as_str)
            {
                tls_disabled.entry(host.to_owned()).or_default().push(d);
            }
        }
        Mesh { injected, peer_auth: of("PeerAuthentication"), tls_disabled }
    }

    /// The mTLS status of traffic reaching `o`'s pods, called `host` by the client.
    fn status(&self, o: &Object, w: &Workload, host: Option<&str>) -> Mtls {
        let pod_labels = o.value.at(&format!("{}/labels", w.pod_metadata)).and_then(Value::as_object);
        let inject =
            o.value.at(&format!("{}/annotations/sidecar.istio.io~1inject", w.pod_metadata)).and_then(Value::as_str);
        let mesh_wide =
            self.peer_auth.iter().any(|p| p.namespace.as_deref() == Some("istio-system") && selector(p).is_none());
        let in_mesh = inject != Some("false")
            && (inject == Some("true")
                || mesh_wide
                || self.injected.contains(&o.namespace)
                || self.peer_auth.iter().any(|p| p.namespace == o.namespace));
        if !in_mesh {
            return Mtls::None;
        }
        if let Some(h) = host
            && rule_hosts(h, o).iter().any(|candidate| self.tls_disabled.contains_key(candidate))
        {
            return Mtls::Disabled;
        }
        // Workload policy, then namespace policy, then mesh-wide policy; UNSET defers upwards.
        let workload = self.peer_auth.iter().filter(|p| p.namespace == o.namespace).find(|p| {
            selector(p).is_some_and(|sel| sel.iter().all(|(k, v)| pod_labels.and_then(|l| l.get(k)) == Some(v)))
        });
        let namespace = self.peer_auth.iter().find(|p| p.namespace == o.namespace && selector(p).is_none());
        let mesh =
            self.peer_auth.iter().find(|p| p.namespace.as_deref() == Some("istio-system") && selector(p).is_none());
        for p in [workload, namespace, mesh].into_iter().flatten() {
            match p.value.at("/spec/mtls/mode").and_then(Value::as_str) {
                Some("STRICT") => return Mtls::Strict,
                Some("PERMISSIVE") => return Mtls::Permissive,
                Some("DISABLE") => return Mtls::Disabled,
                _ => {}
            }
        }
        Mtls::Permissive
    }
}

fn selector(p: &Object) -> Option<&Map> {
    p.value.at("/spec/selector/matchLabels").and_then(Value::as_object).filter(|m| !m.is_empty())
}

/// The DestinationRule hosts that name the service a client called `called`.
fn rule_hosts(called: &str, o: &Object) -> [String; 5] {
    let ns = o.namespace.as_deref().unwrap_or("default");
    let short = called.split('.').next().unwrap_or(called);
    [
        called.to_owned(),
        short.to_owned(),
        format!("{short}.{ns}.svc.cluster.local"),
        "*".to_owned(),
        format!("*.{ns}.svc.cluster.local"),
    ]
}

/// A reference to another service or an outside host found in a config value.
#[derive(Debug)]
struct Target {
    host: String,
    scheme: Option<String>,
}

/// Whether a variable's name says it holds a host (`REDIS_HOST`, `CART_SERVICE_ADDR`).
fn names_a_host(var: &str) -> bool {
    let v = var.to_ascii_uppercase();
    ["HOST", "HOSTNAME", "ADDR", "ADDRESS", "SERVICE", "SERVER", "ENDPOINT", "URL", "URI", "BROKER", "BROKERS"]
        .iter()
        .any(|s| v.ends_with(s))
}

/// Hosts named in a value: URLs, `host:port`, or (when the variable's name says it holds a
/// host) a bare service name. A bare word elsewhere is just a word: `POSTGRES_DB=orders`
/// names a database, not the `orders` service.
fn targets(var: &str, value: &str) -> Vec<Target> {
    let bare_ok = names_a_host(var);
    let mut out = Vec::new();
    for word in value.split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '"' || c == '\'') {
        if word.is_empty() {
            continue;
        }
        let (scheme, rest) = match word.split_once("://") {
            Some((s, r)) => (Some(s.to_ascii_lowercase()), r),
            None => (None, word),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = match authority.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() => h,
            _ if scheme.is_some() => authority,
            _ => authority,
        };
        let plausible = !host.is_empty()
            && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            && host.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        let bare = scheme.is_none() && !authority.contains(':');
        if plausible && (!bare || bare_ok || host.contains(".svc")) {
            out.push(Target { host: host.to_ascii_lowercase(), scheme });
        }
    }
    out
}

/// `namespace/name` (an empty namespace for objects that name none), the key of the indexes.
fn key(namespace: Option<&str>, name: &str) -> String {
    format!("{}/{name}", namespace.unwrap_or_default())
}

/// Lookups built once, so that finding flows stays linear in the estate's size.
struct Index<'a> {
    /// Service by `namespace/name`.
    services: HashMap<String, &'a Object>,
    /// ConfigMap by `namespace/name`.
    config_maps: HashMap<String, &'a Object>,
    /// Service and data-store asset ids by the workload's `namespace/name`.
    ids: HashMap<String, String>,
    /// The workloads each Service selects, by the Service's `namespace/name`.
    backends: HashMap<String, Vec<(&'a Object, &'a Workload)>>,
}

impl<'a> Index<'a> {
    fn new(estate: &'a Estate, assets: &[Asset], services: &[&'a Object]) -> Index<'a> {
        let mut by_namespace: HashMap<Option<&str>, Vec<(&Object, &Workload)>> = HashMap::new();
        for w in &estate.workloads {
            if let Some(o) = estate.objects.get(w.object) {
                by_namespace.entry(o.namespace.as_deref()).or_default().push((o, w));
            }
        }
        let backends = services
            .iter()
            .map(|s| {
                let selected = by_namespace
                    .get(&s.namespace.as_deref())
                    .into_iter()
                    .flatten()
                    .filter(|(o, w)| selects(s, o, w))
                    .copied()
                    .collect();
                (key(s.namespace.as_deref(), &s.name), selected)
            })
            .collect();
        Index {
            services: services.iter().map(|s| (key(s.namespace.as_deref(), &s.name), *s)).collect(),
            config_maps: estate
                .objects
                .iter()
                .filter(|o| o.kind == "ConfigMap")
                .map(|o| (key(o.namespace.as_deref(), &o.name), o))
                .collect(),
            ids: assets
                .iter()
                .filter(|a| matches!(a.kind, AssetKind::Service | AssetKind::DataStore))
                .map(|a| (key(a.namespace.as_deref(), &a.name), a.id()))
                .collect(),
            backends,
        }
    }

    fn id_of(&self, o: &Object) -> Option<String> {
        self.ids.get(&key(o.namespace.as_deref(), &o.name)).cloned()
    }

    fn behind(&self, s: &Object) -> &[(&'a Object, &'a Workload)] {
        self.backends.get(&key(s.namespace.as_deref(), &s.name)).map_or(&[][..], Vec::as_slice)
    }

    /// The Service a host names, seen from namespace `from`.
    fn service_for(&self, host: &str, from: &Option<String>) -> Option<&'a Object> {
        let parts: Vec<&str> = host.split('.').collect();
        let (name, ns) = match parts.as_slice() {
            [name] => (*name, from.as_deref()),
            [name, ns] | [name, ns, "svc"] | [name, ns, "svc", "cluster", "local"] => (*name, Some(*ns)),
            _ => return None,
        };
        // A manifest without a namespace lands in `default` when applied as it is.
        let fallback = if ns == Some("default") { self.services.get(&key(None, name)) } else { None };
        self.services.get(&key(ns, name)).or(fallback).copied()
    }
}

/// Whether a host is outside the estate: a public-looking DNS name.
fn external(host: &str) -> bool {
    host.contains('.')
        && !host.ends_with(".svc")
        && !host.contains(".svc.")
        && !host.ends_with(".local")
        && !host.ends_with(".internal")
        && !host.ends_with(".localhost")
        && host != "localhost"
        && !host.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Config values a container sees, with the pointer and variable name of each.
fn config_values<'a>(index: &Index<'a>, o: &Object, w: &Workload) -> Vec<(String, String, Location)> {
    let mut out = Vec::new();
    let config_map = |name: &str| index.config_maps.get(&key(o.namespace.as_deref(), name)).copied();
    for c in &w.containers {
        let Some(cv) = o.value.at(&c.pointer) else { continue };
        for (i, e) in cv.get("env").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let var = e.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            if let Some(v) = e.get("value").and_then(Value::as_str) {
                out.push((var.clone(), v.to_owned(), o.locate(&format!("{}/env/{i}/value", c.pointer))));
            }
            if let (Some(cm), Some(key)) = (
                e.at("/valueFrom/configMapKeyRef/name").and_then(Value::as_str).and_then(config_map),
                e.at("/valueFrom/configMapKeyRef/key").and_then(Value::as_str),
            ) && let Some(v) = cm.value.at(&format!("/data/{key}")).and_then(Value::as_str)
            {
                out.push((var, v.to_owned(), cm.locate(&format!("/data/{key}"))));
            }
        }
        for e in cv.get("envFrom").and_then(Value::as_array).into_iter().flatten() {
            if let Some(cm) = e.at("/configMapRef/name").and_then(Value::as_str).and_then(config_map) {
                for (k, v) in cm.value.get("data").and_then(Value::as_object).into_iter().flatten() {
                    if let Some(v) = v.as_str() {
                        out.push((k.clone(), v.to_owned(), cm.locate(&format!("/data/{k}"))));
                    }
                }
            }
        }
    }
    out
}

/// A workload with its pod template's labels.
type Pod<'a> = (&'a Object, &'a Workload, Option<&'a Map>);

struct Builder {
    flows: BTreeMap<(String, String), Flow>,
}

impl Builder {
    fn add(&mut self, from: String, to: String, mtls: Mtls, via: String, location: &Location) {
        if from == to {
            return;
        }
        let flow = self.flows.entry((from.clone(), to.clone())).or_insert_with(|| Flow {
            from,
            to,
            mtls,
            via: Vec::new(),
            location: location.into(),
        });
        if !flow.via.contains(&via) {
            flow.via.push(via);
        }
    }
}

pub(crate) fn flows(estate: &Estate, assets: &[Asset], services: &[&Object]) -> (Vec<Asset>, Vec<Flow>) {
    let mesh = Mesh::new(estate);
    let mut b = Builder { flows: BTreeMap::new() };
    let mut third: BTreeMap<String, Asset> = BTreeMap::new();
    let index = Index::new(estate, assets, services);
    let id_of = |o: &Object| index.id_of(o);
    let behind = |s: &Object| index.behind(s).to_vec();

    // ServiceEntries declare the outside hosts the mesh may reach.
    for se in estate.objects.iter().filter(|o| o.kind == "ServiceEntry") {
        let plain = se.value.at("/spec/ports").and_then(Value::as_array).is_some_and(|ports| {
            ports.iter().any(|p| {
                p.get("protocol")
                    .and_then(Value::as_str)
                    .is_some_and(|pr| matches!(pr.to_ascii_uppercase().as_str(), "HTTP" | "HTTP2" | "TCP" | "GRPC"))
            })
        });
        for (i, host) in se.value.at("/spec/hosts").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let Some(host) = host.as_str() else { continue };
            let mut a = asset(AssetKind::ThirdParty, host.to_owned(), None, &se.locate(&format!("/spec/hosts/{i}")));
            a.details.insert("source".into(), Value::String(format!("ServiceEntry {}", se.display())));
            a.details.insert("plaintext".into(), Value::Bool(plain));
            third.entry(host.to_owned()).or_insert(a);
        }
    }

    // Env and config naming other services or outside hosts.
    for w in &estate.workloads {
        let o = &estate.objects[w.object];
        let Some(from) = id_of(o) else { continue };
        for (var, value, location) in config_values(&index, o, w) {
            for t in targets(&var, &value) {
                if let Some(s) = index.service_for(&t.host, &o.namespace) {
                    let backends = behind(s);
                    if backends.is_empty() {
                        let to = format!(
                            "api:{}",
                            s.namespace.as_ref().map_or(s.name.clone(), |ns| format!("{ns}/{}", s.name))
                        );
                        b.add(from.clone(), to, Mtls::None, format!("env {var}"), &location);
                    }
                    for (bo, bw) in backends {
                        if let Some(to) = id_of(bo) {
                            b.add(
                                from.clone(),
                                to,
                                mesh.status(bo, bw, Some(&t.host)),
                                format!("env {var}"),
                                &location,
                            );
                        }
                    }
                } else if external(&t.host)
                    && t.scheme
                        .as_deref()
                        .is_some_and(|s| s.starts_with("http") || s.starts_with("grpc") || s.starts_with("ws"))
                {
                    let tls = t.scheme.as_deref().is_some_and(|s| s.ends_with('s'));
                    let entry = third.entry(t.host.clone()).or_insert_with(|| {
                        let mut a = asset(AssetKind::ThirdParty, t.host.clone(), None, &location);
                        a.details.insert("source".into(), Value::String(format!("env {var} of {}", o.display())));
                        a
                    });
                    let to = entry.id();
                    b.add(
                        from.clone(),
                        to,
                        if tls { Mtls::Tls } else { Mtls::Plaintext },
                        format!("env {var}"),
                        &location,
                    );
                }
            }
        }
    }

    // Ingress and route backends.
    for o in estate.objects.iter().filter(|o| o.kind == "Ingress") {
        for (i, rule) in o.value.at("/spec/rules").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let host = rule.get("host").and_then(Value::as_str).unwrap_or("*");
            for (j, path) in rule.at("/http/paths").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let p = path.get("path").and_then(Value::as_str).unwrap_or("/");
                let Some(backend) = path
                    .at("/backend/service/name")
                    .or_else(|| path.at("/backend/serviceName"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let from = format!(
                    "api:{}",
                    o.namespace.as_ref().map_or(format!("{host}{p}"), |ns| format!("{ns}/{host}{p}"))
                );
                let location = o.locate(&format!("/spec/rules/{i}/http/paths/{j}"));
                if let Some(s) = index.service_for(backend, &o.namespace) {
                    for (bo, bw) in behind(s) {
                        if let Some(to) = id_of(bo) {
                            b.add(
                                from.clone(),
                                to,
                                mesh.status(bo, bw, Some(backend)),
                                format!("Ingress {}", o.name),
                                &location,
                            );
                        }
                    }
                }
            }
        }
    }
    for o in estate.objects.iter().filter(|o| o.kind == "VirtualService") {
        let from = format!(
            "api:{}",
            o.namespace
                .as_ref()
                .map_or(format!("VirtualService {}", o.name), |ns| format!("{ns}/VirtualService {}", o.name))
        );
        for (i, route) in o.value.at("/spec/http").and_then(Value::as_array).into_iter().flatten().enumerate() {
            for (j, dest) in route.get("route").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let Some(host) = dest.at("/destination/host").and_then(Value::as_str) else { continue };
                let location = o.locate(&format!("/spec/http/{i}/route/{j}/destination/host"));
                if let Some(s) = index.service_for(host, &o.namespace) {
                    for (bo, bw) in behind(s) {
                        if let Some(to) = id_of(bo) {
                            b.add(
                                from.clone(),
                                to,
                                mesh.status(bo, bw, Some(host)),
                                format!("VirtualService {}", o.name),
                                &location,
                            );
                        }
                    }
                }
            }
        }
    }

    // NetworkPolicy rules that let one set of pods reach another.
    let pods: Vec<(&Object, &Workload)> =
        estate.workloads.iter().filter_map(|w| Some((estate.objects.get(w.object)?, w))).collect();
    // Pods by namespace with their template labels, read once.
    let mut pods_by_namespace: HashMap<Option<&str>, Vec<Pod<'_>>> = HashMap::new();
    for (o, w) in &pods {
        let labels = o.value.at(&format!("{}/labels", w.pod_metadata)).and_then(Value::as_object);
        pods_by_namespace.entry(o.namespace.as_deref()).or_default().push((o, w, labels));
    }
    let matching = |ns: &Option<String>, sel: &Value| -> Vec<(&Object, &Workload)> {
        let Some(labels) = sel.get("matchLabels").and_then(Value::as_object).filter(|m| !m.is_empty()) else {
            return Vec::new();
        };
        pods_by_namespace
            .get(&ns.as_deref())
            .into_iter()
            .flatten()
            .filter(|(_, _, have)| labels.iter().all(|(k, v)| have.and_then(|h| h.get(k)) == Some(v)))
            .map(|(o, w, _)| (*o, *w))
            .collect()
    };
    for np in estate.objects.iter().filter(|o| o.kind == "NetworkPolicy") {
        let Some(selected) = np.value.at("/spec/podSelector") else { continue };
        let targets_of_policy = matching(&np.namespace, selected);
        for (direction, field) in [("ingress", "from"), ("egress", "to")] {
            for (i, rule) in
                np.value.at(&format!("/spec/{direction}")).and_then(Value::as_array).into_iter().flatten().enumerate()
            {
                for (j, peer) in rule.get(field).and_then(Value::as_array).into_iter().flatten().enumerate() {
                    // A peer with a namespaceSelector is other namespaces' pods: not resolvable to one workload here.
                    let (Some(sel), None) = (peer.get("podSelector"), peer.get("namespaceSelector")) else { continue };
                    let location = np.locate(&format!("/spec/{direction}/{i}/{field}/{j}"));
                    for (po, _) in matching(&np.namespace, sel) {
                        for (to_o, to_w) in &targets_of_policy {
                            let (src, dst, dw) = if direction == "ingress" {
                                (po, *to_o, *to_w)
                            } else {
                                (
                                    *to_o,
                                    po,
                                    pods.iter().find(|(o, _)| std::ptr::eq(*o, po)).map(|(_, w)| *w).unwrap_or(to_w),
                                )
                            };
                            if let (Some(from), Some(to)) = (id_of(src), id_of(dst)) {
                                b.add(
                                    from,
                                    to,
                                    mesh.status(dst, dw, None),
                                    format!("NetworkPolicy {}", np.name),
                                    &location,
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    (third.into_values().collect(), b.flows.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_in_config_values() {
        let hosts = |var: &str, v: &str| targets(var, v).into_iter().map(|t| t.host).collect::<Vec<_>>();
        assert_eq!(
            hosts("ORDERS_URL", "http://orders.shop.svc.cluster.local:8080/api"),
            ["orders.shop.svc.cluster.local"]
        );
        assert_eq!(hosts("PRODUCT_CATALOG_SERVICE_ADDR", "productcatalogservice:3550"), ["productcatalogservice"]);
        assert_eq!(hosts("REDIS_HOST", "redis-cart"), ["redis-cart"]);
        assert_eq!(hosts("VAULT", "https://user:pw@api.example.com/v1"), ["api.example.com"]);
        assert!(hosts("POSTGRES_DB", "orders").is_empty(), "a bare word names a host only in a host variable");
        assert!(
            hosts("LOG_LEVEL", "info").is_empty()
                && hosts("RATIO", "1.5").is_empty()
                && hosts("DIR", "/var/run").is_empty()
        );
        assert_eq!(hosts("DB", "orders.shop.svc"), ["orders.shop.svc"]);
    }

    #[test]
    fn outside_hosts() {
        assert!(external("api.stripe.com"));
        assert!(!external("orders.shop.svc.cluster.local"));
        assert!(!external("10.0.0.1"));
        assert!(!external("payments"));
    }
}
