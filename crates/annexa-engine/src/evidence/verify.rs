//! `annexa evidence verify`: every record, checkpoint and column of the ledger, then the
//! witness checkpoint in the repository, which catches a ledger rolled back as a whole.

use super::{EvidenceError, EvidenceOptions, block_on, keys, open};
use annexa_ledger::{Problem, tree};
use annexa_store::{Store, VerifyError};

/// The outcome of a verification.
#[derive(Clone, Debug, serde::Serialize)]
pub struct VerifyView {
    /// Whether everything verified.
    pub ok: bool,
    /// The ledger's name.
    pub origin: String,
    /// Records verified (all of them when `ok`).
    pub records: u64,
    /// Signed checkpoints verified.
    pub checkpoints: u64,
    /// The root hash over every record, when verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_hash: Option<String>,
    /// The first problem, when not verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
    /// The witness checkpoint file and the size it signs, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<String>,
}

impl VerifyView {
    /// The one-paragraph report.
    pub fn to_text(&self) -> String {
        match (&self.problem, &self.root_hash) {
            (Some(p), _) => format!("ledger `{}`: NOT VERIFIED\n  {p}\n", self.origin),
            (None, root) => {
                let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
                let mut s = format!(
                    "ledger `{}`: {} and {} verified\n  root {}\n",
                    self.origin,
                    plural(self.records, "record", "records"),
                    plural(self.checkpoints, "signed checkpoint", "signed checkpoints"),
                    root.as_deref().unwrap_or("-")
                );
                if let Some(w) = &self.witness {
                    s.push_str(&format!("  witness {w}\n"));
                }
                s
            }
        }
    }
}

/// Verifies the ledger the options name.
pub fn verify(options: &EvidenceOptions) -> Result<VerifyView, EvidenceError> {
    let key = keys::required_verifier(options)?;
    block_on(async {
        let store = open(options).await?;
        let meta = store.meta().await?.ok_or_else(|| EvidenceError::Empty(options.url()))?;
        let mut view = VerifyView {
            ok: false,
            origin: meta.origin.clone(),
            records: 0,
            checkpoints: 0,
            root_hash: None,
            problem: None,
            witness: None,
        };
        let verified = match annexa_store::verify(&store, &key).await {
            Ok(v) => v,
            Err(VerifyError::Tampered(p)) => {
                view.problem = Some(p);
                return Ok(view);
            }
            Err(VerifyError::Store(e)) => return Err(e.into()),
        };
        view.records = verified.records;
        view.checkpoints = verified.checkpoints;
        let path = options.checkpoint_path();
        if path.exists() {
            let problem = |message: String, seq: Option<u64>| Problem { seq, checkpoint: None, message };
            let note = std::fs::read_to_string(&path).map_err(super::io("read", &path))?;
            match key.open_checkpoint(&note) {
                Err(e) => {
                    view.problem = Some(problem(format!("the witness `{}` does not verify: {e}", path.display()), None))
                }
                Ok(cp) if cp.size > verified.records => {
                    view.problem = Some(problem(
                        format!(
                            "the witness `{}` signs {} records but the ledger holds {}: records from {} on were removed",
                            path.display(),
                            cp.size,
                            verified.records,
                            verified.records
                        ),
                        Some(verified.records),
                    ));
                }
                Ok(cp) => {
                    // The witness is normally the last checkpoint stored, whose root verification
                    // has just recomputed: compare with it rather than rereading every leaf.
                    let stored = store.checkpoints().await?.into_iter().rev().find(|c| c.size == cp.size);
                    let root = match stored.and_then(|c| key.open_checkpoint(&c.note).ok()) {
                        Some(c) => c.root,
                        None => tree::root(&store.leaves(cp.size).await?),
                    };
                    if root != cp.root {
                        view.problem = Some(problem(
                            format!(
                                "the ledger's first {} records are not the ones the witness `{}` signs",
                                cp.size,
                                path.display()
                            ),
                            Some(0),
                        ));
                    } else {
                        view.witness = Some(format!("{} (size {})", path.display(), cp.size));
                    }
                }
            }
            if view.problem.is_some() {
                return Ok(view);
            }
        }
        view.ok = true;
        view.root_hash = Some(verified.root_hash);
        Ok(view)
    })?
}
