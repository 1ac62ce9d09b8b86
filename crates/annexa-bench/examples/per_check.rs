//! Times each check alone on one estate, slowest first.

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "estate".to_owned());
    let estate = annexa_load::load(&[annexa_load::Input::Path(path.into())], &annexa_load::Options::default());
    let mut times = Vec::new();
    for c in annexa_checks::all() {
        let t = Instant::now();
        let n = annexa_checks::run(&estate, &[c]).len();
        times.push((t.elapsed(), c.meta().id, n));
    }
    times.sort();
    for (d, id, n) in times.iter().rev().take(15) {
        println!("{id}: {d:?} ({n} findings)");
    }
}
