//! The YAML fast path against saphyr's path: whenever the fast path answers, it gives the same
//! documents, spans, warnings and counts. Half the inputs are raw text; the other half are
//! assembled from YAML fragments so that most of them stay close to what the fast path reads.
#![no_main]
use annexa_load::yaml::{Limits, Parsed};
use libfuzzer_sys::fuzz_target;

/// Pieces of lines: indicators, keys, scalars of every style and the near misses around them.
#[rustfmt::skip]
const FRAGMENTS: &[&str] = &[
    "- ", "-", "a: ", "a:", "b: ", "key: ", "\"q k\": ", "'s': ", "? ", ": ", "x", "1", "-2", "0x1F", "0o17", "1.5",
    "1e3", ".inf", "~", "null", "true", "False", "yes", "off", "y", "x y", "é ü", "\"a\\tb\\u00e9\"", "'it''s'",
    "\"\\x41\\U0001F600\"", "\"bad\\q\"", "\"open", "'", "\"", "|", "|-", "|+", ">", ">-", ">+", "|2", "[a, b]", "[]",
    "{}", "{a: 1, b: [x, 'y']}", "[a, {b: c}]", "[", "]", "{", "}", ",", "# c", " # c", "#", "---", "...", "--- ",
    "&a ", "*a", "!t ", "<<: ", "%YAML 1.2", "\t", " ", "  ", ":", "a:b", "a #b", "text", "http://x:80/p", "'\"'",
    "[a,]", "{a}", "[a: b]", "- - ", "- a: ", "\"\\\n", "ABC", "-x", "?x", ":x", "@", "`",
];

/// Builds YAML-like text from bytes: each line takes an indentation and one to three fragments.
fn assemble(data: &[u8]) -> String {
    let mut text = String::new();
    let mut bytes = data.iter().copied();
    while let Some(head) = bytes.next() {
        text.push_str(&" ".repeat(usize::from(head & 7)));
        for _ in 0..=(head >> 3) % 3 {
            let Some(b) = bytes.next() else { break };
            text.push_str(FRAGMENTS[usize::from(b) % FRAGMENTS.len()]);
        }
        if head & 0x80 == 0 || bytes.len() > 0 {
            text.push('\n');
        }
    }
    text
}

fn span_entries(spans: &annexa_load::SpanIndex) -> Vec<String> {
    let debug = format!("{spans:?}");
    let mut entries: Vec<String> =
        debug.split("PointerHash(").skip(1).map(|e| e.trim_end_matches([' ', ',', '}']).to_owned()).collect();
    entries.sort();
    assert_eq!(entries.len(), spans.len(), "SpanIndex's Debug output no longer lists its entries");
    entries
}

fn assert_same(fast: &Parsed, slow: &Parsed, text: &str) {
    assert_eq!(fast.empty, slow.empty, "empty documents\n{text}");
    assert_eq!(fast.diagnostics, slow.diagnostics, "diagnostics\n{text}");
    assert_eq!(fast.docs.len(), slow.docs.len(), "documents\n{text}");
    for (f, s) in fast.docs.iter().zip(&slow.docs) {
        assert_eq!((f.index, f.line), (s.index, s.line), "document index and line\n{text}");
        assert_eq!(f.value, s.value, "value\n{text}");
        assert_eq!(f.warnings, s.warnings, "warnings\n{text}");
        assert_eq!(span_entries(&f.spans), span_entries(&s.spans), "spans\n{text}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let text = if mode & 1 == 0 { String::from_utf8_lossy(rest).into_owned() } else { assemble(rest) };
    // Small limits now and then, so that giving up at them is exercised too.
    let limits = match mode >> 1 & 3 {
        0 => Limits { max_nodes: 5, max_depth: 2 },
        1 => Limits { max_nodes: 30, max_depth: 4 },
        _ => Limits { max_nodes: 100_000, max_depth: 200 },
    };
    if let Some(fast) = annexa_load::fastyaml::parse(&text, limits) {
        assert_same(&fast, &annexa_load::yaml::saphyr_parse(&text, limits), &text);
    }
});
