//! The ISMS commands' arguments and dispatch: `init`, `lint`, `risks` (and `risks suggest`),
//! `soa`, `gap`, `plan`, `nc` and `calendar`.

use annexa_engine::evidence::EvidenceOptions;
use annexa_engine::isms::{self, InitOptions, IsmsOptions, Sheet};
use clap::{Args, Subcommand, ValueEnum};
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

/// The ISMS commands, flattened into the top-level command list.
#[derive(Debug, Subcommand)]
pub(crate) enum IsmsCommand {
    /// Create an ISMS repository: annexa.toml, policies, registers, SoA decisions
    #[command(after_help = "Every file is commented. Nothing is overwritten unless --force is given.\n\n\
Examples:\n  annexa init isms\n  annexa init isms --organisation \"Acme Ltd\" --scope ../platform/k8s --scope ../platform/docker")]
    Init(InitArgs),
    /// Check the ISMS files: fields, dates, and every control reference against the catalogue
    #[command(after_help = "Flags ISO/IEC 27001:2013 ids with their 2022 replacement, ids written next to another \
control's title (A.8.13 is Information backup, not access removal), unknown ids with a suggestion, and counts of \
Annex A controls other than 93. Every ISMS command runs the same checks and stops on errors.\n\n\
Exit codes: 0 no error, 1 errors found, 2 the repository cannot be read.")]
    Lint(LintArgs),
    /// Show the risk register with inherent and residual levels, or its heat map
    #[command(args_conflicts_with_subcommands = true)]
    #[command(after_help = "Examples:\n  annexa risks\n  annexa risks --format svg > heatmap.svg\n  \
annexa risks suggest k8s/\n  annexa risks suggest k8s/ --format yaml >> registers/risks.yaml")]
    Risks(RisksArgs),
    /// Show the Statement of Applicability: all 93 Annex A controls, status and reasons
    #[command(after_help = "Status comes from the checks (the latest run recorded with `annexa scan PATH --record` \
in the evidence store, else a fresh scan of [scope] paths in annexa.toml) and the decisions in decisions/soa.yaml; \
reasons from the risk register and decisions; links from risks and policies. The table's first line (JSON: \
`evidence_source` on every row) says where the check results came from. JSON: an array of 93 objects with \
`control`, `applicable`, `status` and the other columns.\n\n\
Examples:\n  annexa soa\n  annexa soa --format json\n  annexa soa --format xlsx --output soa.xlsx")]
    Soa(SheetArgs),
    /// Show the gap assessment: controls not implemented and why, missing clause documents
    Gap(SheetArgs),
    /// Show the risk treatment plan: each planned control with owner, deadline and status
    Plan(SheetArgs),
    /// Show the nonconformity register and propose nonconformities for regressed controls
    #[command(after_help = "A control that passed in the run recorded before the latest (or in --previous) and \
fails in the latest is proposed, unless the register has it open.\n\n\
Examples:\n  annexa nc\n  annexa nc --previous previous.json --format json")]
    Nc(NcArgs),
    /// Show the audit calendar: certification milestones, audits, reviews and deadlines
    #[command(after_help = "Examples:\n  annexa calendar\n  annexa calendar --format ics > audits.ics")]
    Calendar(CalendarArgs),
}

/// Where the ISMS repository is and what day it is.
#[derive(Debug, Args)]
pub(crate) struct IsmsDir {
    /// The ISMS repository (the directory with annexa.toml)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) isms: PathBuf,
    /// Judge due dates as of this day (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub(crate) today: Option<isms::Date>,
}

impl IsmsDir {
    fn options(&self) -> IsmsOptions {
        IsmsOptions { dir: self.isms.clone(), today: self.today, evidence: None, ledger: None }
    }

    /// The options of a command that judges by evidence: the ledger lives in the ISMS
    /// repository unless a database URL says otherwise.
    fn with_ledger(&self, ledger: &LedgerArgs) -> IsmsOptions {
        IsmsOptions {
            ledger: Some(EvidenceOptions {
                dir: self.isms.clone(),
                database_url: ledger.database_url.clone(),
                ..EvidenceOptions::default()
            }),
            ..self.options()
        }
    }
}

/// The evidence store the commands that judge by evidence read the latest recorded run from.
#[derive(Debug, Args)]
pub(crate) struct LedgerArgs {
    /// The evidence store: `sqlite:PATH` or `postgres://user@host/db` [default: .annexa/annexa.db in --isms]
    #[arg(long, env = "ANNEXA_DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub(crate) database_url: Option<String>,
}

fn parse_date(s: &str) -> Result<isms::Date, String> {
    s.parse().map_err(|_| format!("`{s}` is not a date\n  help: write it as YYYY-MM-DD"))
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Where to create the repository
    #[arg(value_name = "DIR", default_value = ".")]
    pub(crate) dir: PathBuf,
    /// The organisation's name
    #[arg(long, value_name = "NAME", default_value = "Example Ltd")]
    pub(crate) organisation: String,
    /// A path of the estate in scope, relative to DIR (repeatable) [default: .]
    #[arg(long, value_name = "PATH")]
    pub(crate) scope: Vec<String>,
    /// Overwrite files that exist
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    #[command(flatten)]
    pub(crate) dir: IsmsDir,
    /// Output format
    #[arg(long, value_enum, default_value_t = LintFormat::Table)]
    pub(crate) format: LintFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum LintFormat {
    /// Each problem with file, line, field and help
    Table,
    /// JSON: an array of problems
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct RisksArgs {
    #[command(subcommand)]
    pub(crate) command: Option<RisksCommand>,
    #[command(flatten)]
    pub(crate) dir: IsmsDir,
    /// Output format: the register, or its heat map as SVG
    #[arg(long, value_enum, default_value_t = RisksFormat::Table)]
    pub(crate) format: RisksFormat,
    /// Write to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum RisksCommand {
    /// Propose risks per service from the estate's inventory and scan, each with its evidence
    Suggest(SuggestArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SuggestArgs {
    /// Files and directories of the estate
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<String>,
    #[command(flatten)]
    pub(crate) dir: IsmsDir,
    #[command(flatten)]
    pub(crate) ledger: LedgerArgs,
    /// Output format; `yaml` gives rows for registers/risks.yaml
    #[arg(long, value_enum, default_value_t = SuggestFormat::Table)]
    pub(crate) format: SuggestFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum RisksFormat {
    /// Aligned columns for a terminal
    Table,
    /// JSON: an array of risks with their levels
    Json,
    /// CSV with a header row
    Csv,
    /// A Markdown table
    Markdown,
    /// A spreadsheet (needs --output or a redirect)
    Xlsx,
    /// The heat map (inherent and residual) as SVG
    Svg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum SuggestFormat {
    /// Each proposal with its evidence
    Table,
    /// JSON: an array of proposals
    Json,
    /// CSV with a header row
    Csv,
    /// A Markdown table
    Markdown,
    /// Rows to append under `risks:` in registers/risks.yaml
    Yaml,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum SheetFormat {
    /// Aligned columns for a terminal
    Table,
    /// JSON, for scripts
    Json,
    /// CSV with a header row
    Csv,
    /// A Markdown table
    Markdown,
    /// A spreadsheet (needs --output or a redirect)
    Xlsx,
}

#[derive(Debug, Args)]
pub(crate) struct SheetArgs {
    #[command(flatten)]
    pub(crate) dir: IsmsDir,
    #[command(flatten)]
    pub(crate) ledger: LedgerArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = SheetFormat::Table)]
    pub(crate) format: SheetFormat,
    /// Write to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct NcArgs {
    #[command(flatten)]
    pub(crate) dir: IsmsDir,
    #[command(flatten)]
    pub(crate) ledger: LedgerArgs,
    /// A saved run (`annexa scan PATH --format json`) to compare the current one with [default: the recorded run before the latest]
    #[arg(long, value_name = "FILE")]
    pub(crate) previous: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = SheetFormat::Table)]
    pub(crate) format: SheetFormat,
    /// Write to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CalendarArgs {
    #[command(flatten)]
    pub(crate) dir: IsmsDir,
    /// Output format
    #[arg(long, value_enum, default_value_t = CalendarFormat::Table)]
    pub(crate) format: CalendarFormat,
    /// Write to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum CalendarFormat {
    /// Aligned columns for a terminal
    Table,
    /// JSON: an array of events
    Json,
    /// iCalendar (RFC 5545), to import into a calendar app
    Ics,
}

/// What a command produced: text, or the bytes of a spreadsheet.
enum Output {
    Text(String),
    Bytes(Vec<u8>),
}

fn sheet_output(
    sheet: &Sheet,
    format: SheetFormat,
    json: String,
    text: impl FnOnce() -> String,
) -> Result<Output, isms::IsmsError> {
    Ok(match format {
        SheetFormat::Table => Output::Text(text()),
        SheetFormat::Json => Output::Text(json),
        SheetFormat::Csv => Output::Text(sheet.table().to_csv()),
        SheetFormat::Markdown => Output::Text(sheet.table().to_markdown()),
        SheetFormat::Xlsx => Output::Bytes(sheet.to_xlsx()?),
    })
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Views hold only strings, numbers, dates and sequences, which always serialise.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Runs an ISMS command; the text printed is empty when the output went to a file.
pub(crate) fn run(command: IsmsCommand) -> Result<(String, ExitCode), annexa_engine::Error> {
    let (output, file, code, warnings) = match command {
        IsmsCommand::Init(args) => {
            let view = isms::init(&InitOptions {
                dir: args.dir,
                organisation: args.organisation,
                scope: args.scope,
                force: args.force,
                today: None,
            })?;
            (Output::Text(view.to_text()), None, ExitCode::SUCCESS, String::new())
        }
        IsmsCommand::Lint(args) => {
            let view = isms::lint(&args.dir.isms)?;
            let code = if view.failed() { ExitCode::from(1) } else { ExitCode::SUCCESS };
            let text = match args.format {
                LintFormat::Table => view.to_text(),
                LintFormat::Json => json(&view),
            };
            (Output::Text(text), None, code, String::new())
        }
        IsmsCommand::Risks(args) => match args.command {
            Some(RisksCommand::Suggest(s)) => {
                let view = isms::suggest(&s.paths, &s.dir.with_ledger(&s.ledger))?;
                let text = match s.format {
                    SuggestFormat::Table => view.to_text(),
                    SuggestFormat::Json => json(&view),
                    SuggestFormat::Csv => view.sheet().table().to_csv(),
                    SuggestFormat::Markdown => view.sheet().table().to_markdown(),
                    SuggestFormat::Yaml => view.to_yaml(),
                };
                (Output::Text(text), None, ExitCode::SUCCESS, view.warnings())
            }
            None => {
                let view = isms::risks(&args.dir.options())?;
                let output = match args.format {
                    RisksFormat::Svg => Output::Text(view.to_svg()),
                    RisksFormat::Table => Output::Text(view.to_text()),
                    RisksFormat::Json => Output::Text(json(&view)),
                    RisksFormat::Csv => Output::Text(view.sheet().table().to_csv()),
                    RisksFormat::Markdown => Output::Text(view.sheet().table().to_markdown()),
                    RisksFormat::Xlsx => Output::Bytes(view.sheet().to_xlsx()?),
                };
                (output, args.output, ExitCode::SUCCESS, view.warnings())
            }
        },
        IsmsCommand::Soa(args) => {
            let view = isms::soa(&args.dir.with_ledger(&args.ledger))?;
            let output = sheet_output(&view.sheet(), args.format, json(&view), || view.to_text())?;
            (output, args.output, ExitCode::SUCCESS, view.warnings())
        }
        IsmsCommand::Gap(args) => {
            let view = isms::gap(&args.dir.with_ledger(&args.ledger))?;
            let output = sheet_output(&view.sheet(), args.format, json(&view), || view.to_text())?;
            (output, args.output, ExitCode::SUCCESS, view.warnings())
        }
        IsmsCommand::Plan(args) => {
            let view = isms::plan(&args.dir.with_ledger(&args.ledger))?;
            let output = sheet_output(&view.sheet(), args.format, json(&view), || view.to_text())?;
            (output, args.output, ExitCode::SUCCESS, view.warnings())
        }
        IsmsCommand::Nc(args) => {
            let view = isms::nc(&args.dir.with_ledger(&args.ledger), args.previous.as_deref())?;
            let output = sheet_output(&view.sheet(), args.format, json(&view), || view.to_text())?;
            (output, args.output, ExitCode::SUCCESS, view.warnings())
        }
        IsmsCommand::Calendar(args) => {
            let view = isms::calendar(&args.dir.options())?;
            let text = match args.format {
                CalendarFormat::Table => view.to_text(),
                CalendarFormat::Json => json(&view),
                CalendarFormat::Ics => view.to_ics(),
            };
            (Output::Text(text), args.output, ExitCode::SUCCESS, view.warnings())
        }
    };
    // Warnings go to standard error so that the output stays parseable.
    eprint!("{warnings}");
    let bytes = match output {
        Output::Text(text) if file.is_none() => return Ok((text, code)),
        Output::Text(text) => text.into_bytes(),
        Output::Bytes(bytes) => bytes,
    };
    match file {
        Some(path) => std::fs::write(&path, bytes)
            .map_err(|e| isms::IsmsError::Write { path: path.display().to_string(), message: e.to_string() })?,
        None => {
            let mut out = std::io::stdout().lock();
            if out.is_terminal() {
                return Err(isms::IsmsError::Xlsx(
                    "refusing to write a spreadsheet to a terminal; pass `--output FILE` or redirect".to_owned(),
                )
                .into());
            }
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(
                        isms::IsmsError::Write { path: "standard output".to_owned(), message: e.to_string() }.into()
                    );
                }
                _ => {}
            }
        }
    }
    Ok((String::new(), code))
}
