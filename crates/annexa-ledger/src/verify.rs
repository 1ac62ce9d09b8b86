//! Verification of a whole stored ledger, record by record, in the order of the tree.
//!
//! The store streams its rows in batches; each row's bytes are rehashed and read back against
//! the row's own columns (in parallel: that is the costly part), then the leaves are folded
//! into the tree in order and every signed checkpoint's root is compared with the tree at its
//! size. Reading back means parsing the record where the store keeps index columns of its own
//! (PostgreSQL); where it computes them from the bytes (SQLite) only the record's own sequence
//! number is read, from the end of its bytes, since the signed roots vouch for the rest. Since all roots come from the one sequence of leaves, matching roots also prove that
//! each checkpoint's tree extends the one before (the consistency an auditor asks about).
//!
//! What is caught, and where it is reported:
//! - a changed byte in a record, its leaf hash or an index column: that record;
//! - a deleted, inserted, duplicated or reordered record: the first position out of step;
//! - a record rewritten with its leaf hash recomputed: the checkpoint whose root no longer
//!   matches, reported at the first record that checkpoint covers beyond the previous one;
//! - a truncated ledger: the first missing position, from the last checkpoint's size;
//! - a changed, forged or re-signed checkpoint: that checkpoint.

use crate::note::{Checkpoint, NoteVerifier};
use crate::record::{FORMAT, Head, Index, trailing_seq};
use crate::tree::{self, Frontier, Hash};
use rayon::prelude::*;

/// One stored record row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    /// The index columns.
    pub index: Index,
    /// The canonical bytes.
    pub bytes: Vec<u8>,
    /// The stored leaf hash.
    pub leaf: Vec<u8>,
}

/// Record rows as verification reads them, a batch at a time: their bytes side by side in one
/// buffer, which spares a million allocations (and a copy of every byte) when the store can
/// hand over a batch as one value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    buf: Vec<u8>,
    rows: Vec<Slot>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Slot {
    seq: u64,
    bytes: std::ops::Range<usize>,
    leaf: std::ops::Range<usize>,
    index: Option<Index>,
}

/// One record row of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row<'a> {
    /// The row's sequence number; `u64::MAX` for one that cannot be a position.
    pub seq: u64,
    /// The canonical bytes.
    pub bytes: &'a [u8],
    /// The stored leaf hash.
    pub leaf: &'a [u8],
    /// The index columns where the store keeps its own copy of what the bytes say, to be
    /// compared with them; `None` where the store computes them from the bytes on every read
    /// (SQLite), which leaves nothing that could disagree.
    pub index: Option<&'a Index>,
}

impl Batch {
    /// A batch over `buf`, a buffer the store filled, with rows added by [`Batch::add_packed`].
    pub fn packed(buf: Vec<u8>) -> Batch {
        Batch { buf, rows: Vec::new() }
    }

    /// Adds a row whose bytes and leaf hash are already in the buffer; `None` when a range
    /// falls outside it.
    pub fn add_packed(&mut self, seq: u64, bytes: std::ops::Range<usize>, leaf: std::ops::Range<usize>) -> Option<()> {
        self.buf.get(bytes.clone())?;
        self.buf.get(leaf.clone())?;
        self.rows.push(Slot { seq, bytes, leaf, index: None });
        Some(())
    }

    /// Adds a row by copying its bytes and leaf hash into the buffer.
    pub fn add(&mut self, seq: u64, bytes: &[u8], leaf: &[u8], index: Option<Index>) {
        let start = self.buf.len();
        self.buf.extend_from_slice(bytes);
        self.buf.extend_from_slice(leaf);
        let mid = start + bytes.len();
        self.rows.push(Slot { seq, bytes: start..mid, leaf: mid..self.buf.len(), index });
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows in order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        self.rows.iter().map(|s| self.view(s))
    }

    // The ranges were checked against the buffer when the row was added.
    fn view<'a>(&'a self, s: &'a Slot) -> Row<'a> {
        Row { seq: s.seq, bytes: &self.buf[s.bytes.clone()], leaf: &self.buf[s.leaf.clone()], index: s.index.as_ref() }
    }
}

impl FromIterator<StoredRecord> for Batch {
    fn from_iter<I: IntoIterator<Item = StoredRecord>>(records: I) -> Batch {
        let mut batch = Batch::default();
        for r in records {
            batch.add(r.index.seq, &r.bytes, &r.leaf, Some(r.index));
        }
        batch
    }
}

/// One stored checkpoint row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// Its number, from 0, in the order written.
    pub number: u64,
    /// The tree size the row says it covers.
    pub size: u64,
    /// The signed note.
    pub note: String,
}

/// The first thing found wrong.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{}{message}", seq.map(|s| format!("record {s}: ")).unwrap_or_default())]
pub struct Problem {
    /// The first bad sequence number, when the problem is in the records.
    pub seq: Option<u64>,
    /// The checkpoint concerned, when there is one.
    pub checkpoint: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    fn record(seq: u64, message: String) -> Problem {
        Problem { seq: Some(seq), checkpoint: None, message }
    }
}

/// A ledger that verified.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Verified {
    /// The log's name.
    pub origin: String,
    /// Records checked.
    pub records: u64,
    /// The root hash over all of them, hex.
    pub root_hash: String,
    /// Signed checkpoints checked.
    pub checkpoints: u64,
    /// The size of the last checkpoint.
    pub last_checkpoint_size: u64,
}

/// Checks a ledger as the store streams it.
#[derive(Debug)]
pub struct Verifier {
    origin: String,
    checkpoints: Vec<(StoredCheckpoint, Checkpoint)>,
    next_checkpoint: usize,
    frontier: Frontier,
}

impl Verifier {
    /// Starts a verification: checks every checkpoint's signature and order first, since the
    /// records are judged against them.
    pub fn new(origin: &str, key: &NoteVerifier, stored: Vec<StoredCheckpoint>) -> Result<Verifier, Problem> {
        let mut checkpoints: Vec<(StoredCheckpoint, Checkpoint)> = Vec::with_capacity(stored.len());
        for (i, s) in stored.into_iter().enumerate() {
            let fail = |message: String| Problem { seq: None, checkpoint: Some(s.number), message };
            if s.number != i as u64 {
                return Err(fail(format!("checkpoint {i} is missing (found checkpoint {} in its place)", s.number)));
            }
            let cp = key.open_checkpoint(&s.note).map_err(|e| fail(format!("signature does not verify: {e}")))?;
            if cp.origin != origin {
                return Err(fail(format!("signed for log `{}`, not `{origin}`", cp.origin)));
            }
            if cp.size != s.size {
                return Err(fail(format!("the row says size {} but the signed note says {}", s.size, cp.size)));
            }
            if let Some((_, prev)) = checkpoints.last() {
                if cp.size < prev.size {
                    return Err(fail(format!(
                        "size {} is smaller than the previous checkpoint's {}",
                        cp.size, prev.size
                    )));
                }
                if cp.size == prev.size && cp.root != prev.root {
                    return Err(fail(format!("signs another root for the same size {} as the one before", cp.size)));
                }
            }
            checkpoints.push((s, cp));
        }
        let mut verifier =
            Verifier { origin: origin.to_owned(), checkpoints, next_checkpoint: 0, frontier: Frontier::default() };
        verifier.settle_checkpoints()?;
        Ok(verifier)
    }

    /// Checks the next records, which must follow on from the last batch.
    pub fn push(&mut self, batch: &Batch) -> Result<(), Problem> {
        let start = self.frontier.size();
        // Rehashing and reading back are independent per record: spread them over the cores,
        // then report the first failure in sequence order.
        let leaves: Vec<Result<Hash, Problem>> =
            batch.rows.par_iter().enumerate().map(|(i, s)| check_record(start + i as u64, batch.view(s))).collect();
        for leaf in leaves {
            self.frontier.push(leaf?);
            self.settle_checkpoints()?;
        }
        Ok(())
    }

    /// Compares every checkpoint whose size the tree has reached.
    fn settle_checkpoints(&mut self) -> Result<(), Problem> {
        while let Some((stored, cp)) = self.checkpoints.get(self.next_checkpoint) {
            if cp.size != self.frontier.size() {
                break;
            }
            if cp.root != self.frontier.root() {
                let first = self.checkpoints[..self.next_checkpoint]
                    .iter()
                    .rev()
                    .map(|(_, c)| c.size)
                    .find(|&s| s < cp.size)
                    .unwrap_or(0);
                return Err(Problem {
                    seq: Some(first),
                    checkpoint: Some(stored.number),
                    message: format!(
                        "checkpoint {} signs root {} for {} records, but the records give {}: a record from {first} to {} was rewritten",
                        stored.number,
                        tree::hex(&cp.root),
                        cp.size,
                        tree::hex(&self.frontier.root()),
                        cp.size - 1
                    ),
                });
            }
            self.next_checkpoint += 1;
        }
        Ok(())
    }

    /// The tree's right edge over the records pushed so far.
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// Ends the verification once every record has been pushed.
    pub fn finish(self) -> Result<Verified, Problem> {
        let size = self.frontier.size();
        if let Some((stored, cp)) = self.checkpoints.get(self.next_checkpoint) {
            return Err(Problem {
                seq: Some(size),
                checkpoint: Some(stored.number),
                message: format!(
                    "the ledger ends after {size} records but checkpoint {} signs {}: records from {size} on are missing",
                    stored.number, cp.size
                ),
            });
        }
        let last = self.checkpoints.last().map_or(0, |(_, c)| c.size);
        if last != size {
            return Err(Problem::record(
                last,
                format!("records {last} to {} are covered by no signed checkpoint", size.saturating_sub(1)),
            ));
        }
        Ok(Verified {
            origin: self.origin,
            records: size,
            root_hash: tree::hex(&self.frontier.root()),
            checkpoints: self.checkpoints.len() as u64,
            last_checkpoint_size: last,
        })
    }
}

/// Checks one record row on its own and gives its leaf hash.
fn check_record(expected: u64, r: Row<'_>) -> Result<Hash, Problem> {
    let seq = r.seq;
    if seq == u64::MAX {
        // The store hands over a negative or unreadable number as u64::MAX; such a row sorts
        // anywhere, so name the record by what its own bytes say it is.
        let own = serde_json::from_slice::<Head<'_>>(r.bytes).map_or(expected, |h| h.seq);
        return Err(Problem::record(own, "stored under a sequence number that cannot be a position".into()));
    }
    if seq != expected {
        return Err(Problem::record(
            expected,
            if seq > expected {
                format!("missing (the next stored record is numbered {seq})")
            } else {
                format!("out of order: the record stored here is numbered {seq}")
            },
        ));
    }
    let leaf = tree::leaf_hash(r.bytes);
    if r.leaf != leaf {
        return Err(Problem::record(seq, "its bytes do not hash to its stored leaf hash".into()));
    }
    // Where there are no index columns to compare, the number the bytes give themselves is all
    // that needs reading; anything unusual takes the full parse, which says what is wrong.
    if r.index.is_none() && trailing_seq(r.bytes) == Some(seq) {
        return Ok(leaf);
    }
    let head: Head<'_> = serde_json::from_slice(r.bytes)
        .map_err(|e| Problem::record(seq, format!("its bytes are not a record: {e}")))?;
    if head.v != FORMAT {
        return Err(Problem::record(seq, format!("unknown record format {}", head.v)));
    }
    // A record moved to another row, leaf and all, says so in its own bytes.
    if head.seq != seq {
        return Err(Problem::record(seq, format!("the row holds record {} in place of record {seq}", head.seq)));
    }
    if let Some(field) = r.index.and_then(|index| head.matches(index)) {
        return Err(Problem::record(seq, format!("the `{field}` column does not match the record's bytes")));
    }
    Ok(leaf)
}
