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
    /// instead of one per record, which is what makes verifying a million records take
    /// seconds rather than tens of them (sqlx spends microseconds on every row it hands over).
    /// Each record is its index columns separated by 0x1f, the leaf hash in hex, the body's
    /// length and the body. Anything that does not parse exactly, such as a hand-edited column
    /// holding the separator, sends the batch through the ordinary row-by-row query, so a
    /// tampered record is still reported at its own sequence number.
    async fn read_batch(&self, from_seq: u64, limit: u64) -> Result<Vec<annexa_ledger::StoredRecord>, StoreError> {
        use crate::Store as _;
        // `format` builds each record in one pass; chains of `||` copy the growing string at
        // every step, which costs more than the rest of the read.
        let bulk: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT CAST(group_concat(rec, '') AS BLOB) FROM (
                SELECT format(?, seq, kind, recorded_at, effective_from, effective_to, controls,
                              hex(leaf_hash), length(CAST(body AS BLOB)), CAST(body AS TEXT)) AS rec
                FROM records WHERE seq >= ? ORDER BY seq LIMIT ?)",
        )
        .bind("%d\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%s")
        .bind(crate::int(from_seq))
        .bind(crate::int(limit))
        .fetch_one(&self.pool)
        .await?;
        let parsed = bulk.as_deref().map_or(Some(Vec::new()), parse_bulk);
        match parsed {
            // A NULL column drops its record from the concatenation: count them to be sure.
            Some(records) if records.len() as u64 == self.count_from(from_seq, limit).await? => Ok(records),
            _ => {
                self.records(&crate::Query { after_seq: Some(from_seq), limit: Some(limit), ..crate::Query::default() })
                    .await
            }
        }
    }

    async fn count_from(&self, from_seq: u64, limit: u64) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM (SELECT 1 FROM records WHERE seq >= ? LIMIT ?)")
            .bind(crate::int(from_seq))
            .bind(crate::int(limit))
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// Reads what `read_batch`'s query concatenates; `None` at the first thing out of place.
fn parse_bulk(mut rest: &[u8]) -> Option<Vec<annexa_ledger::StoredRecord>> {
    let mut out = Vec::new();
    while !rest.is_empty() {
        let mut fields: [&[u8]; 8] = [&[]; 8];
        for field in &mut fields {
            let end = rest.iter().position(|&b| b == 0x1f)?;
            *field = &rest[..end];
            rest = &rest[end + 1..];
        }
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).ok();
        let len: usize = std::str::from_utf8(fields[7]).ok()?.parse().ok()?;
        let body = rest.get(..len)?.to_vec();
        rest = &rest[len..];
        let leaf = decode_hex(fields[6])?;
        out.push(annexa_ledger::StoredRecord {
            index: annexa_ledger::Index {
                seq: std::str::from_utf8(fields[0]).ok()?.parse().ok()?,
                kind: text(fields[1])?,
                recorded_at: text(fields[2])?,
                effective_from: text(fields[3])?,
                effective_to: text(fields[4])?,
                controls: text(fields[5])?,
            },
            bytes: body,
            leaf,
        });
    }
    Some(out)
}

fn decode_hex(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks_exact(2)
        .map(|p| {
            let d = |c: u8| (c as char).to_digit(16);
            Some((d(p[0])? * 16 + d(p[1])?) as u8)
        })
        .collect()
}

crate::backend::store_impl!(
    SqliteStore,
    Sqlite,
    "sqlite",
    "BEGIN IMMEDIATE",
    "",
    "seq, CAST(kind AS BLOB) AS kind, CAST(recorded_at AS BLOB) AS recorded_at, CAST(effective_from AS BLOB) AS effective_from, CAST(effective_to AS BLOB) AS effective_to, CAST(controls AS BLOB) AS controls, body, leaf_hash"
);
