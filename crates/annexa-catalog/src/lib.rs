//! The frameworks annexa judges an estate against, compiled in from the files under `data/`.
//!
//! Pure: no IO at run time. Every table is generated and checked by build.rs, so lookups
//! cannot fail for want of data; a lookup of something that is not there returns `None` or a
//! [`ResolveError`] with a suggestion.

mod crosswalk;
mod resolve;
mod types;

pub use annexa_model::{AnnexA, Framework, Strategy, Theme};
pub use crosswalk::{Crosswalk, CrosswalkError, CrosswalkRow, Derivation, Hop, annexa_sp800_204_dataset, crosswalk};
pub use resolve::{Entry, ResolveError, closest, resolve};
pub use types::*;

mod tables {
    //! The generated tables.
    use super::types::*;
    use annexa_model::{AnnexA, Framework, Strategy};
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

/// annexa's guidance for an Annex A control.
pub fn guidance(control: AnnexA) -> &'static Guidance {
    // INVARIANT (guidance-complete): build.rs emits one entry per control, in `AnnexA::ALL` order.
    &tables::GUIDANCE[control.index()]
}

/// Clauses 4–10 of ISO/IEC 27001:2022 with their sub-clauses, in order.
pub fn clauses() -> &'static [Clause] {
    &tables::CLAUSES
}

/// The 114 ISO/IEC 27001:2013 Annex A controls with their 2022 replacements.
pub fn iso2013() -> &'static [Iso2013Control] {
    &tables::ISO2013
}

/// The 2013 controls a 2022 control replaced (empty for the 11 controls new in 2022).
pub fn predecessors(control: AnnexA) -> impl Iterator<Item = &'static Iso2013Control> {
    iso2013().iter().filter(move |c| c.replaced_by.contains(&control))
}

/// The SOC 2 Trust Services Criteria 2017.
pub fn soc2() -> &'static [Soc2Criterion] {
    &tables::SOC2
}

/// PCI DSS v4.0 requirements, sections and the sub-requirements annexa carries.
pub fn pci_dss() -> &'static [PciRequirement] {
    &tables::PCI
}

/// HIPAA Security Rule standards and implementation specifications.
pub fn hipaa() -> &'static [HipaaSpec] {
    &tables::HIPAA
}

/// The NIST SP 800-204 series publications.
pub fn publications() -> &'static [Publication] {
    &tables::PUBLICATIONS
}

/// Every SP 800-204 series strategy annexa knows, in catalogue order.
pub fn strategies() -> &'static [StrategyInfo] {
    &tables::STRATEGIES
}

/// annexa's gist of one strategy.
pub fn strategy(strategy: Strategy) -> &'static StrategyInfo {
    // INVARIANT (strategy-order): build.rs emits STRATEGIES in `Strategy::ALL` order.
    &tables::STRATEGIES[strategy as usize]
}

/// annexa's own mapping of SP 800-204 strategies to Annex A controls, with a rationale per row.
pub fn strategy_mappings() -> &'static [StrategyMapping] {
    &tables::STRATEGY_MAPPINGS
}

/// The strategies annexa maps to a control.
pub fn strategies_for(control: AnnexA) -> impl Iterator<Item = &'static StrategyMapping> {
    strategy_mappings().iter().filter(move |m| m.control == control)
}

/// Every published crosswalk row.
pub fn mappings() -> &'static [Mapping] {
    &tables::MAPPINGS
}

/// The published crosswalk datasets.
pub fn datasets() -> &'static [Dataset] {
    &tables::DATASETS
}

impl Mapping {
    /// Where this row comes from.
    pub fn dataset(&self) -> &'static Dataset {
        // INVARIANT (dataset-index): build.rs only writes indexes into DATASETS.
        &tables::DATASETS[self.dataset]
    }
}

/// Provenance and licence of a framework's data.
pub fn framework_info(framework: Framework) -> Option<&'static FrameworkInfo> {
    tables::FRAMEWORKS.iter().find(|f| f.key == framework.key())
}

/// The id of an Annex A control as crosswalk data writes it: `A.5.15`.
pub fn annex_ref(control: AnnexA) -> Ref {
    // The display form is computed; the data needs a `&'static str`, so look it up in a
    // table built once rather than leaking strings.
    static IDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let ids = IDS.get_or_init(|| AnnexA::ALL.iter().map(|c| c.to_string()).collect());
    Ref { framework: Framework::Iso27001_2022, id: ids_get(ids, control) }
}

fn ids_get(ids: &'static [String], control: AnnexA) -> &'static str {
    ids.get(control.index()).map_or("", String::as_str)
}

/// A sort key that orders `A.5.9` before `A.5.10` and `CC6.2` before `CC6.10`.
pub fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = id.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = u64::from(c as u8 - b'0');
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(u64::from(d));
                chars.next();
            }
            key.push((std::mem::take(&mut text), n));
        } else {
            text.push(c.to_ascii_lowercase());
        }
    }
    key.push((text, 0));
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_sorts_numbers_as_numbers() {
        let mut ids = vec!["A.5.10", "A.5.9", "A.8.1", "CC6.10", "CC6.2", "164.308(a)(1)(ii)(B)", "164.308(a)(1)"];
        ids.sort_by_key(|id| natural_key(id));
        assert_eq!(ids, ["164.308(a)(1)", "164.308(a)(1)(ii)(B)", "A.5.9", "A.5.10", "A.8.1", "CC6.2", "CC6.10"]);
    }

    #[test]
    fn every_control_has_guidance_in_every_field() {
        for c in AnnexA::ALL {
            let g = guidance(c);
            assert!(g.meaning.len() > 80 && g.automated.len() > 40 && g.evidence.len() > 40, "{c}");
        }
    }

    #[test]
    fn new_2022_controls_have_no_predecessor() {
        let new: Vec<String> =
            AnnexA::ALL.into_iter().filter(|c| predecessors(*c).next().is_none()).map(|c| c.bare()).collect();
        assert_eq!(new, ["5.7", "5.23", "5.30", "7.4", "8.9", "8.10", "8.11", "8.12", "8.16", "8.23", "8.28"]);
    }

    #[test]
    fn every_strategy_maps_to_a_control_and_has_a_gist() {
        for s in strategies() {
            assert!(strategy_mappings().iter().any(|m| m.strategy == s.strategy), "{}", s.strategy);
            assert!(!s.gist.is_empty() && publications().iter().any(|p| p.id == s.publication));
            assert_eq!(strategy(s.strategy).strategy, s.strategy);
        }
    }

    #[test]
    fn every_framework_carries_a_licence_note() {
        for f in Framework::ALL {
            let info = framework_info(f);
            assert!(info.is_some_and(|i| !i.licence.is_empty() && !i.source.is_empty()), "{f}");
        }
    }

    #[test]
    fn annex_refs_use_the_prefixed_form() {
        assert_eq!(annex_ref(AnnexA::A8_9).id, "A.8.9");
        assert_eq!(annex_ref(AnnexA::A5_1).id, "A.5.1");
    }
}
