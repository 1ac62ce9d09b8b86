//! The inventory's other faces: tables, CSV, Markdown, and the data-flow map as Graphviz DOT
//! and Mermaid, with each edge's mTLS status visible.

use crate::{Inventory, Mtls};
use annexa_report::Table;
use std::fmt::Write as _;

impl Inventory {
    /// One row per asset.
    pub fn assets_table(&self) -> Table {
        let mut t = Table::new(["kind", "namespace", "name", "location", "owner", "classification", "controls"]);
        for a in &self.assets {
            t.push([
                a.kind.as_str().to_owned(),
                a.namespace.clone().unwrap_or_else(|| "-".to_owned()),
                a.name.clone(),
                format!("{}:{}", a.location.file, a.location.line),
                a.owner.clone().unwrap_or_else(|| "-".to_owned()),
                a.classification.clone().unwrap_or_else(|| "-".to_owned()),
                a.controls.join(" "),
            ]);
        }
        t
    }

    /// One row per flow.
    pub fn flows_table(&self) -> Table {
        let mut t = Table::new(["from", "to", "mtls", "via", "location"]);
        for f in &self.flows {
            t.push([
                f.from.clone(),
                f.to.clone(),
                f.mtls.as_str().to_owned(),
                f.via.join(", "),
                format!("{}:{}", f.location.file, f.location.line),
            ]);
        }
        t
    }

    /// The terminal form: assets, then flows.
    pub fn to_text(&self) -> String {
        let mut out = format!("Assets ({})\n\n", self.assets.len());
        out.push_str(&self.assets_table().to_text());
        let _ = write!(out, "\nData flows ({})\n\n", self.flows.len());
        if !self.flows.is_empty() {
            out.push_str(&self.flows_table().to_text());
        }
        out
    }

    /// The Markdown form.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("## Assets ({})\n\n", self.assets.len());
        out.push_str(&self.assets_table().to_markdown());
        let _ = write!(out, "\n## Data flows ({})\n\n", self.flows.len());
        if !self.flows.is_empty() {
            out.push_str(&self.flows_table().to_markdown());
        }
        out
    }

    /// The assets as CSV (flows have their own table in the other formats).
    pub fn to_csv(&self) -> String {
        self.assets_table().to_csv()
    }

    /// Nodes that take part in a flow, in a stable order.
    fn nodes(&self) -> Vec<String> {
        let mut nodes: Vec<String> = self.flows.iter().flat_map(|f| [f.from.clone(), f.to.clone()]).collect();
        nodes.sort();
        nodes.dedup();
        nodes
    }

    /// The data-flow map in Graphviz DOT: edges labelled and coloured by mTLS status.
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "digraph dataflows {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
        );
        for n in self.nodes() {
            let shape = match n.split(':').next() {
                Some("data-store") => "cylinder",
                Some("third-party") => "component",
                Some("api") => "ellipse",
                _ => "box",
            };
            let _ = writeln!(
                out,
                "  {} [label={}, shape={shape}];",
                dot_id(&n),
                dot_id(n.split_once(':').map_or(&n, |(_, r)| r))
            );
        }
        for f in &self.flows {
            let (color, style) = edge_style(f.mtls);
            let _ = writeln!(
                out,
                "  {} -> {} [label={}, color={color}, fontcolor={color}, style={style}];",
                dot_id(&f.from),
                dot_id(&f.to),
                dot_id(f.mtls.as_str())
            );
        }
        out.push_str("}\n");
        out
    }

    /// The data-flow map as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        let nodes = self.nodes();
        let index = |n: &str| nodes.iter().position(|x| x == n).unwrap_or(0);
        let mut out = String::from("flowchart LR\n");
        for (i, n) in nodes.iter().enumerate() {
            let label = n.split_once(':').map_or(n.as_str(), |(_, r)| r).replace('"', "'");
            let (open, close) = match n.split(':').next() {
                Some("data-store") => ("[(", ")]"),
                Some("third-party") => ("{{", "}}"),
                Some("api") => ("([", "])"),
                _ => ("[", "]"),
            };
            let _ = writeln!(out, "  n{i}{open}\"{label}\"{close}");
        }
        for (i, f) in self.flows.iter().enumerate() {
            let arrow = if matches!(f.mtls, Mtls::Strict | Mtls::Tls) { "-->" } else { "-.->" };
            let _ = writeln!(out, "  n{} {arrow}|{}| n{}", index(&f.from), f.mtls.as_str(), index(&f.to));
            let (color, _) = edge_style(f.mtls);
            let _ = writeln!(out, "  linkStyle {i} stroke:{color}");
        }
        out
    }
}

fn edge_style(m: Mtls) -> (&'static str, &'static str) {
    match m {
        Mtls::Strict => ("darkgreen", "solid"),
        Mtls::Tls => ("steelblue", "solid"),
        Mtls::Permissive => ("orange", "dashed"),
        Mtls::Disabled | Mtls::Plaintext => ("red", "dashed"),
        Mtls::None => ("gray", "dotted"),
    }
}

/// A DOT string literal.
fn dot_id(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
