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

/// JSON pointer (RFC 6901) → position, for one document.
#[derive(Clone, Debug, Default)]
pub struct SpanIndex {
    spans: HashMap<Box<str>, NodeSpan>,
}

impl SpanIndex {
    pub(crate) fn insert(&mut self, pointer: &str, span: NodeSpan) {
        self.spans.insert(pointer.into(), span);
    }

    /// The span recorded for exactly this pointer.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.spans.get(pointer).copied()
    }

    /// The position of `pointer`, or of its nearest ancestor that has one (a node created by a
    /// patch or copied from an alias has no span of its own). `None` only for an empty index.
    pub fn locate(&self, pointer: &str) -> Option<Pos> {
        let mut p = pointer;
        loop {
            if let Some(s) = self.spans.get(p) {
                return Some(s.anchor());
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
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
