//! `annexa-estate-gen --resources N --out DIR [--seed S]`: writes the benchmark estate.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut resources = 10_000usize;
    let mut out = PathBuf::from("estate");
    let mut seed = 2026u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let parsed = match (arg.as_str(), value.as_deref()) {
            ("--resources", Some(v)) => v.replace('_', "").parse().map(|v| resources = v).is_ok(),
            ("--out", Some(v)) => {
                out = PathBuf::from(v);
                true
            }
            ("--seed", Some(v)) => v.parse().map(|v| seed = v).is_ok(),
            _ => false,
        };
        if !parsed {
            eprintln!(
                "error: unexpected argument `{arg}`\n  help: annexa-estate-gen --resources N --out DIR [--seed S]"
            );
            return ExitCode::from(2);
        }
    }
    let files = annexa_bench::estate(resources, seed);
    let mut bytes = 0usize;
    for f in &files {
        let path = out.join(&f.path);
        let written =
            path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, &f.text));
        if let Err(e) = written {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
        bytes += f.text.len();
    }
    println!("{resources} resources in {} files, {bytes} bytes, under {}", files.len(), out.display());
    ExitCode::SUCCESS
}
