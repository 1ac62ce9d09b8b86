//! `annexa evidence …` and the flags `annexa scan --record` shares with it: arguments and
//! dispatch to the engine's evidence module.

use annexa_engine::evidence::{self, CoverageQuery, EvidenceOptions, LogQuery};
use clap::{Args, Subcommand, ValueEnum};
use jiff::civil::Date;
use std::path::PathBuf;
use std::process::ExitCode;

/// Where the evidence is kept and which keys sign and check it.
#[derive(Debug, Clone, Args)]
pub(crate) struct StoreArgs {
    /// The evidence store: `sqlite:PATH` or `postgres://user@host/db` [default: .annexa/annexa.db in --isms-dir]
    #[arg(long, env = "ANNEXA_DATABASE_URL", value_name = "URL", global = true)]
    pub(crate) database_url: Option<String>,
    /// The ISMS repository, whose `.annexa/` holds the public key and the witness checkpoint
    #[arg(long, value_name = "DIR", default_value = ".", global = true)]
    pub(crate) isms_dir: PathBuf,
    /// The ledger's private key: a file, or the key text itself [default: ~/.config/annexa/keys/]
    #[arg(long, env = "ANNEXA_SIGNING_KEY", value_name = "FILE", hide_env_values = true, global = true)]
    pub(crate) signing_key: Option<String>,
    /// The trusted public key [default: .annexa/ledger.pub in --isms-dir]
    #[arg(long, value_name = "FILE", global = true)]
    pub(crate) public_key: Option<PathBuf>,
}

impl StoreArgs {
    pub(crate) fn options(&self) -> EvidenceOptions {
        EvidenceOptions {
            dir: self.isms_dir.clone(),
            database_url: self.database_url.clone(),
            signing_key: self.signing_key.clone(),
            public_key: self.public_key.clone(),
        }
    }
}

/// What started a recorded run.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum TriggerArg {
    /// A pipeline
    Ci,
    /// A person
    Manual,
}

/// The trigger: as given, else `ci` when the `CI` variable is set (every major CI sets it).
pub(crate) fn trigger(arg: Option<TriggerArg>) -> evidence::Trigger {
    match arg {
        Some(TriggerArg::Ci) => evidence::Trigger::Ci,
        Some(TriggerArg::Manual) => evidence::Trigger::Manual,
        None if std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false") => evidence::Trigger::Ci,
        None => evidence::Trigger::Manual,
    }
}

#[derive(Debug, Args)]
#[command(after_help = "The ledger is an append-only Merkle tree (RFC 6962) whose checkpoints are signed with \
Ed25519 (C2SP signed notes): any changed, deleted, inserted, reordered or truncated record is found by `verify`, \
and any record can be proven to an auditor without handing over the rest.\n\n\
Examples:\n  annexa scan k8s/ --record\n  annexa evidence verify\n  annexa evidence prove 42 > proof.json\n  \
annexa evidence check-proof proof.json\n  annexa evidence export --from 2026-01-01 --to 2026-06-30 --out bundle/\n  \
annexa evidence coverage --from 2026-01-01 --to 2026-06-30 --control A.8.9\n  annexa evidence log --control A.8.9 --kind control-result")]
pub(crate) struct EvidenceArgs {
    #[command(subcommand)]
    pub(crate) command: EvidenceCommand,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ReportFormat {
    /// Text for a terminal
    Table,
    /// JSON
    Json,
    /// Markdown
    Markdown,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EvidenceCommand {
    /// Recompute every record, the tree and every checkpoint signature; exit 1 at the first bad record
    Verify {
        /// Verify an exported bundle instead of the ledger
        #[arg(long, value_name = "DIR")]
        bundle: Option<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// Print an inclusion proof for a record, or a consistency proof between two checkpoints
    #[command(after_help = "Examples:\n  annexa evidence prove 42\n  annexa evidence prove 42 --checkpoint 3\n  \
annexa evidence prove --from 2 --to 7")]
    Prove {
        /// The record's sequence number
        #[arg(value_name = "SEQ", required_unless_present_all = ["from", "to"], conflicts_with_all = ["from", "to"])]
        seq: Option<u64>,
        /// The checkpoint to prove against [default: the latest]
        #[arg(long, value_name = "N")]
        checkpoint: Option<u64>,
        /// The earlier checkpoint of a consistency proof
        #[arg(long, value_name = "N", requires = "to")]
        from: Option<u64>,
        /// The later checkpoint of a consistency proof
        #[arg(long, value_name = "N", requires = "from")]
        to: Option<u64>,
    },
    /// Check a proof printed by `prove` against the trusted public key; exit 1 when it does not hold
    CheckProof {
        /// The proof file, `-` for standard input
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Write the records of a window with their proofs, checkpoints, key and a verifier to a folder
    Export {
        /// The window's first day
        #[arg(long, value_name = "DATE")]
        from: Date,
        /// The window's last day
        #[arg(long, value_name = "DATE")]
        to: Date,
        /// The bundle's folder
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// For each control: runs, days with evidence, longest gap, pass rate, failures and a verdict
    Coverage {
        /// The window's first day
        #[arg(long, value_name = "DATE")]
        from: Date,
        /// The window's last day
        #[arg(long, value_name = "DATE")]
        to: Date,
        /// One control only (`A.8.9`)
        #[arg(long, value_name = "CONTROL")]
        control: Option<String>,
        /// Days without evidence, or of an unfixed failure, tolerated within the window
        #[arg(long, value_name = "DAYS", default_value_t = 7)]
        max_gap: i64,
        /// Output format
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
    /// List records, filtered by control, kind and window
    Log {
        /// Records about this control
        #[arg(long, value_name = "CONTROL")]
        control: Option<String>,
        /// Records of this kind: scan-run, control-result, finding, decision, exemption, document
        #[arg(long, value_name = "KIND")]
        kind: Vec<String>,
        /// Evidence from this day
        #[arg(long, value_name = "DATE")]
        from: Option<Date>,
        /// Evidence up to this day
        #[arg(long, value_name = "DATE")]
        to: Option<Date>,
        /// Only the latest this many
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
        /// Output format
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
}

fn json<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn code(ok: bool) -> ExitCode {
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// Runs `annexa evidence …`.
pub(crate) fn run(args: EvidenceArgs) -> Result<(String, ExitCode), annexa_engine::Error> {
    let options = args.store.options();
    Ok(match args.command {
        EvidenceCommand::Verify { bundle: Some(dir), format } => {
            let view = evidence::verify_bundle(&dir, options.public_key.as_deref())?;
            let text = match format {
                ReportFormat::Json => json(&view),
                _ => view.to_text(),
            };
            (text, code(view.ok))
        }
        EvidenceCommand::Verify { bundle: None, format } => {
            let view = evidence::verify(&options)?;
            let text = match format {
                ReportFormat::Json => json(&view),
                _ => view.to_text(),
            };
            (text, code(view.ok))
        }
        EvidenceCommand::Prove { seq, checkpoint, from, to } => {
            let proof = match (seq, from, to) {
                (Some(seq), _, _) => evidence::prove_inclusion(&options, seq, checkpoint)?,
                (None, Some(from), Some(to)) => evidence::prove_consistency(&options, from, to)?,
                // clap requires SEQ or both --from and --to.
                _ => return Ok((String::new(), ExitCode::from(2))),
            };
            (json(&proof), ExitCode::SUCCESS)
        }
        EvidenceCommand::CheckProof { file } => {
            let text =
                if file == "-" { std::io::read_to_string(std::io::stdin()) } else { std::fs::read_to_string(&file) }
                    .map_err(|source| evidence::EvidenceError::Io { action: "read", path: file.clone(), source })?;
            match evidence::check_proof(&text, &options)? {
                Ok(checked) => {
                    let what = match checked.leaf_index {
                        Some(i) => format!("record {i} is in the tree"),
                        None => format!("the tree extends the one of size {}", checked.from_size.unwrap_or(0)),
                    };
                    (
                        format!(
                            "proof holds: {what} that `{}` signed at size {} (root {})\n",
                            checked.origin, checked.tree_size, checked.root_hash
                        ),
                        ExitCode::SUCCESS,
                    )
                }
                Err(why) => (format!("proof does NOT hold: {why}\n"), ExitCode::from(1)),
            }
        }
        EvidenceCommand::Export { from, to, out } => {
            (evidence::export(&options, from, to, &out)?.to_text(), ExitCode::SUCCESS)
        }
        EvidenceCommand::Coverage { from, to, control, max_gap, format } => {
            let today = jiff::Zoned::now().date();
            let view =
                evidence::coverage(&options, &CoverageQuery { from, to, control, max_gap_days: max_gap, today })?;
            let text = match format {
                ReportFormat::Table => view.to_text(),
                ReportFormat::Json => json(&view),
                ReportFormat::Markdown => view.to_markdown(),
            };
            (text, ExitCode::SUCCESS)
        }
        EvidenceCommand::Log { control, kind, from, to, limit, format } => {
            let view = evidence::log(&options, &LogQuery { control, kinds: kind, from, to, limit })?;
            let text = match format {
                ReportFormat::Table => view.to_text(),
                ReportFormat::Json => json(&view),
                ReportFormat::Markdown => view.to_markdown(),
            };
            (text, ExitCode::SUCCESS)
        }
    })
}
