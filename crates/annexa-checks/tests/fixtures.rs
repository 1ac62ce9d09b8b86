//! Every check against its fixtures, and the catalogue against its own rules.
//!
//! `fixtures/<slug>/fail/` holds files in which each line marked `# expect: <slug>` must
//! produce exactly one finding of that check and no other line may (a line that cannot carry a
//! trailing comment, such as a Dockerfile `FROM`, is marked by `# expect-next-line: <slug>` on
//! the line above); `fixtures/<slug>/pass/`
//! must stay silent for it. The metadata cannot lie: ids and slugs are unique and well formed,
//! every doc has the four headings, every check names controls that exist.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_checks::{Check, Settings, all, run_with};
use annexa_load::{Input, Options, load};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// `(file, line)` of every `# expect: slug` marker under `dir`.
fn expected(dir: &Path, slug: &str) -> BTreeSet<(String, u32)> {
    let mut out = BTreeSet::new();
    let estate = load(&[Input::Path(dir.to_path_buf())], &Options::default());
    for f in &estate.files {
        let text = std::fs::read_to_string(&*f.path).unwrap_or_default();
        let names = |line: &str, marker: &str| {
            line.split(marker)
                .skip(1)
                .any(|rest| rest.split(|c: char| c == ',' || c.is_whitespace()).any(|s| s == slug))
        };
        for (i, line) in text.lines().enumerate() {
            if names(line, "# expect:") {
                out.insert((f.path.to_string(), i as u32 + 1));
            }
            if names(line, "# expect-next-line:") {
                out.insert((f.path.to_string(), i as u32 + 2));
            }
        }
    }
    out
}

/// The `[scan]` settings a check's fixtures run with: `fixtures/<slug>/annexa.toml` when there
/// is one (for checks that need a setting to say anything), else the defaults.
fn settings(slug: &str) -> Settings {
    #[derive(serde::Deserialize)]
    struct File {
        #[serde(default)]
        scan: Settings,
    }
    let path = fixtures().join(slug).join("annexa.toml");
    let Ok(text) = std::fs::read_to_string(&path) else { return Settings::default() };
    toml::from_str::<File>(&text).expect("fixtures annexa.toml is valid").scan
}

fn fired(dir: &Path, check: &dyn Check) -> (Vec<(String, u32)>, Vec<String>) {
    let estate = load(&[Input::Path(dir.to_path_buf())], &Options::default());
    let problems: Vec<String> = estate
        .diagnostics
        .iter()
        .filter(|d| d.severity == annexa_load::Severity::Error)
        .map(ToString::to_string)
        .collect();
    let findings = run_with(&estate, &all(), &settings(check.meta().slug));
    let lines = findings
        .iter()
        .filter(|f| f.check.id == check.meta().id)
        .map(|f| (f.location.file.to_string(), f.location.line))
        .collect();
    (lines, problems)
}

#[test]
fn every_check_fires_on_its_failing_fixtures_and_stays_silent_on_the_passing_ones() {
    let mut failures = Vec::new();
    for check in all() {
        let slug = check.meta().slug;
        let base = fixtures().join(slug);
        let (fail, pass) = (base.join("fail"), base.join("pass"));
        if !fail.is_dir() || !pass.is_dir() {
            failures.push(format!("{slug}: fixtures/{slug}/fail and fixtures/{slug}/pass must both exist"));
            continue;
        }
        let want = expected(&fail, slug);
        if want.is_empty() {
            failures.push(format!("{slug}: no `# expect: {slug}` marker in the failing fixtures"));
        }
        let (got, problems) = fired(&fail, check);
        failures
            .extend(problems.into_iter().map(|p| format!("{slug}: the failing fixture does not load cleanly: {p}")));
        let mut counts: BTreeMap<(String, u32), usize> = BTreeMap::new();
        for g in &got {
            *counts.entry(g.clone()).or_default() += 1;
        }
        for (at, n) in &counts {
            if !want.contains(at) {
                failures.push(format!("{slug}: fired at {}:{} without a marker", at.0, at.1));
            } else if *n > 1 {
                failures.push(format!("{slug}: fired {n} times at {}:{}", at.0, at.1));
            }
        }
        for at in want.iter().filter(|w| !counts.contains_key(*w)) {
            failures.push(format!("{slug}: did not fire at {}:{}", at.0, at.1));
        }
        let (silent, problems) = fired(&pass, check);
        failures
            .extend(problems.into_iter().map(|p| format!("{slug}: the passing fixture does not load cleanly: {p}")));
        for (file, line) in silent {
            failures.push(format!("{slug}: fired on the passing fixture at {file}:{line}"));
        }
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_metadata_cannot_lie() {
    let checks = all();
    let mut ids = BTreeSet::new();
    let mut slugs = BTreeSet::new();
    let metas = checks.iter().map(|c| c.meta()).chain([&annexa_checks::EXEMPTION_EXPIRED]);
    for m in metas {
        let (area, number) = m.id.split_once('-').unwrap_or(("", ""));
        assert!(
            ["K8S", "RBAC", "NET", "MESH", "DKR", "CMP", "CI", "SEC", "API", "CFG"].contains(&area)
                && number.len() == 4
                && number.chars().all(|c| c.is_ascii_digit()),
            "{}: ids look like K8S-0001",
            m.id
        );
        assert!(ids.insert(m.id), "{} is used twice", m.id);
        assert!(slugs.insert(m.slug), "slug {} is used twice", m.slug);
        assert!(
            m.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: slugs are kebab-case",
            m.slug
        );
        for heading in ["## What it checks", "## Why it matters", "## Remediation", "## References"] {
            assert!(m.doc.contains(heading), "{}: the doc lacks `{heading}`", m.id);
        }
        assert!(!m.controls.is_empty(), "{}: a check gives evidence for at least one Annex A control", m.id);
        assert!(!m.title.is_empty() && m.title.len() <= 60, "{}: titles are short", m.id);
        for control in m.controls {
            assert!(!annexa_catalog::guidance(*control).meaning.is_empty());
        }
    }
    assert!(fixtures().is_dir());
    // Every fixture folder belongs to a check: a renamed check must take its fixtures along.
    for entry in std::fs::read_dir(fixtures()).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(slugs.contains(name.as_str()), "fixtures/{name} belongs to no check");
    }
    assert!(checks.len() >= 2);
}
