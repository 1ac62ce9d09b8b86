//! YAML 1.2 (and so JSON) streams → one [`Value`] tree per document plus a span index.
//!
//! Built straight from saphyr-parser's events, without an intermediate node tree. The events
//! come from a state machine with an explicit stack, and this builder keeps its own stack too,
//! so no input can exhaust the call stack. The guarantees a hostile file needs are enforced
//! here: a node budget that stops alias bombs, a nesting limit, duplicate keys reported, and a
//! parse error that loses only the document it is in, never the documents after it.

use crate::diag::{Code, Diagnostic};
use crate::span::{NodeSpan, PointerHash, Pos, SpanBuilder, SpanIndex};
use crate::tree::{MapBuilder, Number, Value};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span};

/// Bounds on what one document may cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The most nodes a document may have once aliases are expanded.
    pub max_nodes: usize,
    /// The deepest nesting of mappings and sequences.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        // Real manifests stay far below both: a large CRD has ~50k nodes and depth ~30.
        Limits { max_nodes: 1_000_000, max_depth: 200 }
    }
}

/// One document of a YAML stream.
#[derive(Clone, Debug)]
pub struct YamlDoc {
    /// Position in the stream, from 0 (empty documents included, so it matches what a
    /// person counts between `---` markers).
    pub index: usize,
    /// The document's value.
    pub value: Value,
    /// Positions of its nodes.
    pub spans: SpanIndex,
    /// Line of the document's first node.
    pub line: u32,
    /// Warnings about this document (duplicate keys, YAML 1.1 booleans...), without a file.
    pub warnings: Vec<Diagnostic>,
}

/// The documents of a stream and what went wrong reading it.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The documents that could be read, in order.
    pub docs: Vec<YamlDoc>,
    /// Errors and warnings, without a file (the caller adds it).
    pub diagnostics: Vec<Diagnostic>,
    /// Documents that were empty.
    pub empty: usize,
}

/// Parses a whole stream. Never panics on any input and always returns every document it
/// could read: after a syntax error the rest of the stream is re-read from the next `---`.
pub fn parse(text: &str, limits: Limits) -> Parsed {
    // Most manifests are plain block YAML, which the fast path reads several times faster; it
    // gives up on anything else, with nothing to undo, and saphyr's path reads it instead.
    if let Some(parsed) = crate::fastyaml::parse(text, limits) {
        return parsed;
    }
    saphyr_parse(text, limits)
}

/// [`parse`] without the fast path: the stream read by saphyr-parser alone. Public so that the
/// tests and the fuzzer can hold the fast path to the same answers.
pub fn saphyr_parse(text: &str, limits: Limits) -> Parsed {
    let mut out = Parsed::default();
    let mut from_line = 0usize; // 0-based line where the current chunk starts
    let mut doc_base = 0usize;
    // The text once a quoted scalar has been re-indented (see `reindent_quoted`); the same lines.
    let mut repaired: Option<String> = None;
    let mut repairs = 0usize;
    loop {
        let current = repaired.as_deref().unwrap_or(text);
        let chunk = line_offset(current, from_line);
        let mut chunk_diagnostics = Vec::new();
        let (docs, empty, error) =
            parse_chunk(&current[chunk..], from_line as u32, doc_base, limits, &mut chunk_diagnostics);
        if let Some((at, message)) = &error
            && message == QUOTED_INDENTATION
            && repairs < MAX_REPAIRS
            && let Some(fixed) =
                reindent_quoted(current, at.line.saturating_sub(1) as usize, at.col.saturating_sub(1) as usize)
        {
            // Read the chunk again, repaired; what it gave so far is read again with it.
            out.diagnostics.push(
                Diagnostic::warning(
                    Code::YamlSyntax,
                    *at,
                    "quoted scalar goes on at lines less indented than the block it is in".to_owned(),
                )
                .with_help(
                    "YAML wants those lines indented; kubectl reads them anyway, and so does annexa: indent them \
                     to be portable",
                ),
            );
            repaired = Some(fixed);
            repairs += 1;
            continue;
        }
        out.diagnostics.append(&mut chunk_diagnostics);
        doc_base += docs.len() + empty;
        out.empty += empty;
        out.docs.extend(docs);
        let Some((line, message)) = error else { break };
        out.diagnostics.push(Diagnostic::error(Code::YamlSyntax, line, message));
        // Resume at the next document marker after the start of the broken chunk (the error
        // may be reported on that marker itself), so one broken document does not take the
        // rest of the file with it.
        let search_from = (line.line as usize).saturating_sub(1).max(from_line + 1);
        match next_document_marker(current, search_from) {
            Some(next) => {
                from_line = next;
                doc_base += 1;
            }
            None => break,
        }
    }
    out
}

/// saphyr's message for a quoted scalar whose lines go on left of the block holding it.
const QUOTED_INDENTATION: &str = "invalid YAML: invalid indentation in quoted scalar";

/// Re-indented quoted scalars per stream at most: each repair parses the chunk again, so a
/// hostile file full of them cannot make a stream quadratic for long.
const MAX_REPAIRS: usize = 16;

/// `text` with the continuation lines of the quoted scalar that opens at 0-based `line` and
/// character `col` indented as far as its opening quote, or `None` when there is no such
/// scalar or nothing to change. The YAML spec wants those lines indented further than the
/// block that holds the scalar, and saphyr holds to that; libyaml, PyYAML and the Go library
/// kubectl reads manifests with do not, and manifests in the wild rely on it (the Kafka
/// StatefulSet of the Kubernetes examples, among others). Leading white space of a flow
/// scalar's continuation lines is not part of its value, so it is replaced by spaces up to the
/// quote's column; no line is added or removed, so the value and every line number stay the
/// same, and so do columns outside the scalar's own lines. (A tab that saphyr refuses as
/// indentation before it gets to the scalar is another error, left as it is.)
fn reindent_quoted(text: &str, line: usize, col: usize) -> Option<String> {
    let start = line_offset(text, line);
    let (quote_at, quote) = text.get(start..)?.char_indices().nth(col).map(|(i, c)| (start + i, c))?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    // Line starts inside the scalar, up to its closing quote.
    let mut line_starts = Vec::new();
    let mut chars = text[quote_at + 1..].char_indices().map(|(i, c)| (quote_at + 1 + i, c)).peekable();
    let mut closed = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                // An escaped line break is still a line break.
                if let Some((j, '\n')) = chars.next() {
                    line_starts.push(j + 1);
                }
            }
            '\'' if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            c if c == quote => {
                closed = true;
                break;
            }
            '\n' => line_starts.push(i + 1),
            _ => {}
        }
    }
    if !closed {
        return None;
    }
    let mut fixed = String::with_capacity(text.len() + line_starts.len() * col);
    let mut copied = 0;
    for at in line_starts {
        let rest = &text[at..];
        let blank = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let content = rest[blank..].chars().next();
        // Blank lines carry no indentation; a document marker ends the stream's document
        // whatever the indentation rules, so it is left for the error it is.
        if content.is_none_or(|c| c == '\n' || c == '\r') || blank >= col {
            continue;
        }
        if blank == 0 && (rest.starts_with("---") || rest.starts_with("...")) {
            return None;
        }
        fixed.push_str(&text[copied..at]);
        fixed.extend(std::iter::repeat_n(' ', col));
        copied = at + blank;
    }
    if copied == 0 {
        return None;
    }
    fixed.push_str(&text[copied..]);
    Some(fixed)
}

/// Byte offset of the start of 0-based line `line`.
fn line_offset(text: &str, line: usize) -> usize {
    if line == 0 {
        return 0;
    }
    text.match_indices('\n').nth(line - 1).map_or(text.len(), |(i, _)| i + 1)
}

/// The 0-based index of the first line at or after 0-based `line` that starts a document.
fn next_document_marker(text: &str, line: usize) -> Option<usize> {
    text.lines().enumerate().skip(line).find(|(_, l)| is_document_marker(l)).map(|(i, _)| i)
}

fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

type ChunkResult = (Vec<YamlDoc>, usize, Option<(Pos, String)>);

fn parse_chunk(
    text: &str,
    line_offset: u32,
    doc_base: usize,
    limits: Limits,
    diags: &mut Vec<Diagnostic>,
) -> ChunkResult {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut empty = 0usize;
    let mut builder: Option<Builder> = None;
    let pos = |m: Marker| Pos { line: (m.line() as u32).saturating_add(line_offset), col: m.col() as u32 + 1 };
    while let Some(next) = parser.next_event() {
        let (event, span): (Event<'_>, Span) = match next {
            Ok(e) => e,
            Err(e) => return (docs, empty, Some(scan_error(&e, line_offset))),
        };
        match event {
            Event::DocumentStart(_) => builder = Some(Builder::new(limits)),
            Event::DocumentEnd => {
                if let Some(b) = builder.take() {
                    let index = doc_base + docs.len() + empty;
                    let (result, warnings) = b.finish();
                    match result {
                        Some((value, spans, line)) => docs.push(YamlDoc { index, value, spans, line, warnings }),
                        None => {
                            diags.extend(warnings);
                            empty += 1;
                        }
                    }
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            other => {
                if let Some(b) = builder.as_mut() {
                    b.event(other, pos(span.start));
                }
            }
        }
    }
    (docs, empty, None)
}

fn scan_error(e: &ScanError, line_offset: u32) -> (Pos, String) {
    let m = e.marker();
    let pos = Pos { line: (m.line() as u32).saturating_add(line_offset).max(1), col: m.col() as u32 + 1 };
    (pos, format!("invalid YAML: {}", e.info()))
}

enum Frame {
    Map {
        map: MapBuilder,
        pointer: PointerHash,
        anchor: usize,
        key: Option<(String, Pos)>,
        merged: Vec<(String, Value)>,
        nodes: usize,
    },
    Seq {
        items: Vec<Value>,
        pointer: PointerHash,
        anchor: usize,
        nodes: usize,
    },
    /// A complex mapping key (a mapping or sequence used as a key): read and thrown away.
    Skip {
        depth: usize,
    },
}

struct Builder {
    limits: Limits,
    stack: Vec<Frame>,
    root: Option<Value>,
    spans: SpanBuilder,
    anchors: Vec<Option<(Value, usize)>>,
    nodes: usize,
    first_line: Option<u32>,
    /// Set once the document broke a limit: the rest of it is skipped.
    abandoned: bool,
    diagnostics: Vec<Diagnostic>,
}

impl Builder {
    fn new(limits: Limits) -> Builder {
        Builder {
            limits,
            stack: Vec::new(),
            root: None,
            spans: SpanBuilder::default(),
            anchors: Vec::new(),
            nodes: 0,
            first_line: None,
            abandoned: false,
            diagnostics: Vec::new(),
        }
    }

    /// The document, unless it was empty or abandoned, and the warnings about it.
    fn finish(mut self) -> (Option<(Value, SpanIndex, u32)>, Vec<Diagnostic>) {
        if self.abandoned {
            return (None, self.diagnostics);
        }
        let line = self.first_line.unwrap_or(1);
        // An empty document is a null scalar to the parser; it describes nothing.
        let spans = self.spans.finish();
        (self.root.filter(|v| !v.is_null()).map(|v| (v, spans, line)), self.diagnostics)
    }

    /// Where the next value goes: `(pointer, key position)`, or `None` when it is a key.
    fn slot(&mut self) -> Option<(PointerHash, Option<Pos>)> {
        match self.stack.last_mut() {
            None => Some((PointerHash::ROOT, None)),
            Some(Frame::Map { key: Some((k, kpos)), pointer, .. }) => Some((pointer.child(k), Some(*kpos))),
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Seq { items, pointer, .. }) => Some((pointer.index(items.len()), None)),
            Some(Frame::Skip { .. }) => None,
        }
    }

    fn event(&mut self, event: Event<'_>, at: Pos) {
        if self.abandoned {
            return;
        }
        self.first_line.get_or_insert(at.line);
        if let Some(Frame::Skip { depth }) = self.stack.last_mut() {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => *depth += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    *depth -= 1;
                    if *depth == 0 {
                        self.stack.pop();
                        // The thrown-away key still needs a value slot: give it an unusable key.
                        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                            *key = Some(("\u{0}complex-key".to_owned(), at));
                        }
                    }
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let Some((pointer, key_pos)) = self.slot() else {
                    return self.key(text.into_owned(), at);
                };
                let tag = tag.map(|t| t.suffix.clone());
                let value = self.scalar(&text, style, tag.as_deref(), at);
                self.spans.insert_hash(pointer, NodeSpan { key: key_pos, value: at });
                if anchor > 0 {
                    self.remember(anchor, value.clone(), 1);
                }
                self.count(1, at);
                self.place(value, 1);
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let Some((pointer, key_pos)) = self.slot() else {
                    self.diagnostics.push(Diagnostic::warning(
                        Code::YamlComplexKey,
                        at,
                        "a mapping or sequence used as a mapping key is not supported; the entry is ignored".to_owned(),
                    ));
                    self.stack.push(Frame::Skip { depth: 1 });
                    return;
                };
                if self.stack.len() >= self.limits.max_depth {
                    return self.abandon(
                        at,
                        format!("nesting deeper than {} levels; the document is skipped", self.limits.max_depth),
                    );
                }
                self.spans.insert_hash(pointer, NodeSpan { key: key_pos, value: at });
                self.stack.push(if is_map {
                    Frame::Map { map: MapBuilder::new(), pointer, anchor, key: None, merged: Vec::new(), nodes: 1 }
                } else {
                    Frame::Seq { items: Vec::new(), pointer, anchor, nodes: 1 }
                });
                self.count(1, at);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (value, anchor, nodes) = match self.stack.pop() {
                    Some(Frame::Map { mut map, anchor, merged, nodes, .. }) => {
                        // Merge keys (`<<: *base`) never override keys written in the mapping itself.
                        for (k, v) in merged {
                            map.insert_if_absent(k, v);
                        }
                        (Value::Object(map.finish()), anchor, nodes)
                    }
                    Some(Frame::Seq { items, anchor, nodes, .. }) => (Value::Array(items), anchor, nodes),
                    Some(Frame::Skip { .. }) | None => return,
                };
                if anchor > 0 {
                    self.remember(anchor, value.clone(), nodes);
                }
                self.place(value, nodes);
            }
            Event::Alias(id) => {
                let Some((pointer, key_pos)) = self.slot() else {
                    // An alias used as a key: take its text when it is a scalar.
                    let key =
                        self.anchors.get(id).and_then(|a| a.as_ref()).and_then(|(v, _)| v.as_str().map(str::to_owned));
                    return self.key(key.unwrap_or_default(), at);
                };
                match self.anchors.get(id).and_then(Option::as_ref).cloned() {
                    Some((value, nodes)) => {
                        self.count(nodes, at);
                        if self.abandoned {
                            return;
                        }
                        self.spans.insert_hash(pointer, NodeSpan { key: key_pos, value: at });
                        self.place(value, nodes);
                    }
                    None => {
                        self.diagnostics.push(Diagnostic::error(
                            Code::YamlSyntax,
                            at,
                            "alias to an unknown anchor".to_owned(),
                        ));
                        self.place(Value::Null, 1);
                    }
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd => {}
        }
    }

    fn key(&mut self, text: String, at: Pos) {
        if let Some(Frame::Map { key, map, .. }) = self.stack.last_mut() {
            if text != "<<" && map.contains_key(&text) {
                self.diagnostics.push(Diagnostic::error(
                    Code::YamlDuplicateKey,
                    at,
                    format!("duplicate key `{text}`: the later value is used"),
                ));
            }
            *key = Some((text, at));
        }
    }

    fn count(&mut self, nodes: usize, at: Pos) {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > self.limits.max_nodes && !self.abandoned {
            self.abandon(
                at,
                format!(
                    "more than {} nodes once aliases are expanded (an alias bomb?); the document is skipped",
                    self.limits.max_nodes
                ),
            );
        }
    }

    fn abandon(&mut self, at: Pos, message: String) {
        self.abandoned = true;
        self.stack.clear();
        self.root = None;
        self.diagnostics.push(Diagnostic::error(Code::YamlLimit, at, message));
    }

    fn remember(&mut self, anchor: usize, value: Value, nodes: usize) {
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        self.anchors[anchor] = Some((value, nodes));
    }

    /// Attaches a finished node to its parent, adding its size to the parent's (for anchors).
    fn place(&mut self, value: Value, nodes: usize) {
        if let Some(Frame::Map { nodes: n, .. } | Frame::Seq { nodes: n, .. }) = self.stack.last_mut() {
            *n = n.saturating_add(nodes);
        }
        self.attach(value);
    }

    fn attach(&mut self, value: Value) {
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, merged, .. }) => {
                let Some((k, _)) = key.take() else { return };
                if k == "<<" {
                    match value {
                        Value::Object(m) => merged.extend(m),
                        Value::Array(list) => {
                            for item in list {
                                if let Value::Object(m) = item {
                                    // Earlier maps in a merge list win over later ones.
                                    for (mk, mv) in m {
                                        if !merged.iter().any(|(e, _)| *e == mk) {
                                            merged.push((mk, mv));
                                        }
                                    }
                                }
                            }
                        }
                        other => {
                            map.insert(k, other);
                        }
                    }
                } else if !k.starts_with('\u{0}') {
                    map.insert(k, value);
                }
            }
            Some(Frame::Skip { .. }) => {}
        }
    }

    /// Resolves a scalar by the YAML 1.2 core schema.
    fn scalar(&mut self, text: &str, style: ScalarStyle, tag: Option<&str>, at: Pos) -> Value {
        if style != ScalarStyle::Plain {
            return match tag {
                Some("int" | "float") => number(text).unwrap_or_else(|| Value::String(text.to_owned())),
                _ => Value::String(text.to_owned()),
            };
        }
        match tag {
            Some("str") => return Value::String(text.to_owned()),
            Some("null") => return Value::Null,
            _ => {}
        }
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
            "true" | "True" | "TRUE" => return Value::Bool(true),
            "false" | "False" | "FALSE" => return Value::Bool(false),
            "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off"
            | "OFF" => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        Code::YamlBoolean11,
                        at,
                        format!("`{text}` is a string in YAML 1.2 but a boolean to Kubernetes' YAML 1.1 decoder"),
                    )
                    .with_help(format!("write `true` or `false`, or quote it (\"{text}\") if a string is meant")),
                );
                return Value::String(text.to_owned());
            }
            _ => {}
        }
        number(text).unwrap_or_else(|| Value::String(text.to_owned()))
    }
}

/// A YAML 1.2 core-schema number, or `None` if `text` is not one JSON can hold.
pub(crate) fn number(text: &str) -> Option<Value> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1i128, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let int = |radix: u32, s: &str| -> Option<Value> {
        if s.is_empty() || !s.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let n = i128::from_str_radix(s, radix).ok()? * sign;
        i64::try_from(n).map(Number::from).ok().or_else(|| u64::try_from(n).map(Number::from).ok()).map(Value::Number)
    };
    if let Some(hex) = digits.strip_prefix("0x") {
        return int(16, hex);
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return int(8, oct);
    }
    if let Some(v) = int(10, digits) {
        return Some(v);
    }
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        // An integer too large for JSON stays text rather than silently losing digits.
        return None;
    }
    let float_chars = digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    let has_digit = digits.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit());
    if float_chars && has_digit {
        return text.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::value as json;

    fn docs(text: &str) -> Parsed {
        parse(text, Limits::default())
    }

    fn pos(line: u32, col: u32) -> Option<Pos> {
        Some(Pos { line, col })
    }

    #[test]
    fn multi_document_streams_keep_stream_absolute_lines() {
        let p = docs(
            "a: 1\n---\nkind: Pod\nspec:\n  containers:\n  - name: app\n    securityContext:\n      privileged: true\n",
        );
        assert_eq!(p.docs.len(), 2);
        assert_eq!(p.docs[1].value["spec"]["containers"][0]["securityContext"]["privileged"], json!(true));
        assert_eq!(p.docs[1].spans.locate("/spec/containers/0/securityContext/privileged"), pos(8, 7));
        assert_eq!(p.docs[1].spans.get("/spec/containers/0/securityContext/privileged").map(|s| s.value), pos(8, 19));
        assert_eq!(p.docs[1].spans.locate("/spec/containers/0"), pos(6, 5));
        assert_eq!(p.docs[1].index, 1);
        assert_eq!(p.docs[1].line, 3);
    }

    /// What libyaml, PyYAML and kubectl read, with the lines after the scalars where they were.
    #[test]
    fn quoted_scalars_that_go_on_left_of_their_block_are_read_as_kubectl_reads_them() {
        let text = "a: 1\n---\nspec:\n  command:\n    - sh\n    - \"exec kafka \\\n  --override a=1 \\\n  \
                    --override b=2\"\n    - 'it''s\n  folded'\n  after: 1\n";
        let p = docs(text);
        assert_eq!(p.docs.len(), 2, "{:?}", p.diagnostics);
        assert_eq!(
            p.docs[1].value,
            json!({"spec": {"command": ["sh", "exec kafka --override a=1 --override b=2", "it's folded"], "after": 1}})
        );
        assert_eq!(p.docs[1].spans.locate("/spec/after"), pos(11, 3));
        assert_eq!(p.docs[1].spans.locate("/spec/command/2"), pos(9, 7));
        // One warning per scalar, at its opening quote; no error.
        let warnings: Vec<_> = p.diagnostics.iter().map(|d| (d.severity, d.pos)).collect();
        assert_eq!(
            warnings,
            [(Severity::Warning, Pos { line: 6, col: 7 }), (Severity::Warning, Pos { line: 9, col: 7 })]
        );
        // The same stream indented as YAML wants it gives the same documents.
        let indented = text.replace("\n  --", "\n      --").replace("\n  folded", "\n      folded");
        let q = docs(&indented);
        assert!(q.diagnostics.is_empty(), "{:?}", q.diagnostics);
        assert_eq!(q.docs[1].value, p.docs[1].value);
        // A document marker inside the scalar still ends it, as it does for kubectl.
        let broken = docs("a: \"x\n---\ny\"\nb: 1\n");
        assert!(broken.diagnostics.iter().any(|d| d.severity == Severity::Error), "{:?}", broken.diagnostics);
    }

    #[test]
    fn core_schema_scalars() {
        let p = docs(
            "a: 1\nb: -2\nc: 0x1F\nd: 1.5\ne: ~\nf: \"1\"\ng: true\nh: 1e3\ni: .inf\nj: 0o17\nk: 99999999999999999999999\nl: '0x10'\n",
        );
        let v = &p.docs[0].value;
        assert_eq!(
            v,
            &json!({"a":1,"b":-2,"c":31,"d":1.5,"e":null,"f":"1","g":true,"h":1000.0,"i":".inf","j":15,"k":"99999999999999999999999","l":"0x10"})
        );
    }

    #[test]
    fn yaml_11_booleans_stay_strings_with_a_warning() {
        let p = docs("privileged: yes\non: push\n");
        assert_eq!(p.docs[0].value, json!({"privileged": "yes", "on": "push"}));
        let w = &p.docs[0].warnings;
        assert_eq!(w.len(), 1, "keys are never booleans: {w:?}");
        assert_eq!(w[0].code, Code::YamlBoolean11);
        assert_eq!(w[0].pos, Pos { line: 1, col: 13 });
    }

    #[test]
    fn json_is_yaml_with_spans() {
        let p = docs("{\n  \"bomFormat\": \"CycloneDX\",\n  \"components\": [\n    {\"name\": \"x\"}\n  ]\n}\n");
        assert_eq!(p.docs[0].value["components"][0]["name"], json!("x"));
        assert_eq!(p.docs[0].spans.locate("/components/0/name"), pos(4, 6));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let p = docs("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\ncopy: *b\n");
        assert_eq!(p.docs[0].value["use"], json!({"x": 1, "y": 3}));
        assert_eq!(p.docs[0].value["copy"], json!({"x": 1, "y": 2}));
        assert!(p.diagnostics.is_empty() && p.docs[0].warnings.is_empty(), "{:?}", p.docs[0].warnings);
    }

    #[test]
    fn alias_bombs_are_stopped() {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (i, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().zip(["a", "b", "c", "d", "e", "f", "g", "h"]) {
            text.push_str(&format!(
                "{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        text.push_str("---\nafter: ok\n");
        let p = docs(&text);
        assert!(
            p.diagnostics.iter().any(|d| d.code == Code::YamlLimit && d.message.contains("alias bomb")),
            "{:?}",
            p.diagnostics
        );
        assert_eq!(p.docs.len(), 1, "the bomb is skipped, the next document is kept");
        assert_eq!(p.docs[0].value, json!({"after": "ok"}));
    }

    #[test]
    fn deep_nesting_is_stopped() {
        // Flow style: the parser's own recursion limit reports it as a syntax error.
        let flow = format!("{}1{}\n---\nok: 1\n", "[".repeat(10_000), "]".repeat(10_000));
        // Block style: this builder's depth limit does.
        let block: String = (0..300).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect::<String>() + "---\nok: 1\n";
        for text in [flow, block] {
            let p = docs(&text);
            assert!(
                p.diagnostics.iter().any(|d| d.code == Code::YamlLimit || d.message.contains("recursion limit")),
                "{:?}",
                p.diagnostics
            );
            assert_eq!(p.docs.last().map(|d| d.value.clone()), Some(json!({"ok": 1})));
        }
    }

    #[test]
    fn duplicate_keys_are_reported_and_the_last_wins() {
        let p = docs("a: 1\nb: 2\na: 3\n");
        assert_eq!(p.docs[0].value, json!({"a": 3, "b": 2}));
        assert_eq!(p.docs[0].warnings[0].code, Code::YamlDuplicateKey);
        assert_eq!(p.docs[0].warnings[0].pos.line, 3);
    }

    #[test]
    fn a_syntax_error_loses_only_its_own_document() {
        let p = docs("a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n---\ne: 5\n");
        let values: Vec<Value> = p.docs.iter().map(|d| d.value.clone()).collect();
        assert_eq!(values, [json!({"a": 1}), json!({"d": 4}), json!({"e": 5})]);
        assert_eq!(p.docs[1].spans.locate("/d"), pos(6, 1));
        assert_eq!(p.docs[1].index, 2);
        assert_eq!(p.diagnostics.iter().filter(|d| d.code == Code::YamlSyntax).count(), 1);
        assert!(p.diagnostics[0].pos.line >= 3 && p.diagnostics[0].pos.line <= 5, "{:?}", p.diagnostics);
    }

    #[test]
    fn an_unclosed_flow_collection_does_not_swallow_the_next_document() {
        let p = docs("a: 1\n---\nkind: [broken\n---\napiVersion: v1\nkind: Secret\n");
        let values: Vec<Value> = p.docs.iter().map(|d| d.value.clone()).collect();
        assert_eq!(values, [json!({"a": 1}), json!({"apiVersion": "v1", "kind": "Secret"})]);
        assert_eq!(p.diagnostics.len(), 1);
    }

    #[test]
    fn empty_documents_are_counted_not_kept() {
        let p = docs("---\n---\na: 1\n---\n");
        assert_eq!(p.docs.len(), 1);
        assert!(p.empty >= 1);
    }

    #[test]
    fn tabs_and_garbage_give_an_error_with_a_position() {
        for text in ["a:\n\tb: 1\n", "a: [\n", "\"unterminated\n", ": : :\n- x\ny: 1\n"] {
            let p = docs(text);
            assert!(!p.diagnostics.is_empty(), "{text:?}");
        }
    }
}
