//! The YAML fast path against saphyr's path: whenever the fast path answers, its answer is the
//! one saphyr's path gives (values, spans, lines, indexes, warnings). Checked on every YAML and
//! JSON file of the corpora and the examples, on generated block-style documents, and on one
//! hand-written case per construct and per fallback.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_load::SpanIndex;
use annexa_load::fastyaml;
use annexa_load::yaml::{Limits, Parsed, parse, saphyr_parse};
use proptest::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Every entry of a span index, in a stable order. `SpanIndex` keeps its entries private; its
/// `Debug` output lists each as `PointerHash(..): NodeSpan { .. }`, which is enough to compare
/// two indexes entry by entry without widening its API for tests.
fn span_entries(spans: &SpanIndex) -> Vec<String> {
    let debug = format!("{spans:?}");
    let mut entries: Vec<String> =
        debug.split("PointerHash(").skip(1).map(|e| e.trim_end_matches([' ', ',', '}']).to_owned()).collect();
    entries.sort();
    assert_eq!(entries.len(), spans.len(), "SpanIndex's Debug output no longer lists its entries: {debug}");
    entries
}

/// Where two results differ, if they do.
fn difference(fast: &Parsed, slow: &Parsed) -> Option<String> {
    if fast.empty != slow.empty {
        return Some(format!("empty documents: {} vs {}", fast.empty, slow.empty));
    }
    if fast.diagnostics != slow.diagnostics {
        return Some(format!("diagnostics: {:?} vs {:?}", fast.diagnostics, slow.diagnostics));
    }
    if fast.docs.len() != slow.docs.len() {
        return Some(format!("documents: {} vs {}", fast.docs.len(), slow.docs.len()));
    }
    for (f, s) in fast.docs.iter().zip(&slow.docs) {
        if (f.index, f.line) != (s.index, s.line) {
            return Some(format!("document index/line: {:?} vs {:?}", (f.index, f.line), (s.index, s.line)));
        }
        if f.value != s.value {
            return Some(format!("document {}: value {} vs {}", f.index, f.value, s.value));
        }
        if f.warnings != s.warnings {
            return Some(format!("document {}: warnings {:?} vs {:?}", f.index, f.warnings, s.warnings));
        }
        let (fs, ss) = (span_entries(&f.spans), span_entries(&s.spans));
        if fs != ss {
            let only_fast: Vec<_> = fs.iter().filter(|e| !ss.contains(e)).collect();
            let only_slow: Vec<_> = ss.iter().filter(|e| !fs.contains(e)).collect();
            return Some(format!(
                "document {}: spans only in the fast path {only_fast:?}, only in saphyr's {only_slow:?}",
                f.index
            ));
        }
    }
    None
}

/// Runs both paths: `true` when the fast path answered (and agreed), `false` when it fell
/// back. Panics on a disagreement.
fn check_with(text: &str, limits: Limits) -> bool {
    let slow = saphyr_parse(text, limits);
    match fastyaml::parse(text, limits) {
        Some(fast) => {
            if let Some(diff) = difference(&fast, &slow) {
                panic!("the fast path disagrees with saphyr's: {diff}\n--- input ---\n{text}");
            }
            true
        }
        None => false,
    }
}

fn check(text: &str) -> bool {
    check_with(text, Limits::default())
}

/// The fast path answers, and agrees.
fn fast(text: &str) -> Parsed {
    assert!(check(text), "the fast path fell back on:\n{text}");
    fastyaml::parse(text, Limits::default()).unwrap()
}

/// The fast path leaves this to saphyr.
fn falls_back(text: &str) {
    assert!(fastyaml::parse(text, Limits::default()).is_none(), "the fast path answered on:\n{text}");
}

// ---- the corpora ----

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json") {
            out.push(path);
        }
    }
}

#[derive(Default, Debug)]
struct Tally {
    files: usize,
    /// Files saphyr's path reads without an error.
    clean: usize,
    /// Of those, the ones the fast path answered.
    fast: usize,
}

fn sweep(root: &Path) -> (Tally, Tally) {
    let mut paths = Vec::new();
    files(root, &mut paths);
    let (mut yaml, mut json) = (Tally::default(), Tally::default());
    for path in paths {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        // The loader strips a UTF-8 byte-order mark before parsing; other encodings never get here.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let Ok(text) = std::str::from_utf8(bytes) else { continue };
        let tally = if path.extension().is_some_and(|e| e == "json") { &mut json } else { &mut yaml };
        tally.files += 1;
        let slow = saphyr_parse(text, Limits::default());
        let clean = !slow.diagnostics.iter().any(|d| d.severity == annexa_load::Severity::Error);
        if let Some(fast) = fastyaml::parse(text, Limits::default()) {
            if let Some(diff) = difference(&fast, &slow) {
                panic!("{}: the fast path disagrees with saphyr's: {diff}", path.display());
            }
            assert!(clean, "{}: the fast path answered a file saphyr reports errors in", path.display());
            tally.fast += 1;
        }
        if clean {
            tally.clean += 1;
        }
    }
    (yaml, json)
}

#[test]
fn the_fast_path_agrees_with_saphyr_on_every_corpus_and_example_file() {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let (yaml, json) = sweep(&examples);
    println!("examples: YAML {yaml:?}, JSON {json:?}");
    assert!(yaml.fast * 10 >= yaml.clean * 9, "the example estate is plain block YAML: {yaml:?}");

    let corpora = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if !corpora.is_dir() {
        println!("corpora not found at {}: fast-path sweep skipped", corpora.display());
        return;
    }
    let (yaml, json) = sweep(&corpora);
    println!(
        "corpora: the fast path read {} of {} YAML files saphyr reads without error ({} files in all), {} of {} JSON files",
        yaml.fast, yaml.clean, yaml.files, json.fast, json.clean
    );
    // Measured 2325 of 2358 (98.6%); what falls back is Helm templates, anchors and multi-line
    // plain scalars. The floor leaves room for new corpus files.
    assert!(yaml.fast * 100 >= yaml.clean * 95, "{yaml:?}");
}

// ---- generated documents ----

/// A small deterministic generator for the rendering choices, so that proptest only has to
/// shrink the tree and a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// Plain scalars valid in block context, chosen for the core schema's corners.
#[rustfmt::skip]
const PLAIN: &[&str] = &[
    "x", "app", "nginx:1.25", "1", "-2", "+3", "0", "-0", "0x1F", "0o17", "0xG", "1.5", "1e3", ".5", "0.", "1e", "e1",
    "99999999999999999999999", "1_000", ".inf", "-.inf", ".nan", "true", "False", "TRUE", "yes", "No", "on", "OFF", "y",
    "n", "~", "null", "NULL", "a b", "a  b", "a#b", "-x", ":x", "?x", "x]", "x,y", "http://a.b:80/c?d=e", "é ü ß",
    "日本語", "a'b", "a\"b", "100m", "128Mi", "/bin/sh", "--flag=1", "x-", "a:b", "a::b",
];

/// Plain scalars valid inside flow collections too.
#[rustfmt::skip]
const FLOW_PLAIN: &[&str] =
    &["a", "ALL", "1", "-2", "1.5", "true", "no", "~", "x y", "é", "a.b/c", "http://x", "NET_ADMIN", "a:b", "-x"];

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "a", "b", "name", "image", "app.kubernetes.io/name", "a~b", "x y", "1", "true", "null", "~", "-k", "k-", "é", "日本",
    "a#b", "yes", "spec", "a/b~c", "0x10",
];

/// Characters for quoted scalars: quotes, escapes, indicators and multi-byte ones.
#[rustfmt::skip]
const QUOTED_CHARS: &[char] = &['a', 'b', ' ', '#', ':', '\'', '"', '\\', 'é', '-', '\t', '日', '{', ',', '\u{1}', '/'];

fn quoted_text(rng: &mut Rng) -> String {
    (0..rng.below(6)).map(|_| QUOTED_CHARS[rng.below(QUOTED_CHARS.len())]).collect()
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str, rng: &mut Rng) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' if rng.one_in(2) => out.push_str("\\t"),
            '\u{1}' => out.push_str(["\\x01", "\\u0001", "\\U00000001"][rng.below(3)]),
            'é' if rng.one_in(2) => out.push_str("\\u00e9"),
            c => out.push(c),
        }
    }
    if !s.is_empty() && rng.one_in(4) {
        out.push_str(["\\n", "\\/", "\\ ", "\\N", "\\_", "\\0", "\\e"][rng.below(7)]);
    }
    out.push('"');
    out
}

fn key(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => single_quoted(&quoted_text(rng)),
        1 => double_quoted(&quoted_text(rng), rng),
        _ => rng.pick(KEYS).to_owned(),
    }
}

fn flow(rng: &mut Rng, depth: usize) -> String {
    let n = rng.below(4);
    let item = |rng: &mut Rng| -> String {
        match rng.below(6) {
            0 => single_quoted(&quoted_text(rng)),
            1 => double_quoted(&quoted_text(rng), rng),
            2 if depth < 2 => flow(rng, depth + 1),
            _ => rng.pick(FLOW_PLAIN).to_owned(),
        }
    };
    let sp = if rng.one_in(3) { " " } else { "" };
    if rng.one_in(2) {
        let items: Vec<String> = (0..n).map(|_| item(rng)).collect();
        format!("[{sp}{}{sp}]", items.join(if rng.one_in(2) { ", " } else { "," }))
    } else {
        let entries: Vec<String> = (0..n)
            .map(|_| {
                let k =
                    if rng.one_in(4) { double_quoted(&quoted_text(rng), rng) } else { rng.pick(FLOW_PLAIN).to_owned() };
                format!("{k}: {}", item(rng))
            })
            .collect();
        format!("{{{sp}{}{sp}}}", entries.join(", "))
    }
}

/// A block scalar's header and body, its body indented by `indent`.
fn block_scalar(rng: &mut Rng, indent: usize) -> String {
    #[rustfmt::skip]
    const LINES: &[&str] = &["text", "  more indented", "", "a: b", "# not a comment", "- item", "é", "x  y", "\tz", " "];
    let mut out = format!("{}{}", rng.pick(&["|", ">"]), rng.pick(&["", "-", "+"]));
    if rng.one_in(4) {
        out.push_str(" # header comment");
    }
    out.push('\n');
    let mut content = false;
    for _ in 0..rng.below(5) {
        let mut line = rng.pick(LINES);
        // A first content line that starts with a space sets a deeper indentation than the lines after it.
        if !content && line.starts_with(' ') {
            line = "text";
        }
        content |= !line.is_empty();
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
        } else if rng.one_in(2) {
            out.push_str(&" ".repeat(rng.below(indent + 1)));
        }
        out.push_str(line);
        out.push('\n');
    }
    for _ in 0..rng.below(3) {
        out.push('\n');
    }
    out
}

/// Spaces and a comment, or nothing, before a line ends.
fn trailing(rng: &mut Rng) -> &'static str {
    if rng.one_in(5) { rng.pick(&["  # note", " #", "   "]) } else { "" }
}

/// Comment and blank lines between entries, at any indentation.
fn interlude(rng: &mut Rng, out: &mut String) {
    while rng.one_in(6) {
        let pad = " ".repeat(rng.below(8));
        // Blank lines stay empty: spaces on them could set a block scalar's indentation.
        let line = rng.pick(&["# comment", "#", ""]);
        out.push_str(&format!("{}{line}\n", if line.is_empty() { "" } else { &pad }));
    }
}

/// A scalar value as written after `key: ` or `- `, ending its line (block scalars take more).
fn scalar(rng: &mut Rng, parent: usize) -> String {
    match rng.below(12) {
        0 => format!("{}{}\n", single_quoted(&quoted_text(rng)), trailing(rng)),
        1 => format!("{}{}\n", double_quoted(&quoted_text(rng), rng), trailing(rng)),
        2 => {
            let indent = parent + 1 + rng.below(3);
            block_scalar(rng, indent)
        }
        3 => format!("{}{}\n", flow(rng, 0), trailing(rng)),
        _ => format!("{}{}\n", rng.pick(PLAIN), trailing(rng)),
    }
}

/// A block mapping at column `col`; the first key goes right after `first_prefix` (empty when
/// the mapping starts its own line).
fn mapping(rng: &mut Rng, col: usize, depth: usize, out: &mut String) {
    for i in 0..1 + rng.below(4) {
        if i > 0 {
            interlude(rng, out);
            out.push_str(&" ".repeat(col));
        }
        out.push_str(&key(rng));
        if rng.one_in(10) {
            out.push_str("  ");
        }
        out.push(':');
        value_after_key(rng, col, depth, out);
    }
}

fn value_after_key(rng: &mut Rng, col: usize, depth: usize, out: &mut String) {
    let nested = depth < 4 && rng.one_in(2);
    if !nested {
        if rng.one_in(8) {
            // An empty value: null at the `:`.
            out.push_str(trailing(rng));
            out.push('\n');
        } else {
            out.push_str(if rng.one_in(10) { "   " } else { " " });
            out.push_str(&scalar(rng, col));
        }
        return;
    }
    out.push_str(trailing(rng));
    out.push('\n');
    interlude(rng, out);
    if rng.one_in(2) {
        let inner = col + 1 + rng.below(3);
        out.push_str(&" ".repeat(inner));
        mapping(rng, inner, depth + 1, out);
    } else {
        let inner = if rng.one_in(2) { col } else { col + 1 + rng.below(3) };
        out.push_str(&" ".repeat(inner));
        sequence(rng, inner, depth + 1, out);
    }
}

/// A block sequence whose first `-` has been placed at column `col` (the caller wrote the
/// indentation of the first line).
fn sequence(rng: &mut Rng, col: usize, depth: usize, out: &mut String) {
    for i in 0..1 + rng.below(4) {
        if i > 0 {
            interlude(rng, out);
            out.push_str(&" ".repeat(col));
        }
        out.push('-');
        match rng.below(if depth < 4 { 6 } else { 3 }) {
            0 => {
                // An empty entry, or one whose content starts on the next line.
                out.push_str(trailing(rng));
                out.push('\n');
                if depth < 4 && rng.one_in(2) {
                    let inner = col + 1 + rng.below(3);
                    out.push_str(&" ".repeat(inner));
                    mapping(rng, inner, depth + 1, out);
                }
            }
            1 | 2 => {
                out.push(' ');
                out.push_str(&scalar(rng, col));
            }
            3 => {
                let gap = 1 + rng.below(2);
                out.push_str(&" ".repeat(gap));
                sequence(rng, col + 1 + gap, depth + 1, out);
            }
            _ => {
                let gap = 1 + rng.below(3);
                out.push_str(&" ".repeat(gap));
                mapping(rng, col + 1 + gap, depth + 1, out);
            }
        }
    }
}

/// A stream of one to three documents, with markers, comments and empty documents.
fn stream(seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut out = String::new();
    for i in 0..1 + rng.below(3) {
        interlude(&mut rng, &mut out);
        // After `...` a document may start without `---`.
        if (i > 0 && !out.ends_with("...\n")) || rng.one_in(2) {
            out.push_str(rng.pick(&["---\n", "--- # start\n", "---  \n"]));
            interlude(&mut rng, &mut out);
        }
        if rng.one_in(8) {
            continue; // an empty document
        }
        let col = if rng.one_in(6) { 1 + rng.below(2) } else { 0 };
        out.push_str(&" ".repeat(col));
        if rng.one_in(3) {
            sequence(&mut rng, col, 0, &mut out)
        } else {
            mapping(&mut rng, col, 0, &mut out)
        }
        if rng.one_in(6) {
            out.push_str("...\n");
        }
    }
    interlude(&mut rng, &mut out);
    if rng.one_in(5) {
        // Without its final line break.
        out.pop();
    }
    out
}

/// Near misses: a few bytes of a valid document changed.
fn mutate(text: &str, edits: &[(usize, u8)]) -> String {
    #[rustfmt::skip]
    const INSERTS: &[&str] = &[" ", "  ", "\n", "-", ":", "#", "'", "\"", "\\", "[", "]", "{", "}", ",", "|", "\t", "é", "&a", "*a", "? ", "x", "---\n"];
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, what) in edits {
        if chars.is_empty() {
            break;
        }
        let at = at % chars.len();
        match what % 3 {
            0 => {
                chars.remove(at);
            }
            _ => {
                let insert = INSERTS[usize::from(what) % INSERTS.len()];
                for (k, c) in insert.chars().enumerate() {
                    chars.insert(at + k, c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_block_documents_take_the_fast_path_and_agree(seed in any::<u64>()) {
        let text = stream(seed);
        let reference = saphyr_parse(&text, Limits::default());
        // A generated stream the reference parser rejects (a block scalar line indented less
        // than its first line) is outside the subset: falling back is then the right answer.
        let valid = reference.diagnostics.iter().all(|d| d.severity != annexa_load::Severity::Error);
        prop_assert!(
            check(&text) || !valid,
            "the fast path fell back on a document of its subset (saphyr: {:?}):\n{text}",
            reference.diagnostics
        );
    }

    #[test]
    fn near_misses_agree_whenever_the_fast_path_answers(
        seed in any::<u64>(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        check(&mutate(&stream(seed), &edits));
    }

    #[test]
    fn small_limits_agree_whenever_the_fast_path_answers(seed in any::<u64>(), nodes in 0usize..40, depth in 0usize..5) {
        check_with(&stream(seed), Limits { max_nodes: nodes, max_depth: depth });
    }
}

#[test]
fn mutated_documents_agree_and_mostly_still_take_the_fast_path() {
    // A deterministic sweep (the proptest above shrinks; this one counts).
    let (mut total, mut answered) = (0usize, 0usize);
    let mut rng = Rng(0x5eed);
    for _ in 0..3000 {
        let text = stream(rng.next());
        let edits: Vec<(usize, u8)> = (0..1 + rng.below(2)).map(|_| (rng.next() as usize, rng.next() as u8)).collect();
        total += 1;
        if check(&mutate(&text, &edits)) {
            answered += 1;
        }
    }
    println!("near misses: the fast path answered {answered} of {total} (all agreeing with saphyr)");
    assert!(answered * 4 >= total, "{answered} of {total}");
}

// ---- one case per construct ----

/// `(key position, value position)` of `pointer` in document `doc`, as `(line, col)` pairs.
fn at(p: &Parsed, doc: usize, pointer: &str) -> (Option<(u32, u32)>, (u32, u32)) {
    let span = p.docs[doc].spans.get(pointer).unwrap_or_else(|| panic!("no span for {pointer}"));
    (span.key.map(|k| (k.line, k.col)), (span.value.line, span.value.col))
}

#[test]
fn block_mappings_and_sequences() {
    let p = fast(
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      image: nginx\n      args:\n      - --port\n      - \"8080\"\n",
    );
    assert_eq!(
        p.docs[0].value,
        json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "app", "image": "nginx", "args": ["--port", "8080"]}]}})
    );
    assert_eq!(at(&p, 0, ""), (None, (1, 1)));
    assert_eq!(at(&p, 0, "/spec"), (Some((3, 1)), (4, 3)));
    assert_eq!(at(&p, 0, "/spec/containers"), (Some((4, 3)), (5, 5)));
    assert_eq!(at(&p, 0, "/spec/containers/0"), (None, (5, 7)));
    assert_eq!(at(&p, 0, "/spec/containers/0/image"), (Some((6, 7)), (6, 14)));
    // An indentless sequence starts where its first entry's content does.
    assert_eq!(at(&p, 0, "/spec/containers/0/args"), (Some((7, 7)), (8, 9)));
    assert_eq!(at(&p, 0, "/spec/containers/0/args/1"), (None, (9, 9)));
    assert_eq!(p.docs[0].spans.len(), 11);
}

#[test]
fn nested_sequences_and_mappings_on_one_line() {
    let p = fast("- - a\n  - b\n-   k: 1\n    j: 2\n- -\n  - x\n");
    assert_eq!(p.docs[0].value, json!([["a", "b"], {"k": 1, "j": 2}, [null, "x"]]));
    assert_eq!(at(&p, 0, "/0"), (None, (1, 3)));
    assert_eq!(at(&p, 0, "/1"), (None, (3, 5)));
    assert_eq!(at(&p, 0, "/2/0"), (None, (5, 4)));
}

#[test]
fn empty_values_are_null_at_their_indicator() {
    let p = fast("a:\nb:   # nothing\nc:\n- \n-  # none\n-\nd: ~\n");
    assert_eq!(p.docs[0].value, json!({"a": null, "b": null, "c": [null, null, null], "d": null}));
    assert_eq!(at(&p, 0, "/a"), (Some((1, 1)), (1, 2)));
    assert_eq!(at(&p, 0, "/b"), (Some((2, 1)), (2, 2)));
    // saphyr's entry token sits after the `-`, its spaces and its comment.
    assert_eq!(at(&p, 0, "/c/0"), (None, (4, 3)));
    assert_eq!(at(&p, 0, "/c/1"), (None, (5, 10)));
    assert_eq!(at(&p, 0, "/c/2"), (None, (6, 2)));
}

#[test]
fn comments_and_blank_lines_anywhere() {
    let p = fast("# head\n\na: 1 # one\n  # deeper comment\n# shallow\nb:\n\n  # inside\n  c: 'x' # q\n");
    assert_eq!(p.docs[0].value, json!({"a": 1, "b": {"c": "x"}}));
    assert_eq!(p.docs[0].line, 3);
    assert_eq!(at(&p, 0, "/b/c"), (Some((9, 3)), (9, 6)));
}

#[test]
fn core_schema_scalars_and_yaml_11_booleans() {
    let p = fast(
        "a: 1\nb: -2\nc: 0x1F\nd: 1.5\ne: ~\nf: \"1\"\ng: true\nh: 1e3\ni: .inf\nj: 0o17\nk: 99999999999999999999999\nl: '0x10'\nm: NULL\nn: False\n",
    );
    assert_eq!(
        p.docs[0].value,
        json!({"a":1,"b":-2,"c":31,"d":1.5,"e":null,"f":"1","g":true,"h":1000.0,"i":".inf","j":15,"k":"99999999999999999999999","l":"0x10","m":null,"n":false})
    );
    let p = fast("yes: on\nlist: [y, 'no', off]\nflow: {k: No}\n\"on\": 'off'\n");
    assert_eq!(p.docs[0].value, json!({"yes": "on", "list": ["y", "no", "off"], "flow": {"k": "No"}, "on": "off"}));
    let warned: Vec<(u32, u32)> = p.docs[0].warnings.iter().map(|w| (w.pos.line, w.pos.col)).collect();
    // Values only, plain only: never keys, never quoted scalars.
    assert_eq!(warned, [(1, 6), (2, 8), (2, 17), (3, 11)]);
    assert!(p.docs[0].warnings.iter().all(|w| w.code == annexa_load::Code::YamlBoolean11 && w.help.is_some()));
}

#[test]
fn quoted_scalars_with_escapes() {
    let p = fast(
        "a: 'it''s # not a comment'\nb: \"tab\\there \\\"q\\\" \\\\ \\x41\\u00e9\\U0001F600 \\/\\N\\_\\0\"\n'k: 1': \"v\"\n\"\": ''\n",
    );
    assert_eq!(
        p.docs[0].value,
        json!({"a": "it's # not a comment", "b": "tab\there \"q\" \\ Aé😀 /\u{85}\u{a0}\u{0}", "k: 1": "v", "": ""})
    );
    assert_eq!(at(&p, 0, "/k: 1"), (Some((3, 1)), (3, 9)));
}

#[test]
fn block_scalars_with_every_chomping() {
    let text = "lit: |\n  one\n    two\n\n  three\n\nstrip: |-\n  x\n\nkeep: |+\n  x\n\n\nfold: >\n  a\n  b\n\n  c\n   d\n  e\nfolds: >-\n  a\n  b\nfoldk: >+\n  a\n\nempty: |\nlast: |\n  z";
    let p = fast(text);
    assert_eq!(
        p.docs[0].value,
        json!({
            "lit": "one\n  two\n\nthree\n",
            "strip": "x",
            "keep": "x\n\n\n",
            "fold": "a b\nc\n d\ne\n",
            "folds": "a b",
            "foldk": "a\n\n",
            "empty": "",
            "last": "z\n",
        })
    );
    // The scalar's position is where its content starts, or where the next token is when it
    // has none; at the end of the stream with nothing after the header, the indicator.
    assert_eq!(at(&p, 0, "/lit"), (Some((1, 1)), (2, 3)));
    assert_eq!(at(&p, 0, "/empty"), (Some((27, 1)), (28, 1)));
    let p = fast("a: |+\n");
    assert_eq!(p.docs[0].value, json!({"a": ""}));
    assert_eq!(at(&p, 0, "/a"), (Some((1, 1)), (1, 4)));
    let p = fast("- >\n   indented more\n  # inside? no: less indented, a comment\n- |\n    # a line of text\n");
    assert_eq!(p.docs[0].value, json!(["indented more\n", "# a line of text\n"]));
}

#[test]
fn one_line_flow_collections() {
    let p = fast(
        "a: {}\nb: []\nc: [ALL]\nd: {name: c, image: x}\ne: [\"q, r\", 'it''s', {k: [1, 2]}, []]\nf: [ a b , c ] # done\n",
    );
    assert_eq!(
        p.docs[0].value,
        json!({"a": {}, "b": [], "c": ["ALL"], "d": {"name": "c", "image": "x"}, "e": ["q, r", "it's", {"k": [1, 2]}, []], "f": ["a b", "c"]})
    );
    assert_eq!(at(&p, 0, "/d"), (Some((4, 1)), (4, 4)));
    assert_eq!(at(&p, 0, "/d/image"), (Some((4, 14)), (4, 21)));
    assert_eq!(at(&p, 0, "/e/2/k/1"), (None, (5, 30)));
    assert_eq!(at(&p, 0, "/f/0"), (None, (6, 6)));
}

#[test]
fn duplicate_keys_warn_and_the_later_value_wins() {
    let p = fast("a: 1\nb: {x: 1, x: 2}\na:\n  c: 3\n");
    assert_eq!(p.docs[0].value, json!({"a": {"c": 3}, "b": {"x": 2}}));
    let dups: Vec<(u32, u32)> = p.docs[0]
        .warnings
        .iter()
        .filter(|w| w.code == annexa_load::Code::YamlDuplicateKey)
        .map(|w| (w.pos.line, w.pos.col))
        .collect();
    assert_eq!(dups, [(2, 11), (3, 1)]);
    assert_eq!(at(&p, 0, "/a"), (Some((3, 1)), (4, 3)));
}

#[test]
fn documents_markers_indexes_and_lines() {
    let p = fast("# lead\n---\n---\na: 1\n...\n# between\nb: 2\n--- # next\n\n- x\n---\n");
    let got: Vec<(usize, u32, serde_json::Value)> =
        p.docs.iter().map(|d| (d.index, d.line, d.value.to_json())).collect();
    assert_eq!(got, [(1, 4, json!({"a": 1})), (2, 7, json!({"b": 2})), (3, 10, json!(["x"]))]);
    assert_eq!(p.empty, 2);
    for text in ["", "\n", "# only a comment\n", "...\n"] {
        let p = fast(text);
        assert!(p.docs.is_empty() && p.empty == 0, "{text:?}");
    }
    let p = fast("  a: 1\n  b: 2\n");
    assert_eq!((p.docs[0].line, at(&p, 0, "")), (1, (None, (1, 3))));
}

#[test]
fn columns_count_characters() {
    let p = fast("名前: 値\nü: [é, x]\n");
    assert_eq!(at(&p, 0, "/名前"), (Some((1, 1)), (1, 5)));
    assert_eq!(at(&p, 0, "/ü/1"), (None, (2, 8)));
    let p = fast("- é: 1 # ü\n- # ö\n");
    assert_eq!(at(&p, 0, "/1"), (None, (2, 6)));
}

#[test]
fn keys_are_taken_as_written() {
    let p = fast("1: a\ntrue: b\nnull: c\n~: d\n\"x y\"  : e\nk  : f\n-k: g\n:x: h\na:b: i\n");
    assert_eq!(
        p.docs[0].value,
        json!({"1": "a", "true": "b", "null": "c", "~": "d", "x y": "e", "k": "f", "-k": "g", ":x": "h", "a:b": "i"})
    );
    assert!(p.docs[0].warnings.is_empty());
}

#[test]
fn the_public_parse_takes_the_fast_path_and_keeps_its_answers() {
    let text =
        "a: 1\n---\nkind: Pod\nspec:\n  containers:\n  - name: app\n    securityContext:\n      privileged: true\n";
    assert!(check(text));
    let p = parse(text, Limits::default());
    assert_eq!(
        p.docs[1].spans.locate("/spec/containers/0/securityContext/privileged").map(|p| (p.line, p.col)),
        Some((8, 7))
    );
}

// ---- one case per fallback ----

#[test]
fn anything_outside_the_subset_falls_back() {
    let cases = [
        ("an anchor", "a: &x 1\n"),
        ("an alias", "a: 1\nb: *x\n"),
        ("a tag", "a: !!str 1\n"),
        ("a local tag", "a: !t 1\n"),
        ("a directive", "%YAML 1.2\n---\na: 1\n"),
        ("a complex key", "? a\n: 1\n"),
        ("a merge key", "b: {x: 1}\na:\n  <<: {y: 2}\n"),
        ("a merge key in flow", "a: {<<: {y: 2}}\n"),
        ("a tab in indentation", "a:\n\tb: 1\n"),
        ("a tab after a key", "a:\t1\n"),
        ("a tab in a plain scalar", "a: x\ty\n"),
        ("a multi-line flow sequence", "a: [1,\n  2]\n"),
        ("a multi-line flow mapping", "{\n  \"a\": 1\n}\n"),
        ("a multi-line plain scalar", "a: one\n  two\n"),
        ("a multi-line plain sequence entry", "- one\n  two\n"),
        ("a multi-line single-quoted scalar", "a: 'one\n  two'\n"),
        ("a multi-line double-quoted scalar", "a: \"one\\\n  two\"\n"),
        ("an indentation indicator", "a: |2\n   x\n"),
        ("a trailing comma", "a: [1, 2,]\n"),
        ("an implicit mapping in a flow sequence", "a: [b: c]\n"),
        ("a key without a value in flow", "a: {b}\n"),
        ("a root scalar", "just text\n"),
        ("a root flow collection", "[1, 2]\n"),
        ("a scalar on the line after its key", "a:\n  text\n"),
        ("CRLF line breaks", "a: 1\r\nb: 2\r\n"),
        ("a byte-order mark", "a: 1\n\u{feff}---\nb: 2\n"),
        ("content after a document marker", "--- a: 1\n"),
        ("bad indentation", "a: 1\n  b: 2\n"),
        ("a mapping in a value", "a: b: c\n"),
        ("a sequence in a value", "a: - b\n"),
        ("an unterminated quote", "a: 'x\n"),
        ("an unknown escape", "a: \"\\q\"\n"),
        ("a comment without a space", "a: 'x'#c\n"),
        ("a sibling after a document without a marker", "- a\nb: 1\n"),
        ("a reserved indicator", "a: @x\n"),
        ("a key of more than a thousand bytes", &format!("{}: 1\n", "k".repeat(1001))),
    ];
    for (what, text) in cases {
        assert!(fastyaml::parse(text, Limits::default()).is_none(), "{what}: the fast path answered on {text:?}");
        // And the public entry point still reads it, through saphyr.
        let (public, slow) = (parse(text, Limits::default()), saphyr_parse(text, Limits::default()));
        assert_eq!(difference(&public, &slow), None, "{what}");
    }
    // A key just under saphyr's limit is still read.
    fast(&format!("{}: 1\n", "k".repeat(900)));
}

#[test]
fn the_limits_are_left_to_saphyr() {
    let deep = "a:\n  b:\n    c:\n      d: 1\n";
    assert!(fastyaml::parse(deep, Limits { max_nodes: 100, max_depth: 3 }).is_none());
    assert!(check_with(deep, Limits { max_nodes: 100, max_depth: 4 }));
    assert!(fastyaml::parse(deep, Limits { max_nodes: 4, max_depth: 10 }).is_none());
    assert!(check_with(deep, Limits { max_nodes: 5, max_depth: 10 }));
    // Deeper than this reader recurses, whatever the limits allow.
    let deeper: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    assert!(fastyaml::parse(&deeper, Limits { max_nodes: 10_000, max_depth: 1_000 }).is_none());
    falls_back(&deeper);
}
