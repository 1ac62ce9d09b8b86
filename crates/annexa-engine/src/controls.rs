//! `annexa controls` and `annexa controls show ID`.

use crate::crosswalk::{CrosswalkView, view};
use crate::{Error, RefView};
use annexa_catalog::{AnnexA, Entry, HipaaKind, HipaaRequirement, resolve};
use annexa_model::{Framework, Theme};
use annexa_report::{Table, wrap};
use std::fmt::Write as _;

/// What `annexa controls` lists.
#[derive(Clone, Copy, Debug)]
pub struct ListQuery {
    /// Which framework.
    pub framework: Framework,
    /// Only this Annex A theme.
    pub theme: Option<Theme>,
    /// List ISO/IEC 27001:2022 clauses 4–10 instead of Annex A.
    pub clauses: bool,
}

/// One line of `annexa controls`; framework-specific fields are present only where they apply.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ControlRow {
    /// The framework key.
    pub framework: Framework,
    /// The id as the framework writes it (`A.8.9`, `CC6.1`).
    pub id: String,
    /// The short title.
    pub title: &'static str,
    /// Annex A theme (ISO/IEC 27001:2022).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    /// `clause` for ISO/IEC 27001:2022 clauses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The 2022 controls that replaced a 2013 control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<Vec<String>>,
    /// SOC 2 category, HIPAA section, PCI DSS level or SP 800-204 publication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<&'static str>,
    /// HIPAA: required or addressable; SP 800-204: confidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
}

fn row(framework: Framework, id: impl Into<String>, title: &'static str) -> ControlRow {
    ControlRow {
        framework,
        id: id.into(),
        title,
        theme: None,
        kind: None,
        replaced_by: None,
        group: None,
        status: None,
    }
}

/// Lists a framework's controls.
pub fn list(q: ListQuery) -> Result<Vec<ControlRow>, Error> {
    if q.framework != Framework::Iso27001_2022 {
        for (set, option) in [(q.theme.is_some(), "theme"), (q.clauses, "clauses")] {
            if set {
                return Err(Error::OptionNotApplicable {
                    option,
                    applies_to: "iso27001:2022",
                    framework: q.framework.key(),
                });
            }
        }
    }
    let f = q.framework;
    Ok(match f {
        Framework::Iso27001_2022 if q.clauses => annexa_catalog::clauses()
            .iter()
            .map(|c| ControlRow { kind: Some("clause"), ..row(f, c.id, c.title) })
            .collect(),
        Framework::Iso27001_2022 => AnnexA::ALL
            .into_iter()
            .filter(|c| q.theme.is_none_or(|t| c.theme() == t))
            .map(|c| ControlRow { theme: Some(c.theme()), ..row(f, c.to_string(), c.title()) })
            .collect(),
        Framework::Iso27001_2013 => annexa_catalog::iso2013()
            .iter()
            .map(|c| ControlRow {
                replaced_by: Some(c.replaced_by.iter().map(ToString::to_string).collect()),
                ..row(f, c.id, c.title)
            })
            .collect(),
        Framework::Soc2 => annexa_catalog::soc2()
            .iter()
            .map(|c| ControlRow { group: Some(c.category), ..row(f, c.id, c.title) })
            .collect(),
        Framework::PciDss4 => annexa_catalog::pci_dss()
            .iter()
            .map(|c| ControlRow { group: Some(c.level.as_str()), ..row(f, c.id, c.title) })
            .collect(),
        Framework::Hipaa => annexa_catalog::hipaa()
            .iter()
            .map(|c| ControlRow {
                group: Some(c.section),
                kind: Some(hipaa_kind(c.kind)),
                status: Some(hipaa_requirement(c.requirement)),
                ..row(f, c.id, c.title)
            })
            .collect(),
        Framework::Sp800_204 => annexa_catalog::strategies()
            .iter()
            .map(|s| ControlRow {
                group: Some(s.publication),
                status: Some(s.confidence.as_str()),
                ..row(f, s.strategy.id(), s.title)
            })
            .collect(),
        Framework::Sp800_53r5 | Framework::AdobeCcfV5 => return Err(Error::PivotOnly(f.name())),
    })
}

fn hipaa_kind(k: HipaaKind) -> &'static str {
    match k {
        HipaaKind::Standard => "standard",
        HipaaKind::ImplementationSpecification => "implementation specification",
    }
}

fn hipaa_requirement(r: HipaaRequirement) -> &'static str {
    match r {
        HipaaRequirement::Required => "required",
        HipaaRequirement::Addressable => "addressable",
    }
}

/// The table form of a listing, with the columns that framework has.
pub fn list_table(framework: Framework, rows: &[ControlRow]) -> Table {
    let clauses = rows.iter().any(|r| r.kind == Some("clause"));
    let middle: &[&str] = match framework {
        Framework::Iso27001_2022 if clauses => &[],
        Framework::Iso27001_2022 => &["theme"],
        Framework::Iso27001_2013 => &["replaced by"],
        Framework::Soc2 => &["category"],
        Framework::PciDss4 => &["level"],
        Framework::Hipaa => &["required"],
        Framework::Sp800_204 => &["publication", "confidence"],
        Framework::Sp800_53r5 | Framework::AdobeCcfV5 => &[],
    };
    let first = if clauses { "clause" } else { "id" };
    let mut t = Table::new(std::iter::once(first).chain(middle.iter().copied()).chain(["title"]));
    for r in rows {
        let mut cells = vec![r.id.clone()];
        for column in middle {
            cells.push(match *column {
                "theme" => r.theme.map(|t| t.to_string()).unwrap_or_default(),
                "replaced by" => r.replaced_by.clone().unwrap_or_default().join(" "),
                "category" | "level" | "publication" => r.group.unwrap_or("").to_owned(),
                _ => r.status.unwrap_or("").to_owned(),
            });
        }
        cells.push(r.title.to_owned());
        t.push(cells);
    }
    t
}

/// annexa's guidance for an Annex A control, in JSON.
#[derive(Clone, Debug, serde::Serialize)]
pub struct GuidanceView {
    /// What it means for a microservices estate.
    pub meaning: &'static str,
    /// What annexa checks or derives.
    pub automated: &'static str,
    /// What a person supplies.
    pub evidence: &'static str,
}

/// An SP 800-204 strategy or Annex A control linked by annexa's own mapping.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StrategyLink {
    /// The linked id (a strategy for a control, a control for a strategy).
    pub id: String,
    /// Its title.
    pub title: &'static str,
    /// Why they are linked.
    pub rationale: &'static str,
    /// How sure the strategy's identifier and content are.
    pub confidence: &'static str,
}

/// A check that gives evidence for a control.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckLink {
    /// The check id.
    pub id: &'static str,
    /// The slug.
    pub slug: &'static str,
    /// Its title.
    pub title: &'static str,
}

/// `annexa controls show ID`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ControlDetail {
    /// The framework key.
    pub framework: Framework,
    /// The id.
    pub id: String,
    /// The title.
    pub title: Option<&'static str>,
    /// Annex A theme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    /// Facts particular to the framework (category, level, publication...), in display order.
    pub facts: Vec<(&'static str, String)>,
    /// annexa's guidance (Annex A controls).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<GuidanceView>,
    /// annexa's summary (clauses, strategies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'static str>,
    /// For a 2013 id: the 2022 controls that replaced it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replaced_by: Vec<RefView>,
    /// For a 2022 control: the 2013 controls it replaced.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<RefView>,
    /// The checks whose results are evidence for the control.
    pub checks: Vec<CheckLink>,
    /// SP 800-204 strategies (for a control) or Annex A controls (for a strategy), annexa's own mapping.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub strategies: Vec<StrategyLink>,
    /// Crosswalks to every other framework, with sources; empty ones carry a note saying why.
    pub crosswalks: Vec<CrosswalkView>,
    /// For a 2013 id: the full detail of each 2022 control that replaced it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<ControlDetail>,
    /// Copyright and licence of the framework's data.
    pub licence: &'static str,
}

/// Shows one control, clause, criterion or strategy.
pub fn show(id: &str, framework: Option<Framework>) -> Result<ControlDetail, Error> {
    let entry = resolve(id, framework)?;
    let r = entry.reference();
    let mut d = ControlDetail {
        framework: r.framework,
        id: r.id.to_owned(),
        title: entry.title(),
        theme: None,
        facts: Vec::new(),
        guidance: None,
        summary: None,
        replaced_by: Vec::new(),
        replaces: Vec::new(),
        checks: Vec::new(),
        strategies: Vec::new(),
        crosswalks: Vec::new(),
        successors: Vec::new(),
        licence: annexa_catalog::framework_info(r.framework).map_or("", |i| i.licence),
    };
    match entry {
        Entry::Annex(c) => {
            d.checks = annexa_checks::all()
                .into_iter()
                .map(|k| k.meta())
                .filter(|m| m.controls.contains(&c))
                .map(|m| CheckLink { id: m.id, slug: m.slug, title: m.title })
                .collect();
            let g = annexa_catalog::guidance(c);
            d.theme = Some(c.theme());
            d.guidance = Some(GuidanceView { meaning: g.meaning, automated: g.automated, evidence: g.evidence });
            d.replaces = annexa_catalog::predecessors(c)
                .map(|p| RefView { framework: Framework::Iso27001_2013, id: p.id.to_owned(), title: Some(p.title) })
                .collect();
            if d.replaces.is_empty() {
                d.facts.push(("2013", "new in 2022, no 2013 predecessor".to_owned()));
            }
            d.strategies = annexa_catalog::strategies_for(c)
                .map(|m| {
                    let s = annexa_catalog::strategy(m.strategy);
                    StrategyLink {
                        id: s.strategy.id().to_owned(),
                        title: s.title,
                        rationale: m.rationale,
                        confidence: s.confidence.as_str(),
                    }
                })
                .collect();
        }
        Entry::Clause(c) => {
            d.facts.push(("kind", "clause".to_owned()));
            d.summary = Some(c.summary);
            d.facts.push(("annexa", c.annexa.to_owned()));
        }
        Entry::Iso2013(c) => {
            d.replaced_by = c.replaced_by.iter().map(|n| RefView::of(annexa_catalog::annex_ref(*n))).collect();
            // Someone typing a 2013 id wants today's control: show it whole, crosswalks included.
            for n in c.replaced_by {
                d.successors.push(show(&n.to_string(), Some(Framework::Iso27001_2022))?);
            }
            return Ok(d);
        }
        Entry::Soc2(c) => d.facts.push(("category", c.category.to_owned())),
        Entry::Pci(c) => {
            d.facts.push(("level", c.level.as_str().to_owned()));
            if !c.official_title {
                d.facts.push(("title", "annexa's paraphrase, not PCI SSC text".to_owned()));
            }
        }
        Entry::Hipaa(c) => {
            d.facts.push(("section", c.section.to_owned()));
            d.facts.push(("kind", hipaa_kind(c.kind).to_owned()));
            d.facts.push(("required", hipaa_requirement(c.requirement).to_owned()));
            if let Some(alias) = c.cfr_alias {
                d.facts.push(("eCFR", alias.to_owned()));
            }
        }
        Entry::Strategy(s) => {
            d.facts.push(("publication", s.publication.to_owned()));
            d.facts.push(("area", s.area.to_owned()));
            d.facts.push(("confidence", s.confidence.as_str().to_owned()));
            if !s.official_id {
                d.facts.push(("id", "annexa's label for a section NIST gives no identifier".to_owned()));
            }
            d.summary = Some(s.gist);
            d.strategies = annexa_catalog::strategy_mappings()
                .iter()
                .filter(|m| m.strategy == s.strategy)
                .map(|m| StrategyLink {
                    id: m.control.to_string(),
                    title: m.control.title(),
                    rationale: m.rationale,
                    confidence: s.confidence.as_str(),
                })
                .collect();
        }
        Entry::Pivot(_) => {}
    }
    for to in Framework::ALL {
        // The 2013 correspondence and the SP 800-204 links are shown in their own sections.
        let shown_elsewhere = matches!(entry, Entry::Annex(_))
            && matches!(to, Framework::Iso27001_2013 | Framework::Sp800_204)
            || matches!(entry, Entry::Strategy(_)) && to == Framework::Iso27001_2022
            || matches!(entry, Entry::Iso2013(_)) && to == Framework::Iso27001_2022;
        if to == r.framework || shown_elsewhere {
            continue;
        }
        if let Ok(c) = view(&entry, to) {
            d.crosswalks.push(c);
        }
    }
    Ok(d)
}

impl ControlDetail {
    /// The terminal form: a card with wrapped paragraphs.
    pub fn to_text(&self) -> String {
        const WIDTH: usize = 100;
        let mut out = String::new();
        let _ = writeln!(out, "{}  {}", self.id, self.title.unwrap_or(""));
        let mut line = vec![self.framework.name().to_owned()];
        if let Some(t) = self.theme {
            line.push(format!("theme: {t}"));
        }
        line.extend(self.facts.iter().filter(|(k, _)| *k != "annexa").map(|(k, v)| format!("{k}: {v}")));
        out.push_str(&wrap(&line.join(" · "), WIDTH, ""));
        let section = |out: &mut String, heading: &str, text: &str| {
            let _ = writeln!(out, "\n{heading}");
            out.push_str(&wrap(text, WIDTH, "  "));
        };
        if let Some(g) = &self.guidance {
            section(&mut out, "What it means for a microservices estate", g.meaning);
            section(&mut out, "What annexa checks", g.automated);
            section(&mut out, "Evidence a person supplies", g.evidence);
        }
        if let Some(s) = self.summary {
            section(&mut out, "Summary", s);
        }
        if let Some((_, a)) = self.facts.iter().find(|(k, _)| *k == "annexa") {
            section(&mut out, "How annexa supports it", a);
        }
        for (heading, refs) in [("Replaces (2013)", &self.replaces), ("Replaced by (2022)", &self.replaced_by)] {
            if !refs.is_empty() {
                let _ = writeln!(out, "\n{heading}");
                for r in refs {
                    let _ = writeln!(out, "  {}  {}", r.id, r.title.unwrap_or(""));
                }
            }
        }
        if self.guidance.is_some() {
            let _ = writeln!(out, "\nChecks giving evidence");
            if self.checks.is_empty() {
                let _ = writeln!(out, "  none");
            }
            for c in &self.checks {
                let _ = writeln!(out, "  {}  {}  [{}]", c.id, c.title, c.slug);
            }
        }
        if !self.strategies.is_empty() {
            let heading =
                if self.framework == Framework::Sp800_204 { "Annex A controls" } else { "SP 800-204 strategies" };
            let _ = writeln!(out, "\n{heading} (annexa's own mapping)");
            for s in &self.strategies {
                // Confidence belongs to the strategy, so it is shown next to strategies only.
                let confidence =
                    if self.framework == Framework::Sp800_204 { String::new() } else { format!(" [{}]", s.confidence) };
                let _ = writeln!(out, "  {}  {}{confidence}", s.id, s.title);
                out.push_str(&wrap(s.rationale, WIDTH, "      "));
            }
        }
        if !self.successors.is_empty() {
            for s in &self.successors {
                let _ = writeln!(out, "\n{}\n", "=".repeat(WIDTH.min(40)));
                out.push_str(&s.to_text());
            }
            return out;
        }
        let _ = writeln!(out, "\nCrosswalks");
        for c in &self.crosswalks {
            let how = match c.rows.first().map(|r| r.derivation) {
                Some("derived") => format!("derived via {}, candidates", pivots(c)),
                Some(_) => c.sources.iter().map(|s| s.name).collect::<Vec<_>>().join(" + "),
                None => "none".to_owned(),
            };
            let _ = writeln!(out, "  {} ({how})", c.to.name());
            if c.rows.is_empty() {
                for n in &c.notes {
                    out.push_str(&wrap(n, WIDTH, "      "));
                }
            } else {
                let ids: Vec<&str> = c.rows.iter().map(|r| r.id.as_str()).collect();
                out.push_str(&wrap(&ids.join(", "), WIDTH, "      "));
            }
        }
        out.push('\n');
        out.push_str(&wrap(&format!("licence: {}", self.licence), WIDTH, ""));
        out
    }

    /// The Markdown form.
    pub fn to_markdown(&self) -> String {
        self.markdown(1)
    }

    /// The Markdown form with its title at heading `level`, so a successor nests under a 2013 id.
    fn markdown(&self, level: usize) -> String {
        let h = |n: usize| "#".repeat(level + n);
        let mut out = format!("{} {} {}\n\n", h(0), self.id, self.title.unwrap_or(""));
        let _ = writeln!(out, "- framework: {}", self.framework.name());
        if let Some(t) = self.theme {
            let _ = writeln!(out, "- theme: {t}");
        }
        for (k, v) in &self.facts {
            let _ = writeln!(out, "- {k}: {v}");
        }
        if let Some(g) = &self.guidance {
            for (heading, text) in [
                ("What it means for a microservices estate", g.meaning),
                ("What annexa checks", g.automated),
                ("Evidence a person supplies", g.evidence),
            ] {
                let _ = write!(out, "\n{} {heading}\n\n{text}\n", h(1));
            }
            let _ = write!(out, "\n{} Checks giving evidence\n\n", h(1));
            if self.checks.is_empty() {
                out.push_str("None.\n");
            }
            for c in &self.checks {
                let _ = writeln!(out, "- {} {} `{}`", c.id, c.title, c.slug);
            }
        }
        if let Some(s) = self.summary {
            let _ = write!(out, "\n{} Summary\n\n{s}\n", h(1));
        }
        for (heading, refs) in [("Replaces (2013)", &self.replaces), ("Replaced by (2022)", &self.replaced_by)] {
            if !refs.is_empty() {
                let _ = writeln!(out, "\n{} {heading}\n", h(1));
                for r in refs {
                    let _ = writeln!(out, "- {} {}", r.id, r.title.unwrap_or(""));
                }
            }
        }
        if !self.strategies.is_empty() {
            let heading =
                if self.framework == Framework::Sp800_204 { "Annex A controls" } else { "SP 800-204 strategies" };
            let _ = writeln!(out, "\n{} {heading} (annexa's own mapping)\n", h(1));
            for s in &self.strategies {
                let _ = writeln!(out, "- **{}** {} ({}): {}", s.id, s.title, s.confidence, s.rationale);
            }
        }
        if !self.successors.is_empty() {
            for s in &self.successors {
                out.push('\n');
                out.push_str(&s.markdown(level + 1));
            }
            return out;
        }
        let _ = writeln!(out, "\n{} Crosswalks", h(1));
        for c in &self.crosswalks {
            let _ = write!(out, "\n{} {}\n\n", h(2), c.to.name());
            if c.rows.is_empty() {
                for n in &c.notes {
                    let _ = writeln!(out, "{n}");
                }
            } else {
                out.push_str(&c.table().to_markdown());
            }
        }
        let _ = write!(out, "\n{}\n", self.licence);
        out
    }
}

fn pivots(c: &CrosswalkView) -> String {
    c.pivots.iter().map(|p| p.name()).collect::<Vec<_>>().join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(q: ListQuery) -> Vec<String> {
        list(q).map(|rows| rows.into_iter().map(|r| r.id).collect()).unwrap_or_default()
    }

    #[test]
    fn lists_each_framework() {
        let q = |framework| ListQuery { framework, theme: None, clauses: false };
        assert_eq!(ids(q(Framework::Iso27001_2022)).len(), 93);
        assert_eq!(ids(q(Framework::Iso27001_2013)).len(), 114);
        assert_eq!(ids(q(Framework::Soc2)).len(), 61);
        assert_eq!(ids(q(Framework::PciDss4)).len(), 172);
        assert_eq!(ids(q(Framework::Hipaa)).len(), 65);
        assert!(ids(q(Framework::Sp800_204)).contains(&"MS-SS-4".to_owned()));
        assert_eq!(
            ids(ListQuery { framework: Framework::Iso27001_2022, theme: Some(Theme::People), clauses: false }).len(),
            8
        );
        assert_eq!(ids(ListQuery { framework: Framework::Iso27001_2022, theme: None, clauses: true }).len(), 41);
    }

    #[test]
    fn theme_only_applies_to_iso() {
        let err = list(ListQuery { framework: Framework::Soc2, theme: Some(Theme::People), clauses: false }).err();
        assert_eq!(err.map(|e| e.to_string()).as_deref(), Some("`--theme` applies to iso27001:2022 only, not to soc2"));
        assert!(matches!(
            list(ListQuery { framework: Framework::Sp800_53r5, theme: None, clauses: false }),
            Err(Error::PivotOnly(_))
        ));
    }

    #[test]
    fn show_gathers_guidance_predecessors_strategies_and_crosswalks() {
        let d = show("A.8.8", None).map_err(|e| e.to_string());
        let Ok(d) = d else { return assert!(d.is_ok(), "{d:?}") };
        assert_eq!(d.title, Some("Management of technical vulnerabilities"));
        assert!(d.guidance.is_some());
        assert_eq!(d.replaces.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["A.12.6.1", "A.18.2.3"]);
        let hipaa = d.crosswalks.iter().find(|c| c.to == Framework::Hipaa);
        assert!(hipaa.is_some_and(|c| c.rows.iter().all(|r| r.derivation == "derived")));
        assert!(d.crosswalks.iter().all(|c| c.to != Framework::Iso27001_2013 && c.to != Framework::Sp800_204));
        assert!(d.to_text().contains("derived via NIST SP 800-53 Rev. 5, candidates"), "{}", d.to_text());
    }

    #[test]
    fn show_of_a_2013_id_names_its_replacement() {
        let d = show("A.12.6.1", None).map_err(|e| e.to_string());
        let text = d.as_ref().map(ControlDetail::to_text).unwrap_or_default();
        assert!(text.contains("Replaced by (2022)\n  A.8.8  Management of technical vulnerabilities"), "{text}");
        // The successor is shown whole, guidance and crosswalks included.
        assert!(text.contains("What annexa checks") && text.contains("RA-5"), "{text}");
        let split = show("A.18.2.3", None).map(|d| d.successors.len()).unwrap_or_default();
        assert_eq!(split, 2);
    }

    #[test]
    fn pivot_names_follow_the_rows_sources() {
        let d = show("pci-dss-4:11.3.1", None).map(|d| d.to_text()).unwrap_or_default();
        assert!(d.contains("derived via Adobe CCF v5"), "{d}");
    }
}
