//! The check engine's throughput in resources per second, on an estate loaded once.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn checks(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("annexa-bench-checks-{}", std::process::id()));
    for f in annexa_bench::estate(2_000, 2026) {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&path, &f.text);
    }
    let estate = annexa_load::load(&[annexa_load::Input::Path(dir.clone())], &annexa_load::Options::default());
    let all = annexa_checks::all();
    let mut group = c.benchmark_group("checks");
    group.throughput(Throughput::Elements(estate.stats.objects as u64));
    group.sample_size(20);
    group.bench_function("all checks, 2,000 resources", |b| b.iter(|| annexa_checks::run(&estate, &all)));
    group.bench_function("inventory, 2,000 resources", |b| b.iter(|| annexa_inventory::inventory(&estate)));
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, checks);
criterion_main!(benches);
