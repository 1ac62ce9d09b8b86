//! Proof documents: what `annexa evidence prove` prints and `check-proof` (or any short script)
//! checks, with no access to the ledger.
//!
//! An inclusion proof carries the record's canonical text, so its leaf hash is recomputed rather
//! than trusted, the audit path from the leaf up (RFC 9162 §2.1.3), and the signed checkpoint
//! whose root the path must reach. A consistency proof carries two signed checkpoints and the
//! RFC 9162 §2.1.4 proof that the later tree extends the earlier one. Hashes are lowercase hex.

use crate::note::{Checkpoint, NoteError, NoteVerifier};
use crate::record::Record;
use crate::tree::{self, Hash, ProofError};
use serde::{Deserialize, Serialize};

/// A proof document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Proof {
    /// This record is in the tree the checkpoint signs.
    Inclusion(Inclusion),
    /// The tree of the later checkpoint extends the tree of the earlier one.
    Consistency(Consistency),
}

/// An inclusion proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inclusion {
    /// The record's position (its `seq`).
    pub leaf_index: u64,
    /// The record's canonical bytes, as text.
    pub record: String,
    /// `SHA-256(0x00 || record)`.
    pub leaf_hash: String,
    /// Sibling hashes from the leaf up.
    pub path: Vec<String>,
    /// The signed checkpoint the path leads to.
    pub checkpoint: String,
}

/// A consistency proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consistency {
    /// The earlier signed checkpoint.
    pub from: String,
    /// The later signed checkpoint.
    pub to: String,
    /// The RFC 9162 consistency proof.
    pub path: Vec<String>,
}

/// What a proof established.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Checked {
    /// `inclusion` or `consistency`.
    pub kind: &'static str,
    /// The log's name.
    pub origin: String,
    /// The tree size of the (later) checkpoint.
    pub tree_size: u64,
    /// Its root, hex.
    pub root_hash: String,
    /// The record proven, for inclusion proofs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leaf_index: Option<u64>,
    /// The earlier tree size, for consistency proofs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_size: Option<u64>,
}

/// A proof that does not hold, and why.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// A checkpoint's signature or form.
    #[error(transparent)]
    Note(#[from] NoteError),
    /// The hashes.
    #[error(transparent)]
    Proof(#[from] ProofError),
    /// A hash is not 64 hex digits.
    #[error("`{0}` is not a SHA-256 hash in hex")]
    BadHash(String),
    /// The record text does not hash to the stated leaf hash, or is not a record.
    #[error("{0}")]
    Record(String),
    /// The two checkpoints are of different logs.
    #[error("the checkpoints name different logs: `{0}` and `{1}`")]
    OriginMismatch(String, String),
}

fn hashes(hex: &[String]) -> Result<Vec<Hash>, CheckError> {
    hex.iter().map(|h| tree::from_hex(h).ok_or_else(|| CheckError::BadHash(h.clone()))).collect()
}

impl Proof {
    /// Checks the proof against the log's public key.
    pub fn check(&self, key: &NoteVerifier) -> Result<Checked, CheckError> {
        match self {
            Proof::Inclusion(p) => {
                let cp = key.open_checkpoint(&p.checkpoint)?;
                let leaf = tree::leaf_hash(p.record.as_bytes());
                if tree::hex(&leaf) != p.leaf_hash {
                    return Err(CheckError::Record("the record does not hash to `leaf_hash`".into()));
                }
                let record = Record::decode(p.record.as_bytes()).map_err(|e| CheckError::Record(e.to_string()))?;
                if record.seq != p.leaf_index {
                    return Err(CheckError::Record(format!(
                        "the record says seq {} but the proof is for leaf {}",
                        record.seq, p.leaf_index
                    )));
                }
                tree::verify_inclusion(p.leaf_index, cp.size, &leaf, &hashes(&p.path)?, &cp.root)?;
                Ok(Checked {
                    kind: "inclusion",
                    origin: cp.origin,
                    tree_size: cp.size,
                    root_hash: tree::hex(&cp.root),
                    leaf_index: Some(p.leaf_index),
                    from_size: None,
                })
            }
            Proof::Consistency(p) => {
                let (from, to) = (key.open_checkpoint(&p.from)?, key.open_checkpoint(&p.to)?);
                if from.origin != to.origin {
                    return Err(CheckError::OriginMismatch(from.origin, to.origin));
                }
                tree::verify_consistency(from.size, to.size, &from.root, &to.root, &hashes(&p.path)?)?;
                Ok(Checked {
                    kind: "consistency",
                    origin: to.origin,
                    tree_size: to.size,
                    root_hash: tree::hex(&to.root),
                    leaf_index: None,
                    from_size: Some(from.size),
                })
            }
        }
    }

    /// Builds an inclusion proof from the record's bytes, the leaf hashes of the checkpoint's
    /// tree and the signed checkpoint.
    pub fn inclusion(seq: u64, record: &[u8], leaves: &[Hash], checkpoint: &str) -> Result<Proof, CheckError> {
        let record = String::from_utf8(record.to_vec()).map_err(|_| CheckError::Record("not UTF-8".into()))?;
        let path = tree::inclusion_proof(seq, leaves)?;
        Ok(Proof::Inclusion(Inclusion {
            leaf_index: seq,
            leaf_hash: tree::hex(&tree::leaf_hash(record.as_bytes())),
            record,
            path: path.iter().map(tree::hex).collect(),
            checkpoint: checkpoint.to_owned(),
        }))
    }

    /// Builds a consistency proof between two signed checkpoints from the leaves of the later.
    pub fn consistency(
        from: (&Checkpoint, &str),
        to: (&Checkpoint, &str),
        leaves: &[Hash],
    ) -> Result<Proof, CheckError> {
        let path = tree::consistency_proof(from.0.size, to.0.size, leaves)?;
        Ok(Proof::Consistency(Consistency {
            from: from.1.to_owned(),
            to: to.1.to_owned(),
            path: path.iter().map(tree::hex).collect(),
        }))
    }
}
