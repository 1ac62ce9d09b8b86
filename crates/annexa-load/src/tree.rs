//! The document tree: a parsed YAML or JSON document, with mappings kept as sorted vectors.
//!
//! `serde_json::Value` keeps each mapping in a B-tree whose smallest node is a 632-byte leaf,
//! while nine in ten mappings of a manifest hold four keys or fewer. On a 100,000-resource
//! estate those leaves were more than half of the scan's memory, and the kernel's zeroing of
//! fresh pages grew faster than the estate. Here a mapping is a vector of entries sorted by key,
//! exactly as long as it needs to be: the same order serde_json's B-tree gives (so output and
//! canonical forms do not change), found by bisection.
//!
//! The API follows serde_json's (`get`, `as_str`, `as_object`, ...) so reading code looks the
//! same; [`Value`] serializes as JSON and converts to and from `serde_json::Value`.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
pub use serde_json::Number;
use std::fmt;

/// A [`Value`] written as JSON: `value!({"kind": "Pod"})`, for tests and built objects.
#[macro_export]
macro_rules! value {
    ($($json:tt)+) => {
        $crate::Value::from($crate::tree::__json!($($json)+))
    };
}

#[doc(hidden)]
pub use serde_json::json as __json;

/// A YAML or JSON value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Value {
    /// `null`, `~` or nothing.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer or a float.
    Number(Number),
    /// A string.
    String(String),
    /// A sequence.
    Array(Vec<Value>),
    /// A mapping.
    Object(Map),
}

/// A mapping with string keys, sorted by key, each key once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Map {
    entries: Vec<(String, Value)>,
}

impl Map {
    /// An empty mapping.
    pub const fn new() -> Map {
        Map { entries: Vec::new() }
    }

    /// Builds a mapping from entries in any order; where a key is repeated, the last one wins
    /// (as a later key wins in YAML and JSON). Sorting once keeps a hostile mapping with a
    /// million keys at `n log n`, where inserting one by one would be quadratic.
    pub fn from_entries(mut entries: Vec<(String, Value)>) -> Map {
        if entries.windows(2).any(|w| w[0].0 >= w[1].0) {
            // Stable, so equal keys stay in written order and the last of each run is the later one.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut kept: Vec<(String, Value)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match kept.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => kept.push(entry),
                }
            }
            entries = kept;
        }
        entries.shrink_to_fit();
        Map { entries }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).ok().and_then(|i| self.entries.get(i)).map(|(_, v)| v)
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`, returning the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.find(&key) {
            Ok(i) => self.entries.get_mut(i).map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Sets `key` unless it is present.
    pub fn insert_if_absent(&mut self, key: String, value: Value) {
        if let Err(i) = self.find(&key) {
            self.entries.insert(i, (key, value));
        }
    }

    /// The value of `key`, inserting what `default` makes when it is absent.
    pub fn get_or_insert_with(&mut self, key: &str, default: impl FnOnce() -> Value) -> &mut Value {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key.to_owned(), default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Keeps the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Entries in key order.
    pub fn iter(&self) -> Iter<'_> {
        Iter { inner: self.entries.iter() }
    }

    /// Entries in key order, values to change.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Values in key order, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

/// A mapping as a parser reads it: entries in written order, a repeated key replacing the
/// earlier value where it stands, sorted once at the end.
#[derive(Debug, Default)]
pub struct MapBuilder {
    entries: Vec<(String, Value)>,
    /// Key → position, once there are too many entries to compare each new key with all of them.
    index: Option<std::collections::HashMap<String, usize>>,
}

/// Up to this many entries a new key is compared with each; a hash index takes over beyond.
const SCAN_LIMIT: usize = 16;

impl MapBuilder {
    /// An empty mapping.
    pub fn new() -> MapBuilder {
        MapBuilder::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// Whether `key` has been read.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Adds an entry; a repeated key replaces the value and returns the earlier one.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.replace(&key, value) {
            Ok(earlier) => Some(earlier),
            Err(value) => {
                self.push_new(key, value);
                None
            }
        }
    }

    /// Replaces the value of a key already read and returns the earlier one; hands `value`
    /// back when the key is new, so that a parser looks a key up once.
    pub fn replace(&mut self, key: &str, value: Value) -> Result<Value, Value> {
        match self.position(key).and_then(|i| self.entries.get_mut(i)) {
            Some((_, v)) => Ok(std::mem::replace(v, value)),
            None => Err(value),
        }
    }

    /// Adds an entry whose key [`MapBuilder::replace`] has just found new.
    pub(crate) fn push_new(&mut self, key: String, value: Value) {
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), self.entries.len());
        } else if self.entries.len() == SCAN_LIMIT {
            let mut index: std::collections::HashMap<String, usize> =
                self.entries.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect();
            index.insert(key.clone(), self.entries.len());
            self.index = Some(index);
        }
        self.entries.push((key, value));
    }

    /// Adds an entry unless the key has been read (merge keys never override written ones).
    pub fn insert_if_absent(&mut self, key: String, value: Value) {
        if !self.contains_key(&key) {
            self.insert(key, value);
        }
    }

    /// The finished mapping.
    pub fn finish(self) -> Map {
        Map::from_entries(self.entries)
    }
}

/// The entries of a [`Map`], in key order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, (String, Value)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Map {
        Map::from_entries(iter.into_iter().collect())
    }
}

impl Extend<(String, Value)> for Map {
    /// Later entries win, as with `insert`; the whole is sorted once.
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        let mut entries = std::mem::take(&mut self.entries);
        entries.extend(iter);
        *self = Map::from_entries(entries);
    }
}

/// What [`Value::get`] takes: a key of a mapping or an index of a sequence.
pub trait Key {
    /// The value this key names in `v`.
    fn find_in<'v>(&self, v: &'v Value) -> Option<&'v Value>;
    /// The value this key names in `v`, to change.
    fn find_in_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value>;
}

impl Key for str {
    fn find_in<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_object()?.get(self)
    }
    fn find_in_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_object_mut()?.get_mut(self)
    }
}

impl Key for String {
    fn find_in<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().find_in(v)
    }
    fn find_in_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        self.as_str().find_in_mut(v)
    }
}

impl Key for usize {
    fn find_in<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_array()?.get(*self)
    }
    fn find_in_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_array_mut()?.get_mut(*self)
    }
}

impl<T: Key + ?Sized> Key for &T {
    fn find_in<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).find_in(v)
    }
    fn find_in_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        (**self).find_in_mut(v)
    }
}

impl Value {
    /// The value under a key of a mapping or an index of a sequence.
    pub fn get<K: Key>(&self, key: K) -> Option<&Value> {
        key.find_in(self)
    }

    /// The value under a key or index, to change.
    pub fn get_mut<K: Key>(&mut self, key: K) -> Option<&mut Value> {
        key.find_in_mut(self)
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// A number that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// A number that fits `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    /// A number as `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().and_then(Number::as_f64)
    }

    /// The items of a sequence.
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The items of a sequence, to change.
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The entries of a mapping.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The entries of a mapping, to change.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether it is a boolean.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// Whether it is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// Whether it is an integer that fits `i64`.
    pub fn is_i64(&self) -> bool {
        self.as_number().is_some_and(Number::is_i64)
    }

    /// Whether it is an integer that fits `u64`.
    pub fn is_u64(&self) -> bool {
        self.as_number().is_some_and(Number::is_u64)
    }

    /// Whether it is a float.
    pub fn is_f64(&self) -> bool {
        self.as_number().is_some_and(Number::is_f64)
    }

    /// Whether it is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether it is a sequence.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Whether it is a mapping.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Takes the value, leaving `null`.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }

    /// The same value as a `serde_json::Value` (for a fix, a report, a record).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_json).collect()),
            Value::Object(m) => serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::Array(a.into_iter().map(Value::from).collect()),
            // serde_json's map iterates in key order already: `from_entries` keeps it as it is.
            serde_json::Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, Value::from(v))).collect()),
        }
    }
}

impl From<&Value> for serde_json::Value {
    fn from(v: &Value) -> serde_json::Value {
        v.to_json()
    }
}

impl From<Value> for serde_json::Value {
    fn from(v: Value) -> serde_json::Value {
        v.to_json()
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n.into())
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(n.into())
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Value {
        Value::Array(a)
    }
}

impl<T: Into<Value>> FromIterator<T> for Value {
    /// A sequence, as serde_json collects one.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Value {
        Value::Array(iter.into_iter().map(Into::into).collect())
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

/// `value == 3`, as serde_json compares.
macro_rules! eq_number {
    ($($t:ty => $as:ident as $wide:ty),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                self.$as().is_some_and(|n| n == *other as $wide)
            }
        }
    )*};
}

eq_number!(i32 => as_i64 as i64, i64 => as_i64 as i64, u32 => as_u64 as u64, u64 => as_u64 as u64, usize => as_u64 as u64, f64 => as_f64 as f64);

impl PartialEq<serde_json::Value> for Value {
    fn eq(&self, other: &serde_json::Value) -> bool {
        match (self, other) {
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Value::Number(a), serde_json::Value::Number(b)) => a == b,
            (Value::String(a), serde_json::Value::String(b)) => a == b,
            (Value::Array(a), serde_json::Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Value::Object(a), serde_json::Value::Object(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && va == vb)
            }
            _ => false,
        }
    }
}

impl PartialEq<Value> for serde_json::Value {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

static NULL: Value = Value::Null;

impl std::ops::Index<&str> for Value {
    type Output = Value;
    /// `null` when the key is absent or this is not a mapping, as serde_json answers.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<usize> for Value {
    type Output = Value;
    /// `null` when the index is out of range or this is not a sequence.
    fn index(&self, i: usize) -> &Value {
        self.get(i).unwrap_or(&NULL)
    }
}

impl std::ops::IndexMut<&str> for Value {
    /// The value of `key`, inserted as `null` when absent; `null` itself becomes a mapping first.
    /// Any other kind of value is replaced by a mapping, where serde_json would panic: a
    /// document's shape is the input's, never an invariant of ours.
    fn index_mut(&mut self, key: &str) -> &mut Value {
        if !self.is_object() {
            *self = Value::Object(Map::new());
        }
        match self {
            Value::Object(m) => m.get_or_insert_with(key, || Value::Null),
            // Made a mapping just above.
            other => other,
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(t) => s.serialize_str(t),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for item in a {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(m) => m.serialize(s),
        }
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        serde_json::Value::deserialize(d).map(Value::from)
    }
}

impl fmt::Display for Value {
    /// Compact JSON, as serde_json's `Value` displays.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::{Map, Value};
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_the_last_repeat_wins() {
        let m = Map::from_entries(vec![
            ("b".to_owned(), Value::from(1_i64)),
            ("a".to_owned(), Value::from(2_i64)),
            ("b".to_owned(), Value::from(3_i64)),
            ("c".to_owned(), Value::from(4_i64)),
            ("b".to_owned(), Value::from(5_i64)),
        ]);
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(m.get("b"), Some(&Value::from(5_i64)));
        assert_eq!(m.get("d"), None);
    }

    #[test]
    fn a_hostile_mapping_is_built_in_n_log_n() {
        // A million keys written in descending order: one insertion each at the front would
        // move every entry every time.
        let entries = (0..1_000_000_u32).rev().map(|i| (format!("{i:07}"), Value::Null)).collect();
        let m = Map::from_entries(entries);
        assert_eq!(m.len(), 1_000_000);
        assert_eq!(m.keys().next().map(String::as_str), Some("0000000"));
        assert!(m.contains_key("0999999"));
    }

    #[test]
    fn the_builder_reports_repeats_before_and_after_its_index() {
        for n in [3_usize, 40] {
            let mut b = super::MapBuilder::new();
            for i in (0..n).rev() {
                assert_eq!(b.insert(format!("k{i:02}"), Value::from(i as u64)), None);
            }
            assert!(b.contains_key("k01"));
            assert_eq!(b.insert("k01".to_owned(), Value::Null), Some(Value::from(1_u64)));
            b.insert_if_absent("k02".to_owned(), Value::Null);
            b.insert_if_absent("zz".to_owned(), Value::Bool(true));
            let m = b.finish();
            assert_eq!(m.len(), n + 1);
            assert_eq!(m.get("k01"), Some(&Value::Null));
            assert_eq!(m.get("k02"), Some(&Value::from(2_u64)));
            assert_eq!(m.keys().next().map(String::as_str), Some("k00"));
            assert_eq!(m.keys().last().map(String::as_str), Some("zz"));
        }
    }

    #[test]
    fn insert_remove_and_replace() {
        let mut m = Map::new();
        assert_eq!(m.insert("b".to_owned(), Value::from("x")), None);
        assert_eq!(m.insert("a".to_owned(), Value::from("y")), None);
        assert_eq!(m.insert("b".to_owned(), Value::from("z")), Some(Value::from("x")));
        m.insert_if_absent("a".to_owned(), Value::Null);
        assert_eq!(m.get("a"), Some(&Value::from("y")));
        assert_eq!(m.remove("a"), Some(Value::from("y")));
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b"]);
        m.extend([("c".to_owned(), Value::Null), ("b".to_owned(), Value::Bool(true))]);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "c"]);
        assert_eq!(m.get("b"), Some(&Value::Bool(true)));
    }

    /// The same tree serializes, displays and compares as serde_json's, key order included.
    #[test]
    fn round_trips_with_serde_json() {
        let original = json!({
            "z": [1, -2, 3.5, null, true, "s"],
            "a": {"y": {}, "x": [], "b": {"k": "v"}},
            "m": 18446744073709551615_u64,
        });
        let tree = Value::from(original.clone());
        assert_eq!(tree, original);
        assert_eq!(tree.to_json(), original);
        assert_eq!(serde_json::to_string(&tree).unwrap(), serde_json::to_string(&original).unwrap());
        assert_eq!(tree.to_string(), original.to_string());
        assert_eq!(serde_json::from_str::<Value>(&original.to_string()).unwrap(), tree);
        assert_eq!(tree["a"]["b"]["k"], "v");
        assert_eq!(tree["z"][3], Value::Null);
        assert!(tree["missing"]["deeper"].is_null());
        assert_eq!(tree.get("z").and_then(|z| z.get(5)), Some(&Value::from("s")));
    }

    #[test]
    fn index_mut_builds_mappings() {
        let mut v = Value::Null;
        v["metadata"]["namespace"] = Value::from("prod");
        assert_eq!(v, json!({"metadata": {"namespace": "prod"}}));
        let mut s = Value::from("text");
        s["k"] = Value::Bool(false);
        assert_eq!(s, json!({"k": false}));
    }
}
