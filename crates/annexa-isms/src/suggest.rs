//! Risk suggestions: risks per service proposed from the inventory and the scan's findings, each
//! with the evidence that raised it, for a person to accept into the register.

use crate::settings::RiskMethod;
use annexa_catalog::AnnexA;
use annexa_inventory::{AssetKind, Inventory, Mtls};
use std::collections::BTreeMap;

/// A resource a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct ResourceRef {
    /// `Deployment`, `Dockerfile`...
    pub kind: String,
    /// Its namespace, when it has one.
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

/// A finding of the scan, as much of it as suggestions need.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FindingInput {
    /// The check id.
    pub check: String,
    /// The check slug.
    pub slug: String,
    /// The file.
    pub file: String,
    /// The line.
    pub line: u32,
    /// What the check says.
    pub message: String,
    /// What it is about.
    pub resource: Option<ResourceRef>,
}

/// What raised a suggestion.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct EvidenceRef {
    /// The file.
    pub file: String,
    /// The line.
    pub line: u32,
    /// What is there.
    pub what: String,
}

/// A proposed risk.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Suggestion {
    /// A stable key (`rule:asset`), written into the register as `suggestion` when accepted.
    pub key: String,
    /// The asset at risk, as the inventory names it.
    pub asset: String,
    /// A short name.
    pub title: String,
    /// What could happen.
    pub threat: String,
    /// The weakness.
    pub vulnerability: String,
    /// Proposed likelihood, from 1.
    pub likelihood: usize,
    /// Proposed impact, from 1.
    pub impact: usize,
    /// The level on the risk method's matrix.
    pub level: String,
    /// The Annex A controls that would treat it.
    pub planned_controls: Vec<String>,
    /// What raised it.
    pub evidence: Vec<EvidenceRef>,
    /// The register's risk that already came from this suggestion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered: Option<String>,
}

const SENSITIVE: [&str; 8] = ["pii", "pci", "cardholder", "phi", "confidential", "restricted", "secret", "personal"];
const SECRET_CHECKS: [&str; 7] = [
    "secret-in-env",
    "secret-in-env-var",
    "secret-in-configmap",
    "secret-in-dockerfile",
    "secret-in-compose",
    "secret-in-pipeline",
    "secret-manifest-in-repository",
];
const PRIVILEGE_CHECKS: [&str; 3] = ["privileged-container", "container-runtime-socket", "host-path-volume"];
const DIGEST_CHECKS: [&str; 2] = ["image-not-pinned-by-digest", "image-tag-latest"];
const NON_PRODUCTION: [&str; 6] = ["dev", "development", "test", "testing", "staging", "sandbox"];

fn scale(n: usize, len: usize) -> usize {
    // Proposals are written on a 5-step scale and mapped onto the method's own.
    (n * len).div_ceil(5).clamp(1, len.max(1))
}

fn controls(list: &[AnnexA]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn evidence(f: &FindingInput) -> EvidenceRef {
    EvidenceRef { file: f.file.clone(), line: f.line, what: format!("{} {}: {}", f.check, f.slug, f.message) }
}

/// The workload a finding is about, as `namespace/name` (or the file for findings outside
/// Kubernetes).
fn subject(f: &FindingInput) -> String {
    match &f.resource {
        Some(r) => match &r.namespace {
            Some(ns) => format!("{ns}/{}", r.name),
            None => r.name.clone(),
        },
        None => f.file.clone(),
    }
}

/// Proposes risks. `registered` maps suggestion keys already in the register to their risk id.
pub fn suggest(
    inventory: &Inventory,
    findings: &[FindingInput],
    method: &RiskMethod,
    registered: &BTreeMap<String, String>,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    let mut add = |key: String,
                   asset: String,
                   title: String,
                   threat: &str,
                   vulnerability: String,
                   lik: usize,
                   imp: usize,
                   ctl: &[AnnexA],
                   mut ev: Vec<EvidenceRef>| {
        ev.sort();
        ev.dedup();
        let (l, i) = (scale(lik, method.likelihood.len()), scale(imp, method.impact.len()));
        out.push(Suggestion {
            registered: registered.get(&key).cloned(),
            key,
            asset,
            title,
            threat: threat.to_owned(),
            vulnerability,
            likelihood: l,
            impact: i,
            level: method.level(l, i).unwrap_or("").to_owned(),
            planned_controls: controls(ctl),
            evidence: ev,
        });
    };

    // Sensitive data reached without STRICT mTLS.
    for a in inventory.assets.iter().filter(|a| matches!(a.kind, AssetKind::Service | AssetKind::DataStore)) {
        let Some(class) = a.classification.as_deref().filter(|c| SENSITIVE.contains(&c.to_lowercase().as_str())) else {
            continue;
        };
        let id = a.id();
        // Inbound flows that are not STRICT, and outbound ones in plaintext.
        let weak: Vec<_> = inventory
            .flows
            .iter()
            .filter(|f| {
                (f.to == id && f.mtls != Mtls::Strict)
                    || (f.from == id && matches!(f.mtls, Mtls::Plaintext | Mtls::Disabled | Mtls::None))
            })
            .collect();
        if weak.is_empty() {
            continue;
        }
        let ev = weak
            .iter()
            .map(|f| EvidenceRef {
                file: f.location.file.clone(),
                line: f.location.line,
                what: format!("flow {} → {} with mTLS {} ({})", f.from, f.to, f.mtls.as_str(), f.via.join(", ")),
            })
            .chain([EvidenceRef {
                file: a.location.file.clone(),
                line: a.location.line,
                what: format!("{} classified `{class}`", a.id()),
            }])
            .collect();
        let impact = if ["pci", "cardholder", "phi"].contains(&class) { 5 } else { 4 };
        add(
            format!("sensitive-data-without-strict-mtls:{id}"),
            id.clone(),
            format!("{class} data of {} readable in transit", a.name),
            "an attacker inside the cluster reads or alters data in transit",
            format!(
                "{} of its {} flows are not protected by STRICT mTLS or TLS",
                weak.len(),
                inventory.flows.iter().filter(|f| f.to == id || f.from == id).count()
            ),
            3,
            impact,
            &[AnnexA::A8_24, AnnexA::A5_14, AnnexA::A8_20],
            ev,
        );
    }

    // The inventory's id for a workload written `namespace/name`.
    let workloads: BTreeMap<String, String> = inventory
        .assets
        .iter()
        .filter(|a| matches!(a.kind, AssetKind::Service | AssetKind::DataStore))
        .map(|a| (a.namespace.as_ref().map_or_else(|| a.name.clone(), |ns| format!("{ns}/{}", a.name)), a.id()))
        .collect();
    let asset_of = |who: &str| workloads.get(who).cloned().unwrap_or_else(|| who.to_owned());

    // Findings grouped by the workload they are about.
    let group = |slugs: &[&str]| {
        let mut by: BTreeMap<String, Vec<&FindingInput>> = BTreeMap::new();
        for f in findings.iter().filter(|f| slugs.contains(&f.slug.as_str())) {
            by.entry(subject(f)).or_default().push(f);
        }
        by
    };

    // Data stores any pod can reach.
    let open = group(&["pod-without-network-policy"]);
    for a in inventory.of(AssetKind::DataStore) {
        let key = match &a.namespace {
            Some(ns) => format!("{ns}/{}", a.name),
            None => a.name.clone(),
        };
        if let Some(fs) = open.get(&key) {
            add(
                format!("data-store-reachable-from-every-pod:{}", a.id()),
                a.id(),
                format!("data store {} reachable from every pod", a.name),
                "a compromised pod anywhere in the cluster connects to the data store",
                "no NetworkPolicy restricts who may connect".to_owned(),
                3,
                4,
                &[AnnexA::A8_22, AnnexA::A8_20, AnnexA::A8_3],
                fs.iter().map(|f| evidence(f)).collect(),
            );
        }
    }

    // Images without a digest in production namespaces.
    for (who, fs) in group(&DIGEST_CHECKS) {
        let production = fs.iter().all(|f| {
            f.resource
                .as_ref()
                .and_then(|r| r.namespace.as_deref())
                .is_none_or(|ns| !NON_PRODUCTION.iter().any(|n| ns.contains(n)))
        });
        if !production {
            continue;
        }
        add(
            format!("image-without-digest:{}", asset_of(&who)),
            asset_of(&who),
            format!("{who} runs images that can change under it"),
            "a tag is moved to a malicious or broken image that is deployed without review",
            "images referenced by tag, not by digest".to_owned(),
            2,
            4,
            &[AnnexA::A8_9, AnnexA::A5_21, AnnexA::A8_32],
            fs.iter().map(|f| evidence(f)).collect(),
        );
    }

    // Secrets in environment variables, images, config and pipelines.
    for (who, fs) in group(&SECRET_CHECKS) {
        add(
            format!("secret-exposed:{}", asset_of(&who)),
            asset_of(&who),
            format!("credentials of {who} exposed"),
            "a credential leaks through the repository, image layers, logs or process listings and is used by someone else",
            "secrets written in plain text outside a secret manager".to_owned(),
            4,
            4,
            &[AnnexA::A5_17, AnnexA::A8_12, AnnexA::A8_24],
            fs.iter().map(|f| evidence(f)).collect(),
        );
    }

    // Privileged workloads: a container escape is a node compromise.
    for (who, fs) in group(&PRIVILEGE_CHECKS) {
        add(
            format!("privileged-workload:{}", asset_of(&who)),
            asset_of(&who),
            format!("{who} can take over its node"),
            "a compromised container escapes to the node and every workload on it",
            "privileged mode, host paths or the container runtime socket".to_owned(),
            3,
            5,
            &[AnnexA::A8_2, AnnexA::A8_18, AnnexA::A8_9],
            fs.iter().map(|f| evidence(f)).collect(),
        );
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use annexa_inventory::{Asset, Flow, Place};

    fn asset(kind: AssetKind, ns: &str, name: &str, class: Option<&str>) -> Asset {
        Asset {
            kind,
            name: name.into(),
            namespace: Some(ns.into()),
            location: Place { file: format!("k8s/{name}.yaml"), line: 4 },
            owner: None,
            classification: class.map(Into::into),
            controls: Vec::new(),
            details: BTreeMap::new(),
        }
    }

    fn finding(slug: &str, ns: &str, name: &str, line: u32) -> FindingInput {
        FindingInput {
            check: "X-0001".into(),
            slug: slug.into(),
            file: format!("k8s/{name}.yaml"),
            line,
            message: "m".into(),
            resource: Some(ResourceRef { kind: "Deployment".into(), namespace: Some(ns.into()), name: name.into() }),
        }
    }

    #[test]
    fn each_rule_raises_its_risk_with_the_evidence() {
        let inventory = Inventory {
            assets: vec![
                asset(AssetKind::Service, "shop", "orders", Some("pii")),
                asset(AssetKind::Service, "shop", "web", Some("internal")),
                asset(AssetKind::DataStore, "shop", "db", Some("pii")),
            ],
            flows: vec![
                Flow {
                    from: "service:shop/web".into(),
                    to: "service:shop/orders".into(),
                    mtls: Mtls::Permissive,
                    via: vec!["env ORDERS_URL".into()],
                    location: Place { file: "k8s/web.yaml".into(), line: 30 },
                },
                Flow {
                    from: "service:shop/orders".into(),
                    to: "data-store:shop/db".into(),
                    mtls: Mtls::Strict,
                    via: vec![],
                    location: Place { file: "k8s/orders.yaml".into(), line: 31 },
                },
            ],
        };
        let findings = [
            finding("pod-without-network-policy", "shop", "db", 12),
            finding("image-not-pinned-by-digest", "shop", "orders", 20),
            finding("image-not-pinned-by-digest", "dev", "orders", 20),
            finding("secret-in-env", "shop", "orders", 22),
            finding("privileged-container", "shop", "web", 9),
        ];
        let registered = BTreeMap::from([("secret-exposed:service:shop/orders".to_owned(), "R-007".to_owned())]);
        let s = suggest(&inventory, &findings, &RiskMethod::default(), &registered);
        let keys: Vec<&str> = s.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "data-store-reachable-from-every-pod:data-store:shop/db",
                "image-without-digest:service:shop/orders",
                "privileged-workload:service:shop/web",
                "secret-exposed:service:shop/orders",
                "sensitive-data-without-strict-mtls:service:shop/orders",
            ]
        );
        // The same finding in a `dev` namespace is not production.
        let mtls = &s[4];
        assert_eq!((mtls.likelihood, mtls.impact, mtls.level.as_str()), (3, 4, "medium"));
        assert!(
            mtls.evidence.iter().any(|e| e.file == "k8s/web.yaml" && e.line == 30 && e.what.contains("permissive"))
        );
        assert_eq!(s[3].registered.as_deref(), Some("R-007"));
        assert_eq!(s[0].evidence[0].line, 12);
    }
}
