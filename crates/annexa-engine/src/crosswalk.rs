//! `annexa crosswalk ID --to FRAMEWORK`: the rows, their relationship and their sources.

use crate::{Error, RefView};
use annexa_catalog::{Dataset, Derivation, Entry, resolve};
use annexa_model::Framework;
use annexa_report::{Table, wrap};
use std::fmt::Write as _;

/// One target of a crosswalk.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RowView {
    /// The control mapped from: the query, or a 2013 id's 2022 successor.
    pub from: String,
    /// The target id.
    pub id: String,
    /// The target's title, where its framework has titles.
    pub title: Option<&'static str>,
    /// The published relationship (`equal`, `subset`, `superset`, `intersect`); `null` for a
    /// derived row, which is a candidate and no relationship.
    pub relationship: Option<&'static str>,
    /// `direct` (as published) or `derived` (two published rows through a pivot).
    pub derivation: &'static str,
    /// The pivot ids a derived row passes through.
    pub via: Vec<String>,
    /// The short names of the datasets behind the row (both, for a derived row).
    pub sources: Vec<&'static str>,
    /// Why, where the source gives a reason per row.
    pub rationale: Option<&'static str>,
}

/// A dataset named by the rows, with its terms.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SourceView {
    /// Short name, as the rows cite it.
    pub name: &'static str,
    /// Whose mapping it is.
    pub publisher: &'static str,
    /// The terms it comes under.
    pub licence: &'static str,
    /// What to know about its quality.
    pub note: &'static str,
    /// Full provenance.
    pub provenance: &'static str,
}

impl SourceView {
    fn of(d: &'static Dataset) -> SourceView {
        SourceView { name: d.name, publisher: d.publisher, licence: d.licence, note: d.note, provenance: d.source }
    }
}

/// The crosswalk of one control to one framework.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CrosswalkView {
    /// The control asked about.
    pub from: RefView,
    /// The framework asked for.
    pub to: Framework,
    /// The rows.
    pub rows: Vec<RowView>,
    /// The pivot frameworks derived rows pass through.
    pub pivots: Vec<Framework>,
    /// Every dataset the rows cite.
    pub sources: Vec<SourceView>,
    /// What the reader must know (renumbering, derivation, no source).
    pub notes: Vec<String>,
}

/// Crosswalks `id` (optionally read in framework `from`) to framework `to`.
pub fn crosswalk(id: &str, from: Option<Framework>, to: Framework) -> Result<CrosswalkView, Error> {
    let entry = resolve(id, from)?;
    Ok(view(&entry, to)?)
}

pub(crate) fn view(entry: &Entry, to: Framework) -> Result<CrosswalkView, annexa_catalog::CrosswalkError> {
    let c = annexa_catalog::crosswalk(entry, to)?;
    let mut sources: Vec<&'static Dataset> = Vec::new();
    let mut pivots: Vec<Framework> = Vec::new();
    let rows = c
        .rows
        .iter()
        .map(|r| {
            let datasets = r.datasets();
            for v in r.via() {
                if !pivots.contains(&v.framework) {
                    pivots.push(v.framework);
                }
            }
            for d in &datasets {
                if !sources.iter().any(|s| std::ptr::eq(*s, *d)) {
                    sources.push(d);
                }
            }
            RowView {
                from: r.from.id.to_owned(),
                id: r.target.id.to_owned(),
                title: r.title,
                relationship: r.relationship.map(|rel| rel.as_str()),
                derivation: r.derivation.as_str(),
                via: r.via().iter().map(|v| v.id.to_owned()).collect(),
                sources: datasets.iter().map(|d| d.name).collect(),
                rationale: (r.derivation == Derivation::Direct)
                    .then(|| r.hops.first().and_then(|h| h.rationale))
                    .flatten(),
            }
        })
        .collect();
    Ok(CrosswalkView {
        from: RefView::of(c.from),
        to: c.to,
        rows,
        pivots,
        sources: sources.into_iter().map(SourceView::of).collect(),
        notes: c.notes,
    })
}

impl CrosswalkView {
    /// One line per row.
    pub fn table(&self) -> Table {
        let mut t = Table::new(["from", "to", "title", "relationship", "derivation", "via", "source"]);
        for r in &self.rows {
            t.push([
                r.from.clone(),
                r.id.clone(),
                r.title.unwrap_or("").to_owned(),
                r.relationship.unwrap_or("candidate").to_owned(),
                r.derivation.to_owned(),
                r.via.join(" "),
                r.sources.join(" + "),
            ]);
        }
        t
    }

    /// The terminal form: a heading, the table, the notes and the sources' terms.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} {} → {}", self.from.id, self.from.title.unwrap_or(""), self.to.name());
        let _ = writeln!(out);
        if !self.rows.is_empty() {
            out.push_str(&self.table().to_text());
            let _ = writeln!(out);
        }
        for note in &self.notes {
            out.push_str(&wrap(&format!("note: {note}"), 100, ""));
        }
        for s in &self.sources {
            out.push_str(&wrap(&format!("source: {} ({}; {}). {}", s.name, s.publisher, s.licence, s.note), 100, ""));
        }
        out
    }

    /// The Markdown form.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("## {} {} → {}\n\n", self.from.id, self.from.title.unwrap_or(""), self.to.name());
        if !self.rows.is_empty() {
            out.push_str(&self.table().to_markdown());
            out.push('\n');
        }
        for note in &self.notes {
            let _ = writeln!(out, "> {note}\n");
        }
        if !self.sources.is_empty() {
            out.push_str("Sources:\n\n");
            for s in &self.sources {
                let _ = writeln!(out, "- **{}** ({}; {}). {}", s.name, s.publisher, s.licence, s.note);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_rows_carry_relationship_derivation_and_sources() {
        let view = crosswalk("A.8.8", None, Framework::Sp800_53r5).map_err(|e| e.to_string());
        let json = view.as_ref().map(|v| serde_json::to_value(v).unwrap_or_default()).unwrap_or_default();
        let rows = json["rows"].as_array().cloned().unwrap_or_default();
        assert!(!rows.is_empty());
        let ra5 = rows.iter().find(|r| r["id"] == "RA-5");
        assert_eq!(
            ra5.map(|r| (r["relationship"].clone(), r["derivation"].clone())),
            Some(("intersect".into(), "direct".into()))
        );
        assert_eq!(json["sources"][0]["publisher"], "NIST");
    }

    #[test]
    fn derived_rows_show_as_candidates_in_text() {
        let text = crosswalk("A.8.8", None, Framework::Hipaa).map(|v| v.to_text()).unwrap_or_default();
        assert!(text.contains("candidate") && text.contains("derived"), "{text}");
        assert!(text.contains("note: No published crosswalk connects"), "{text}");
    }
}
