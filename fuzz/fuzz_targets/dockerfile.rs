//! Dockerfiles: instructions, stages and positions on arbitrary input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let estate = annexa_load::load_bytes("Dockerfile", data, &annexa_load::Options::default());
    for f in &estate.dockerfiles {
        for i in &f.instructions {
            assert!(i.pos.line >= 1 && i.pos.col >= 1);
        }
    }
});
