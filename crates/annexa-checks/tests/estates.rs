//! The checks over real estates: a hardened one (Online Boutique) must not be accused of what
//! its pod-level settings already satisfy, and a deliberately broken one (kubernetes-goat) must
//! have its planted weaknesses found where they are written.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_checks::{Finding, all, run};
use annexa_load::{Input, Options, load};
use std::path::PathBuf;

fn scan(estate: &str) -> Option<Vec<Finding>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if !root.is_dir() {
        println!("corpora not found at {}: estate checks skipped", root.display());
        return None;
    }
    let estate = load(&[Input::Path(root.join(estate))], &Options::default());
    Some(run(&estate, &all()))
}

fn of<'a>(findings: &'a [Finding], check: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.check.id == check).collect()
}

#[test]
fn online_boutique_is_not_accused_of_what_pod_level_settings_satisfy() {
    let Some(findings) = scan("GoogleCloudPlatform-microservices-demo/kubernetes-manifests") else { return };
    // Pod level: runAsNonRoot true, runAsUser 1000; container level: no privilege, no
    // escalation, read-only root, capabilities dropped.
    for check in ["K8S-0001", "K8S-0002", "K8S-0003", "K8S-0005", "K8S-0013", "K8S-0014", "K8S-0015"] {
        let hits = of(&findings, check);
        assert!(
            hits.is_empty(),
            "{check} fired on Online Boutique: {:?}",
            hits.iter().map(|f| (&f.location, &f.message)).collect::<Vec<_>>()
        );
    }
    // What is genuinely left open is reported where it is written, once per pod-level field.
    let low = of(&findings, "K8S-0004");
    assert!(!low.is_empty());
    assert!(low.iter().all(|f| f.location.pointer.starts_with("/spec/template/spec/securityContext/")), "{low:?}");
    assert_eq!(of(&findings, "K8S-0016").len(), 11, "no seccomp profile anywhere: one per workload");
}

#[test]
fn kubernetes_goat_weaknesses_are_found_where_they_are_planted() {
    let Some(findings) = scan("kubernetes-goat/scenarios") else { return };
    let at = |check: &str, file: &str, line: u32| {
        of(&findings, check).iter().any(|f| f.location.file.ends_with(file) && f.location.line == line)
    };
    assert!(at("K8S-0001", "docker-bench-security/deployment.yaml", 45), "privileged container");
    assert!(at("K8S-0001", "health-check/deployment.yaml", 25), "privileged container");
    assert!(at("K8S-0010", "docker-bench-security/deployment.yaml", 27), "hostPID");
    assert!(at("K8S-0009", "docker-bench-security/deployment.yaml", 29), "hostNetwork");
    assert!(at("K8S-0010", "system-monitor/deployment.yaml", 25), "hostPID");
    assert!(
        of(&findings, "K8S-0008").iter().any(|f| f.location.file.ends_with("docker-bench-security/deployment.yaml")),
        "docker socket"
    );
    assert!(
        of(&findings, "K8S-0006").iter().any(|f| f.location.file.ends_with("system-monitor/deployment.yaml")),
        "hostPath"
    );
    assert!(
        of(&findings, "K8S-0044").iter().any(|f| f.location.file.ends_with("system-monitor/deployment.yaml")),
        "secret in env"
    );
    assert!(
        of(&findings, "RBAC-0002").iter().any(|f| f.location.file.ends_with("insecure-rbac/setup.yaml")),
        "cluster-admin binding"
    );
}

#[test]
fn every_weakness_planted_in_the_example_estate_is_found_on_its_line() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/estate");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    // Rows of the "Deliberate weaknesses" table: `| n | `file` | line | ...`.
    let planted: Vec<(String, u32)> = readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let n = cells.get(1)?.parse::<u32>().ok()?;
            let file = cells.get(2)?.trim_matches('`');
            let line = cells.get(3)?.parse::<u32>().ok()?;
            (n > 0).then(|| (file.to_owned(), line))
        })
        .collect();
    assert_eq!(planted.len(), 44);
    let estate = load(&[Input::Path(root.clone())], &Options::default());
    let findings = run(&estate, &all());
    let prefix = format!("{}/", root.display());
    let missing: Vec<&(String, u32)> = planted
        .iter()
        .filter(|(file, line)| {
            !findings.iter().any(|f| {
                f.location.file.strip_prefix(prefix.as_str()) == Some(file.as_str()) && f.location.line == *line
            })
        })
        .collect();
    assert!(missing.is_empty(), "planted weaknesses not found: {missing:?}");
}
