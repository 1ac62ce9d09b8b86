//! Standard input: encoding detection and kind sniffing on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let estate = annexa_load::load_bytes("-", data, &annexa_load::Options::default());
    assert_eq!(estate.files.len(), 1);
});
