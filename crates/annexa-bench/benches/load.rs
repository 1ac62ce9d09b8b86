//! The loader's throughput in bytes of YAML per second, so a regression shows where it happens.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn load(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("annexa-bench-load-{}", std::process::id()));
    let files = annexa_bench::estate(2_000, 2026);
    let mut bytes = 0u64;
    for f in &files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(&path, &f.text);
        bytes += f.text.len() as u64;
    }
    let mut group = c.benchmark_group("load");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(20);
    group.bench_function("estate of 2,000 resources", |b| {
        b.iter(|| annexa_load::load(&[annexa_load::Input::Path(dir.clone())], &annexa_load::Options::default()))
    });
    let text: String = files.iter().filter(|f| f.path.ends_with(".yaml")).map(|f| f.text.as_str()).collect();
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("YAML parse only", |b| {
        b.iter(|| annexa_load::yaml::parse(&text, annexa_load::yaml::Limits::default()))
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, load);
criterion_main!(benches);
