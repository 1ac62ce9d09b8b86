//! Spans are where the values are: a property test over generated documents, and a sweep
//! over the real estates in `../shared/corpora`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_load::yaml::{Limits, parse};
use annexa_load::{Input, Options, load};
use proptest::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

/// Writes `v` as block YAML, keys and strings as JSON strings (valid YAML double-quoted).
fn emit(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                out.push_str(&format!("{pad}{}:", Value::String(k.clone())));
                nested(child, indent, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for child in a {
                out.push_str(&format!("{pad}-"));
                nested(child, indent, out);
            }
        }
        other => out.push_str(&format!("{pad}{other}\n")),
    }
}

fn nested(child: &Value, indent: usize, out: &mut String) {
    match child {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit(child, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit(child, indent + 2, out);
        }
        other => out.push_str(&format!(" {other}\n")),
    }
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "[a-z/~. -]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z/~._-]{1,10}", inner, 1..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every pointer of `v` with its key (for mapping entries).
fn pointers(v: &Value, at: String, key: Option<String>, out: &mut Vec<(String, Option<String>, Value)>) {
    out.push((at.clone(), key, v.clone()));
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(c, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), Some(k.clone()), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), None, out);
            }
        }
        _ => {}
    }
}

fn at(text: &str, line: u32, col: u32) -> &str {
    let l = text.lines().nth(line as usize - 1).unwrap_or("");
    let byte = l.char_indices().nth(col as usize - 1).map_or(l.len(), |(i, _)| i);
    &l[byte..]
}

proptest! {
    #[test]
    fn every_node_is_found_where_it_is_written(doc in prop::collection::btree_map("[a-z]{1,6}", value(), 1..5)) {
        let v = Value::Object(doc.into_iter().collect());
        let mut text = String::new();
        emit(&v, 0, &mut text);
        let parsed = parse(&text, Limits::default());
        prop_assert!(parsed.diagnostics.is_empty(), "{:?}\n{text}", parsed.diagnostics);
        prop_assert_eq!(&parsed.docs[0].value, &v);
        let mut all = Vec::new();
        pointers(&v, String::new(), None, &mut all);
        for (pointer, key, value) in all.into_iter().skip(1) {
            let span = parsed.docs[0].spans.get(&pointer);
            prop_assert!(span.is_some(), "no span for {pointer}");
            let span = span.unwrap();
            if let Some(key) = key {
                let k = span.key.expect("mapping values carry their key's position");
                prop_assert!(at(&text, k.line, k.col).starts_with(&Value::String(key).to_string()), "{pointer}\n{text}");
            }
            let scalar = !matches!(&value, Value::Object(m) if !m.is_empty()) && !matches!(&value, Value::Array(a) if !a.is_empty());
            if scalar {
                let written = at(&text, span.value.line, span.value.col);
                prop_assert!(written.starts_with(&value.to_string()), "{pointer}: {written:?}\n{text}");
            }
        }
    }
}

#[test]
fn names_and_images_in_the_real_estates_point_at_their_lines() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if !root.is_dir() {
        println!("corpora not found at {}: span sweep skipped", root.display());
        return;
    }
    let estates = [
        "GoogleCloudPlatform-microservices-demo/kubernetes-manifests",
        "microservices-demo-sock-shop/deploy/kubernetes/manifests",
        "OWASP-crAPI/deploy/k8s",
        "kubernetes-goat/scenarios",
    ];
    let mut checked = 0;
    for estate in estates {
        let loaded = load(&[Input::Path(root.join(estate))], &Options::default());
        for o in &loaded.objects {
            let text = std::fs::read_to_string(&*o.file).unwrap();
            let name = o.locate("/metadata/name");
            assert!(at(&text, name.line, name.col).starts_with("name:"), "{}:{}:{}", o.file, name.line, name.col);
            assert!(at(&text, name.line, name.col).contains(&o.name), "{}:{}", o.file, name.line);
            checked += 1;
        }
        for w in &loaded.workloads {
            let o = &loaded.objects[w.object];
            let text = std::fs::read_to_string(&*o.file).unwrap();
            for c in &w.containers {
                let image = o.locate(&format!("{}/image", c.pointer));
                let written = at(&text, image.line, image.col);
                assert!(
                    written.starts_with("image:") && written.contains(c.image.as_deref().unwrap_or("?")),
                    "{}:{}:{} {written:?}",
                    o.file,
                    image.line,
                    image.col
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "{checked}");
}
