//! The scan's human and CI forms: the grouped terminal report, Markdown, CSV and JUnit XML.

use super::{FindingView, ScanView};
use annexa_model::Severity;
use annexa_report::{Table, markdown_cell, wrap};
use std::fmt::Write as _;

/// ANSI colours, only when asked for (a terminal, and `NO_COLOR` unset).
struct Paint(bool);

impl Paint {
    fn severity(&self, s: Severity) -> String {
        let text = format!("{:<8}", s.as_str());
        if !self.0 {
            return text;
        }
        let code = match s {
            Severity::Critical => "1;31",
            Severity::High => "31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    fn bold(&self, text: &str) -> String {
        if self.0 { format!("\x1b[1m{text}\x1b[0m") } else { text.to_owned() }
    }
}

fn counts(view: &ScanView) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| view.summary.by_severity.get(s).map(|n| format!("{n} {s}")))
        .collect();
    if parts.is_empty() {
        "no findings".to_owned()
    } else {
        format!("{} findings ({})", view.summary.findings, parts.join(", "))
    }
}

impl ScanView {
    /// The terminal report: findings grouped by file, then a per-control summary and the counts.
    pub fn to_text(&self, colour: bool) -> String {
        let paint = Paint(colour);
        let mut out = String::new();
        let mut file = None;
        for f in self.findings.iter().filter(|f| f.exempted.is_none()) {
            if file != Some(&f.location.file) {
                file = Some(&f.location.file);
                let _ = writeln!(out, "\n{}", paint.bold(&f.location.file));
            }
            let _ = writeln!(
                out,
                "  {:>4}:{:<3} {} {}  {}  [{}]",
                f.location.line,
                f.location.col,
                paint.severity(f.severity),
                f.check,
                f.message,
                f.slug
            );
            let mut detail = Vec::new();
            if let Some(r) = &f.resource {
                detail.push(r.display());
            }
            detail.push(f.controls.join(", "));
            if let Some(fix) = &f.fix {
                detail.push(format!("fix: set {} to {}", fix.pointer, fix.value));
            }
            out.push_str(&wrap(&detail.join(" · "), 110, "             "));
        }
        let exempted: Vec<&FindingView> = self.findings.iter().filter(|f| f.exempted.is_some()).collect();
        if !exempted.is_empty() {
            let _ = writeln!(out, "\n{}", paint.bold("Exempted"));
            for f in exempted {
                let e = f
                    .exempted
                    .as_ref()
                    .map(|e| format!("{} until {}: {}", e.owner, e.expires, e.reason))
                    .unwrap_or_default();
                let _ = writeln!(out, "  {}:{}  {}  {}  ({e})", f.location.file, f.location.line, f.check, f.message);
            }
        }
        let failing: Vec<_> = self.summary.controls.iter().filter(|c| c.findings > 0).collect();
        if !failing.is_empty() {
            let _ = writeln!(out, "\n{}", paint.bold("Annex A controls with findings"));
            let mut t = Table::new(["control", "title", "findings", "checks"]);
            for c in failing {
                t.push([c.control.clone(), c.title.to_owned(), c.findings.to_string(), c.failing_checks.join(" ")]);
            }
            for line in t.to_text().lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        let passing = self.summary.controls.iter().filter(|c| c.findings == 0).count();
        let _ = writeln!(
            out,
            "\n{} · {} exempted · {} checks run · {} of {} controls checked without findings",
            counts(self),
            self.summary.exempted,
            self.summary.checks_run,
            passing,
            self.summary.controls.len()
        );
        out.push_str(&crate::inventory::summary_line(&self.summary.files));
        out
    }

    /// Markdown: a findings table and the per-control summary.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "## annexa scan\n\n{} · {} exempted · {} checks run\n\n",
            counts(self),
            self.summary.exempted,
            self.summary.checks_run
        );
        if !self.findings.is_empty() {
            out.push_str("| severity | check | location | resource | finding | controls | exempted |\n| --- | --- | --- | --- | --- | --- | --- |\n");
            for f in &self.findings {
                let _ = writeln!(
                    out,
                    "| {} | {} `{}` | `{}:{}` | {} | {} | {} | {} |",
                    f.severity,
                    f.check,
                    f.slug,
                    f.location.file,
                    f.location.line,
                    markdown_cell(&f.resource.as_ref().map(|r| r.display()).unwrap_or_default()),
                    markdown_cell(&f.message),
                    f.controls.join(", "),
                    f.exempted
                        .as_ref()
                        .map(|e| markdown_cell(&format!("{}: {}", e.owner, e.reason)))
                        .unwrap_or_default()
                );
            }
        }
        out.push_str(
            "\n### Annex A controls\n\n| control | title | checks run | findings |\n| --- | --- | --- | --- |\n",
        );
        for c in &self.summary.controls {
            let _ = writeln!(out, "| {} | {} | {} | {} |", c.control, c.title, c.checks_run, c.findings);
        }
        out.push('\n');
        out.push_str(&crate::inventory::summary_line(&self.summary.files));
        out
    }

    /// CSV: one row per finding.
    pub fn to_csv(&self) -> String {
        let mut t = Table::new([
            "check",
            "slug",
            "severity",
            "file",
            "line",
            "col",
            "kind",
            "namespace",
            "name",
            "container",
            "message",
            "controls",
            "exempted",
        ]);
        for f in &self.findings {
            let r = f.resource.as_ref();
            t.push([
                f.check.to_owned(),
                f.slug.to_owned(),
                f.severity.to_string(),
                f.location.file.clone(),
                f.location.line.to_string(),
                f.location.col.to_string(),
                r.map(|r| r.kind.clone()).unwrap_or_default(),
                r.and_then(|r| r.namespace.clone()).unwrap_or_default(),
                r.map(|r| r.name.clone()).unwrap_or_default(),
                r.and_then(|r| r.container.clone()).unwrap_or_default(),
                f.message.clone(),
                f.controls.join(" "),
                f.exempted.as_ref().map(|e| e.owner.clone()).unwrap_or_default(),
            ]);
        }
        t.to_csv()
    }

    /// JUnit XML: one test suite per check, one failing test case per finding, one passing
    /// case for a check that found nothing.
    pub fn to_junit(&self) -> String {
        let open: Vec<&FindingView> = self.findings.iter().filter(|f| f.exempted.is_none()).collect();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"annexa\" tests=\"{}\" failures=\"{}\">",
            self.checks.len().max(open.len()),
            open.len()
        );
        for meta in &self.checks {
            let mine: Vec<&&FindingView> = open.iter().filter(|f| f.check == meta.id).collect();
            let skipped = self.findings.iter().filter(|f| f.check == meta.id && f.exempted.is_some()).count();
            let tests = mine.len().max(1) + skipped;
            let _ = writeln!(
                out,
                "  <testsuite name=\"{} {}\" tests=\"{tests}\" failures=\"{}\" skipped=\"{skipped}\">",
                meta.id,
                xml(meta.slug),
                mine.len()
            );
            if mine.is_empty() {
                let _ = writeln!(out, "    <testcase classname=\"{}\" name=\"{}\"/>", meta.id, xml(meta.title));
            }
            for f in mine {
                let name = format!(
                    "{}:{} {}",
                    f.location.file,
                    f.location.line,
                    f.resource.as_ref().map(|r| r.display()).unwrap_or_default()
                );
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\">",
                    meta.id,
                    xml(name.trim()),
                    xml(&f.location.file),
                    f.location.line
                );
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    f.severity,
                    xml(&f.message),
                    xml(&format!("{}\n{}", f.controls.join(", "), f.remediation))
                );
                let _ = writeln!(out, "    </testcase>");
            }
            for f in self.findings.iter().filter(|f| f.check == meta.id && f.exempted.is_some()) {
                let reason = f
                    .exempted
                    .as_ref()
                    .map(|e| format!("exempted by {} until {}: {}", e.owner, e.expires, e.reason))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}:{}\"><skipped message=\"{}\"/></testcase>",
                    meta.id,
                    xml(&f.location.file),
                    f.location.line,
                    xml(&reason)
                );
            }
            let _ = writeln!(out, "  </testsuite>");
        }
        out.push_str("</testsuites>\n");
        out
    }
}

/// Escapes text for XML attributes and content.
fn xml(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(*c as u32, 0..=8 | 11 | 12 | 14..=31))
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&apos;".to_owned(),
            other => other.to_string(),
        })
        .collect()
}
