//! A fast path for the block-style YAML that Kubernetes manifests, compose files and CI pipelines use.
//!
//! saphyr-parser's scanner reads one character at a time and allocates for every token. This
//! reader walks the bytes a line at a time and allocates only what the values keep. It reads a
//! strict subset: block mappings and sequences, plain, quoted and block scalars, one-line flow
//! collections, comments and document markers. It answers `None` the moment it meets anything
//! else (anchors, aliases, tags, directives, complex or merge keys, tabs, multi-line plain, quoted
//! or flow scalars, any syntax error), and [`crate::yaml::parse`] then reads the stream with
//! saphyr. Whenever it answers, the result is the one saphyr's path gives, down to every span
//! and warning; the tests and the `fastyaml` fuzz target compare the two.

use crate::diag::{Code, Diagnostic};
use crate::span::{NodeSpan, PointerHash, Pos, SpanBuilder};
use crate::tree::{MapBuilder, Value};
use crate::yaml::number;
use crate::yaml::{Limits, Parsed, YamlDoc};
use std::borrow::Cow;

/// This reader recurses once per level of nesting; anything deeper goes to saphyr's path, whose
/// builder keeps an explicit stack.
const MAX_RECURSION: usize = 128;

/// saphyr stops treating a scalar as a possible key once the `:` is 1024 characters past its
/// start, so a key anywhere near that long is left to it.
const MAX_KEY_BYTES: usize = 1000;

/// Reads `text` if it is within the subset, with the same result as the saphyr path; `None`
/// otherwise, after which the caller reads it with saphyr.
pub fn parse(text: &str, limits: Limits) -> Option<Parsed> {
    // saphyr takes a lone `\r` for a line break, NUL for the end of the stream and a byte-order
    // mark for a document boundary; supporting them is not worth the cases. One vectorised pass
    // for the three bytes, then a closer look at any 0xEF, the byte-order mark's first byte,
    // which other characters start with too.
    let suspect = memchr::memchr3(0, b'\r', 0xEF, text.as_bytes()).is_some();
    if suspect && (text.bytes().any(|b| b == 0 || b == b'\r') || text.contains('\u{feff}')) {
        return None;
    }
    Reader::new(text, limits).stream()
}

/// What ended a plain scalar in block context.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// A `:` followed by a space or the end of the line: the scalar is a key.
    Colon(usize),
    /// A comment or the end of the line.
    End,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    limits: Limits,
    /// 1-based number of the current line.
    line: u32,
    /// Byte offset of the current line's first byte (the text's length at the end).
    start: usize,
    /// Byte offset of the current line's `\n`, or the text's length.
    end: usize,
    /// Nodes of the current document, counted as saphyr's builder counts them.
    nodes: usize,
    spans: SpanBuilder,
    warnings: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, limits: Limits) -> Reader<'a> {
        let mut r = Reader {
            text,
            bytes: text.as_bytes(),
            limits,
            line: 1,
            start: 0,
            end: 0,
            nodes: 0,
            spans: SpanBuilder::default(),
            warnings: Vec::new(),
        };
        r.goto(0, 1);
        r
    }

    // ---- stream and documents ----

    fn stream(&mut self) -> Option<Parsed> {
        let mut out = Parsed::default();
        let mut index = 0usize;
        // Content may open a document without `---` at the start of the stream and after `...`;
        // anywhere else saphyr reports it as an error.
        let mut implicit = true;
        loop {
            self.skip_blank()?;
            if self.eof() {
                return Some(out);
            }
            match self.marker() {
                Some(is_start) => {
                    if !self.rest_is_blank(self.start + 3) {
                        return None;
                    }
                    self.next_line();
                    if !is_start {
                        implicit = true;
                        continue;
                    }
                    implicit = false;
                    self.skip_blank()?;
                    if self.eof() || self.marker().is_some() {
                        // saphyr's builder counts the empty document's null too.
                        if self.limits.max_nodes == 0 {
                            return None;
                        }
                        out.empty += 1;
                        index += 1;
                        continue;
                    }
                }
                None if implicit => implicit = false,
                None => return None,
            }
            out.docs.push(self.document(index)?);
            index += 1;
        }
    }

    /// The document whose root collection starts on the current line.
    fn document(&mut self, index: usize) -> Option<YamlDoc> {
        self.nodes = 0;
        let line = self.line;
        let col = self.indent();
        let value = self.block_node(col, 0, PointerHash::ROOT, None)?;
        let spans = self.spans.finish();
        Some(YamlDoc { index, value, spans, line, warnings: std::mem::take(&mut self.warnings) })
    }

    // ---- block collections ----

    /// The mapping or sequence that starts at column `col` of the current line (scalars on a
    /// line of their own are left to saphyr).
    fn block_node(&mut self, col: usize, depth: usize, ptr: PointerHash, key: Option<Pos>) -> Option<Value> {
        if self.is_dash(self.start + col) {
            self.sequence(col, false, depth, ptr, key)
        } else {
            self.mapping(col, depth, ptr, key)
        }
    }

    /// A block mapping whose first key starts at column `col` of the current line; its other
    /// keys start lines at that column. Leaves the reader on the first line it does not take.
    fn mapping(&mut self, col: usize, depth: usize, ptr: PointerHash, key_pos: Option<Pos>) -> Option<Value> {
        self.enter(depth)?;
        self.spans.insert_hash(ptr, NodeSpan { key: key_pos, value: self.pos(self.start + col) });
        let mut map = MapBuilder::new();
        loop {
            let at = self.start + col;
            let kpos = self.pos(at);
            let (key, colon) = self.key(at)?;
            // Merge keys and the builder's own marker for ignored keys are saphyr's path's business.
            if key == "<<" || key.starts_with('\u{0}') {
                return None;
            }
            let warnings = self.warnings.len();
            let value = self.entry_value(colon, col, depth, ptr.child(&key), kpos)?;
            self.insert(&mut map, key, value, kpos, warnings);
            if self.eof() || self.marker().is_some() {
                break;
            }
            let indent = self.indent();
            if indent < col {
                break;
            }
            // Deeper lines would continue a plain scalar or be an error; a `-` here is an error.
            if indent > col || self.is_dash(self.start + col) {
                return None;
            }
        }
        Some(Value::Object(map.finish()))
    }

    /// The value of the mapping entry whose `:` is at byte `colon`, in a mapping at column `col`.
    fn entry_value(&mut self, colon: usize, col: usize, depth: usize, ptr: PointerHash, key: Pos) -> Option<Value> {
        let at = self.skip_spaces(colon + 1);
        if !matches!(self.byte(at), b'\n' | 0 | b'#') {
            return self.inline_value(at, col, depth + 1, ptr, Some(key));
        }
        // Nothing more on the line: the value is on the next lines, or null.
        let null_at = self.pos(colon);
        self.next_line();
        self.skip_blank()?;
        if !self.eof() && self.marker().is_none() {
            let indent = self.indent();
            if indent > col {
                return self.block_node(indent, depth + 1, ptr, Some(key));
            }
            if indent == col && self.is_dash(self.start + col) {
                return self.sequence(col, true, depth + 1, ptr, Some(key));
            }
        }
        // saphyr places an empty value at its `:`.
        self.leaf(Value::Null, ptr, Some(key), null_at)
    }

    /// A block sequence whose first `-` is at column `col` of the current line. An indentless
    /// sequence (a mapping value whose dashes are at the mapping's column) ends at the first line
    /// at that column that is not an entry; any other ends at a less indented line.
    fn sequence(
        &mut self,
        col: usize,
        indentless: bool,
        depth: usize,
        ptr: PointerHash,
        key_pos: Option<Pos>,
    ) -> Option<Value> {
        self.enter(depth)?;
        let mut items = Vec::new();
        loop {
            let dash = self.start + col;
            let at = self.skip_spaces(dash + 1);
            let content = !matches!(self.byte(at), b'\n' | 0 | b'#');
            // saphyr's entry token sits after the `-`, its spaces and any comment.
            let entry = self.pos(if content { at } else { self.end });
            if items.is_empty() {
                let start = if indentless { entry } else { self.pos(dash) };
                self.spans.insert_hash(ptr, NodeSpan { key: key_pos, value: start });
            }
            let child = ptr.index(items.len());
            let item = if content {
                self.item(at, col, depth + 1, child)?
            } else {
                self.next_line();
                self.skip_blank()?;
                if !self.eof() && self.marker().is_none() && self.indent() > col {
                    let indent = self.indent();
                    self.block_node(indent, depth + 1, child, None)?
                } else {
                    self.leaf(Value::Null, child, None, entry)?
                }
            };
            items.push(item);
            if self.eof() || self.marker().is_some() {
                break;
            }
            let indent = self.indent();
            if indent < col {
                break;
            }
            if indent > col {
                return None;
            }
            if !self.is_dash(self.start + col) {
                if indentless {
                    break;
                }
                return None;
            }
        }
        Some(Value::Array(items))
    }

    /// A sequence entry's content, starting at byte `at` on the `-`'s line: a nested sequence,
    /// a mapping whose first key is on this line, or a scalar or flow collection.
    fn item(&mut self, at: usize, col: usize, depth: usize, ptr: PointerHash) -> Option<Value> {
        if self.is_dash(at) {
            return self.sequence(at - self.start, false, depth, ptr, None);
        }
        if self.key(at).is_some() {
            return self.mapping(at - self.start, depth, ptr, None);
        }
        self.inline_value(at, col, depth, ptr, None)
    }

    // ---- scalars ----

    /// A scalar or one-line flow collection starting at byte `at`, inside a block collection at
    /// column `parent`. Leaves the reader on the next line with content.
    fn inline_value(
        &mut self,
        at: usize,
        parent: usize,
        depth: usize,
        ptr: PointerHash,
        key: Option<Pos>,
    ) -> Option<Value> {
        let text: &'a str = self.text;
        let pos = self.pos(at);
        let value = match self.byte(at) {
            b'|' | b'>' => return self.block_scalar(at, parent, ptr, key),
            b'[' | b'{' => {
                let (value, after) = self.flow(at, depth, ptr, key)?;
                if !self.rest_is_blank(after) {
                    return None;
                }
                self.next_line();
                self.skip_blank()?;
                return Some(value);
            }
            b'"' | b'\'' => {
                let (s, after) = self.quoted(at)?;
                if !self.rest_is_blank(after) {
                    return None;
                }
                Value::String(s.into_owned())
            }
            _ => match self.plain(at)? {
                (end, Stop::End) => self.resolve(text.get(at..end)?, pos),
                // `a: b: c` is an error to saphyr; so is a key too long to be one.
                (_, Stop::Colon(_)) => return None,
            },
        };
        self.next_line();
        self.skip_blank()?;
        self.leaf(value, ptr, key, pos)
    }

    /// The key starting at byte `at` (a plain or quoted scalar followed on its line by `: ` or
    /// a final `:`) and the byte of its `:`; `None` when no such key starts there.
    fn key(&self, at: usize) -> Option<(Cow<'a, str>, usize)> {
        let text: &'a str = self.text;
        let (key, colon) = match self.byte(at) {
            b'"' | b'\'' => {
                let (key, after) = self.quoted(at)?;
                let colon = self.skip_spaces(after);
                if self.byte(colon) != b':' || !matches!(self.byte(colon + 1), b' ' | b'\n' | 0) {
                    return None;
                }
                (key, colon)
            }
            _ => match self.plain(at)? {
                (end, Stop::Colon(colon)) => (Cow::Borrowed(text.get(at..end)?), colon),
                (_, Stop::End) => return None,
            },
        };
        if colon - at > MAX_KEY_BYTES {
            return None;
        }
        Some((key, colon))
    }

    /// A plain scalar in block context from byte `at`, which must fit on its line: the end of
    /// its text (trailing spaces are not part of it) and what stopped it.
    fn plain(&self, at: usize) -> Option<(usize, Stop)> {
        if !self.plain_start(at, false) {
            return None;
        }
        let mut end = at;
        for i in at..self.end {
            match self.byte(i) {
                b':' => match self.byte(i + 1) {
                    b' ' | b'\n' | 0 => return Some((end, Stop::Colon(i))),
                    b'\t' => return None,
                    _ => end = i + 1,
                },
                b' ' if self.byte(i + 1) == b'#' => return Some((end, Stop::End)),
                b' ' => {}
                // saphyr's handling of tabs depends on the column; not worth following.
                b'\t' => return None,
                _ => end = i + 1,
            }
        }
        Some((end, Stop::End))
    }

    /// Whether a plain scalar may start at byte `at` (one starting with an indicator is
    /// something else, or an error).
    fn plain_start(&self, at: usize, flow: bool) -> bool {
        let next = self.byte(at + 1);
        match self.byte(at) {
            b'-' => !(matches!(next, b' ' | b'\t' | b'\n' | 0) || flow && is_flow(next)),
            b'?' | b':' => !flow && !matches!(next, b' ' | b'\t' | b'\n' | 0),
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@'
            | b'`' | b' ' | b'\t' | b'\n' | 0 => false,
            _ => true,
        }
    }

    /// A single- or double-quoted scalar opening at byte `at` and closing on the same line: its
    /// text and the byte after the closing quote.
    fn quoted(&self, at: usize) -> Option<(Cow<'a, str>, usize)> {
        let text: &'a str = self.text;
        let quote = self.byte(at);
        let mut owned: Option<String> = None;
        let mut run = at + 1; // start of the text not yet copied into `owned`
        let mut i = run;
        while i < self.end {
            match self.byte(i) {
                b'\'' if quote == b'\'' && self.byte(i + 1) == b'\'' => {
                    owned.get_or_insert_with(String::new).push_str(text.get(run..=i)?);
                    i += 2;
                    run = i;
                }
                b'\\' if quote == b'"' => {
                    let (c, len) = self.escape(i)?;
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(text.get(run..i)?);
                    s.push(c);
                    i += len;
                    run = i;
                }
                b if b == quote => {
                    let tail = text.get(run..i)?;
                    let s = match owned {
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(tail),
                    };
                    return Some((s, i + 1));
                }
                _ => i += 1,
            }
        }
        // It goes on on the next line: folding is saphyr's business.
        None
    }

    /// The double-quoted escape at byte `i` (its `\`): the character and the bytes it takes.
    fn escape(&self, i: usize) -> Option<(char, usize)> {
        let c = match self.byte(i + 1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' | b'\t' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(i, 2),
            b'u' => return self.hex_escape(i, 4),
            b'U' => return self.hex_escape(i, 8),
            // Unknown escapes are errors, and `\` before a line break folds the line.
            _ => return None,
        };
        Some((c, 2))
    }

    fn hex_escape(&self, i: usize, digits: usize) -> Option<(char, usize)> {
        let end = i + 2 + digits;
        if end > self.end {
            return None;
        }
        let hex = self.text.get(i + 2..end)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
        Some((c, 2 + digits))
    }

    /// A literal (`|`) or folded (`>`) block scalar whose indicator is at byte `at`, inside a
    /// block collection at column `parent`. Follows saphyr's `scan_block_scalar` step by step,
    /// quirks included, so the text and the position match; explicit indentation indicators
    /// and tabs where indentation is measured are left to it.
    fn block_scalar(&mut self, at: usize, parent: usize, ptr: PointerHash, key: Option<Pos>) -> Option<Value> {
        let text: &'a str = self.text;
        let len = self.bytes.len();
        let literal = self.byte(at) == b'|';
        let header = self.pos(at);
        let header_line = self.line;
        let mut i = at + 1;
        let chomp = match self.byte(i) {
            b'-' => Chomp::Strip,
            b'+' => Chomp::Keep,
            _ => Chomp::Clip,
        };
        if chomp != Chomp::Clip {
            i += 1;
        }
        if self.byte(i).is_ascii_digit() || !self.rest_is_blank(i) {
            return None;
        }
        if self.end >= len {
            // The header ends the stream: an empty scalar at the indicator.
            self.goto(len, self.line);
            return self.leaf(Value::String(String::new()), ptr, key, header);
        }
        let (mut p, mut line, mut col) = (self.end + 1, self.line.saturating_add(1), 0usize);
        if self.byte(p) == b'\t' {
            return None;
        }
        // Leading empty lines; the longest of them sets the indentation if the content does not.
        let mut breaks = 0usize;
        let mut max_indent = 0;
        loop {
            while self.byte(p) == b' ' {
                p += 1;
                col += 1;
            }
            max_indent = max_indent.max(col);
            if self.byte(p) != b'\n' {
                break;
            }
            breaks += 1;
            p += 1;
            line = line.saturating_add(1);
            col = 0;
        }
        let indent = max_indent.max(parent + 1);
        if p >= len {
            let s = match chomp {
                Chomp::Strip | Chomp::Clip => String::new(),
                Chomp::Keep if breaks == 0 && line > header_line && col > 0 => "\n".to_owned(),
                Chomp::Keep => "\n".repeat(breaks),
            };
            self.goto(len, line);
            return self.leaf(Value::String(s), ptr, key, header);
        }
        if col < indent && (col > parent || self.byte(p) == b'\t') {
            return None;
        }
        // saphyr's token starts where the content does (or where the next token does, when there
        // is no content).
        let start = Pos { line, col: u32::try_from(col).unwrap_or(u32::MAX).saturating_add(1) };
        let mut s = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while col == indent && !matches!(self.byte(p), b'\n' | 0) {
            let trailing_blank = matches!(self.byte(p), b' ' | b'\t');
            if !literal && leading_break && !leading_blank && !trailing_blank {
                // Folding: a single line break becomes a space.
                if breaks == 0 {
                    s.push(' ');
                }
            } else if leading_break {
                s.push('\n');
            }
            push_breaks(&mut s, breaks);
            leading_break = false;
            breaks = 0;
            leading_blank = trailing_blank;
            let line_end = text.as_bytes().get(p..).and_then(|rest| memchr::memchr(b'\n', rest)).map_or(len, |n| p + n);
            let content = text.get(p..line_end)?;
            s.push_str(content);
            col += content.chars().count();
            p = line_end;
            if p >= len {
                break;
            }
            leading_break = true;
            p += 1;
            line = line.saturating_add(1);
            col = 0;
            loop {
                while col < indent && self.byte(p) == b' ' {
                    p += 1;
                    col += 1;
                }
                if self.byte(p) != b'\n' {
                    break;
                }
                breaks += 1;
                p += 1;
                line = line.saturating_add(1);
                col = 0;
            }
            if col < indent && self.byte(p) == b'\t' {
                return None;
            }
        }
        if chomp != Chomp::Strip {
            if leading_break {
                s.push('\n');
            }
            if p >= len && col >= indent.max(1) {
                s.push('\n');
            }
        }
        if chomp == Chomp::Keep {
            push_breaks(&mut s, breaks);
        }
        // The scalar ended at the end of the stream or before the first content of a less
        // indented line, which has only spaces before it.
        if p >= len {
            self.goto(len, line);
        } else {
            self.goto(p - col, line);
        }
        self.skip_blank()?;
        self.leaf(Value::String(s), ptr, key, start)
    }

    // ---- flow collections ----

    /// A flow collection opening at byte `at` and closing on the same line: its value and the
    /// byte after its closing bracket.
    fn flow(&mut self, at: usize, depth: usize, ptr: PointerHash, key_pos: Option<Pos>) -> Option<(Value, usize)> {
        self.enter(depth)?;
        self.spans.insert_hash(ptr, NodeSpan { key: key_pos, value: self.pos(at) });
        let is_map = self.byte(at) == b'{';
        let close = if is_map { b'}' } else { b']' };
        let mut map = MapBuilder::new();
        let mut items = Vec::new();
        let mut i = self.skip_spaces(at + 1);
        if self.byte(i) != close {
            loop {
                if is_map {
                    let kpos = self.pos(i);
                    let (key, colon) = self.flow_key(i)?;
                    if key == "<<" || key.starts_with('\u{0}') {
                        return None;
                    }
                    let warnings = self.warnings.len();
                    let v = self.skip_spaces(colon + 1);
                    let (value, after) = self.flow_node(v, depth + 1, ptr.child(&key), Some(kpos))?;
                    self.insert(&mut map, key, value, kpos, warnings);
                    i = after;
                } else {
                    let (value, after) = self.flow_node(i, depth + 1, ptr.index(items.len()), None)?;
                    items.push(value);
                    i = after;
                }
                i = self.skip_spaces(i);
                match self.byte(i) {
                    b',' => {
                        i = self.skip_spaces(i + 1);
                        // A trailing comma is valid YAML, but rare enough to leave to saphyr.
                        if self.byte(i) == close {
                            return None;
                        }
                    }
                    b if b == close => break,
                    _ => return None,
                }
            }
        }
        let value = if is_map { Value::Object(map.finish()) } else { Value::Array(items) };
        Some((value, i + 1))
    }

    /// A flow mapping key at byte `at` and the byte of the `: ` after it.
    fn flow_key(&self, at: usize) -> Option<(Cow<'a, str>, usize)> {
        let text: &'a str = self.text;
        let (key, after) = match self.byte(at) {
            b'"' | b'\'' => self.quoted(at)?,
            _ => {
                let end = self.flow_plain(at)?;
                (Cow::Borrowed(text.get(at..end)?), end)
            }
        };
        let colon = self.skip_spaces(after);
        (self.byte(colon) == b':' && self.byte(colon + 1) == b' ').then_some((key, colon))
    }

    /// A scalar or nested collection inside a flow collection, at byte `at`.
    fn flow_node(&mut self, at: usize, depth: usize, ptr: PointerHash, key: Option<Pos>) -> Option<(Value, usize)> {
        let text: &'a str = self.text;
        let pos = self.pos(at);
        let (value, after) = match self.byte(at) {
            b'[' | b'{' => return self.flow(at, depth, ptr, key),
            b'"' | b'\'' => {
                let (s, after) = self.quoted(at)?;
                (Value::String(s.into_owned()), after)
            }
            _ => {
                let end = self.flow_plain(at)?;
                (self.resolve(text.get(at..end)?, pos), end)
            }
        };
        Some((self.leaf(value, ptr, key, pos)?, after))
    }

    /// A plain scalar inside a flow collection, from byte `at`: the end of its text. `None`
    /// when it does not end on its line or meets a case this reader does not follow.
    fn flow_plain(&self, at: usize) -> Option<usize> {
        if !self.plain_start(at, true) {
            return None;
        }
        let mut end = at;
        let mut i = at;
        loop {
            match self.byte(i) {
                b',' | b'[' | b']' | b'{' | b'}' => return Some(end),
                b':' if matches!(self.byte(i + 1), b' ' | b'\n' | 0) || is_flow(self.byte(i + 1)) => {
                    return Some(end);
                }
                b'\n' | 0 | b'\t' => return None,
                b' ' if self.byte(i + 1) == b'#' => return None,
                // saphyr rejects `-` before a flow indicator at the start of a word.
                b'-' if is_flow(self.byte(i + 1)) => return None,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
    }

    // ---- values, spans, warnings ----

    /// Resolves a plain scalar by the YAML 1.2 core schema, as `yaml::Builder::scalar` does.
    fn resolve(&mut self, text: &str, at: Pos) -> Value {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => Value::Null,
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off"
            | "OFF" => {
                self.warnings.push(
                    Diagnostic::warning(
                        Code::YamlBoolean11,
                        at,
                        format!("`{text}` is a string in YAML 1.2 but a boolean to Kubernetes' YAML 1.1 decoder"),
                    )
                    .with_help(format!("write `true` or `false`, or quote it (\"{text}\") if a string is meant")),
                );
                Value::String(text.to_owned())
            }
            _ => number(text).unwrap_or_else(|| Value::String(text.to_owned())),
        }
    }

    /// Adds an entry to a mapping. A duplicate key is reported (the later value wins) among the
    /// warnings where saphyr's path puts it: at `warning`, before those about the value.
    fn insert(&mut self, map: &mut MapBuilder, key: Cow<'a, str>, value: Value, at: Pos, warning: usize) {
        match map.replace(&key, value) {
            Ok(_) => {
                let message = format!("duplicate key `{key}`: the later value is used");
                let warning = warning.min(self.warnings.len());
                self.warnings.insert(warning, Diagnostic::error(Code::YamlDuplicateKey, at, message));
            }
            Err(value) => map.push_new(key.into_owned(), value),
        }
    }

    /// Records a scalar's span and counts it.
    fn leaf(&mut self, value: Value, ptr: PointerHash, key: Option<Pos>, at: Pos) -> Option<Value> {
        self.spans.insert_hash(ptr, NodeSpan { key, value: at });
        self.count()?;
        Some(value)
    }

    /// Counts a collection at nesting `depth`. Past the limits saphyr's path abandons the
    /// document with a diagnostic, so this reader gives up and lets it.
    fn enter(&mut self, depth: usize) -> Option<()> {
        if depth >= self.limits.max_depth || depth >= MAX_RECURSION {
            return None;
        }
        self.count()
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.limits.max_nodes).then_some(())
    }

    // ---- lines and bytes ----

    /// The byte at `i`; 0 past the end (the text has no NUL).
    fn byte(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    fn eof(&self) -> bool {
        self.start >= self.bytes.len()
    }

    /// Makes the line starting at byte `start` the current one.
    fn goto(&mut self, start: usize, line: u32) {
        let len = self.bytes.len();
        self.start = start.min(len);
        self.end =
            self.bytes.get(self.start..).and_then(|rest| memchr::memchr(b'\n', rest)).map_or(len, |n| self.start + n);
        self.line = line;
    }

    fn next_line(&mut self) {
        self.goto(self.end + 1, self.line.saturating_add(1));
    }

    /// Moves to the next line with content, past empty and comment lines.
    fn skip_blank(&mut self) -> Option<()> {
        while !self.eof() {
            match self.byte(self.start + self.indent()) {
                b'\n' | 0 | b'#' => self.next_line(),
                b'\t' => return None,
                _ => return Some(()),
            }
        }
        Some(())
    }

    /// The current line's indentation in spaces (which are also its first bytes).
    fn indent(&self) -> usize {
        self.skip_spaces(self.start) - self.start
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.byte(i) == b' ' {
            i += 1;
        }
        i
    }

    /// Whether the current line is a document marker: `Some(true)` for `---`, `Some(false)` for `...`.
    fn marker(&self) -> Option<bool> {
        let c = self.byte(self.start);
        let marker = (c == b'-' || c == b'.')
            && self.byte(self.start + 1) == c
            && self.byte(self.start + 2) == c
            && matches!(self.byte(self.start + 3), b' ' | b'\t' | b'\n' | 0);
        marker.then_some(c == b'-')
    }

    /// Whether a `-` at byte `at` is a block sequence entry indicator.
    fn is_dash(&self, at: usize) -> bool {
        self.byte(at) == b'-' && matches!(self.byte(at + 1), b' ' | b'\t' | b'\n' | 0)
    }

    /// Whether the current line has only spaces and perhaps a comment from byte `i` on (to
    /// saphyr a `#` right after a token is an error, not a comment).
    fn rest_is_blank(&self, i: usize) -> bool {
        let j = self.skip_spaces(i);
        j >= self.end || (self.byte(j) == b'#' && j > i)
    }

    /// The position of byte `at` of the current line (columns count characters).
    fn pos(&self, at: usize) -> Pos {
        let before = self.bytes.get(self.start..at).unwrap_or_default();
        let col = if before.is_ascii() { before.len() } else { before.iter().filter(|&&b| (b as i8) >= -0x40).count() };
        Pos { line: self.line, col: u32::try_from(col).unwrap_or(u32::MAX).saturating_add(1) }
    }
}

fn is_flow(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

fn push_breaks(s: &mut String, n: usize) {
    for _ in 0..n {
        s.push('\n');
    }
}
