//! The store's behaviour on both backends: appends seal and checkpoint records so that the
//! ledger verifies, queries filter by kind, control and window, the wrong key is refused, and
//! concurrent writers queue instead of forking the tree.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod support;

use annexa_ledger::{Checkpoint, Kind, NoteSigner, tree};
use annexa_store::{AnyStore, Query, Store, verify};
use support::{BACKENDS, entry, filled, fresh, meta, signer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_verify_and_match_the_tree() {
    for backend in BACKENDS {
        let f = filled(backend, 1000, 300, 100).await;
        let store = &f.store;
        assert_eq!(store.backend(), backend);
        assert_eq!(store.size().await.unwrap(), 1000);
        let verified = verify(store, &signer().verifier()).await.unwrap();
        assert_eq!(verified.records, 1000, "{backend}");
        // Every 100 records and at the end of each append (300, 600, 900 fall on multiples).
        let sizes: Vec<u64> = store.checkpoints().await.unwrap().iter().map(|c| c.size).collect();
        assert_eq!(sizes, [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000], "{backend}");
        let leaves = store.leaves(1000).await.unwrap();
        let expected: Vec<_> = (0..1000).map(|i| entry(i).seal(i).unwrap().leaf).collect();
        assert_eq!(leaves, expected, "{backend}: stored leaves are the sealed entries' leaves");
        assert_eq!(verified.root_hash, tree::hex(&tree::root(&expected)));
        let last = store.checkpoints().await.unwrap().pop().unwrap();
        let cp = signer().verifier().open_checkpoint(&last.note).unwrap();
        assert_eq!(cp, Checkpoint { origin: meta().origin, size: 1000, root: tree::root(&expected) });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_filter_by_kind_control_and_window() {
    for backend in BACKENDS {
        let f = filled(backend, 600, 600, 1024).await;
        let all = f.store.records(&Query::default()).await.unwrap();
        assert_eq!(all.len(), 600);
        assert!(all.windows(2).all(|w| w[0].index.seq + 1 == w[1].index.seq));

        let q = Query { kinds: vec![Kind::Finding, Kind::Decision], ..Query::default() };
        let got = f.store.records(&q).await.unwrap();
        assert_eq!(got.len(), 200, "{backend}");
        assert!(got.iter().all(|r| r.index.kind == "finding" || r.index.kind == "decision"));

        let q = Query { control: Some("A.8.9".into()), ..Query::default() };
        let got = f.store.records(&q).await.unwrap();
        assert_eq!(got.len(), 150, "{backend}");
        // `A.8.2` must not match `A.8.20` (the column pads every id with spaces).
        let q = Query { control: Some("A.8.2".into()), ..Query::default() };
        assert!(f.store.records(&q).await.unwrap().is_empty(), "{backend}");

        // Records 100..=199 fall on the second day.
        let day = |s: i64| annexa_ledger::record::timestamp(jiff::Timestamp::from_second(s).unwrap());
        let q = Query {
            from: Some(day(1_767_225_600 + 86_400)),
            to: Some(day(1_767_225_600 + 2 * 86_400 - 1)),
            ..Query::default()
        };
        let got = f.store.records(&q).await.unwrap();
        assert_eq!(got.iter().map(|r| r.index.seq).collect::<Vec<_>>(), (100..200).collect::<Vec<_>>(), "{backend}");

        let q = Query { after_seq: Some(590), limit: Some(5), ..Query::default() };
        let got = f.store.records(&q).await.unwrap();
        assert_eq!(got.iter().map(|r| r.index.seq).collect::<Vec<_>>(), [590, 591, 592, 593, 594]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wrong_key_neither_appends_nor_verifies() {
    for backend in BACKENDS {
        let f = filled(backend, 10, 10, 1024).await;
        let other = NoteSigner::from_seed("annexa.dev/ledger/test", [9u8; 32]).unwrap();
        let err = f.store.append(vec![entry(10)], &other, 1024).await.unwrap_err();
        assert!(err.to_string().contains("is not this ledger's key"), "{backend}: {err}");
        assert_eq!(f.store.size().await.unwrap(), 10, "{backend}: nothing written");
        let err = verify(&f.store, &other.verifier()).await.unwrap_err();
        assert!(err.to_string().contains("not the trusted key"), "{backend}: {err}");
        // A second init keeps the first identity.
        let mut m = meta();
        m.origin = "someone/else".into();
        assert_eq!(f.store.init(&m).await.unwrap(), meta());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_append_writes_nothing_and_an_empty_ledger_verifies() {
    for backend in BACKENDS {
        let f = fresh(backend).await;
        f.store.init(&meta()).await.unwrap();
        let out = f.store.append(Vec::new(), &signer(), 1024).await.unwrap();
        assert_eq!((out.first_seq, out.size, out.checkpoint.as_str()), (0, 0, ""));
        let v = verify(&f.store, &signer().verifier()).await.unwrap();
        assert_eq!((v.records, v.checkpoints), (0, 0));
        assert_eq!(v.root_hash, tree::hex(&tree::empty_root()));
    }
}

/// Writers on separate connection pools (as separate processes or server replicas would be)
/// append at the same time; the ledger must hold every record exactly once, in one tree.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_never_fork_the_tree() {
    for backend in BACKENDS {
        let f = fresh(backend).await;
        f.store.init(&meta()).await.unwrap();
        let mut writers = Vec::new();
        for w in 0..4u64 {
            let store = match (&f.store, &f.schema) {
                (AnyStore::Sqlite(s), _) => AnyStore::Sqlite(s.clone()),
                (AnyStore::Postgres(_), Some(schema)) => AnyStore::Postgres(support::pg_in(schema).await),
                _ => unreachable!(),
            };
            let store = match store {
                // A second pool on the same file: what a second process has.
                AnyStore::Sqlite(_) => AnyStore::open(&format!("sqlite:{}", sqlite_path(&f))).await.unwrap(),
                other => other,
            };
            writers.push(tokio::spawn(async move {
                for round in 0..10u64 {
                    let entries = (0..25).map(|i| entry(w * 10_000 + round * 100 + i)).collect();
                    store.append(entries, &signer(), 64).await.unwrap();
                }
            }));
        }
        for w in writers {
            w.await.unwrap();
        }
        let v = verify(&f.store, &signer().verifier()).await.unwrap();
        assert_eq!(v.records, 4 * 10 * 25, "{backend}");
        let all = f.store.records(&Query::default()).await.unwrap();
        let mut payloads: Vec<u64> = all
            .iter()
            .map(|r| annexa_ledger::Record::decode(&r.bytes).unwrap().entry.payload["i"].as_u64().unwrap())
            .collect();
        payloads.sort_unstable();
        payloads.dedup();
        assert_eq!(payloads.len(), 1000, "{backend}: every record once");
    }
}

fn sqlite_path(f: &support::Fresh) -> String {
    f.dir().unwrap().join(".annexa/annexa.db").display().to_string()
}

/// A SQLite ledger written before the index columns were computed (migration 0001's layout,
/// with stored copies) is carried over by migration 0002 without a record changing: it
/// verifies, and queries see the same rows with the same columns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_in_the_first_layout_migrates_and_still_verifies() {
    use sqlx::{ConnectOptions as _, Connection as _};
    let f = filled("sqlite", 300, 100, 64).await;
    let before = f.store.records(&Query::default()).await.unwrap();
    let path = f.dir().unwrap().join(".annexa/annexa.db");
    // Rebuild the first layout from the current one, and forget that 0002 ran.
    let first = include_str!("../migrations/sqlite/0001_ledger.sql");
    let start = first.find("CREATE TABLE records (").unwrap();
    let end = start + first[start..].find("\n);").unwrap() + 3;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).connect().await.unwrap();
    let rebuild = format!(
        "DROP INDEX records_kind_effective; DROP INDEX records_effective; ALTER TABLE records RENAME TO records_v2; {}
         INSERT INTO records SELECT seq, kind, recorded_at, effective_from, effective_to, controls, body, leaf_hash FROM records_v2;
         DROP TABLE records_v2; DELETE FROM _sqlx_migrations WHERE version = 2;",
        &first[start..end]
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(rebuild)).execute(&mut conn).await.unwrap();
    let columns: i64 = sqlx::query_scalar("SELECT count(*) FROM pragma_table_xinfo('records') WHERE hidden = 0")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(columns, 8, "the first layout stores all eight columns");
    conn.close().await.unwrap();
    let migrated = AnyStore::Sqlite(annexa_store::SqliteStore::open(&path).await.unwrap());
    assert_eq!(verify(&migrated, &signer().verifier()).await.unwrap().records, 300);
    assert_eq!(migrated.records(&Query::default()).await.unwrap(), before);
    let pool = match &migrated {
        AnyStore::Sqlite(s) => s.pool(),
        AnyStore::Postgres(_) => unreachable!(),
    };
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM pragma_table_xinfo('records') WHERE hidden = 0")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(stored, 3, "only seq, body and leaf_hash are stored after 0002");
}
