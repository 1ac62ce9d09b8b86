//! Finding the line of a field in TOML text, for problems found after parsing (the parser's
//! spans are gone once the value is typed).

/// The line (from 1) of `key` inside table `table` (`risk`, `scope.exclusions`), in the `nth`
/// table of that name (array-of-tables count from 0); the table's header line when the key is
/// not written, and 1 when neither is.
pub(crate) fn line_of(text: &str, table: &str, nth: usize, key: Option<&str>) -> u32 {
    let mut seen = 0usize;
    let mut inside = false;
    let mut header = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            let name = line.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            if inside {
                break;
            }
            if name == table {
                if seen == nth {
                    inside = true;
                    header = Some(i as u32 + 1);
                }
                seen += 1;
            }
            continue;
        }
        if inside
            && let Some(key) = key
            && let Some(rest) = line.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return i as u32 + 1;
        }
    }
    header.unwrap_or(1)
}

/// The line of the byte offset `at`.
pub(crate) fn line_at(text: &str, at: usize) -> u32 {
    text.get(..at.min(text.len())).map_or(1, |t| t.matches('\n').count() as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_in_tables_and_arrays_of_tables() {
        let text = "[risk]\nappetite = \"x\"\n\n[[scope.exclusions]]\nitem = \"a\"\n[[scope.exclusions]]\nitem = \"b\"\nrationale = \"\"\n";
        assert_eq!(line_of(text, "risk", 0, Some("appetite")), 2);
        assert_eq!(line_of(text, "scope.exclusions", 1, Some("rationale")), 8);
        assert_eq!(line_of(text, "scope.exclusions", 0, Some("rationale")), 4);
        assert_eq!(line_of(text, "cadence", 0, Some("x")), 1);
        assert_eq!(line_at("a\nb\nc", 3), 2);
    }
}
