//! The JSON form of a scan, rendered on every core.
//!
//! A large scan's JSON runs to tens of megabytes, and rendering it on one thread took a fifth of
//! the run's wall time. The findings are rendered in parallel, a window at a time (so memory stays
//! bounded), and spliced into the rest of the document: the bytes are exactly those
//! `serde_json::to_writer_pretty` writes for the whole [`ScanView`].

use super::{FindingView, ScanView};
use annexa_load::Diagnostic;
use rayon::prelude::*;
use std::io::Write;

/// Findings rendered per parallel task, and per window written before the next is rendered.
const CHUNK: usize = 128;
const WINDOW: usize = 32 * CHUNK;

/// Everything of a [`ScanView`] but its findings, with the same fields in the same order.
#[derive(serde::Serialize)]
struct Rest<'a> {
    findings: &'a [FindingView],
    summary: &'a super::Summary,
    diagnostics: &'a [Diagnostic],
}

/// What opens the document before its findings: `{` and the findings field.
const OPEN: &[u8] = b"{\n  \"findings\": [";

impl ScanView {
    /// Writes the JSON form, pretty-printed.
    pub fn write_json<W: Write>(&self, out: &mut W) -> serde_json::Result<()> {
        let mut rest = Vec::new();
        serde_json::to_writer_pretty(
            &mut rest,
            &Rest { findings: &[], summary: &self.summary, diagnostics: &self.diagnostics },
        )?;
        // With no findings the field is `[]`; the rest follows it.
        let tail = rest.get(OPEN.len() + 1..).filter(|_| rest.starts_with(OPEN)).ok_or_else(|| {
            serde_json::Error::io(std::io::Error::other("the scan's JSON does not open with its findings"))
        })?;
        if self.findings.is_empty() {
            return out.write_all(&rest).map_err(serde_json::Error::io);
        }
        out.write_all(OPEN).map_err(serde_json::Error::io)?;
        let mut first = true;
        for window in self.findings.chunks(WINDOW) {
            let rendered: Vec<Vec<u8>> = window.par_chunks(CHUNK).map(render).collect::<serde_json::Result<_>>()?;
            for chunk in rendered {
                out.write_all(if first { b"\n    " } else { b",\n    " }).map_err(serde_json::Error::io)?;
                out.write_all(&chunk).map_err(serde_json::Error::io)?;
                first = false;
            }
        }
        out.write_all(b"\n  ]").map_err(serde_json::Error::io)?;
        out.write_all(tail).map_err(serde_json::Error::io)
    }
}

/// Findings as they sit in the document: two levels deep, joined by `,` and a new line.
fn render(findings: &[FindingView]) -> serde_json::Result<Vec<u8>> {
    // A finding takes about 1.2 KB of JSON: room for 1.5 KB each spares most chunks a copy
    // into a buffer twice the size.
    let mut out = Vec::with_capacity(findings.len() * 1536);
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n    ");
        }
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested { depth: 2, has_value: false });
        serde::Serialize::serialize(f, &mut ser)?;
    }
    Ok(out)
}

/// `serde_json`'s pretty printer (two spaces a level) starting `depth` levels in, so that a
/// finding is written at its place in the document in one pass. Each method is the pretty
/// printer's own; the tests hold the output to it byte for byte.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: ?Sized + Write>(&self, out: &mut W, first: bool) -> std::io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        (0..self.depth).try_for_each(|_| out.write_all(b"  "))
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            (0..self.depth).try_for_each(|_| out.write_all(b"  "))?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.line(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> std::io::Result<()> {
        self.line(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> std::io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ScanOptions, ScanView, scan};

    fn scan_of(paths: Vec<String>) -> ScanView {
        scan(&ScanOptions { paths, max_file_size: 10 << 20, ..ScanOptions::default() }).unwrap()
    }

    fn same_bytes(view: &ScanView) {
        let mut fast = Vec::new();
        view.write_json(&mut fast).unwrap();
        let plain = serde_json::to_vec_pretty(view).unwrap();
        assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(plain).unwrap());
    }

    /// The parallel form is byte for byte the serde form, over more findings than one window.
    #[test]
    fn matches_serde_json() {
        let dir = tempfile::tempdir().unwrap();
        let pod = |i: usize| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  namespace: \"ns-ü\"\nspec:\n  containers:\n    - name: app\n      image: \"nginx\\t\"\n      securityContext: {{privileged: true}}\n---\n"
            )
        };
        let text: String = (0..1500).map(pod).collect();
        std::fs::write(dir.path().join("pods.yaml"), text).unwrap();
        std::fs::write(dir.path().join("bad.yaml"), "a: [\n").unwrap();
        let view = scan_of(vec![dir.path().display().to_string()]);
        assert!(view.findings.len() > super::WINDOW, "{} findings", view.findings.len());
        assert!(!view.diagnostics.is_empty());
        same_bytes(&view);
    }

    /// The example estate reaches most kinds of finding: fixes with nested values, empty and
    /// full lists, resources with and without a namespace, and diagnostics.
    #[test]
    fn matches_serde_json_on_the_example_estate() {
        let estate = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/estate");
        let view = scan_of(vec![estate.display().to_string()]);
        assert!(view.findings.iter().any(|f| f.fix.is_some()), "no finding with a fix");
        assert!(view.findings.iter().any(|f| f.strategies.is_empty()), "no finding without strategies");
        assert!(view.findings.iter().any(|f| f.resource.as_ref().is_some_and(|r| r.namespace.is_none())));
        same_bytes(&view);
    }

    /// With no findings the document is the serde form too.
    #[test]
    fn matches_serde_json_without_findings() {
        let dir = tempfile::tempdir().unwrap();
        // A namespace with its default-deny policy: nothing to report.
        let quiet = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: quiet\n---\napiVersion: networking.k8s.io/v1\n\
                     kind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: quiet\nspec:\n  podSelector: {}\n";
        std::fs::write(dir.path().join("quiet.yaml"), quiet).unwrap();
        let view = scan_of(vec![dir.path().display().to_string()]);
        assert!(view.findings.is_empty(), "{:?}", view.findings.iter().map(|f| f.check).collect::<Vec<_>>());
        same_bytes(&view);
    }
}
