//! annexa's persistence: one [`Store`] trait with two implementations, SQLite (the embedded
//! default, a file in the ISMS repository) and PostgreSQL (for teams and server replicas).
//!
//! The store keeps the evidence ledger's rows and appends to it atomically: a writer takes the
//! ledger's lock (SQLite `BEGIN IMMEDIATE`, PostgreSQL `SELECT … FOR UPDATE` on the head row),
//! reads the tree's right edge, seals its records at the next sequence numbers, signs a
//! checkpoint and commits, so two concurrent writers queue and can never fork the tree. How
//! records are encoded, hashed and signed is `annexa-ledger`'s business; this crate only moves
//! rows.

mod backend;
mod postgres;
mod sqlite;

use annexa_ledger::{Batch, Entry, Frontier, Hash, Index, NoteSigner, RecordError, StoredCheckpoint, StoredRecord};
use annexa_ledger::{Checkpoint, Kind};
use std::future::Future;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Records are sealed and checkpointed at least this often within one append.
pub const CHECKPOINT_EVERY: u64 = 1024;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A record could not be sealed.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A checkpoint could not be signed.
    #[error("cannot sign the checkpoint: {0}")]
    Sign(#[from] annexa_ledger::NoteError),
    /// The ledger has not been created yet.
    #[error("the ledger has no origin and key yet")]
    NoLedger,
    /// The key offered does not sign this ledger.
    #[error("the signing key `{offered}` is not this ledger's key `{expected}`")]
    WrongKey {
        /// The public key of the ledger.
        expected: String,
        /// The public key of the signer offered.
        offered: String,
    },
    /// The stored head row is not a tree edge.
    #[error("the ledger's head row is damaged: {0}")]
    Head(String),
    /// Rows are missing or malformed; `annexa evidence verify` says where.
    #[error("the ledger is damaged: {0}")]
    Damaged(String),
    /// A URL that names no supported database.
    #[error("`{0}` is not a sqlite: or postgres: URL")]
    BadUrl(String),
}

/// The ledger's identity: its name in checkpoints and the public key that signs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerMeta {
    /// The origin line of every checkpoint.
    pub origin: String,
    /// The verifier key, `name+keyid+base64`.
    pub public_key: String,
}

/// What an append did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The sequence number of the first record appended.
    pub first_seq: u64,
    /// The tree size after the append.
    pub size: u64,
    /// The last checkpoint written, as a signed note.
    pub checkpoint: String,
}

/// Which records to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Only these kinds; empty means all.
    pub kinds: Vec<Kind>,
    /// Only records whose subject names this control (`A.8.9`).
    pub control: Option<String>,
    /// Only evidence whose effective period ends at or after this RFC 3339 instant.
    pub from: Option<String>,
    /// Only evidence whose effective period starts at or before this RFC 3339 instant.
    pub to: Option<String>,
    /// Only records at or after this sequence number.
    pub after_seq: Option<u64>,
    /// At most this many records.
    pub limit: Option<u64>,
}

/// The tree's right edge as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Head {
    pub(crate) frontier: Frontier,
    pub(crate) checkpoints: u64,
}

impl Head {
    pub(crate) fn read(size: i64, frontier: &[u8], checkpoints: i64) -> Result<Head, StoreError> {
        let frontier =
            Frontier::from_bytes(frontier).ok_or_else(|| StoreError::Head("the frontier is malformed".into()))?;
        if i64::try_from(frontier.size()).ok() != Some(size) {
            return Err(StoreError::Head(format!("size {size} disagrees with the frontier's {}", frontier.size())));
        }
        let checkpoints =
            u64::try_from(checkpoints).map_err(|_| StoreError::Head("negative checkpoint count".into()))?;
        Ok(Head { frontier, checkpoints })
    }
}

/// The rows one append writes, worked out before any is written.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) records: Vec<annexa_ledger::Sealed>,
    pub(crate) checkpoints: Vec<StoredCheckpoint>,
    pub(crate) head: Head,
}

/// Seals `entries` after `head` and signs a checkpoint every `every` records and at the end.
pub(crate) fn plan(
    meta: &LedgerMeta,
    mut head: Head,
    entries: Vec<Entry>,
    signer: &NoteSigner,
    every: u64,
) -> Result<Plan, StoreError> {
    let offered = signer.verifier().to_text();
    if offered != meta.public_key {
        return Err(StoreError::WrongKey { expected: meta.public_key.clone(), offered });
    }
    let mut records = Vec::with_capacity(entries.len());
    let mut checkpoints = Vec::new();
    let sign = |head: &mut Head, checkpoints: &mut Vec<StoredCheckpoint>| -> Result<(), StoreError> {
        let size = head.frontier.size();
        let note = Checkpoint { origin: meta.origin.clone(), size, root: head.frontier.root() }.sign(signer)?;
        checkpoints.push(StoredCheckpoint { number: head.checkpoints, size, note });
        head.checkpoints += 1;
        Ok(())
    };
    for entry in entries {
        let sealed = entry.seal(head.frontier.size())?;
        head.frontier.push(sealed.leaf);
        records.push(sealed);
        if head.frontier.size().is_multiple_of(every.max(1)) {
            sign(&mut head, &mut checkpoints)?;
        }
    }
    if checkpoints.last().map(|c| c.size) != Some(head.frontier.size()) && !records.is_empty() {
        sign(&mut head, &mut checkpoints)?;
    }
    Ok(Plan { records, checkpoints, head })
}

/// A record row as both databases return it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RecordRow {
    seq: i64,
    // Text columns are read as bytes: a hand-edited row with invalid UTF-8 must reach
    // verification (and be reported at its sequence number), not fail the query.
    kind: Vec<u8>,
    recorded_at: Vec<u8>,
    effective_from: Vec<u8>,
    effective_to: Vec<u8>,
    controls: Vec<u8>,
    body: Vec<u8>,
    leaf_hash: Vec<u8>,
}

impl From<RecordRow> for StoredRecord {
    fn from(r: RecordRow) -> StoredRecord {
        StoredRecord {
            index: Index {
                // A negative number cannot be a position; it fails verification as out of order.
                seq: u64::try_from(r.seq).unwrap_or(u64::MAX),
                kind: text(r.kind),
                recorded_at: text(r.recorded_at),
                effective_from: text(r.effective_from),
                effective_to: text(r.effective_to),
                controls: text(r.controls),
            },
            bytes: r.body,
            leaf: r.leaf_hash,
        }
    }
}

/// A column's text; invalid UTF-8 becomes replacement characters, which then differ from the
/// record's bytes and fail verification at that record.
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A checkpoint row as both databases return it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CheckpointRow {
    number: i64,
    size: i64,
    note: String,
}

impl From<CheckpointRow> for StoredCheckpoint {
    fn from(r: CheckpointRow) -> StoredCheckpoint {
        StoredCheckpoint {
            number: u64::try_from(r.number).unwrap_or(u64::MAX),
            size: u64::try_from(r.size).unwrap_or(u64::MAX),
            note: r.note,
        }
    }
}

/// The ledger's identity from its `ledger_meta` rows, when both are there.
pub(crate) fn meta_from_rows(rows: Vec<(String, String)>) -> Option<LedgerMeta> {
    let get = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    Some(LedgerMeta { origin: get("origin")?, public_key: get("public_key")? })
}

/// What an append reports once its plan is committed.
pub(crate) fn appended(first_seq: u64, plan: &Plan) -> Appended {
    Appended {
        first_seq,
        size: plan.head.frontier.size(),
        checkpoint: plan.checkpoints.last().map(|c| c.note.clone()).unwrap_or_default(),
    }
}

/// Leaf hashes from `(seq, leaf_hash)` rows, which must be exactly the first `size` records.
pub(crate) fn leaves_from_rows(rows: Vec<(i64, Vec<u8>)>, size: u64) -> Result<Vec<Hash>, StoreError> {
    if rows.len() as u64 != size {
        return Err(StoreError::Damaged(format!("{size} records expected, {} found", rows.len())));
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, (seq, leaf))| {
            if seq != int(i as u64) {
                return Err(StoreError::Damaged(format!("record {i} is missing")));
            }
            <Hash>::try_from(leaf.as_slice())
                .map_err(|_| StoreError::Damaged(format!("the leaf hash of record {i} is not 32 bytes")))
        })
        .collect()
}

/// Rows per multi-row insert: SQLite allows 32,766 bound values, eight per row.
pub(crate) const INSERT_CHUNK: usize = 1000;

/// `i64` for a count or position; the ledger never comes near 2^63 records.
pub(crate) fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Appends `WHERE …` for a query to a builder, with the binds in place.
pub(crate) fn push_filters<DB: sqlx::Database>(b: &mut sqlx::QueryBuilder<DB>, q: &Query)
where
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    b.push(" WHERE 1 = 1");
    if !q.kinds.is_empty() {
        b.push(" AND kind IN (");
        let mut list = b.separated(", ");
        for k in &q.kinds {
            list.push_bind(k.as_str().to_owned());
        }
        b.push(")");
    }
    if let Some(c) = &q.control {
        b.push(" AND controls LIKE ").push_bind(format!("% {c} %"));
    }
    if let Some(from) = &q.from {
        b.push(" AND effective_to >= ").push_bind(from.clone());
    }
    if let Some(to) = &q.to {
        b.push(" AND effective_from <= ").push_bind(to.clone());
    }
    if let Some(after) = q.after_seq {
        b.push(" AND seq >= ").push_bind(int(after));
    }
    b.push(" ORDER BY seq");
    if let Some(limit) = q.limit {
        b.push(" LIMIT ").push_bind(int(limit));
    }
}

/// Persistence for the evidence ledger. Both implementations pass the same test suite.
pub trait Store: Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// The ledger's origin and key, once created.
    fn meta(&self) -> impl Future<Output = Result<Option<LedgerMeta>, StoreError>> + Send;

    /// Creates the ledger's identity if it has none and returns the identity in force (the
    /// existing one when another writer created it first).
    fn init(&self, meta: &LedgerMeta) -> impl Future<Output = Result<LedgerMeta, StoreError>> + Send;

    /// Appends entries atomically, signing checkpoints every `every` records and at the end.
    fn append(
        &self,
        entries: Vec<Entry>,
        signer: &NoteSigner,
        every: u64,
    ) -> impl Future<Output = Result<Appended, StoreError>> + Send;

    /// The number of records.
    fn size(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Records in sequence order, with filters.
    fn records(&self, query: &Query) -> impl Future<Output = Result<Vec<StoredRecord>, StoreError>> + Send;

    /// The leaf hashes of the first `size` records, for proofs.
    fn leaves(&self, size: u64) -> impl Future<Output = Result<Vec<Hash>, StoreError>> + Send;

    /// Every checkpoint, in the order written.
    fn checkpoints(&self) -> impl Future<Output = Result<Vec<StoredCheckpoint>, StoreError>> + Send;

    /// The head row as stored.
    fn head(&self) -> impl Future<Output = Result<RawHead, StoreError>> + Send;

    /// Up to `limit` records from `from_seq` on, in sequence order, read as fast as the backend
    /// allows: what verification streams.
    fn batch(&self, from_seq: u64, limit: u64) -> impl Future<Output = Result<Batch, StoreError>> + Send;

    /// What is wrong with the tables' definitions, where verification depends on them: SQLite
    /// computes the index columns from each record's bytes, and a rewritten formula would
    /// make them say something else.
    fn schema_problem(&self) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
}

/// Either backend, chosen at run time from a URL.
#[derive(Debug)]
pub enum AnyStore {
    /// A SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL database.
    Postgres(PgStore),
}

impl AnyStore {
    /// Opens (creating and migrating as needed) the store a URL names: `sqlite:PATH` or
    /// `postgres://…`.
    pub async fn open(url: &str) -> Result<AnyStore, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(AnyStore::Postgres(PgStore::connect(url).await?))
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            Ok(AnyStore::Sqlite(SqliteStore::open(std::path::Path::new(path)).await?))
        } else {
            Err(StoreError::BadUrl(url.to_owned()))
        }
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $e,
            AnyStore::Postgres($s) => $e,
        }
    };
}

impl Store for AnyStore {
    fn backend(&self) -> &'static str {
        delegate!(self, s => s.backend())
    }
    async fn meta(&self) -> Result<Option<LedgerMeta>, StoreError> {
        delegate!(self, s => s.meta().await)
    }
    async fn init(&self, meta: &LedgerMeta) -> Result<LedgerMeta, StoreError> {
        delegate!(self, s => s.init(meta).await)
    }
    async fn append(&self, entries: Vec<Entry>, signer: &NoteSigner, every: u64) -> Result<Appended, StoreError> {
        delegate!(self, s => s.append(entries, signer, every).await)
    }
    async fn size(&self) -> Result<u64, StoreError> {
        delegate!(self, s => s.size().await)
    }
    async fn records(&self, query: &Query) -> Result<Vec<StoredRecord>, StoreError> {
        delegate!(self, s => s.records(query).await)
    }
    async fn leaves(&self, size: u64) -> Result<Vec<Hash>, StoreError> {
        delegate!(self, s => s.leaves(size).await)
    }
    async fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        delegate!(self, s => s.checkpoints().await)
    }
    async fn head(&self) -> Result<RawHead, StoreError> {
        delegate!(self, s => s.head().await)
    }
    async fn batch(&self, from_seq: u64, limit: u64) -> Result<Batch, StoreError> {
        delegate!(self, s => s.batch(from_seq, limit).await)
    }
    async fn schema_problem(&self) -> Result<Option<String>, StoreError> {
        delegate!(self, s => s.schema_problem().await)
    }
}

/// Why a ledger does not verify.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The ledger's content is wrong: the first problem found.
    #[error(transparent)]
    Tampered(#[from] annexa_ledger::Problem),
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Records read per batch while verifying.
pub const VERIFY_BATCH: u64 = 16_384;

/// The head row as stored, for verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHead {
    /// The size column.
    pub size: i64,
    /// The frontier column.
    pub frontier: Vec<u8>,
    /// The checkpoints column.
    pub checkpoints: i64,
}

fn tampered(seq: Option<u64>, message: String) -> VerifyError {
    VerifyError::Tampered(annexa_ledger::Problem { seq, checkpoint: None, message })
}

/// Verifies the whole ledger against the trusted public key: identity, every checkpoint, every
/// record and its columns, and the head row.
pub async fn verify<S: Store>(
    store: &S,
    key: &annexa_ledger::NoteVerifier,
) -> Result<annexa_ledger::Verified, VerifyError> {
    let meta = store.meta().await?.ok_or(StoreError::NoLedger)?;
    if meta.public_key != key.to_text() {
        return Err(tampered(
            None,
            format!("the ledger names key `{}`, not the trusted key `{}`", meta.public_key, key.to_text()),
        ));
    }
    if let Some(problem) = store.schema_problem().await? {
        return Err(tampered(None, problem));
    }
    let mut verifier = annexa_ledger::Verifier::new(&meta.origin, key, store.checkpoints().await?)?;
    // Reading and checking overlap: the checker rehashes one batch on its own thread (and
    // rayon's) while the next is read, so the slower of the two sets the pace, not their sum.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Batch>(2);
    let checker = tokio::task::spawn_blocking(move || {
        while let Some(batch) = rx.blocking_recv() {
            verifier.push(&batch)?;
        }
        Ok::<_, annexa_ledger::Problem>(verifier)
    });
    // Two batches are read at once: SQLite answers each query on one thread of its own, and on
    // two cores that thread would otherwise set the pace.
    let read = async {
        let mut next = 0;
        loop {
            let (first, second) =
                tokio::join!(store.batch(next, VERIFY_BATCH), store.batch(next + VERIFY_BATCH, VERIFY_BATCH));
            for batch in [first?, second?] {
                let full = batch.len() as u64 == VERIFY_BATCH;
                // A send fails only when the checker has stopped at a problem, which it reports.
                // A short batch is the last: what follows it was read for nothing.
                if tx.send(batch).await.is_err() || !full {
                    return Ok::<_, StoreError>(());
                }
            }
            next += 2 * VERIFY_BATCH;
        }
    }
    .await;
    drop(tx);
    let verifier = match checker.await {
        Ok(checked) => checked?,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    read?;
    let frontier = verifier.frontier().clone();
    let verified = verifier.finish()?;
    let head = store.head().await?;
    if head.size != int(verified.records)
        || head.frontier != frontier.to_bytes()
        || head.checkpoints != int(verified.checkpoints)
    {
        return Err(tampered(
            Some(verified.records.min(u64::try_from(head.size).unwrap_or(0))),
            format!(
                "the head row (size {}, {} checkpoints) does not match the {} records and {} checkpoints stored",
                head.size, head.checkpoints, verified.records, verified.checkpoints
            ),
        ));
    }
    Ok(verified)
}
