//! Command-line arguments: every command, flag and help text.

use annexa_engine::{Framework, Theme};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// ISMS-as-code for microservices: ISO/IEC 27001:2022 compliance for a Kubernetes estate and
/// the repository that describes it.
#[derive(Debug, Parser)]
#[command(name = "annexa", version, propagate_version = true, max_term_width = 100)]
#[command(after_help = "Exit codes: 0 success, 1 findings at or above --fail-on, 2 error.")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the controls of a framework, or show one with annexa's guidance and crosswalks
    #[command(args_conflicts_with_subcommands = true)]
    #[command(
        after_help = "Examples:\n  annexa controls\n  annexa controls --theme technological --format json\n  annexa controls --framework soc2\n  annexa controls show A.8.9\n  annexa controls show A.12.6.1"
    )]
    Controls(ControlsArgs),
    /// Map a control to another framework, each row with its relationship and source
    #[command(after_help = "Rows a publisher wrote are `direct`. Where only a pivot framework connects the two \
(ISO 27001 to HIPAA through SP 800-53r5, PCI DSS to ISO 27001 through Adobe CCF), rows are `derived`: \
candidates to review, not equivalences. Where no source connects them, annexa says so.\n\n\
Examples:\n  annexa crosswalk A.8.8 --to sp800-53r5\n  annexa crosswalk CC6.1 --to iso27001:2022\n  annexa crosswalk A.8.8 --to hipaa --format json")]
    Crosswalk(CrosswalkArgs),
    /// List the estate's assets and data flows, discovered from the files that describe it
    #[command(
        after_help = "Assets: services, data stores, secrets (values never shown), APIs, images, third parties and \
CI/CD pipelines, each with the file:line that defines it, its owner and data classification (labels or annotations \
`annexa.io/owner` and `annexa.io/data-classification`) and the Annex A controls that concern it. Flows between \
services carry their mTLS status (strict, permissive, disabled, none; tls or plaintext to third parties).\n\n\
Examples:\n  annexa inventory examples/estate\n  annexa inventory k8s/ --format json\n  annexa inventory . --format svg > flows.svg\n  \
helm template web ./chart | annexa inventory -"
    )]
    Inventory(InventoryArgs),
    /// Check the estate against the Annex A controls that can be checked as code
    #[command(
        after_help = "Each finding names its check, file:line:col, resource, the Annex A controls it gives evidence \
for, how to fix it, and a machine-applicable fix where one exists. Exemptions live in annexa.toml (check, resource, \
owner, reason, expires); an expired exemption is itself a finding.\n\n\
Exit codes: 0 no finding at or above --fail-on (or no --fail-on), 1 findings at or above --fail-on, 2 error.\n\n\
Examples:\n  annexa scan examples/estate\n  annexa scan k8s/ --fail-on high --format sarif > annexa.sarif\n  \
annexa scan . --controls A.8.9 --skip image-not-pinned-by-digest\n  annexa scan . --checks K8S-0001,privilege-escalation --format json"
    )]
    Scan(ScanArgs),
    /// List the checks, or show one with its documentation
    #[command(args_conflicts_with_subcommands = true)]
    Checks(ChecksArgs),
    /// Verify, prove, export and measure the evidence recorded by `scan --record`
    Evidence(crate::evidence::EvidenceArgs),
    #[command(flatten)]
    Isms(crate::isms::IsmsCommand),
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files and directories to scan (directories are walked, .gitignore-aware); `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub(crate) format: ScanFormat,
    /// Exit with 1 when a finding at or above this severity is not exempted
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub(crate) fail_on: Option<annexa_engine::Severity>,
    /// Only these checks (ids, slugs or Annex A controls; comma-separated or repeated)
    #[arg(long, value_name = "CHECK")]
    pub(crate) checks: Vec<String>,
    /// Not these checks (ids, slugs or Annex A controls)
    #[arg(long, value_name = "CHECK")]
    pub(crate) skip: Vec<String>,
    /// Only checks that give evidence for these Annex A controls (`A.8.9`)
    #[arg(long, value_name = "CONTROL")]
    pub(crate) controls: Vec<String>,
    /// The annexa.toml with exemptions [default: ./annexa.toml when it exists]
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<std::path::PathBuf>,
    /// Skip files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub(crate) max_file_size: u64,
    /// Append the run to the evidence ledger (created with its keys on first use)
    #[arg(long)]
    pub(crate) record: bool,
    /// What started the run, for the record [default: ci when the CI variable is set, else manual]
    #[arg(long, value_enum, requires = "record")]
    pub(crate) trigger: Option<crate::evidence::TriggerArg>,
    #[command(flatten)]
    pub(crate) store: crate::evidence::StoreArgs,
}

fn parse_severity(s: &str) -> Result<annexa_engine::Severity, String> {
    annexa_engine::Severity::parse(s)
        .ok_or_else(|| format!("unknown severity `{s}`\n  help: use one of info, low, medium, high, critical"))
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ScanFormat {
    /// Findings grouped by file, a per-control summary and the counts
    Table,
    /// JSON: `findings`, `summary`, `diagnostics`
    Json,
    /// SARIF 2.1.0 for code scanning
    Sarif,
    /// JUnit XML for CI test reports
    Junit,
    /// Markdown tables
    Markdown,
    /// CSV, one row per finding
    Csv,
}

#[derive(Debug, Args)]
pub(crate) struct ChecksArgs {
    #[command(subcommand)]
    pub(crate) command: Option<ChecksCommand>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ChecksCommand {
    /// Show a check's documentation, controls and peers' ids
    Show {
        /// The check id or slug
        id: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct InventoryArgs {
    /// Files and directories to read (directories are walked, .gitignore-aware); `-` reads standard input
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<String>,
    /// Output format: the register as a table, JSON, CSV or Markdown, or the data-flow map as DOT, Mermaid or SVG
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub(crate) format: InventoryFormat,
    /// Skip files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub(crate) max_file_size: u64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum InventoryFormat {
    /// Aligned columns for a terminal
    Table,
    /// JSON: `assets`, `flows`, `summary`, `diagnostics`
    Json,
    /// CSV of the assets
    Csv,
    /// Markdown tables
    Markdown,
    /// The data-flow map in Graphviz DOT
    Dot,
    /// The data-flow map as a Mermaid flowchart
    Mermaid,
    /// The data-flow map as SVG (needs Graphviz's `dot`)
    Svg,
}

#[derive(Debug, Args)]
pub(crate) struct ControlsArgs {
    #[command(subcommand)]
    pub(crate) command: Option<ControlsCommand>,
    #[command(flatten)]
    pub(crate) list: ListArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The framework to list [default: iso27001:2022]
    #[arg(long, value_name = "FRAMEWORK", value_parser = parse_framework)]
    pub(crate) framework: Option<FrameworkArg>,
    /// Only the Annex A controls of this theme
    #[arg(long, value_enum)]
    pub(crate) theme: Option<ThemeArg>,
    /// List clauses 4-10 of ISO/IEC 27001:2022 instead of Annex A
    #[arg(long)]
    pub(crate) clauses: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ControlsCommand {
    /// Show one control: title, guidance, checks, 2013 history, SP 800-204 strategies, crosswalks
    #[command(after_help = "ID may be written 8.9, A.8.9 or a.8.9; a 2013 id such as A.12.6.1 shows the 2022 control \
that replaced it; other frameworks' ids work too (CC6.1, 164.308(a)(1), MS-SS-4), with a `framework:` prefix where \
an id exists in several (soc2:A1.2).")]
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The control id
    pub(crate) id: String,
    /// Read the id in this framework
    #[arg(long, value_name = "FRAMEWORK", value_parser = parse_framework)]
    pub(crate) framework: Option<FrameworkArg>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DetailFormat::Table)]
    pub(crate) format: DetailFormat,
}

#[derive(Debug, Args)]
pub(crate) struct CrosswalkArgs {
    /// The control id to map from
    pub(crate) id: String,
    /// The framework to map to
    #[arg(long, value_name = "FRAMEWORK", value_parser = parse_framework)]
    pub(crate) to: FrameworkArg,
    /// Read the id in this framework
    #[arg(long, value_name = "FRAMEWORK", value_parser = parse_framework)]
    pub(crate) from: Option<FrameworkArg>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

/// A parsed `--framework` value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FrameworkArg(pub(crate) Framework);

fn parse_framework(s: &str) -> Result<FrameworkArg, String> {
    Framework::parse(s).map(FrameworkArg).map_err(|e| {
        let names: Vec<&str> = Framework::ALL.iter().map(|f| f.key()).collect();
        format!("{e}\n  help: use one of {}", names.join(", "))
    })
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ThemeArg {
    Organizational,
    People,
    Physical,
    Technological,
}

impl From<ThemeArg> for Theme {
    fn from(t: ThemeArg) -> Theme {
        match t {
            ThemeArg::Organizational => Theme::Organizational,
            ThemeArg::People => Theme::People,
            ThemeArg::Physical => Theme::Physical,
            ThemeArg::Technological => Theme::Technological,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns for a terminal
    Table,
    /// JSON, for scripts
    Json,
    /// CSV with a header row
    Csv,
    /// A Markdown table
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum DetailFormat {
    /// Text for a terminal
    Table,
    /// JSON, for scripts
    Json,
    /// A Markdown document
    Markdown,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
