//! `annexa inventory PATH...`: the asset register and data-flow map, with the run's counts.

use annexa_inventory::Inventory;
use annexa_load::{Diagnostic, Estate, Input, Options, Stats, load};
use std::io::Write as _;
use std::process::{Command, Stdio};

/// What `annexa inventory` shows: the inventory, what was read, and what went wrong.
#[derive(Debug, serde::Serialize)]
pub struct InventoryView {
    /// The assets, each with `kind`, `name`, `namespace`, `location` {`file`, `line`}.
    pub assets: Vec<annexa_inventory::Asset>,
    /// The flows, each with `from`, `to`, `mtls`.
    pub flows: Vec<annexa_inventory::Flow>,
    /// Files seen, parsed, failed and skipped, and documents and objects read.
    pub summary: Stats,
    /// Problems found while reading, each with file and line.
    pub diagnostics: Vec<Diagnostic>,
}

impl InventoryView {
    fn inventory(&self) -> Inventory {
        Inventory { assets: self.assets.clone(), flows: self.flows.clone() }
    }

    /// The terminal form, with the run's counts at the end.
    pub fn to_text(&self) -> String {
        let mut out = self.inventory().to_text();
        out.push('\n');
        out.push_str(&summary_line(&self.summary));
        out
    }

    /// Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = self.inventory().to_markdown();
        out.push('\n');
        out.push_str(&summary_line(&self.summary));
        out
    }

    /// CSV of the assets.
    pub fn to_csv(&self) -> String {
        self.inventory().to_csv()
    }

    /// The data-flow map in DOT.
    pub fn to_dot(&self) -> String {
        self.inventory().to_dot()
    }

    /// The data-flow map in Mermaid.
    pub fn to_mermaid(&self) -> String {
        self.inventory().to_mermaid()
    }

    /// The data-flow map as SVG, drawn by Graphviz's `dot`.
    pub fn to_svg(&self) -> Result<String, crate::Error> {
        svg(&self.to_dot())
    }
}

/// `files: 12 seen, 10 parsed, 0 failed, 2 skipped (...) · 40 documents, 38 objects`.
pub fn summary_line(s: &Stats) -> String {
    let reasons: Vec<String> = s.skipped.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let skipped = if reasons.is_empty() { String::new() } else { format!(": {}", reasons.join(", ")) };
    let documents = if s.documents == 1 { "document" } else { "documents" };
    let objects = if s.objects == 1 { "object" } else { "objects" };
    format!(
        "files: {} seen, {} parsed, {} failed, {} skipped{skipped} · {} {documents}, {} Kubernetes {objects}\n",
        s.seen,
        s.parsed,
        s.failed,
        s.skipped_total(),
        s.documents,
        s.objects
    )
}

/// Reads the inputs.
pub fn read(paths: &[String], max_file_size: u64) -> Estate {
    let inputs: Vec<Input> = paths.iter().map(|p| Input::parse(p)).collect();
    load(&inputs, &Options { max_file_size, ..Options::default() })
}

/// Builds the inventory of the inputs.
pub fn inventory(paths: &[String], max_file_size: u64) -> Result<InventoryView, crate::Error> {
    inventory_keeping_input(paths, max_file_size).map(|(view, _estate)| view)
}

/// Builds the inventory of the inputs and hands back the estate it read, for a caller that
/// need not free it: see [`crate::scan::scan_keeping_input`].
pub fn inventory_keeping_input(paths: &[String], max_file_size: u64) -> Result<(InventoryView, Estate), crate::Error> {
    let mut estate = read(paths, max_file_size);
    if estate.stats.seen == 0 {
        return Err(crate::Error::NothingToRead(paths.join(" ")));
    }
    let inv = annexa_inventory::inventory(&estate);
    let view = InventoryView {
        assets: inv.assets,
        flows: inv.flows,
        summary: estate.stats.clone(),
        diagnostics: std::mem::take(&mut estate.diagnostics),
    };
    Ok((view, estate))
}

/// Runs Graphviz on a DOT graph.
pub fn svg(dot: &str) -> Result<String, crate::Error> {
    let child =
        Command::new("dot").arg("-Tsvg").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = child.map_err(|_| crate::Error::NoGraphviz)?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(dot.as_bytes()).map_err(|e| crate::Error::Graphviz(e.to_string()))?;
    }
    let out = child.wait_with_output().map_err(|e| crate::Error::Graphviz(e.to_string()))?;
    if !out.status.success() {
        return Err(crate::Error::Graphviz(String::from_utf8_lossy(&out.stderr).trim().to_owned()));
    }
    String::from_utf8(out.stdout).map_err(|e| crate::Error::Graphviz(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_counts_in_words() {
        let one = Stats { seen: 1, recognised: 1, parsed: 1, documents: 1, objects: 1, ..Stats::default() };
        assert_eq!(
            summary_line(&one),
            "files: 1 seen, 1 parsed, 0 failed, 0 skipped · 1 document, 1 Kubernetes object\n"
        );
        let two = Stats { documents: 2, objects: 0, ..one };
        assert!(summary_line(&two).ends_with("· 2 documents, 0 Kubernetes objects\n"));
    }
}
