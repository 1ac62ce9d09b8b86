//! JSON Pointer (RFC 6901) lookups that allocate nothing.
//!
//! `serde_json::Value::pointer` unescapes every token into a fresh `String` (two `replace`
//! calls), which made pointer lookups the largest single cost of the checks on a large estate.
//! Tokens almost never hold `~`, so they are compared in place and only a token with an escape
//! is unescaped.

use std::borrow::Cow;

/// Looks a value up by a JSON Pointer: in a document tree ([`crate::Value`]) and in a
/// `serde_json::Value` (a stored record, a report read back).
pub trait At {
    /// The value `pointer` names, exactly as `serde_json::Value::pointer` finds it: the empty
    /// pointer is the value itself, anything else starts with `/`, `~1` stands for `/` and `~0`
    /// for `~`, and an array index is a decimal number without sign or leading zero.
    fn at(&self, pointer: &str) -> Option<&Self>;

    /// The value `pointer` names, to change; the same rules as [`At::at`].
    fn at_mut(&mut self, pointer: &str) -> Option<&mut Self>;
}

/// Both value types have the same shape and method names; one body serves both.
macro_rules! at_for {
    ($value:path) => {
        impl At for $value {
            fn at(&self, pointer: &str) -> Option<&Self> {
                use $value as V;
                if pointer.is_empty() {
                    return Some(self);
                }
                let mut target = self;
                for token in tokens(pointer.strip_prefix('/')?) {
                    target = match target {
                        V::Object(map) => map.get(&*unescape(token)),
                        // An escaped token unescapes to something holding `/` or `~`, never an index.
                        V::Array(list) => index(token).and_then(|i| list.get(i)),
                        _ => None,
                    }?;
                }
                Some(target)
            }

            fn at_mut(&mut self, pointer: &str) -> Option<&mut Self> {
                use $value as V;
                if pointer.is_empty() {
                    return Some(self);
                }
                let mut target = self;
                for token in tokens(pointer.strip_prefix('/')?) {
                    target = match target {
                        V::Object(map) => map.get_mut(&*unescape(token)),
                        V::Array(list) => index(token).and_then(|i| list.get_mut(i)),
                        _ => None,
                    }?;
                }
                Some(target)
            }
        }
    };
}

at_for!(crate::tree::Value);
at_for!(serde_json::Value);

/// `text` split at each `/`, tokens still escaped. Tokens are a few bytes long: a set of chars
/// is matched in line, where the single-`char` searcher calls `memchr` for each token and
/// costs more than the search.
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(['/'])
}

/// A token as the key it names: borrowed unless it holds an escape, which is rare.
fn unescape(token: &str) -> Cow<'_, str> {
    if has_tilde(token) { Cow::Owned(token.replace("~1", "/").replace("~0", "~")) } else { Cow::Borrowed(token) }
}

/// Whether a token holds an escape.
pub(crate) fn has_tilde(token: &str) -> bool {
    token.bytes().any(|b| b == b'~')
}

fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::At;
    use serde_json::json;

    /// Every pointer answers as serde_json's own lookup answers, escapes and odd indices included.
    #[test]
    fn agrees_with_serde_json() {
        let v = json!({
            "a": {"b": [10, {"c": true}], "": {"": 1}},
            "x/y": 1, "m~n": 2, "~1": 3, "~01": 4, "01": 5,
            "list": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        });
        let tree = crate::Value::from(v.clone());
        let pointers = [
            "",
            "/",
            "//",
            "/a",
            "/a/b",
            "/a/b/0",
            "/a/b/1/c",
            "/a/b/2",
            "/a/b/-",
            "/a/b/01",
            "/a/b/+1",
            "/a/b/1/c/d",
            "/a/",
            "/a//",
            "/x~1y",
            "/m~0n",
            "/~01",
            "/~001",
            "/~1",
            "/~",
            "/~2",
            "/01",
            "/list/10",
            "/list/010",
            "/list/ 1",
            "/list/1 ",
            "/list/18446744073709551616",
            "a",
            "#/a",
            "/a/b/0/x",
            "/missing/x",
        ];
        for p in pointers {
            #[allow(clippy::disallowed_methods, reason = "the lookup this one must agree with")]
            let expected = v.pointer(p);
            assert_eq!(v.at(p), expected, "pointer `{p}`");
            assert_eq!(tree.at(p).map(crate::Value::to_json).as_ref(), expected, "tree, pointer `{p}`");
            assert_eq!(
                tree.clone().at_mut(p).map(|t| t.to_json()).as_ref(),
                expected,
                "tree, pointer `{p}`, to change"
            );
        }
        // The cases above do reach values, so the comparison is not between two `None`s.
        assert_eq!(v.at("/a/b/1/c"), Some(&json!(true)));
        assert_eq!(v.at("/~01"), Some(&json!(3)), "`~01` is `~1`");
        assert_eq!(v.at("/~001"), Some(&json!(4)));
        assert_eq!(v.at("/x~1y"), Some(&json!(1)));
        assert_eq!(v.at("/list/11"), Some(&json!(11)));
    }
}
