//! A Kubernetes manifest through detection, objects and the workload view.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let estate = annexa_load::load_bytes("fuzz.yaml", data, &annexa_load::Options::default());
    for w in &estate.workloads {
        let o = &estate.objects[w.object];
        for c in &w.containers {
            let _ = o.locate(&c.pointer);
        }
    }
    assert_eq!(estate.stats.seen, estate.stats.parsed + estate.stats.failed + estate.stats.skipped_total());
});
