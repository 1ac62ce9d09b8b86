//! The inventory of real estates and of the bundled example, against counts taken by reading
//! the manifests (see `expected-counts.md` beside this file: computed without annexa).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_inventory::{AssetKind, Inventory, Mtls, inventory};
use annexa_load::{Input, Options, load};
use std::path::{Path, PathBuf};

fn corpora() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("corpora not found at {}: estate counts skipped", dir.display());
        None
    }
}

fn of(path: &Path) -> (Inventory, usize) {
    let estate = load(&[Input::Path(path.to_path_buf())], &Options::default());
    (inventory(&estate), estate.stats.objects)
}

fn count(inv: &Inventory, kind: AssetKind) -> usize {
    inv.of(kind).count()
}

#[test]
fn counts_per_estate_match_a_reading_of_the_manifests() {
    let Some(root) = corpora() else { return };
    // (estate, objects, services, data stores, images, secrets, Service objects): expected-counts.md
    let expected = [
        ("GoogleCloudPlatform-microservices-demo/kubernetes-manifests", 33, 10, 1, 11, 0, 12),
        ("microservices-demo-sock-shop/deploy/kubernetes/manifests", 29, 8, 6, 14, 0, 14),
        ("OWASP-crAPI/deploy/k8s/base", 29, 6, 2, 9, 1, 9),
        ("kubernetes-goat/scenarios", 33, 13, 0, 13, 3, 9),
    ];
    for (estate, objects, services, stores, images, secrets, service_objects) in expected {
        let (inv, seen_objects) = of(&root.join(estate));
        let apis_from_services = inv
            .of(AssetKind::Api)
            .filter(|a| a.details.get("source").and_then(|s| s.as_str()) == Some("Service"))
            .count();
        assert_eq!(
            (
                seen_objects,
                count(&inv, AssetKind::Service),
                count(&inv, AssetKind::DataStore),
                count(&inv, AssetKind::Image),
                count(&inv, AssetKind::Secret),
                apis_from_services
            ),
            (objects, services, stores, images, secrets, service_objects),
            "{estate}: (objects, services, data stores, images, secrets, Service objects)"
        );
    }
}

#[test]
fn the_data_stores_are_the_ones_a_reader_finds() {
    let Some(root) = corpora() else { return };
    let names = |estate: &str| -> Vec<String> {
        let (inv, _) = of(&root.join(estate));
        inv.of(AssetKind::DataStore).map(|a| a.name.clone()).collect()
    };
    assert_eq!(names("GoogleCloudPlatform-microservices-demo/kubernetes-manifests"), ["redis-cart"]);
    assert_eq!(
        names("microservices-demo-sock-shop/deploy/kubernetes/manifests"),
        ["carts-db", "catalogue-db", "orders-db", "rabbitmq", "session-db", "user-db"]
    );
    assert_eq!(names("OWASP-crAPI/deploy/k8s/base"), ["mongodb", "postgresdb"]);
    let (inv, _) = of(&root.join("OWASP-crAPI/deploy/k8s/base"));
    let jwt = inv.of(AssetKind::Secret).find(|a| a.name == "jwt-key-secret").expect("referenced-only secret");
    assert_eq!(jwt.details["defined"], false);
    assert_eq!(jwt.details["consumers"], serde_json::json!(["Deployment/crapi-identity"]));
}

#[test]
fn online_boutique_flows_follow_the_service_addresses() {
    let Some(root) = corpora() else { return };
    let (inv, _) = of(&root.join("GoogleCloudPlatform-microservices-demo/kubernetes-manifests"));
    let has = |from: &str, to: &str| inv.flows.iter().any(|f| f.from == format!("service:{from}") && f.to == to);
    assert!(has("frontend", "service:productcatalogservice"));
    assert!(has("checkoutservice", "service:paymentservice"));
    assert!(has("cartservice", "data-store:redis-cart"));
    // No mesh in this estate: every flow says so.
    assert!(inv.flows.iter().all(|f| f.mtls == Mtls::None));
    assert!(inv.flows.len() >= 12, "{}", inv.flows.len());
}

fn example() -> Inventory {
    of(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/estate")).0
}

#[test]
fn the_example_estate_inventory() {
    let inv = example();
    let names = |kind| inv.of(kind).map(|a| a.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(AssetKind::Service), ["payments", "frontend", "orders"]);
    assert_eq!(names(AssetKind::DataStore), ["postgres", "redis"]);
    assert_eq!(names(AssetKind::Secret), ["postgres-credentials"]);
    assert_eq!(
        names(AssetKind::ThirdParty),
        ["api.cardprovider.example.com", "legacy-fraud.example.net", "vault.cardprovider.example.com"]
    );
    assert_eq!(names(AssetKind::Pipeline).len(), 2);
    let payments = inv.of(AssetKind::Service).find(|a| a.name == "payments").unwrap();
    assert_eq!((payments.owner.as_deref(), payments.classification.as_deref()), (Some("payments-team"), Some("pci")));
    assert!(payments.location.file.ends_with("k8s/payments.yaml") && payments.location.line == 4);
    assert!(payments.controls.contains(&"A.8.20".to_owned()));
    let latest = inv.of(AssetKind::Image).find(|a| a.name == "docker.io/acme/payments:latest").unwrap();
    assert_eq!(latest.details["pinned"], false);
    let pinned = inv.of(AssetKind::Image).find(|a| a.name.starts_with("ghcr.io/acme/frontend:1.4.2@sha256:")).unwrap();
    assert_eq!(pinned.details["pinned"], true);
    let refunds = inv.of(AssetKind::Api).find(|a| a.name == "POST /refunds").unwrap();
    assert_eq!(refunds.details["authenticated"], false);
    let health = inv.of(AssetKind::Api).find(|a| a.name == "GET /health").unwrap();
    assert_eq!(health.details["authenticated"], false, "`security: []` makes an operation public");
    let list = inv.of(AssetKind::Api).find(|a| a.name == "GET /orders").unwrap();
    assert_eq!(list.details["authenticated"], true, "global security applies");
}

#[test]
fn the_example_flows_carry_their_mtls_status() {
    let inv = example();
    let mtls = |from: &str, to: &str| inv.flows.iter().find(|f| f.from == from && f.to == to).map(|f| f.mtls);
    assert_eq!(mtls("service:shop/frontend", "service:shop/orders"), Some(Mtls::Strict));
    assert_eq!(mtls("service:shop/orders", "service:payments/payments"), Some(Mtls::Permissive));
    assert_eq!(mtls("service:shop/orders", "data-store:shop/redis"), Some(Mtls::Strict));
    assert_eq!(mtls("service:payments/payments", "third-party:legacy-fraud.example.net"), Some(Mtls::Plaintext));
    assert_eq!(mtls("service:payments/payments", "third-party:vault.cardprovider.example.com"), Some(Mtls::Tls));
    assert!(
        mtls("data-store:shop/postgres", "service:shop/orders").is_none(),
        "POSTGRES_DB=orders names a database, not a service"
    );
    let frontend = inv.flows.iter().find(|f| f.from == "service:shop/frontend").unwrap();
    assert!(
        frontend.via.iter().any(|v| v == "env ORDERS_URL")
            && frontend.via.iter().any(|v| v.starts_with("NetworkPolicy"))
    );
}

/// Writes a small estate to a temporary folder and inventories it.
fn estate(files: &[(&str, &str)]) -> Inventory {
    let dir =
        std::env::temp_dir().join(format!("annexa-inv-{}-{}", std::process::id(), files.len() + files[0].1.len()));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let inv = of(&dir).0;
    let _ = std::fs::remove_dir_all(&dir);
    inv
}

const APPS: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: a}
spec:
  template:
    metadata: {labels: {app: client}}
    spec:
      containers: [{name: c, image: c:1, env: [{name: API_URL, value: 'http://api.a.svc.cluster.local:80'}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: a}
spec:
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: c, image: api:1}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: a}
spec: {selector: {app: api}, ports: [{port: 80}]}
";

fn mtls_of(inv: &Inventory) -> Option<Mtls> {
    inv.flows.iter().find(|f| f.from == "service:a/client" && f.to == "service:a/api").map(|f| f.mtls)
}

#[test]
fn mtls_follows_istio_precedence() {
    assert_eq!(mtls_of(&estate(&[("apps.yaml", APPS)])), Some(Mtls::None), "no mesh");
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {istio-injection: enabled}}\n";
    assert_eq!(mtls_of(&estate(&[("apps.yaml", APPS), ("ns.yaml", ns)])), Some(Mtls::Permissive), "Istio's default");
    let mesh_strict = "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: istio-system}\nspec: {mtls: {mode: STRICT}}\n";
    assert_eq!(
        mtls_of(&estate(&[("apps.yaml", APPS), ("pa.yaml", mesh_strict)])),
        Some(Mtls::Strict),
        "mesh-wide STRICT"
    );
    let ns_permissive = "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: default, namespace: a}\nspec: {mtls: {mode: PERMISSIVE}}\n";
    assert_eq!(
        mtls_of(&estate(&[("apps.yaml", APPS), ("pa.yaml", mesh_strict), ("ns-pa.yaml", ns_permissive)])),
        Some(Mtls::Permissive),
        "namespace policy overrides the mesh"
    );
    let workload_strict = "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: api, namespace: a}\nspec: {selector: {matchLabels: {app: api}}, mtls: {mode: STRICT}}\n";
    assert_eq!(
        mtls_of(&estate(&[("apps.yaml", APPS), ("ns-pa.yaml", ns_permissive), ("w-pa.yaml", workload_strict)])),
        Some(Mtls::Strict),
        "workload policy overrides the namespace"
    );
    let dr = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: api, namespace: a}\nspec: {host: api.a.svc.cluster.local, trafficPolicy: {tls: {mode: DISABLE}}}\n";
    assert_eq!(
        mtls_of(&estate(&[("apps.yaml", APPS), ("pa.yaml", mesh_strict), ("dr.yaml", dr)])),
        Some(Mtls::Disabled),
        "client TLS disabled"
    );
}

#[test]
fn secret_values_never_reach_the_inventory() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: a}\nstringData: {password: hunter2-do-not-print}\n";
    let inv = estate(&[("s.yaml", secret)]);
    let json = serde_json::to_string(&inv).unwrap();
    assert!(!json.contains("hunter2"), "{json}");
    assert!(json.contains("\"password\""), "key names are listed: {json}");
}
