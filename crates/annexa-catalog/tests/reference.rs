//! The compiled catalogue against `../shared/reference/`, field by field.
//!
//! The reference files are the truth for standards content. These tests run whenever the
//! folder sits beside the repository (CI always has it) and say so when it does not.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_catalog::{AnnexA, Derivation, Entry, Framework, HipaaRequirement, Theme, crosswalk, mappings};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn reference() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("reference data not found at {}: comparison with the reference skipped", dir.display());
        None
    }
}

fn rows(name: &str) -> Option<Vec<BTreeMap<String, String>>> {
    let path = reference()?.join(name);
    let mut reader = csv::Reader::from_path(&path).ok()?;
    let rows: Result<Vec<BTreeMap<String, String>>, _> = reader.deserialize().collect();
    assert!(rows.is_ok(), "{}: {:?}", path.display(), rows.err());
    rows.ok()
}

fn get<'a>(row: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    row.get(key).map_or("", String::as_str)
}

#[test]
fn annex_a_ids_titles_and_themes_match() {
    let Some(rows) = rows("iso27001-2022-annex-a.csv") else { return };
    assert_eq!(rows.len(), 93);
    for (row, control) in rows.iter().zip(AnnexA::ALL) {
        assert_eq!(control.bare(), get(row, "id"));
        assert_eq!(control.title(), get(row, "title"), "{control}");
        assert!(control.theme().as_str().eq_ignore_ascii_case(get(row, "theme")), "{control}");
    }
    let count = |t: Theme| AnnexA::ALL.iter().filter(|c| c.theme() == t).count();
    assert_eq!(Theme::ALL.map(count), [37, 8, 14, 34]);
}

#[test]
fn clauses_match() {
    let Some(rows) = rows("iso27001-2022-clauses.csv") else { return };
    let ours: Vec<(&str, &str)> = annexa_catalog::clauses().iter().map(|c| (c.id, c.title)).collect();
    let theirs: Vec<(&str, &str)> = rows.iter().map(|r| (get(r, "id"), get(r, "title"))).collect();
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 41);
}

#[test]
fn the_2013_to_2022_correspondence_matches_row_by_row() {
    let Some(rows) = rows("iso27001-2013-to-2022.csv") else { return };
    let theirs: Vec<(&str, &str, String)> =
        rows.iter().map(|r| (get(r, "iso2013_id"), get(r, "iso2013_title"), get(r, "iso2022_id").to_owned())).collect();
    let ours: Vec<(&str, &str, String)> = annexa_catalog::iso2013()
        .iter()
        .flat_map(|c| c.replaced_by.iter().map(move |n| (c.id, c.title, n.bare())))
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(annexa_catalog::iso2013().len(), 114);
    // The 2022 titles in the reference agree with ours too.
    for r in &rows {
        let control = AnnexA::parse(get(r, "iso2022_id"));
        assert_eq!(control.map(AnnexA::title), Some(get(r, "iso2022_title")), "{}", get(r, "iso2013_id"));
    }
}

#[test]
fn soc2_pci_and_hipaa_ids_and_titles_match() {
    let (Some(soc2), Some(pci), Some(hipaa)) =
        (rows("soc2-tsc-2017.csv"), rows("pci-dss-v4.csv"), rows("hipaa-security-rule.csv"))
    else {
        return;
    };
    let ours: Vec<(&str, &str, &str)> = annexa_catalog::soc2().iter().map(|c| (c.id, c.category, c.title)).collect();
    let theirs: Vec<(&str, &str, &str)> =
        soc2.iter().map(|r| (get(r, "id"), get(r, "category"), get(r, "title"))).collect();
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 61);

    let ours: Vec<(&str, &str, &str, bool)> =
        annexa_catalog::pci_dss().iter().map(|c| (c.id, c.level.as_str(), c.title, c.official_title)).collect();
    let theirs: Vec<(&str, &str, &str, bool)> = pci
        .iter()
        .map(|r| (get(r, "id"), get(r, "level"), get(r, "title"), get(r, "title_kind") == "official"))
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 172);

    assert_eq!(annexa_catalog::hipaa().len(), hipaa.len());
    for (spec, r) in annexa_catalog::hipaa().iter().zip(&hipaa) {
        assert_eq!((spec.id, spec.section, spec.title), (get(r, "id"), get(r, "section"), get(r, "title")));
        let ra = get(r, "required_addressable");
        assert_eq!(spec.requirement == HipaaRequirement::Addressable, ra == "A", "{}", spec.id);
        assert_eq!(spec.cfr_alias.unwrap_or(""), get(r, "cfr_paragraph_alias"));
    }
    assert_eq!(hipaa.len(), 65);
}

#[test]
fn every_mapping_row_is_present_with_its_source() {
    let Some(rows) = rows("mappings.csv") else { return };
    let key = |f: Framework, id: &str| format!("{}:{id}", f.data_prefix());
    let ours: BTreeSet<(String, String, &str, &str)> = mappings()
        .iter()
        .map(|m| {
            (
                key(m.from.framework, m.from.id),
                key(m.to.framework, m.to.id),
                m.dataset().source,
                m.relationship.as_str(),
            )
        })
        .collect();
    for r in &rows {
        let row = (get(r, "from").to_owned(), get(r, "to").to_owned(), get(r, "source"), get(r, "relationship"));
        assert!(ours.contains(&row), "missing crosswalk row {row:?}");
    }
    assert_eq!(mappings().len(), rows.len());
    assert_eq!(rows.len(), 1595);
}

#[test]
fn adobe_rows_keep_adobes_attribution() {
    if reference().is_none() {
        return;
    }
    let adobe = mappings().iter().filter(|m| [m.from.framework, m.to.framework].contains(&Framework::AdobeCcfV5));
    for m in adobe {
        assert_eq!(m.dataset().publisher, "Adobe");
        assert!(m.dataset().licence.contains("Adobe"));
    }
}

#[test]
fn strategy_ids_are_those_the_reference_names() {
    let Some(dir) = reference() else { return };
    let text = std::fs::read_to_string(dir.join("nist-sp-800-204.md")).unwrap_or_default();
    for s in annexa_catalog::strategies() {
        let id = s.strategy.id();
        if s.official_id {
            assert!(text.contains(id), "{id} does not appear in the reference");
        } else {
            // annexa's own labels name a section the reference gives, `204D-5.1.1` → `§5.1.1`.
            let section = id.split_once('-').map_or("", |(_, s)| s);
            assert!(text.contains(&format!("§{section}")), "{id}: no section {section} in the reference");
        }
    }
    for n in 1..=13 {
        assert!(annexa_catalog::strategies().iter().any(|s| s.strategy.id() == format!("MS-SS-{n}")), "MS-SS-{n}");
    }
}

#[test]
fn derived_crosswalks_name_both_sources() {
    if reference().is_none() {
        return;
    }
    for control in AnnexA::ALL {
        let Ok(c) = crosswalk(&Entry::Annex(control), Framework::Hipaa) else { continue };
        for row in c.rows {
            assert_eq!(row.derivation, Derivation::Derived);
            let publishers: BTreeSet<&str> = row.datasets().iter().map(|d| d.name).collect();
            assert_eq!(publishers.len(), 2, "{control} → {}", row.target.id);
        }
    }
}
