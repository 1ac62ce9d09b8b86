//! Tampering with a 1,000-record ledger as someone with write access to the database would:
//! every single-byte change in every stored field (exhaustively for chosen rows, at random for
//! the rest), every deletion, every swap of neighbours and random pairs, every truncation, on
//! SQLite and on PostgreSQL. Each must fail verification, at the right sequence number where
//! the change is in a record.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly")]

mod support;

use annexa_ledger::StoredRecord;
use annexa_store::{AnyStore, Query, Store, VerifyError, verify};
use proptest::prelude::*;
use support::{BACKENDS, Fresh, Val, exec, filled, signer};

const N: u64 = 1000;

async fn ledger(backend: &str) -> Fresh {
    // Appends of 250 with a checkpoint every 64: checkpoints fall inside and at the end of appends.
    filled(backend, N, 250, 64).await
}

/// The first problem verification reports, or `None` when the ledger verifies.
async fn problem(store: &AnyStore) -> Option<annexa_ledger::Problem> {
    match verify(store, &signer().verifier()).await {
        Ok(_) => None,
        Err(VerifyError::Tampered(p)) => Some(p),
        Err(VerifyError::Store(e)) => panic!("the store failed instead of reporting: {e}"),
    }
}

async fn row(store: &AnyStore, seq: u64) -> StoredRecord {
    store.records(&Query { after_seq: Some(seq), limit: Some(1), ..Query::default() }).await.unwrap().remove(0)
}

const TEXT_COLUMNS: [&str; 5] = ["kind", "recorded_at", "effective_from", "effective_to", "controls"];

/// Whether the store computes the index columns from the bytes (SQLite) instead of keeping
/// copies (PostgreSQL): then there is no stored copy to tamper with, and writing one must be
/// refused by the database itself.
fn derived(store: &AnyStore) -> bool {
    matches!(store, AnyStore::Sqlite(_))
}

/// Changes an index column: caught by verification where the column is stored, refused by the
/// database where it is computed.
async fn tamper_text(store: &AnyStore, column: &str, seq: u64, bad: String, good: String) {
    let key = ("seq", seq as i64);
    if derived(store) {
        let refused = set(store, "records", column, key, Val::Text(bad)).await;
        assert!(
            matches!(&refused, Err(sqlx::Error::Database(e)) if e.message().contains("generated column")),
            "sqlite: writing records.{column} of {seq}: {refused:?}"
        );
        return;
    }
    expect_caught(store, "records", column, key, Val::Text(bad), Val::Text(good), Some(seq)).await;
}

fn text_of<'a>(r: &'a StoredRecord, column: &str) -> &'a str {
    match column {
        "kind" => &r.index.kind,
        "recorded_at" => &r.index.recorded_at,
        "effective_from" => &r.index.effective_from,
        "effective_to" => &r.index.effective_to,
        _ => &r.index.controls,
    }
}

/// Another ASCII byte in place of the one at `at` (text columns stay valid UTF-8).
fn replace_ascii(text: &str, at: usize, with: u8) -> String {
    let mut b = text.as_bytes().to_vec();
    b[at] = if b[at] == with { if with == b'~' { b'!' } else { with + 1 } } else { with };
    String::from_utf8(b).unwrap()
}

async fn set(store: &AnyStore, table: &str, column: &str, key: (&str, i64), value: Val) -> Result<u64, sqlx::Error> {
    exec(store, &format!("UPDATE {table} SET {column} = ? WHERE {} = ?", key.0), &[value, Val::Int(key.1)]).await
}

/// Changes one field, checks that verification fails where it should, and restores it.
async fn expect_caught(
    store: &AnyStore,
    table: &str,
    column: &str,
    key: (&str, i64),
    bad: Val,
    good: Val,
    seq: Option<u64>,
) {
    let changed = set(store, table, column, key, bad.clone()).await;
    match changed {
        Ok(1) => {}
        // The database itself refuses (a duplicate sequence number): nothing to detect.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return,
        other => panic!("tampering {table}.{column} failed: {other:?}"),
    }
    let p = problem(store).await;
    let restore_key = if column == key.0 { if let Val::Int(v) = bad { v } else { key.1 } } else { key.1 };
    set(store, table, column, (key.0, restore_key), good).await.unwrap();
    let p = p.unwrap_or_else(|| {
        panic!("{}: {table}.{column} of {key:?} changed to {bad:?} went unnoticed", store.backend())
    });
    if let Some(seq) = seq {
        assert_eq!(p.seq, Some(seq), "{}: {table}.{column} of {key:?} to {bad:?}: {p}", store.backend());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_byte_of_chosen_records_is_covered() {
    for backend in BACKENDS {
        let f = ledger(backend).await;
        let store = &f.store;
        assert_eq!(problem(store).await, None);
        for seq in [0u64, 511, N - 1] {
            let r = row(store, seq).await;
            let key = ("seq", seq as i64);
            for column in TEXT_COLUMNS {
                let text = text_of(&r, column).to_owned();
                for at in 0..text.len() {
                    tamper_text(store, column, seq, replace_ascii(&text, at, b'x'), text.clone()).await;
                }
            }
            for (column, bytes) in [("body", r.bytes.clone()), ("leaf_hash", r.leaf.clone())] {
                for at in 0..bytes.len() {
                    let mut bad = bytes.clone();
                    bad[at] ^= 0x20;
                    expect_caught(store, "records", column, key, Val::Blob(bad), Val::Blob(bytes.clone()), Some(seq))
                        .await;
                }
            }
            for bit in 0..64 {
                let bad = (seq as i64) ^ (1i64 << bit);
                expect_caught(store, "records", "seq", key, Val::Int(bad), Val::Int(seq as i64), Some(seq)).await;
            }
        }
        assert_eq!(problem(store).await, None, "{backend}: every field restored");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_byte_of_checkpoints_head_and_identity_is_covered() {
    for backend in BACKENDS {
        let f = ledger(backend).await;
        let store = &f.store;
        let checkpoints = store.checkpoints().await.unwrap();
        let count = checkpoints.len();
        for c in [&checkpoints[0], &checkpoints[count / 2], &checkpoints[count - 1]] {
            let key = ("number", c.number as i64);
            for (at, byte) in c.note.bytes().enumerate() {
                if byte.is_ascii() {
                    let bad = Val::Text(replace_ascii(&c.note, at, b'A'));
                    expect_caught(store, "checkpoints", "note", key, bad, Val::Text(c.note.clone()), None).await;
                }
            }
            for delta in [1i64, -1, 64] {
                let bad = Val::Int(c.size as i64 + delta);
                expect_caught(store, "checkpoints", "size", key, bad, Val::Int(c.size as i64), None).await;
            }
            for bit in 0..64 {
                let bad = Val::Int((c.number as i64) ^ (1i64 << bit));
                expect_caught(store, "checkpoints", "number", key, bad, Val::Int(c.number as i64), None).await;
            }
        }
        let head = store.head().await.unwrap();
        for at in 0..head.frontier.len() {
            let mut bad = head.frontier.clone();
            bad[at] ^= 0x01;
            expect_caught(
                store,
                "ledger_head",
                "frontier",
                ("id", 1),
                Val::Blob(bad),
                Val::Blob(head.frontier.clone()),
                None,
            )
            .await;
        }
        for (column, value) in [("size", head.size), ("checkpoints", head.checkpoints)] {
            for delta in [1i64, -1] {
                expect_caught(store, "ledger_head", column, ("id", 1), Val::Int(value + delta), Val::Int(value), None)
                    .await;
            }
        }
        let meta = store.meta().await.unwrap().unwrap();
        for (key, value) in [("origin", meta.origin), ("public_key", meta.public_key)] {
            for at in 0..value.len() {
                let bad = replace_ascii(&value, at, b'Z');
                let sql = "UPDATE ledger_meta SET value = ? WHERE key = ?";
                exec(store, sql, &[Val::Text(bad.clone()), Val::Text(key.into())]).await.unwrap();
                let p = problem(store).await;
                exec(store, sql, &[Val::Text(value.clone()), Val::Text(key.into())]).await.unwrap();
                assert!(p.is_some(), "{backend}: ledger_meta.{key} changed to {bad} went unnoticed");
            }
        }
        assert_eq!(problem(store).await, None, "{backend}: every field restored");
    }
}

async fn insert(store: &AnyStore, r: &StoredRecord) {
    if derived(store) {
        let sql = "INSERT INTO records (seq, body, leaf_hash) VALUES (?, ?, ?)";
        let binds = [Val::Int(r.index.seq as i64), Val::Blob(r.bytes.clone()), Val::Blob(r.leaf.clone())];
        exec(store, sql, &binds).await.unwrap();
        return;
    }
    exec(
        store,
        "INSERT INTO records (seq, kind, recorded_at, effective_from, effective_to, controls, body, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            Val::Int(r.index.seq as i64),
            Val::Text(r.index.kind.clone()),
            Val::Text(r.index.recorded_at.clone()),
            Val::Text(r.index.effective_from.clone()),
            Val::Text(r.index.effective_to.clone()),
            Val::Text(r.index.controls.clone()),
            Val::Blob(r.bytes.clone()),
            Val::Blob(r.leaf.clone()),
        ],
    )
    .await
    .unwrap();
}

async fn delete(store: &AnyStore, seq: u64) {
    assert_eq!(exec(store, "DELETE FROM records WHERE seq = ?", &[Val::Int(seq as i64)]).await.unwrap(), 1);
}

/// Writes the original rows back.
async fn restore(store: &AnyStore, rows: &[&StoredRecord]) {
    for r in rows {
        delete(store, r.index.seq).await;
        insert(store, r).await;
    }
}

/// Puts record `b`'s content in row `a` and `a`'s in row `b`, keeping the row numbers.
async fn swap(store: &AnyStore, a: &StoredRecord, b: &StoredRecord) {
    delete(store, a.index.seq).await;
    delete(store, b.index.seq).await;
    let mut x = b.clone();
    x.index.seq = a.index.seq;
    let mut y = a.clone();
    y.index.seq = b.index.seq;
    insert(store, &x).await;
    insert(store, &y).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_deletion_swap_and_truncation_is_caught() {
    for backend in BACKENDS {
        let f = ledger(backend).await;
        let store = &f.store;
        let rows = store.records(&Query::default()).await.unwrap();
        assert_eq!(rows.len() as u64, N);
        for r in &rows {
            delete(store, r.index.seq).await;
            let p = problem(store).await;
            insert(store, r).await;
            assert_eq!(p.and_then(|p| p.seq), Some(r.index.seq), "{backend}: deleting {}", r.index.seq);
        }
        for pair in rows.windows(2) {
            swap(store, &pair[0], &pair[1]).await;
            let p = problem(store).await;
            restore(store, &[&pair[0], &pair[1]]).await;
            // Rows keep their numbers, so the content of the later record now sits first.
            let p = p.unwrap_or_else(|| panic!("{backend}: swapping {} and {}", pair[0].index.seq, pair[1].index.seq));
            assert_eq!(p.seq, Some(pair[0].index.seq), "{backend}: {p}");
        }
        // Truncations from the end: after deleting records k.. the first missing one is k.
        for r in rows.iter().rev() {
            delete(store, r.index.seq).await;
            let p = problem(store).await.unwrap_or_else(|| panic!("{backend}: truncation at {}", r.index.seq));
            assert_eq!(p.seq, Some(r.index.seq), "{backend}: truncated at {}: {p}", r.index.seq);
        }
        for r in &rows {
            insert(store, r).await;
        }
        assert_eq!(problem(store).await, None, "{backend}: every row restored");
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Text { column: usize, at: prop::sample::Index, with: u8 },
    Blob { leaf: bool, at: prop::sample::Index, xor: u8 },
    Swap { other: u64 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0..TEXT_COLUMNS.len(), any::<prop::sample::Index>(), 0x20u8..0x7f)
            .prop_map(|(column, at, with)| Mutation::Text { column, at, with }),
        (any::<bool>(), any::<prop::sample::Index>(), 1u8..=255).prop_map(|(leaf, at, xor)| Mutation::Blob {
            leaf,
            at,
            xor
        }),
        (0..N).prop_map(|other| Mutation::Swap { other }),
    ]
}

/// Random records, fields, positions and values, on both backends.
#[test]
fn random_single_changes_are_caught() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let stores: Vec<Fresh> = BACKENDS.iter().map(|b| rt.block_on(ledger(b))).collect();
    let config = ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(seq in 0..N, m in mutation())| {
        for f in &stores {
            rt.block_on(async {
                let store = &f.store;
                let r = row(store, seq).await;
                let key = ("seq", seq as i64);
                match &m {
                    Mutation::Text { column, at, with } => {
                        let column = TEXT_COLUMNS[*column];
                        let text = text_of(&r, column).to_owned();
                        let bad = replace_ascii(&text, at.index(text.len()), *with);
                        tamper_text(store, column, seq, bad, text).await;
                    }
                    Mutation::Blob { leaf, at, xor } => {
                        let (column, bytes) = if *leaf { ("leaf_hash", r.leaf.clone()) } else { ("body", r.bytes.clone()) };
                        let mut bad = bytes.clone();
                        bad[at.index(bytes.len())] ^= xor;
                        expect_caught(store, "records", column, key, Val::Blob(bad), Val::Blob(bytes), Some(seq)).await;
                    }
                    Mutation::Swap { other } if *other != seq => {
                        let o = row(store, *other).await;
                        swap(store, &r, &o).await;
                        let p = problem(store).await;
                        restore(store, &[&r, &o]).await;
                        assert_eq!(p.and_then(|p| p.seq), Some(seq.min(*other)), "{}: swap {seq} {other}", store.backend());
                    }
                    Mutation::Swap { .. } => {}
                }
            });
        }
    });
    for f in &stores {
        assert_eq!(rt.block_on(problem(&f.store)), None);
    }
}

/// SQLite computes the index columns from the bytes with formulas kept in the file's schema,
/// which anyone with the file can rewrite: a rewritten formula must fail verification, and the
/// untouched schema must pass it (which every other test here shows).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewritten_index_formula_is_caught() {
    use sqlx::{ConnectOptions as _, Connection as _};
    let f = filled("sqlite", 100, 50, 16).await;
    assert_eq!(problem(&f.store).await, None);
    let path = f.dir().unwrap().join(".annexa/annexa.db");
    let decisions = Query { kinds: vec![annexa_ledger::Kind::Decision], ..Query::default() };
    let before = f.store.records(&decisions).await.unwrap();
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).connect().await.unwrap();
    // Every record would now be listed under its timestamp as its kind, that is under none.
    for sql in [
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_schema SET sql = replace(sql, '''$.kind''', '''$.recorded_at''') WHERE name = 'records'",
        "PRAGMA writable_schema = OFF",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
    // Rebuilding the indexes makes queries by kind use the new formula too.
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(&path).connect().await.unwrap();
    sqlx::query("REINDEX records").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let reopened = AnyStore::Sqlite(annexa_store::SqliteStore::open(&path).await.unwrap());
    let after = reopened.records(&decisions).await.unwrap();
    assert!(
        !before.is_empty() && after.is_empty(),
        "the rewritten formula changes what queries see: {} then {}",
        before.len(),
        after.len()
    );
    let p = problem(&reopened).await.expect("a rewritten formula went unnoticed");
    assert!(p.message.contains("definition was changed"), "{p}");
}
