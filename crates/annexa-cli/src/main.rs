//! The `annexa` command: parses arguments, calls the engine, prints views, sets the exit code.
//!
//! Exit codes: 0 success, 1 findings at or above `--fail-on` (commands that judge), 2 error.

mod args;
mod evidence;
mod isms;

use annexa_engine::{checks, controls, crosswalk, inventory, scan};
use args::{ChecksCommand, Cli, Command, ControlsCommand, DetailFormat, Format, InventoryFormat, ScanFormat};
use clap::Parser;
use std::io::IsTerminal;
use std::io::Write;
use std::process::ExitCode;

// A scan allocates millions of small values on every core; glibc's per-thread arenas grow a
// page range at a time with an `mprotect` call each (tens of thousands per large scan), which
// mimalloc's segments avoid.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The command runs on a worker of the pool its parallel parts use, not beside it: on two
    // cores a third thread doing the serial parts competes with the workers while they spin
    // down between parallel parts (a scan of 1,000 resources took about 0.9 ms longer). Workers get
    // the main thread's 8 MiB stack, so that nothing that ran on the main thread has less.
    let outcome = match rayon::ThreadPoolBuilder::new().stack_size(8 << 20).build() {
        Ok(pool) => pool.install(|| run(cli)),
        Err(_) => run(cli),
    };
    match outcome {
        Ok((text, code)) => match print(&text) {
            ExitCode::SUCCESS => code,
            failure => failure,
        },
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(help) = e.help() {
                eprintln!("  help: {help}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<(String, ExitCode), annexa_engine::Error> {
    if let Command::Scan(args) = cli.command {
        return run_scan(args);
    }
    if let Command::Isms(command) = cli.command {
        return isms::run(command);
    }
    if let Command::Evidence(args) = cli.command {
        return evidence::run(args);
    }
    run_view(cli).map(|text| (text, ExitCode::SUCCESS))
}

fn run_scan(args: args::ScanArgs) -> Result<(String, ExitCode), annexa_engine::Error> {
    let config = args.config.or_else(|| Some(std::path::PathBuf::from("annexa.toml")).filter(|p| p.is_file()));
    let options = scan::ScanOptions {
        paths: args.paths,
        max_file_size: args.max_file_size,
        checks: args.checks,
        skip: args.skip,
        controls: args.controls,
        config,
        today: None,
        fail_on: args.fail_on,
    };
    let (view, estate) = scan::scan_keeping_input(&options)?;
    // The process ends once the view is written: the kernel reclaims the documents at exit
    // faster than freeing them would.
    std::mem::forget(estate);
    for d in &view.diagnostics {
        eprintln!("{d}");
    }
    if args.record {
        let store = args.store.options();
        let trigger = evidence::trigger(args.trigger);
        let recorded =
            annexa_engine::evidence::record_scan(&view, &options.paths, &store, trigger, jiff::Timestamp::now())?;
        if let Some(key) = &recorded.created_key {
            eprintln!(
                "created the evidence ledger; its signing key is at {key} (keep it out of the repository; commit {})",
                store.public_key_path().display()
            );
        }
        eprintln!(
            "recorded run {}: records {}..{} of {}, checkpoint in {}",
            recorded.run,
            recorded.first_seq,
            recorded.first_seq + recorded.records.saturating_sub(1),
            recorded.size,
            recorded.checkpoint_file
        );
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let judged = if view.summary.failed { ExitCode::from(1) } else { ExitCode::SUCCESS };
    // The JSON forms of a large scan run to tens of megabytes: written as they are produced
    // rather than built in memory first.
    let written = match args.format {
        ScanFormat::Json => Some(emit(|out| view.write_json(out))),
        ScanFormat::Sarif => Some(emit(|out| serde_json::to_writer_pretty(out, &view.to_sarif()))),
        _ => None,
    };
    if let Some(code) = written {
        return Ok((String::new(), if code == ExitCode::SUCCESS { judged } else { code }));
    }
    let text = match args.format {
        ScanFormat::Table => view.to_text(colour),
        ScanFormat::Junit => view.to_junit(),
        ScanFormat::Markdown => view.to_markdown(),
        _ => view.to_csv(),
    };
    Ok((text, judged))
}

fn run_view(cli: Cli) -> Result<String, annexa_engine::Error> {
    match cli.command {
        // `run` sends scans to `run_scan` for their exit code; this arm keeps the match whole.
        Command::Scan(args) => run_scan(args).map(|(text, _)| text),
        Command::Isms(command) => isms::run(command).map(|(text, _)| text),
        Command::Evidence(args) => evidence::run(args).map(|(text, _)| text),
        Command::Checks(args) => match args.command {
            Some(ChecksCommand::Show { id }) => Ok(checks::show(&id)?.to_text()),
            None => {
                let list = checks::list();
                Ok(match args.format {
                    Format::Json => json(&list),
                    Format::Table => checks::table(&list).to_text(),
                    Format::Csv => checks::table(&list).to_csv(),
                    Format::Markdown => checks::table(&list).to_markdown(),
                })
            }
        },
        Command::Controls(args) => match args.command {
            Some(ControlsCommand::Show(show)) => {
                let detail = controls::show(&show.id, show.framework.map(|f| f.0))?;
                Ok(match show.format {
                    DetailFormat::Table => detail.to_text(),
                    DetailFormat::Json => json(&detail),
                    DetailFormat::Markdown => detail.to_markdown(),
                })
            }
            None => {
                let framework = args.list.framework.map_or(annexa_engine::Framework::Iso27001_2022, |f| f.0);
                let q = controls::ListQuery {
                    framework,
                    theme: args.list.theme.map(Into::into),
                    clauses: args.list.clauses,
                };
                let rows = controls::list(q)?;
                Ok(match args.list.format {
                    Format::Json => json(&rows),
                    Format::Table => controls::list_table(framework, &rows).to_text(),
                    Format::Csv => controls::list_table(framework, &rows).to_csv(),
                    Format::Markdown => controls::list_table(framework, &rows).to_markdown(),
                })
            }
        },
        Command::Inventory(args) => {
            let (view, estate) = inventory::inventory_keeping_input(&args.paths, args.max_file_size)?;
            // As for a scan: the process ends next, and the kernel reclaims the documents faster.
            std::mem::forget(estate);
            // Diagnostics go to standard error so that the output stays parseable.
            for d in &view.diagnostics {
                eprintln!("{d}");
            }
            Ok(match args.format {
                InventoryFormat::Table => view.to_text(),
                InventoryFormat::Json => json(&view),
                InventoryFormat::Csv => view.to_csv(),
                InventoryFormat::Markdown => view.to_markdown(),
                InventoryFormat::Dot => view.to_dot(),
                InventoryFormat::Mermaid => view.to_mermaid(),
                InventoryFormat::Svg => view.to_svg()?,
            })
        }
        Command::Crosswalk(args) => {
            let view = crosswalk::crosswalk(&args.id, args.from.map(|f| f.0), args.to.0)?;
            Ok(match args.format {
                Format::Json => json(&view),
                Format::Table => view.to_text(),
                Format::Csv => view.table().to_csv(),
                Format::Markdown => view.to_markdown(),
            })
        }
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Views hold only strings, numbers and sequences, which always serialise.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes to standard output; a closed pipe (`annexa controls | head`) is not an error.
fn print(text: &str) -> ExitCode {
    if text.is_empty() {
        return ExitCode::SUCCESS;
    }
    let mut out = std::io::stdout().lock();
    finish(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// Streams a JSON value to standard output, then a newline, as `print` would write its text.
fn emit(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> serde_json::Result<()>,
) -> ExitCode {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = write(&mut out).map_err(std::io::Error::from);
    finish(written.and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush()))
}

fn finish(written: std::io::Result<()>) -> ExitCode {
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(2)
        }
    }
}
