//! Every file of every corpus in `../shared/corpora` loads without a panic, with the counts
//! of what was seen, parsed and skipped asserted per corpus.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_load::{Input, Options, load};
use std::path::PathBuf;

fn corpora() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("corpora not found at {}: corpus tests skipped", dir.display());
        None
    }
}

/// Files under `dir`, counted without annexa: the walk must see every one.
fn count_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { count_files(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

#[test]
fn every_corpus_file_loads_and_is_accounted_for() {
    let Some(root) = corpora() else { return };
    // (corpus, parsed, failed, Kubernetes objects, workloads, Dockerfiles)
    let expected = [
        ("CycloneDX-bom-examples", 53, 0, 0, 0, 0),
        ("GoogleCloudPlatform-microservices-demo", 86, 0, 273, 74, 12),
        ("OWASP-crAPI", 39, 0, 31, 8, 6),
        ("anchore-grype", 1, 0, 0, 0, 0),
        ("aquasecurity-trivy", 15, 0, 0, 0, 0),
        ("checkov", 411, 0, 443, 305, 34),
        ("gatekeeper-library", 381, 0, 381, 181, 0),
        ("kubernetes-goat", 29, 0, 33, 13, 14),
        ("kubescape-regolibrary", 770, 0, 781, 426, 0),
        ("kyverno-policies", 222, 0, 1343, 1134, 0),
        ("microservices-demo-sock-shop", 47, 0, 43, 14, 0),
        ("polaris", 322, 0, 500, 168, 0),
        ("sigstore-conformance", 0, 1, 0, 0, 0),
        ("trivy-checks", 0, 0, 0, 0, 0),
    ];
    for (name, parsed, failed, objects, workloads, dockerfiles) in expected {
        let dir = root.join(name);
        let estate = load(&[Input::Path(dir.clone())], &Options::default());
        let s = &estate.stats;
        assert_eq!(s.seen, count_files(&dir), "{name}: the walk missed files");
        assert_eq!(s.seen, s.parsed + s.failed + s.skipped_total(), "{name}: every file is parsed, failed or skipped");
        assert_eq!(s.recognised, s.parsed + s.failed, "{name}");
        assert_eq!(estate.files.len(), s.seen, "{name}: one report per file");
        let got = (s.parsed, s.failed, s.objects, estate.workloads.len(), estate.dockerfiles.len());
        assert_eq!(
            got,
            (parsed, failed, objects, workloads, dockerfiles),
            "{name}: (parsed, failed, objects, workloads, dockerfiles)"
        );
        // Every failure says why, with a file and a line.
        for f in estate.files.iter().filter(|f| f.outcome == "failed") {
            assert!(
                estate.diagnostics.iter().any(|d| *d.file == *f.path && d.pos.line >= 1),
                "{}: failed without a diagnostic",
                f.path
            );
        }
    }
}

#[test]
fn the_corpora_together_load_in_one_run() {
    let Some(root) = corpora() else { return };
    let estate = load(&[Input::Path(root.clone())], &Options::default());
    assert_eq!(estate.stats.seen, count_files(&root));
    assert!(estate.stats.objects > 3_000, "{}", estate.stats.objects);
}
