//! The YAML/JSON builder on arbitrary text: no panic, and every document's spans resolve.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = annexa_load::yaml::parse(&text, annexa_load::yaml::Limits { max_nodes: 100_000, max_depth: 200 });
    for doc in &parsed.docs {
        assert!(doc.spans.locate("").is_some() || doc.spans.is_empty());
    }
});
