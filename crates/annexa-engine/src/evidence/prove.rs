//! `annexa evidence prove` and `check-proof`: inclusion proofs for single records and
//! consistency proofs between checkpoints, as JSON documents anyone can check offline.

use super::{EvidenceError, EvidenceOptions, block_on, keys, open};
use annexa_ledger::{Checked, Proof, StoredCheckpoint};
use annexa_store::{Query, Store};

async fn checkpoint(
    store: &impl Store,
    number: Option<u64>,
) -> Result<(StoredCheckpoint, annexa_ledger::Checkpoint), EvidenceError> {
    let all = store.checkpoints().await?;
    let stored = match number {
        Some(n) => all.into_iter().find(|c| c.number == n).ok_or(EvidenceError::NoCheckpoint(n))?,
        None => all.into_iter().last().ok_or_else(|| EvidenceError::Empty("the ledger".into()))?,
    };
    let cp = annexa_ledger::Checkpoint::parse(stored.note.split("\n\n").next().unwrap_or_default()).map_err(|e| {
        EvidenceError::Input(format!("checkpoint {}: {e}; run `annexa evidence verify`", stored.number))
    })?;
    Ok((stored, cp))
}

/// The proof that record `seq` is in the tree of checkpoint `number` (the latest by default).
pub fn prove_inclusion(options: &EvidenceOptions, seq: u64, number: Option<u64>) -> Result<Proof, EvidenceError> {
    block_on(async {
        let store = open(options).await?;
        let (stored, cp) = checkpoint(&store, number).await?;
        if seq >= cp.size {
            return Err(EvidenceError::NotCovered { seq, checkpoint: stored.number, size: cp.size });
        }
        let leaves = store.leaves(cp.size).await?;
        let record = store.records(&Query { after_seq: Some(seq), limit: Some(1), ..Query::default() }).await?;
        let record = record.first().filter(|r| r.index.seq == seq).ok_or(EvidenceError::NotCovered {
            seq,
            checkpoint: stored.number,
            size: cp.size,
        })?;
        Proof::inclusion(seq, &record.bytes, &leaves, &stored.note).map_err(|e| EvidenceError::Input(e.to_string()))
    })?
}

/// The proof that checkpoint `to`'s tree extends checkpoint `from`'s.
pub fn prove_consistency(options: &EvidenceOptions, from: u64, to: u64) -> Result<Proof, EvidenceError> {
    block_on(async {
        let store = open(options).await?;
        let (a, a_cp) = checkpoint(&store, Some(from)).await?;
        let (b, b_cp) = checkpoint(&store, Some(to)).await?;
        let leaves = store.leaves(b_cp.size).await?;
        Proof::consistency((&a_cp, &a.note), (&b_cp, &b.note), &leaves).map_err(|e| EvidenceError::Input(e.to_string()))
    })?
}

/// Checks a proof document against the trusted public key. The outer error is a command that
/// could not run; the inner one a proof that does not hold.
pub fn check_proof(text: &str, options: &EvidenceOptions) -> Result<Result<Checked, String>, EvidenceError> {
    let key = keys::required_verifier(options)?;
    let proof: Proof =
        serde_json::from_str(text).map_err(|e| EvidenceError::Input(format!("not an annexa proof document: {e}")))?;
    Ok(proof.check(&key).map_err(|e| e.to_string()))
}
