//! Reading YAML registers row by row, so that a type error names its file, line and field and
//! one bad row does not hide the others.

use crate::Problem;
use annexa_load::SpanIndex;
use annexa_load::yaml::{Limits, parse};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A YAML document with its span index.
pub(crate) struct Doc {
    pub(crate) value: Value,
    pub(crate) spans: SpanIndex,
}

impl Doc {
    /// The line of a JSON pointer (or its nearest ancestor).
    pub(crate) fn line(&self, pointer: &str) -> u32 {
        self.spans.locate(pointer).map_or(1, |p| p.line)
    }
}

/// Parses one YAML document; an empty file is an empty mapping.
pub(crate) fn read(text: &str, file: &str) -> Result<Doc, Vec<Problem>> {
    let parsed = parse(text, Limits::default());
    let errors: Vec<Problem> = parsed
        .diagnostics
        .iter()
        .chain(parsed.docs.iter().flat_map(|d| &d.warnings))
        .filter(|d| d.severity == annexa_load::Severity::Error)
        .map(|d| {
            let p = Problem::error(file, d.pos.line, "", d.message.clone());
            match &d.help {
                Some(h) => p.with_help(h.clone()),
                None => p,
            }
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    match parsed.docs.into_iter().next() {
        Some(d) => Ok(Doc { value: d.value.into(), spans: d.spans }),
        None => Ok(Doc { value: Value::Object(serde_json::Map::new()), spans: SpanIndex::default() }),
    }
}

/// One row of a register, with the pointer and line it was read from.
#[derive(Clone, Debug)]
pub(crate) struct Row<T> {
    pub(crate) value: T,
    pub(crate) pointer: String,
    pub(crate) line: u32,
}

/// Reads `doc[key]` as a list of `T`; rows that do not fit are problems, the others are read.
pub(crate) fn rows<T: DeserializeOwned>(doc: &Doc, key: &str, file: &str) -> (Vec<Row<T>>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let list = match &doc.value {
        Value::Object(m) => match m.get(key) {
            None | Some(Value::Null) => return (out, problems),
            Some(Value::Array(list)) => list,
            Some(_) => {
                problems.push(
                    Problem::error(file, doc.line(&format!("/{key}")), key, format!("`{key}` must be a list"))
                        .with_help(format!("write `{key}:` followed by items starting with `- `")),
                );
                return (out, problems);
            }
        },
        Value::Null => return (out, problems),
        _ => {
            problems.push(
                Problem::error(file, 1, "", "the file must be a mapping")
                    .with_help(format!("start the file with `{key}:`")),
            );
            return (out, problems);
        }
    };
    for (i, item) in list.iter().enumerate() {
        let pointer = format!("/{key}/{i}");
        match serde_path_to_error::deserialize::<_, T>(item) {
            Ok(value) => out.push(Row { value, line: doc.line(&pointer), pointer }),
            Err(e) => {
                let mut path: Vec<String> = e
                    .path()
                    .iter()
                    .filter_map(|s| match s {
                        serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                        serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                        _ => None,
                    })
                    .collect();
                let message = e.inner().to_string();
                // An unknown key's error names the key only in the message.
                if let Some(name) = message.strip_prefix("unknown field `").and_then(|m| m.split('`').next())
                    && path.last().map(String::as_str) != Some(name)
                {
                    path.push(name.to_owned());
                }
                let mut at = pointer.clone();
                for p in &path {
                    annexa_load::span::push_token(&mut at, p);
                }
                let field = std::iter::once(format!("{key}[{i}]"))
                    .chain(
                        path.iter()
                            .map(|p| if p.parse::<usize>().is_ok() { format!("[{p}]") } else { format!(".{p}") }),
                    )
                    .collect::<String>();
                problems.push(
                    Problem::error(file, doc.line(&at), field, message)
                        .with_help(format!("see the comments at the top of `{file}` for the fields a row has")),
                );
            }
        }
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        #[allow(dead_code, reason = "read only to be validated")]
        id: String,
        #[allow(dead_code, reason = "read only to be validated")]
        n: u32,
    }

    #[test]
    fn bad_rows_name_line_and_field_and_good_rows_are_kept() {
        let text = "items:\n  - id: a\n    n: 1\n  - id: b\n    n: many\n  - id: c\n    n: 2\n    extra: x\n";
        let doc = read(text, "r.yaml").unwrap();
        let (rows, problems) = rows::<Item>(&doc, "items", "r.yaml");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(problems.len(), 2);
        assert_eq!((problems[0].line, problems[0].field.as_str()), (5, "items[1].n"));
        assert_eq!((problems[1].line, problems[1].field.as_str()), (8, "items[2].extra"));
    }

    #[test]
    fn syntax_errors_carry_the_line() {
        let e = read("items:\n  - id: [\n", "r.yaml").err().unwrap_or_default();
        assert!(!e.is_empty() && e[0].line >= 2, "{e:?}");
    }
}
