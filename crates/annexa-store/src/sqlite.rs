//! The SQLite store: one file (`.annexa/annexa.db` by default), WAL mode, writers serialised by
//! `BEGIN IMMEDIATE` so that a second `annexa scan --record` waits for the first instead of
//! reading a stale tree edge.

use crate::StoreError;
use sqlx::Sqlite;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

/// The embedded store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens the database file, creating it and its folder on first use, and migrates it.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            // A concurrent writer holds the lock for one append; waiting beats failing a CI job.
            .busy_timeout(Duration::from_secs(120));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    /// The pool, for tests that tamper with rows as an attacker would.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Reads a batch of records as one value that SQLite concatenates: one row per batch
    /// instead of one per record, which is what makes verifying a million records take a
    /// second rather than many (sqlx spends microseconds on every row it hands over). Only
    /// the stored columns are read: the index columns are computed from the bytes.
    /// Each record is `seq,body length,leaf length,` then the body and the leaf hash. Anything
    /// out of the ordinary (a record missing from the range, a body cut short at a NUL byte by
    /// a hand edit) sends the batch through the ordinary row-by-row query, so a tampered
    /// record is still reported at its own sequence number.
    async fn read_batch(&self, from_seq: u64, limit: u64) -> Result<annexa_ledger::Batch, StoreError> {
        // A range of keys rather than `ORDER BY … LIMIT`, which SQLite would first copy into a
        // temporary table. `concat` builds each record's piece in one step where a chain of
        // `||` would copy the body once per operator; it reads a NULL column as empty, which
        // the lengths then give away.
        let end = from_seq.saturating_add(limit);
        let bulk: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT CAST(group_concat(concat(seq, ',', octet_length(body), ',', octet_length(leaf_hash), ',', body, leaf_hash), '') AS BLOB)
             FROM records WHERE seq >= ? AND seq < ?",
        )
        .bind(crate::int(from_seq))
        .bind(crate::int(end))
        .fetch_one(&self.pool)
        .await?;
        let parsed = bulk.map_or(Some(annexa_ledger::Batch::default()), |b| parse_bulk(b, from_seq));
        match parsed {
            // Every key of the range is there, or the ledger ends inside it.
            Some(records) if records.len() as u64 == limit || !self.any_from(end).await? => Ok(records),
            _ => {
                let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = sqlx::query_as(
                    "SELECT seq, CAST(body AS BLOB), CAST(leaf_hash AS BLOB) FROM records WHERE seq >= ? ORDER BY seq LIMIT ?",
                )
                .bind(crate::int(from_seq))
                .bind(crate::int(limit))
                .fetch_all(&self.pool)
                .await?;
                let mut batch = annexa_ledger::Batch::default();
                for (seq, bytes, leaf) in rows {
                    // A number that cannot be a position fails verification as out of order.
                    batch.add(u64::try_from(seq).unwrap_or(u64::MAX), &bytes, &leaf, None);
                }
                Ok(batch)
            }
        }
    }

    async fn any_from(&self, seq: u64) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM records WHERE seq >= ?)")
            .bind(crate::int(seq))
            .fetch_one(&self.pool)
            .await?)
    }

    /// Compares the records table's definition with the one the migrations create: the index
    /// columns are formulas over the bytes, and whoever rewrites a formula (SQLite lets anyone
    /// with the file edit its schema) could make a record appear under another kind, window
    /// or control.
    async fn check_schema(&self) -> Result<Option<String>, StoreError> {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'records'")
                .fetch_optional(&self.pool)
                .await?;
        Ok(match stored {
            Some(sql) if sql == records_table() => None,
            Some(_) => Some(
                "the records table's definition was changed: its index columns may not say what the records say"
                    .to_owned(),
            ),
            None => Some("the records table is missing".to_owned()),
        })
    }
}

/// The records table's `CREATE TABLE` statement as the latest migration writes it, which
/// SQLite keeps verbatim.
fn records_table() -> &'static str {
    const MIGRATION: &str = include_str!("../migrations/sqlite/0002_derived_index.sql");
    let start = MIGRATION.find("CREATE TABLE records (").unwrap_or(0);
    let end = MIGRATION[start..].find("\n)").map_or(MIGRATION.len(), |e| start + e + 2);
    &MIGRATION[start..end]
}

/// Reads what `read_batch`'s query concatenates, in place; `None` at the first thing out of
/// place, which includes any record but the next one in sequence from `from_seq`.
fn parse_bulk(buf: Vec<u8>, from_seq: u64) -> Option<annexa_ledger::Batch> {
    let mut rows = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let mut numbers = [0usize; 3];
        for n in &mut numbers {
            let end = at + buf[at..].iter().position(|&b| b == b',')?;
            *n = std::str::from_utf8(&buf[at..end]).ok()?.parse().ok()?;
            at = end + 1;
        }
        let [seq, body_len, leaf_len] = numbers;
        let body = at..at.checked_add(body_len)?;
        let leaf = body.end..body.end.checked_add(leaf_len)?;
        at = leaf.end;
        let seq = u64::try_from(seq).ok()?;
        if seq != from_seq.checked_add(rows.len() as u64)? {
            return None;
        }
        rows.push((seq, body, leaf));
    }
    let mut batch = annexa_ledger::Batch::packed(buf);
    for (seq, body, leaf) in rows {
        batch.add_packed(seq, body, leaf)?;
    }
    Some(batch)
}

crate::backend::store_impl!(
    SqliteStore,
    Sqlite,
    "sqlite",
    "BEGIN IMMEDIATE",
    "",
    "seq, CAST(kind AS BLOB) AS kind, CAST(recorded_at AS BLOB) AS recorded_at, CAST(effective_from AS BLOB) AS effective_from, CAST(effective_to AS BLOB) AS effective_to, CAST(controls AS BLOB) AS controls, body, leaf_hash",
    // The index columns are computed from the body (migration 0002).
    "seq, body, leaf_hash",
    |row, r| {
        row.push_bind(crate::int(r.index.seq)).push_bind(r.bytes.as_slice()).push_bind(r.leaf.as_slice());
    }
);
