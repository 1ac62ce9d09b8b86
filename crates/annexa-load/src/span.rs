//! Positions in a file and the JSON-pointer → position index every loaded document carries.

/// A position in a file: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
}

/// Where one node of a document is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeSpan {
    /// The mapping key's position, when the node is a mapping value.
    pub key: Option<Pos>,
    /// The value's own position.
    pub value: Pos,
}

impl NodeSpan {
    /// Where a finding about this node points: the key when there is one (`privileged: true`
    /// is reported at `privileged`), else the value.
    pub fn anchor(&self) -> Pos {
        self.key.unwrap_or(self.value)
    }
}

/// The hash of a JSON pointer, built one token at a time: a node's key derives from its
/// parent's without ever writing the pointer out, which keeps indexing a document cheap (no
/// string per node). 64-bit FNV-1a; a collision would misplace one location, never a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PointerHash(u64);

impl PointerHash {
    /// The empty pointer (the document root).
    pub const ROOT: PointerHash = PointerHash(0xcbf2_9ce4_8422_2325);

    /// The pointer with one more (unescaped) reference token.
    pub fn child(self, token: &str) -> PointerHash {
        let mut h = self.0 ^ 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
        for b in token.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        PointerHash(h)
    }

    /// The pointer with one more array index.
    pub fn index(self, i: usize) -> PointerHash {
        let mut buf = [0u8; 20];
        let mut n = i;
        let mut at = buf.len();
        loop {
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.child(std::str::from_utf8(&buf[at..]).unwrap_or_default())
    }

    /// The hash of every prefix of an RFC 6901 pointer, root first.
    fn prefixes(pointer: &str) -> impl Iterator<Item = PointerHash> + '_ {
        let tokens = crate::pointer::tokens(pointer).skip(1);
        std::iter::once(PointerHash::ROOT).chain(tokens.scan(PointerHash::ROOT, |h, token| {
            *h = if crate::pointer::has_tilde(token) {
                h.child(&token.replace("~1", "/").replace("~0", "~"))
            } else {
                h.child(token)
            };
            Some(*h)
        }))
    }

    /// The hash of an RFC 6901 pointer.
    pub fn of(pointer: &str) -> PointerHash {
        PointerHash::prefixes(pointer).last().unwrap_or(PointerHash::ROOT)
    }
}

/// One node's span as the index stores it: 24 bytes, with line 0 (never a real line) for a
/// node that has no key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    at: PointerHash,
    key: Pos,
    value: Pos,
}

impl Entry {
    fn span(&self) -> NodeSpan {
        NodeSpan { key: (self.key.line != 0).then_some(self.key), value: self.value }
    }
}

/// JSON pointer (RFC 6901) → position, for one document.
///
/// A slice sorted by pointer hash, searched by bisection. Every node of every document has a
/// span, and few are ever looked up (about one per finding): a hash map holding them rehashed
/// as it grew and raised the peak memory of a 10,000-resource scan from 155 MB to 181 MB.
#[derive(Clone, Debug, Default)]
pub struct SpanIndex {
    entries: Box<[Entry]>,
}

/// Collects a document's spans as they are read; [`SpanBuilder::finish`] seals them into a
/// [`SpanIndex`]. The fast reader keeps one builder for all the documents of a file, so that
/// its buffer is allocated once.
#[derive(Debug, Default)]
pub(crate) struct SpanBuilder {
    entries: Vec<Entry>,
}

impl SpanBuilder {
    /// Records a node's span. A later span for the same pointer replaces an earlier one (a
    /// duplicate key's later value is the one kept).
    pub(crate) fn insert_hash(&mut self, at: PointerHash, span: NodeSpan) {
        let key = span.key.unwrap_or(Pos { line: 0, col: 0 });
        self.entries.push(Entry { at, key, value: span.value });
    }

    pub(crate) fn insert(&mut self, pointer: &str, span: NodeSpan) {
        self.insert_hash(PointerHash::of(pointer), span);
    }

    /// The index of the spans recorded since the last call; the builder is left empty, its
    /// buffer kept.
    pub(crate) fn finish(&mut self) -> SpanIndex {
        // Stable, so that of equal pointers the latest recorded comes last and is kept.
        self.entries.sort_by_key(|e| e.at.0);
        let mut kept: Vec<Entry> = Vec::with_capacity(self.entries.len());
        for e in self.entries.drain(..) {
            match kept.last_mut() {
                Some(last) if last.at == e.at => *last = e,
                _ => kept.push(e),
            }
        }
        SpanIndex { entries: kept.into_boxed_slice() }
    }
}

impl SpanIndex {
    fn find(&self, at: PointerHash) -> Option<NodeSpan> {
        self.entries.binary_search_by_key(&at.0, |e| e.at.0).ok().map(|i| self.entries[i].span())
    }

    /// The span recorded for exactly this pointer.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.find(PointerHash::of(pointer))
    }

    /// The position of `pointer`, or of its nearest ancestor that has one (a node created by a
    /// patch or copied from an alias has no span of its own). `None` only for an empty index.
    pub fn locate(&self, pointer: &str) -> Option<Pos> {
        // Most pointers have a span of their own: search from the longest prefix down.
        let prefixes: Vec<PointerHash> = PointerHash::prefixes(pointer).collect();
        prefixes.into_iter().rev().find_map(|h| self.find(h)).map(|s| s.anchor())
    }

    /// How many nodes have a span.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no node has a span.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` as RFC 6901 says.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        pointer.push_str(token);
    }
}

/// `pointer` with one more token.
pub fn child(pointer: &str, token: &str) -> String {
    let mut p = pointer.to_owned();
    push_token(&mut p, token);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped() {
        assert_eq!(
            child("/metadata/annotations", "app.kubernetes.io/name"),
            "/metadata/annotations/app.kubernetes.io~1name"
        );
        assert_eq!(child("", "a~b"), "/a~0b");
    }

    #[test]
    fn locate_falls_back_to_the_nearest_ancestor() {
        let mut b = SpanBuilder::default();
        b.insert("", NodeSpan { key: None, value: Pos { line: 1, col: 1 } });
        b.insert("/spec", NodeSpan { key: Some(Pos { line: 5, col: 1 }), value: Pos { line: 6, col: 3 } });
        let idx = b.finish();
        assert_eq!(idx.locate("/spec/template/spec"), Some(Pos { line: 5, col: 1 }));
        assert_eq!(idx.locate("/kind"), Some(Pos { line: 1, col: 1 }));
        assert_eq!(SpanIndex::default().locate("/x"), None);
    }

    #[test]
    fn the_latest_span_of_a_pointer_is_kept() {
        // A duplicate key: the later value, and the spans under it, replace the earlier ones.
        let mut b = SpanBuilder::default();
        let first = NodeSpan { key: Some(Pos { line: 2, col: 1 }), value: Pos { line: 2, col: 7 } };
        let later = NodeSpan { key: Some(Pos { line: 9, col: 1 }), value: Pos { line: 9, col: 7 } };
        b.insert("", NodeSpan { key: None, value: Pos { line: 1, col: 1 } });
        b.insert("/image", first);
        b.insert("/name", NodeSpan { key: Some(Pos { line: 3, col: 1 }), value: Pos { line: 3, col: 7 } });
        b.insert("/image", later);
        let idx = b.finish();
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.get("/image"), Some(later));
        assert_eq!(idx.get("").map(|s| s.key), Some(None), "a node without a key keeps none");
        assert_eq!(idx.get("/missing"), None);
        // The builder starts the next document empty.
        b.insert("/kind", first);
        let next = b.finish();
        assert_eq!((next.len(), next.get("/image")), (1, None));
    }
}
