//! Crosswalks between frameworks: published rows first, two-hop candidates where only a pivot
//! connects two frameworks, and a plain "none" where no source supports a mapping.

use crate::resolve::Entry;
use crate::types::*;
use crate::{annex_ref, iso2013, mappings, natural_key, strategy_mappings};
use annexa_model::{AnnexA, Framework};

/// The frameworks annexa reaches through in two hops. Both are common-control catalogues whose
/// mappings were published to several frameworks, which is what makes them usable pivots.
const PIVOTS: [Framework; 2] = [Framework::Sp800_53r5, Framework::AdobeCcfV5];

/// How a crosswalk row was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derivation {
    /// A row as its publisher wrote it.
    Direct,
    /// Composed from two published rows through a pivot: a candidate, not an equivalence.
    Derived,
}

impl Derivation {
    /// The name used in output.
    pub const fn as_str(self) -> &'static str {
        match self {
            Derivation::Direct => "direct",
            Derivation::Derived => "derived",
        }
    }
}

/// One published step of a crosswalk row.
#[derive(Clone, Copy, Debug)]
pub struct Hop {
    /// Where the step starts.
    pub from: Ref,
    /// Where it ends.
    pub to: Ref,
    /// The relationship read from `from` to `to`.
    pub relationship: Relationship,
    /// Who published it.
    pub dataset: &'static Dataset,
    /// Why, where the dataset gives a reason per row (annexa's own SP 800-204 mapping does).
    pub rationale: Option<&'static str>,
}

/// One target control of a crosswalk.
#[derive(Clone, Debug)]
pub struct CrosswalkRow {
    /// The control mapped from (differs from the query for a 2013 id, which goes through its 2022 successor).
    pub from: Ref,
    /// The control mapped to.
    pub target: Ref,
    /// Its title, where the target framework has titles.
    pub title: Option<&'static str>,
    /// Direct or derived.
    pub derivation: Derivation,
    /// For a direct row, the published relationship; a derived row has none (it is a candidate).
    pub relationship: Option<Relationship>,
    /// The published steps: one for a direct row; for a derived row, every path through a pivot.
    pub hops: Vec<Hop>,
}

impl CrosswalkRow {
    /// The pivot controls a derived row passes through.
    pub fn via(&self) -> Vec<Ref> {
        let mut via: Vec<Ref> = self.hops.iter().filter(|h| h.from != self.from).map(|h| h.from).collect();
        via.sort_by_key(|r| natural_key(r.id));
        via.dedup();
        via
    }

    /// The distinct datasets behind the row.
    pub fn datasets(&self) -> Vec<&'static Dataset> {
        let mut out: Vec<&'static Dataset> = Vec::new();
        for h in &self.hops {
            if !out.iter().any(|d| std::ptr::eq(*d, h.dataset)) {
                out.push(h.dataset);
            }
        }
        out
    }
}

/// The crosswalk of one control to one framework.
#[derive(Clone, Debug)]
pub struct Crosswalk {
    /// The control asked about.
    pub from: Ref,
    /// The framework asked for.
    pub to: Framework,
    /// The rows, direct first, each group in natural id order.
    pub rows: Vec<CrosswalkRow>,
    /// Things the reader must know: a renumbering applied, why a result is derived or empty.
    pub notes: Vec<String>,
}

/// A crosswalk that cannot be asked for.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CrosswalkError {
    /// Source and target are the same framework.
    #[error("`{0}` is already in {1}")]
    SameFramework(String, &'static str),
}

/// The dataset behind the 2013 → 2022 correspondence.
static ISO_CORRESPONDENCE: Dataset = Dataset {
    source: "ISO/IEC 27002:2022 Annex B correspondence between the 2013 and 2022 controls, as collected in annexa's reference notes",
    name: "ISO/IEC 27002:2022 Annex B: 2013 to 2022",
    publisher: "ISO/IEC",
    licence: "correspondence of identifiers (facts)",
    note: "A 2013 control that alone became one 2022 control is read as equal; several merged into one as subset; one split in two as intersect.",
};

/// The dataset behind annexa's own SP 800-204 mapping.
static ANNEXA_SP800_204: Dataset = Dataset {
    source: "annexa's own mapping of NIST SP 800-204 series strategies to ISO/IEC 27001:2022 Annex A, with a rationale per row",
    name: "annexa (own mapping): SP 800-204 to Annex A",
    publisher: "annexa",
    licence: "Apache-2.0, as annexa",
    note: "annexa's own judgement, not NIST's or ISO's: no published mapping between the two exists.",
};

/// The dataset of annexa's own SP 800-204 mapping, for output that names it.
pub fn annexa_sp800_204_dataset() -> &'static Dataset {
    &ANNEXA_SP800_204
}

/// Every published step leaving `r`, oriented from `r`.
fn edges(r: Ref) -> Vec<Hop> {
    let mut out = Vec::new();
    for m in mappings() {
        if m.from == r {
            out.push(Hop { from: r, to: m.to, relationship: m.relationship, dataset: m.dataset(), rationale: None });
        } else if m.to == r {
            out.push(Hop {
                from: r,
                to: m.from,
                relationship: m.relationship.inverse(),
                dataset: m.dataset(),
                rationale: None,
            });
        }
    }
    match r.framework {
        Framework::Iso27001_2013 => {
            for c in iso2013().iter().filter(|c| c.id == r.id) {
                for to in c.replaced_by {
                    out.push(Hop {
                        from: r,
                        to: annex_ref(*to),
                        relationship: correspondence(c, *to),
                        dataset: &ISO_CORRESPONDENCE,
                        rationale: None,
                    });
                }
            }
        }
        Framework::Iso27001_2022 => {
            if let Some(control) = r.id.strip_prefix("A.").and_then(AnnexA::parse) {
                for c in iso2013().iter().filter(|c| c.replaced_by.contains(&control)) {
                    let to = Ref { framework: Framework::Iso27001_2013, id: c.id };
                    out.push(Hop {
                        from: r,
                        to,
                        relationship: correspondence(c, control).inverse(),
                        dataset: &ISO_CORRESPONDENCE,
                        rationale: None,
                    });
                }
                for m in strategy_mappings().iter().filter(|m| m.control == control) {
                    let to = Ref { framework: Framework::Sp800_204, id: m.strategy.id() };
                    out.push(Hop {
                        from: r,
                        to,
                        relationship: Relationship::Intersect,
                        dataset: &ANNEXA_SP800_204,
                        rationale: Some(m.rationale),
                    });
                }
            }
        }
        Framework::Sp800_204 => {
            for m in strategy_mappings().iter().filter(|m| m.strategy.id() == r.id) {
                out.push(Hop {
                    from: r,
                    to: annex_ref(m.control),
                    relationship: Relationship::Intersect,
                    dataset: &ANNEXA_SP800_204,
                    rationale: Some(m.rationale),
                });
            }
        }
        _ => {}
    }
    out
}

/// Reads the 2013 → 2022 correspondence's shape as a relationship, from the 2013 side.
fn correspondence(old: &Iso2013Control, new: AnnexA) -> Relationship {
    let merged = iso2013().iter().filter(|c| c.replaced_by.contains(&new)).count() > 1;
    match (old.replaced_by.len() > 1, merged) {
        (false, false) => Relationship::Equal,
        (false, true) => Relationship::Subset,
        (true, _) => Relationship::Intersect,
    }
}

/// Whether any published rows connect two frameworks directly.
fn connected(a: Framework, b: Framework) -> bool {
    mappings()
        .iter()
        .any(|m| (m.from.framework, m.to.framework) == (a, b) || (m.from.framework, m.to.framework) == (b, a))
        || matches!(
            (a, b),
            (Framework::Iso27001_2013, Framework::Iso27001_2022) | (Framework::Iso27001_2022, Framework::Iso27001_2013)
        )
        || matches!(
            (a, b),
            (Framework::Sp800_204, Framework::Iso27001_2022) | (Framework::Iso27001_2022, Framework::Sp800_204)
        )
}

fn title(r: Ref) -> Option<&'static str> {
    Entry::from_ref(r).and_then(|e| e.title())
}

/// Crosswalks one catalogue entry to another framework.
pub fn crosswalk(entry: &Entry, to: Framework) -> Result<Crosswalk, CrosswalkError> {
    let from = entry.reference();
    if from.framework == to {
        return Err(CrosswalkError::SameFramework(from.id.to_owned(), to.name()));
    }
    let mut notes = Vec::new();
    // A 2013 id speaks through its 2022 successor for everything but 2022 itself.
    let starts: Vec<Ref> = match entry {
        Entry::Iso2013(c) if to != Framework::Iso27001_2022 => {
            let new: Vec<String> = c.replaced_by.iter().map(ToString::to_string).collect();
            notes.push(format!(
                "{} (2013) was replaced by {} in 2022; rows below are for the 2022 control.",
                c.id,
                new.join(" and ")
            ));
            c.replaced_by.iter().map(|c| annex_ref(*c)).collect()
        }
        _ => vec![from],
    };
    let mut rows = Vec::new();
    for start in &starts {
        rows.extend(direct(*start, to));
    }
    let direct_pair = starts.iter().any(|s| connected(s.framework, to));
    if rows.is_empty() && !direct_pair {
        for start in &starts {
            rows.extend(derived(*start, to));
        }
        if !rows.is_empty() {
            let pivots: Vec<&str> = PIVOTS
                .iter()
                .filter(|p| rows.iter().any(|r| r.via().iter().any(|v| v.framework == **p)))
                .map(|p| p.name())
                .collect();
            notes.push(format!(
                "No published crosswalk connects {} and {} directly. These rows are derived through {}: candidates to review, not equivalences.",
                starts.first().map_or(from.framework, |s| s.framework).name(),
                to.name(),
                pivots.join(" and ")
            ));
        }
    }
    if rows.is_empty() {
        notes.push(if direct_pair {
            format!(
                "The published crosswalk between {} and {} has no row for {}.",
                from.framework.name(),
                to.name(),
                from.id
            )
        } else {
            format!("No sourced crosswalk exists from {} to {}; annexa does not invent one.", from.id, to.name())
        });
    }
    Ok(Crosswalk { from, to, rows, notes })
}

fn direct(from: Ref, to: Framework) -> Vec<CrosswalkRow> {
    let mut rows: Vec<CrosswalkRow> = edges(from)
        .into_iter()
        .filter(|h| h.to.framework == to)
        .map(|h| CrosswalkRow {
            from,
            target: h.to,
            title: title(h.to),
            derivation: Derivation::Direct,
            relationship: Some(h.relationship),
            hops: vec![h],
        })
        .collect();
    rows.sort_by_key(|r| natural_key(r.target.id));
    rows
}

fn derived(from: Ref, to: Framework) -> Vec<CrosswalkRow> {
    let mut rows: Vec<CrosswalkRow> = Vec::new();
    for first in edges(from).into_iter().filter(|h| PIVOTS.contains(&h.to.framework)) {
        for second in edges(first.to).into_iter().filter(|h| h.to.framework == to) {
            match rows.iter_mut().find(|r| r.target == second.to) {
                Some(row) => row.hops.extend([first, second]),
                None => rows.push(CrosswalkRow {
                    from,
                    target: second.to,
                    title: title(second.to),
                    derivation: Derivation::Derived,
                    relationship: None,
                    hops: vec![first, second],
                }),
            }
        }
    }
    rows.sort_by_key(|r| natural_key(r.target.id));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve;

    fn walk(id: &str, to: Framework) -> Crosswalk {
        let entry = resolve(id, None);
        assert!(entry.is_ok(), "{id}");
        let result = entry.map_err(|e| e.to_string()).and_then(|e| crosswalk(&e, to).map_err(|e| e.to_string()));
        match result {
            Ok(c) => c,
            Err(e) => Crosswalk { from: annex_ref(AnnexA::A5_1), to, rows: vec![], notes: vec![e] },
        }
    }

    fn targets(c: &Crosswalk) -> Vec<&str> {
        c.rows.iter().map(|r| r.target.id).collect()
    }

    #[test]
    fn iso_to_sp800_53_is_direct_both_ways() {
        let c = walk("A.8.8", Framework::Sp800_53r5);
        assert!(targets(&c).contains(&"RA-5"), "{:?}", targets(&c));
        assert!(c.rows.iter().all(|r| r.derivation == Derivation::Direct && r.hops.len() == 1));
        let back = walk("sp800-53r5:RA-5", Framework::Iso27001_2022);
        assert!(targets(&back).contains(&"A.8.8"));
    }

    #[test]
    fn soc2_rows_are_reachable_from_iso() {
        let c = walk("soc2:CC6.1", Framework::Iso27001_2022);
        assert!(!c.rows.is_empty());
        let back = walk(c.rows[0].target.id, Framework::Soc2);
        assert!(targets(&back).contains(&"CC6.1") || c.rows[0].target.framework != Framework::Iso27001_2022);
    }

    #[test]
    fn iso_to_hipaa_is_derived_through_sp800_53_and_names_both_sources() {
        let c = walk("A.8.8", Framework::Hipaa);
        assert!(!c.rows.is_empty());
        for row in &c.rows {
            assert_eq!(row.derivation, Derivation::Derived);
            assert_eq!(row.relationship, None);
            assert!(row.via().iter().all(|v| v.framework == Framework::Sp800_53r5));
            assert_eq!(row.datasets().len(), 2, "{:?}", row.target);
        }
        assert!(c.notes.iter().any(|n| n.contains("candidates")));
    }

    #[test]
    fn pci_to_iso_is_derived_through_adobe_ccf() {
        let c = walk("pci-dss-4:11.3.1", Framework::Iso27001_2022);
        assert_eq!(targets(&c), ["A.8.8"]);
        assert!(c.rows.iter().all(
            |r| r.derivation == Derivation::Derived && r.via().iter().all(|v| v.framework == Framework::AdobeCcfV5)
        ));
        assert!(c.rows.iter().all(|r| r.datasets().iter().all(|d| d.publisher == "Adobe")));
    }

    #[test]
    fn no_source_means_no_rows_and_says_so() {
        let c = walk("soc2:CC6.1", Framework::Hipaa);
        assert!(c.rows.is_empty());
        assert!(c.notes.iter().any(|n| n.contains("No sourced crosswalk exists")), "{:?}", c.notes);
        // 8.6.2 reaches CCF SLC-03, which Adobe does not map to ISO.
        let c = walk("pci-dss-4:8.6.2", Framework::Iso27001_2022);
        assert!(c.rows.is_empty());
        assert!(c.notes.iter().any(|n| n.contains("No sourced crosswalk exists")), "{:?}", c.notes);
        let c = walk("A.7.6", Framework::Sp800_53r5);
        assert!(c.rows.is_empty());
        assert!(c.notes.iter().any(|n| n.contains("has no row for A.7.6")), "{:?}", c.notes);
    }

    #[test]
    fn the_2013_correspondence_reads_both_ways() {
        let c = walk("A.12.6.1", Framework::Iso27001_2022);
        assert_eq!(targets(&c), ["A.8.8"]);
        let back = walk("A.8.8", Framework::Iso27001_2013);
        assert_eq!(targets(&back), ["A.12.6.1", "A.18.2.3"]);
        // A.18.2.3 was split across 5.36 and 8.8.
        assert!(back.rows.iter().any(|r| r.target.id == "A.18.2.3" && r.relationship == Some(Relationship::Intersect)));
        // 2013 ids crosswalk to other frameworks through their successor.
        let soc = walk("A.12.6.1", Framework::Sp800_53r5);
        assert!(soc.notes.iter().any(|n| n.contains("replaced by A.8.8")) && !soc.rows.is_empty());
    }

    #[test]
    fn sp800_204_rows_are_annexas_own_with_a_rationale() {
        let c = walk("MS-SS-4", Framework::Iso27001_2022);
        assert!(!c.rows.is_empty());
        assert!(c.rows.iter().all(|r| r.hops[0].dataset.publisher == "annexa" && r.hops[0].rationale.is_some()));
    }

    #[test]
    fn same_framework_is_an_error() {
        let entry = resolve("A.8.9", None).ok();
        let err = entry.map(|e| crosswalk(&e, Framework::Iso27001_2022).err());
        assert_eq!(err, Some(Some(CrosswalkError::SameFramework("A.8.9".into(), "ISO/IEC 27001:2022"))));
    }
}
