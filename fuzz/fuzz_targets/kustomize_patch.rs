//! Kustomize's patch operations on arbitrary documents and patches.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let docs = annexa_load::yaml::parse(&text, annexa_load::yaml::Limits { max_nodes: 10_000, max_depth: 64 }).docs;
    let mut values = docs.into_iter().map(|d| d.value);
    let (Some(mut target), Some(patch)) = (values.next(), values.next()) else { return };
    let mut merged = target.clone();
    annexa_load::patch::strategic_merge(&mut merged, &patch);
    if let Some(ops) = patch.as_array() {
        for op in ops {
            let _ = annexa_load::patch::json6902(&mut target, op);
        }
    }
});
