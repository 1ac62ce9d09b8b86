//! annexa's evidence ledger: records in a canonical encoding, an RFC 6962 Merkle tree over
//! them, checkpoints signed in the C2SP signed-note format, inclusion and consistency proofs,
//! and the verification of a whole stored ledger.
//!
//! The crate does no IO: no files, clock, randomness or database. The store persists what it
//! produces; the engine brings the time, the key seed and the rows. It is the only place that
//! defines how evidence is encoded and hashed; everything else asks it.
//!
//! The format, for anyone rechecking a ledger with other tools:
//! - a record's bytes are the RFC 8785 canonical JSON of the record (see [`record`]);
//! - its leaf hash is `SHA-256(0x00 || bytes)`; interior nodes `SHA-256(0x01 || left || right)`,
//!   the tree split at the largest power of two below its size (RFC 6962 §2.1);
//! - a checkpoint is `origin\nsize\nbase64(root)\n`, signed with Ed25519 as a C2SP signed note
//!   (see [`note`]); proofs are JSON documents (see [`proof`]).

pub mod canonical;
pub mod note;
pub mod proof;
pub mod record;
pub mod tree;
pub mod verify;

pub use note::{Checkpoint, NoteError, NoteSigner, NoteVerifier};
pub use proof::{CheckError, Checked, Proof};
pub use record::{Entry, Index, Kind, Period, Record, RecordError, Sealed, Subject};
pub use tree::{Frontier, Hash};
pub use verify::{Batch, Problem, Row, StoredCheckpoint, StoredRecord, Verified, Verifier};
