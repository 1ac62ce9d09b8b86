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
}

crate::backend::store_impl!(
    SqliteStore,
    Sqlite,
    "sqlite",
    "BEGIN IMMEDIATE",
    "",
    "seq, CAST(kind AS BLOB) AS kind, CAST(recorded_at AS BLOB) AS recorded_at, CAST(effective_from AS BLOB) AS effective_from, CAST(effective_to AS BLOB) AS effective_to, CAST(controls AS BLOB) AS controls, body, leaf_hash"
);
