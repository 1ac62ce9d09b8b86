//! Evidence over time: `annexa scan --record` appends each run to the ledger, and
//! `annexa evidence verify|prove|check-proof|export|coverage|log` read it back.
//!
//! The ledger lives in the store (`.annexa/annexa.db` in the ISMS repository, or PostgreSQL);
//! beside it, in `.annexa/`, sit the public key (`ledger.pub`, committed) and the latest signed
//! checkpoint (`checkpoint`, committed), which witness the ledger from outside the database: a
//! ledger rolled back or replaced wholesale no longer matches them. The private key stays out of
//! the repository (`~/.config/annexa/keys/`, or `--signing-key` / `ANNEXA_SIGNING_KEY` in CI).

mod bundle;
mod coverage;
mod keys;
mod log;
mod prove;
mod record;
mod runs;
mod verify;

pub use bundle::{BundleView, ExportView, export, verify_bundle};
pub use coverage::{ControlCoverage, CoverageQuery, CoverageView, coverage};
pub use log::{LogQuery, LogRow, LogView, log};
pub use prove::{check_proof, prove_consistency, prove_inclusion};
pub use record::{RecordView, Trigger, record_scan};
pub use runs::{RecordedFinding, RecordedResource, RecordedRun, latest_runs};
pub use verify::{VerifyView, verify};

use annexa_store::{AnyStore, StoreError};
use std::path::{Path, PathBuf};

/// Where the evidence lives and which keys sign and check it.
#[derive(Clone, Debug, Default)]
pub struct EvidenceOptions {
    /// The ISMS repository, which holds `.annexa/`.
    pub dir: PathBuf,
    /// `sqlite:PATH` or `postgres://…`; `.annexa/annexa.db` in `dir` by default.
    pub database_url: Option<String>,
    /// The private key: a file, or the key text itself (`PRIVATE+KEY+…`).
    pub signing_key: Option<String>,
    /// The trusted public key file; `.annexa/ledger.pub` in `dir` by default.
    pub public_key: Option<PathBuf>,
}

impl EvidenceOptions {
    /// `.annexa/` in the ISMS repository.
    pub fn annexa_dir(&self) -> PathBuf {
        self.dir.join(".annexa")
    }

    /// The trusted public key file.
    pub fn public_key_path(&self) -> PathBuf {
        self.public_key.clone().unwrap_or_else(|| self.annexa_dir().join("ledger.pub"))
    }

    /// The witness file holding the latest signed checkpoint.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.annexa_dir().join("checkpoint")
    }

    /// The store URL in force.
    pub fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite:{}", self.annexa_dir().join("annexa.db").display()))
    }
}

/// Why an evidence command failed (a tampered ledger is a result, not an error).
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file could not be read or written.
    #[error("cannot {action} `{path}`: {source}")]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A key file is malformed or does not match.
    #[error("{0}")]
    Key(String),
    /// Nothing has been recorded yet.
    #[error("no evidence has been recorded in `{0}` yet")]
    Empty(String),
    /// The proof or bundle is malformed.
    #[error("{0}")]
    Input(String),
    /// No checkpoint has that number.
    #[error("there is no checkpoint {0}")]
    NoCheckpoint(u64),
    /// No record has that number.
    #[error("record {seq} is not covered by checkpoint {checkpoint} (size {size})")]
    NotCovered {
        /// The record asked for.
        seq: u64,
        /// The checkpoint.
        checkpoint: u64,
        /// Its tree size.
        size: u64,
    },
    /// The async runtime could not start.
    #[error("cannot start the database runtime: {0}")]
    Runtime(String),
}

impl EvidenceError {
    /// A line of help.
    pub fn help(&self) -> Option<String> {
        match self {
            EvidenceError::Store(_) => Some(
                "check `--database-url` / `ANNEXA_DATABASE_URL`; the default is `.annexa/annexa.db` in the ISMS repository"
                    .into(),
            ),
            EvidenceError::Empty(_) => Some("record a run with `annexa scan PATH --record`".into()),
            EvidenceError::Key(_) => Some("see the README's evidence section on keys".into()),
            EvidenceError::NoCheckpoint(_) | EvidenceError::NotCovered { .. } => {
                Some("list checkpoints with `annexa evidence verify --format json`".into())
            }
            _ => None,
        }
    }
}

pub(crate) fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> EvidenceError + 'a {
    move |source| EvidenceError::Io { action, path: path.display().to_string(), source }
}

/// Runs a store operation to completion on a runtime of its own: the CLI is synchronous and
/// one command opens the store once.
pub(crate) fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, EvidenceError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| EvidenceError::Runtime(e.to_string()))?;
    Ok(rt.block_on(f))
}

/// Opens the store the options name, for reading: the default SQLite file must exist already,
/// so that asking about evidence never leaves an empty ledger behind.
pub(crate) async fn open(options: &EvidenceOptions) -> Result<AnyStore, EvidenceError> {
    let default = options.annexa_dir().join("annexa.db");
    if options.database_url.is_none() && !default.exists() {
        return Err(EvidenceError::Empty(default.display().to_string()));
    }
    open_for_writing(options).await
}

/// Opens the store the options name, creating and migrating it on first use.
pub(crate) async fn open_for_writing(options: &EvidenceOptions) -> Result<AnyStore, EvidenceError> {
    Ok(AnyStore::open(&options.url()).await?)
}

/// A calendar day's first and last second, as records write them.
pub(crate) fn day_bounds(from: jiff::civil::Date, to: jiff::civil::Date) -> (String, String) {
    let start = format!("{from}T00:00:00Z");
    let end = format!("{to}T23:59:59Z");
    (start, end)
}
