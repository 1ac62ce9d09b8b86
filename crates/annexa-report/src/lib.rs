//! Renderers shared by every command: a table in three forms (terminal, Markdown, CSV) and
//! text wrapping for detail views. JSON is serde's job and lives with the views.
//!
//! Output is deterministic: no terminal probing, no timestamps.

use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// A table of text cells, the one shape every list output goes through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers and no rows.
    pub fn new<I, S>(headers: I) -> Table
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Table { headers: headers.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    /// Appends a row; missing cells are empty and extra cells are dropped, so a row can never
    /// shift the columns of the rows after it.
    pub fn push<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut row: Vec<String> = cells.into_iter().map(Into::into).take(self.headers.len()).collect();
        row.resize(self.headers.len(), String::new());
        self.rows.push(row);
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Columns padded to their widest cell, two spaces apart, a rule under the header. The
    /// last column is not padded, so lines carry no trailing spaces.
    pub fn to_text(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|i| {
                std::iter::once(&self.headers[i])
                    .chain(self.rows.iter().map(|r| &r[i]))
                    .map(|c| one_line(c).width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        let line = |out: &mut String, cells: &[String]| {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let cell = one_line(cell);
                text.push_str(&cell);
                if i + 1 < cells.len() {
                    text.push_str(&" ".repeat(widths[i].saturating_sub(cell.width()) + 2));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&mut out, &self.headers);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&mut out, &rule);
        for row in &self.rows {
            line(&mut out, row);
        }
        out
    }

    /// A GitHub-flavoured Markdown table; `|` and line breaks inside cells are escaped.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let row = |out: &mut String, cells: &[String]| {
            let cells: Vec<String> = cells.iter().map(|c| markdown_cell(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        };
        row(&mut out, &self.headers);
        let _ = writeln!(out, "|{}|", vec![" --- "; self.headers.len()].join("|"));
        for r in &self.rows {
            row(&mut out, r);
        }
        out
    }

    /// RFC 4180 CSV with a header row.
    pub fn to_csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        // Writing to a Vec cannot fail for IO reasons, and every row has the header's length.
        let _ = writer.write_record(&self.headers);
        for row in &self.rows {
            let _ = writer.write_record(row);
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

fn one_line(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.contains(['\n', '\r', '\t']) { cell.replace(['\n', '\r', '\t'], " ").into() } else { cell.into() }
}

/// Escapes a cell for a Markdown table.
pub fn markdown_cell(cell: &str) -> String {
    one_line(cell).replace('\\', "\\\\").replace('|', "\\|")
}

/// Wraps `text` at `width` columns, each line starting with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.width() + line.width() + 1 + word.width() > width {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(["id", "title"]);
        t.push(["A.5.1", "Policies for information security"]);
        t.push(["A.8.13", "Information backup | restore"]);
        t.push(["X"]);
        t
    }

    #[test]
    fn text_aligns_columns_without_trailing_spaces() {
        assert_eq!(
            sample().to_text(),
            "id      title\n------  ---------------------------------\nA.5.1   Policies for information security\nA.8.13  Information backup | restore\nX\n"
        );
    }

    #[test]
    fn markdown_escapes_pipes() {
        let md = sample().to_markdown();
        assert!(md.contains("| A.8.13 | Information backup \\| restore |"), "{md}");
        assert!(md.starts_with("| id | title |\n| --- | --- |\n"));
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let mut t = Table::new(["id", "title"]);
        t.push(["5.22", "Monitoring, review and change management of supplier services"]);
        t.push(["x", "say \"hi\""]);
        assert_eq!(
            t.to_csv(),
            "id,title\n5.22,\"Monitoring, review and change management of supplier services\"\nx,\"say \"\"hi\"\"\"\n"
        );
    }

    #[test]
    fn wrap_keeps_words_whole_and_indents() {
        let text = "one two three four five six seven";
        assert_eq!(wrap(text, 14, "  "), "  one two\n  three four\n  five six\n  seven\n");
        assert_eq!(wrap("", 10, "  "), "");
    }

    #[test]
    fn cells_never_break_lines() {
        let mut t = Table::new(["a"]);
        t.push(["x\ny"]);
        assert_eq!(t.to_text().lines().count(), 3);
        assert_eq!(t.len(), 1);
    }
}
