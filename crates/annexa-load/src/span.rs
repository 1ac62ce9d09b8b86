//! Positions in a file and the JSON-pointer → position index every loaded document carries.

use std::collections::HashMap;

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
        let tokens = pointer.split('/').skip(1);
        std::iter::once(PointerHash::ROOT).chain(tokens.scan(PointerHash::ROOT, |h, token| {
            *h = if token.contains('~') {
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

/// A hasher for keys that are already hashes.
#[derive(Default, Clone, Copy, Debug)]
pub struct Identity(u64);

impl std::hash::Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// JSON pointer (RFC 6901) → position, for one document.
#[derive(Clone, Debug, Default)]
pub struct SpanIndex {
    spans: HashMap<PointerHash, NodeSpan, std::hash::BuildHasherDefault<Identity>>,
}

impl SpanIndex {
    /// An index with room for `nodes` spans, so that a document's index is not rebuilt as it
    /// grows.
    pub(crate) fn with_capacity(nodes: usize) -> SpanIndex {
        SpanIndex { spans: HashMap::with_capacity_and_hasher(nodes, Default::default()) }
    }

    pub(crate) fn insert_hash(&mut self, at: PointerHash, span: NodeSpan) {
        self.spans.insert(at, span);
    }

    pub(crate) fn insert(&mut self, pointer: &str, span: NodeSpan) {
        self.spans.insert(PointerHash::of(pointer), span);
    }

    /// The span recorded for exactly this pointer.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.spans.get(&PointerHash::of(pointer)).copied()
    }

    /// The position of `pointer`, or of its nearest ancestor that has one (a node created by a
    /// patch or copied from an alias has no span of its own). `None` only for an empty index.
    pub fn locate(&self, pointer: &str) -> Option<Pos> {
        PointerHash::prefixes(pointer).filter_map(|h| self.spans.get(&h)).last().map(NodeSpan::anchor)
    }

    /// How many nodes have a span.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no node has a span.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
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
        let mut idx = SpanIndex::default();
        idx.insert("", NodeSpan { key: None, value: Pos { line: 1, col: 1 } });
        idx.insert("/spec", NodeSpan { key: Some(Pos { line: 5, col: 1 }), value: Pos { line: 6, col: 3 } });
        assert_eq!(idx.locate("/spec/template/spec"), Some(Pos { line: 5, col: 1 }));
        assert_eq!(idx.locate("/kind"), Some(Pos { line: 1, col: 1 }));
        assert_eq!(SpanIndex::default().locate("/x"), None);
    }
}
