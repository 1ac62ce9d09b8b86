//! What the store's test suites share: a fresh store of each backend (SQLite in a temporary
//! file, PostgreSQL in a schema of its own on the server at 127.0.0.1:5432), a test key,
//! generated entries, and raw SQL to tamper with rows as an attacker with database access would.

#![allow(dead_code, unreachable_pub, reason = "each test file uses a different part of this module")]
#![allow(clippy::unwrap_used, clippy::panic, reason = "test support fails loudly")]

use annexa_ledger::{Entry, Kind, NoteSigner, Period, Subject};
use annexa_store::{AnyStore, LedgerMeta, PgStore, SqliteStore, Store};
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr as _;

/// The server the machine runs; `ANNEXA_TEST_DATABASE_URL` points elsewhere.
pub fn pg_url() -> String {
    std::env::var("ANNEXA_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A fresh, empty store of the backend named, with its guard (temporary directory or schema).
pub struct Fresh {
    pub store: AnyStore,
    _dir: Option<tempfile::TempDir>,
    pub schema: Option<String>,
}

impl Fresh {
    /// The temporary directory of a SQLite store.
    pub fn dir(&self) -> Option<&std::path::Path> {
        self._dir.as_ref().map(|d| d.path())
    }
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub async fn fresh(backend: &str) -> Fresh {
    match backend {
        "sqlite" => {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open(&dir.path().join(".annexa/annexa.db")).await.unwrap();
            Fresh { store: AnyStore::Sqlite(store), _dir: Some(dir), schema: None }
        }
        _ => {
            let schema = format!(
                "annexa_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
                jiff::Timestamp::now().as_nanosecond() % 1_000_000_000
            );
            let admin = sqlx::PgPool::connect(&pg_url())
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {} is needed for these tests: {e}", pg_url()));
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.unwrap();
            admin.close().await;
            Fresh { store: AnyStore::Postgres(pg_in(&schema).await), _dir: None, schema: Some(schema) }
        }
    }
}

/// Another connection pool to the same schema, as a second process would open.
pub async fn pg_in(schema: &str) -> PgStore {
    let options = PgConnectOptions::from_str(&pg_url()).unwrap().options([("search_path", schema)]);
    PgStore::connect_with(options).await.unwrap()
}

pub const BACKENDS: [&str; 2] = ["sqlite", "postgres"];

/// The test key.
pub fn signer() -> NoteSigner {
    NoteSigner::from_seed("annexa.dev/ledger/test", [42u8; 32]).unwrap()
}

pub fn meta() -> LedgerMeta {
    LedgerMeta { origin: "annexa.dev/ledger/test".into(), public_key: signer().verifier().to_text() }
}

/// Entry `i` of a generated ledger: all kinds, several controls, one day apart per 100.
pub fn entry(i: u64) -> Entry {
    let t = jiff::Timestamp::from_second(1_767_225_600 + (i as i64 / 100) * 86_400 + i as i64).unwrap();
    let controls = ["A.8.9", "A.5.15", "A.8.20", "A.8.24"];
    Entry {
        kind: Kind::ALL[(i % 6) as usize],
        recorded_at: t,
        effective: Period { from: t, to: t },
        subject: Subject {
            controls: vec![controls[(i % 4) as usize].to_owned()],
            assets: vec![format!("Deployment shop/svc-{}", i % 7)],
        },
        artefact_sha256: i
            .is_multiple_of(5)
            .then(|| annexa_ledger::tree::hex(&annexa_ledger::tree::leaf_hash(&i.to_be_bytes()))),
        payload: serde_json::json!({"i": i, "result": if i.is_multiple_of(3) { "fail" } else { "pass" }, "note": "é ✓"}),
    }
}

/// A ledger of `n` records written in appends of `chunk`, checkpointed every `every`.
pub async fn filled(backend: &str, n: u64, chunk: u64, every: u64) -> Fresh {
    let f = fresh(backend).await;
    f.store.init(&meta()).await.unwrap();
    let mut i = 0;
    while i < n {
        let end = (i + chunk).min(n);
        f.store.append((i..end).map(entry).collect(), &signer(), every).await.unwrap();
        i = end;
    }
    f
}

/// A value to write into a column.
#[derive(Clone, Debug)]
pub enum Val {
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// Adds binds to a query of either backend.
macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                Val::Int(i) => q.bind(*i),
                Val::Text(t) => q.bind(t.clone()),
                Val::Blob(v) => q.bind(v.clone()),
            };
        }
        q
    }};
}

/// Runs one statement with binds written `?`, turned into `$n` for PostgreSQL.
pub async fn exec(store: &AnyStore, sql: &str, binds: &[Val]) -> Result<u64, sqlx::Error> {
    match store {
        AnyStore::Sqlite(s) => {
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())), binds);
            q.execute(s.pool()).await.map(|r| r.rows_affected())
        }
        AnyStore::Postgres(s) => {
            let mut n = 0;
            let sql: String = sql
                .split('?')
                .enumerate()
                .map(|(i, part)| {
                    if i == 0 {
                        part.to_owned()
                    } else {
                        n += 1;
                        format!("${n}{part}")
                    }
                })
                .collect();
            let q = bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql)), binds);
            q.execute(s.pool()).await.map(|r| r.rows_affected())
        }
    }
}
