//! Times the phases of a scan (walk and parse, workload view, checks) on one estate.

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "estate".to_owned());
    for _ in 0..3 {
        let t = Instant::now();
        let estate =
            annexa_load::load(&[annexa_load::Input::Path(path.clone().into())], &annexa_load::Options::default());
        let loaded = t.elapsed();
        let t = Instant::now();
        let findings = annexa_checks::run(&estate, &annexa_checks::all());
        let checked = t.elapsed();
        let t = Instant::now();
        let inv = annexa_inventory::inventory(&estate);
        let inventoried = t.elapsed();
        println!(
            "load {loaded:?} ({} objects) · checks {checked:?} ({} findings) · inventory {inventoried:?} ({} assets)",
            estate.stats.objects,
            findings.len(),
            inv.assets.len()
        );
    }
}
