//! SBOMs and scanner reports read leniently from arbitrary JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let estate = annexa_load::load_bytes("fuzz.json", data, &annexa_load::Options::default());
    for d in &estate.documents {
        let _ = annexa_load::sbom::sbom(d);
        let _ = annexa_load::sbom::report(d);
    }
});
