//! The `annexa` command: parses arguments, calls the engine, prints views, sets the exit code.
//!
//! Exit codes: 0 success, 1 findings at or above `--fail-on` (commands that judge), 2 error.

mod args;

use annexa_engine::{controls, crosswalk, inventory};
use args::{Cli, Command, ControlsCommand, DetailFormat, Format, InventoryFormat};
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(text) => print(&text),
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(help) = e.help() {
                eprintln!("  help: {help}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<String, annexa_engine::Error> {
    match cli.command {
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
            let view = inventory::inventory(&args.paths, args.max_file_size)?;
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
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(2)
        }
    }
}
