//! The PostgreSQL store, for teams and server replicas: writers serialised by a row lock on the
//! ledger's head (`SELECT … FOR UPDATE`), so a second writer waits for the first instead of
//! reading a stale tree edge.

use crate::StoreError;
use sqlx::Postgres;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr as _;

/// The server store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `postgres://…` and migrates the database (or the schema the URL's
    /// `options=-c search_path=…` names).
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        PgStore::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Connects with options built by the caller (tests give each run its own schema).
    pub async fn connect_with(options: PgConnectOptions) -> Result<PgStore, StoreError> {
        let pool = PgPoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(PgStore { pool })
    }

    /// The pool, for tests that tamper with rows as an attacker would.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Reads records with their index columns: the server keeps them as columns of their own,
    /// so verification compares each with the record's bytes.
    async fn read_batch(&self, from_seq: u64, limit: u64) -> Result<annexa_ledger::Batch, StoreError> {
        use crate::Store as _;
        let query = crate::Query { after_seq: Some(from_seq), limit: Some(limit), ..crate::Query::default() };
        Ok(self.records(&query).await?.into_iter().collect())
    }

    /// Nothing to check: no column depends on a formula.
    async fn check_schema(&self) -> Result<Option<String>, StoreError> {
        Ok(None)
    }
}

crate::backend::store_impl!(
    PgStore,
    Postgres,
    "postgres",
    "BEGIN",
    " FOR UPDATE",
    "seq, convert_to(kind, 'UTF8') AS kind, convert_to(recorded_at, 'UTF8') AS recorded_at, convert_to(effective_from, 'UTF8') AS effective_from, convert_to(effective_to, 'UTF8') AS effective_to, convert_to(controls, 'UTF8') AS controls, body, leaf_hash",
    "seq, kind, recorded_at, effective_from, effective_to, controls, body, leaf_hash",
    |row, r| {
        row.push_bind(crate::int(r.index.seq))
            .push_bind(r.index.kind.as_str())
            .push_bind(r.index.recorded_at.as_str())
            .push_bind(r.index.effective_from.as_str())
            .push_bind(r.index.effective_to.as_str())
            .push_bind(r.index.controls.as_str())
            .push_bind(r.bytes.as_slice())
            .push_bind(r.leaf.as_slice());
    }
);
