//! `annexa checks` and `annexa checks show ID`: the catalogue of checks and their docs.

use crate::scan::doc_section;
use annexa_checks::CheckMeta;
use annexa_model::Severity;
use annexa_report::Table;

/// One check as listed.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckView {
    /// `K8S-0001`.
    pub id: &'static str,
    /// `privileged-container`.
    pub slug: &'static str,
    /// The title.
    pub title: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What it looks at.
    pub target: String,
    /// The Annex A controls it gives evidence for.
    pub controls: Vec<String>,
    /// The SP 800-204 strategies it gives evidence for.
    pub strategies: Vec<String>,
    /// The peers' ids.
    pub aliases: Vec<&'static str>,
    /// The documentation (Markdown).
    pub doc: String,
}

fn view(m: &'static CheckMeta) -> CheckView {
    CheckView {
        id: m.id,
        slug: m.slug,
        title: m.title,
        severity: m.severity,
        target: m.target.describe(),
        controls: m.controls.iter().map(ToString::to_string).collect(),
        strategies: m.strategies.iter().map(|s| s.id().to_owned()).collect(),
        aliases: m.aliases.to_vec(),
        doc: m.documentation(),
    }
}

/// Every check.
pub fn list() -> Vec<CheckView> {
    annexa_checks::all().into_iter().map(|c| view(c.meta())).collect()
}

/// The table form.
pub fn table(checks: &[CheckView]) -> Table {
    let mut t = Table::new(["id", "slug", "severity", "controls", "title"]);
    for c in checks {
        t.push([c.id.to_owned(), c.slug.to_owned(), c.severity.to_string(), c.controls.join(" "), c.title.to_owned()]);
    }
    t
}

/// One check.
pub fn show(id: &str) -> Result<CheckView, crate::Error> {
    let options = crate::scan::ScanOptions { checks: vec![id.to_owned()], ..Default::default() };
    let found = crate::scan::select(&options)?;
    found.into_iter().next().map(|c| view(c.meta())).ok_or(crate::Error::NoChecksSelected)
}

impl CheckView {
    /// The terminal form: the doc with the metadata on top.
    pub fn to_text(&self) -> String {
        format!(
            "{}  {}  [{}]\nseverity: {} · target: {}\ncontrols: {}\nstrategies: {}\naliases: {}\n\n{}",
            self.id,
            self.title,
            self.slug,
            self.severity,
            self.target,
            self.controls.join(", "),
            if self.strategies.is_empty() { "-".to_owned() } else { self.strategies.join(", ") },
            if self.aliases.is_empty() { "-".to_owned() } else { self.aliases.join(", ") },
            self.doc
        )
    }

    /// One line for a control's detail view.
    pub fn summary(&self) -> String {
        doc_section(&self.doc, "What it checks")
    }
}
