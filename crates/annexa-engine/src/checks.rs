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

/// Every check's metadata, in id order: the catalogue's checks and the one the scan runs on
/// `annexa.toml` itself (expired exemptions).
fn metas() -> Vec<&'static CheckMeta> {
    let mut metas: Vec<&'static CheckMeta> =
        annexa_checks::all().into_iter().map(|c| c.meta()).chain([&annexa_checks::EXEMPTION_EXPIRED]).collect();
    metas.sort_by_key(|m| m.id);
    metas
}

/// Every check.
pub fn list() -> Vec<CheckView> {
    metas().into_iter().map(view).collect()
}

/// The table form.
pub fn table(checks: &[CheckView]) -> Table {
    let mut t = Table::new(["id", "slug", "severity", "controls", "title"]);
    for c in checks {
        t.push([c.id.to_owned(), c.slug.to_owned(), c.severity.to_string(), c.controls.join(" "), c.title.to_owned()]);
    }
    t
}

/// One check, by id or slug (case-insensitive).
pub fn show(id: &str) -> Result<CheckView, crate::Error> {
    let metas = metas();
    let wanted = id.trim();
    if let Some(m) = metas.iter().find(|m| m.id.eq_ignore_ascii_case(wanted) || m.slug.eq_ignore_ascii_case(wanted)) {
        return Ok(view(m));
    }
    let names: Vec<&str> = metas.iter().flat_map(|m| [m.id, m.slug]).collect();
    Err(crate::Error::UnknownCheck {
        input: wanted.to_owned(),
        suggestions: annexa_catalog::closest(wanted, names).into_iter().map(str::to_owned).collect(),
    })
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
