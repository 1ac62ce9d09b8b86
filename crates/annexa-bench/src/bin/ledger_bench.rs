//! The evidence ledger's benchmark: appends N records in runs of B (as `annexa scan --record`
//! does, one signed checkpoint per run and every 1,024 records), then verifies the whole ledger
//! as `annexa evidence verify` does, and prints both rates.
//!
//! `annexa-ledger-bench [--records N] [--batch B] [--database-url URL]`; the default is a
//! fresh SQLite file of 1,000,000 records in runs of 10,000.

use annexa_ledger::{Entry, Kind, NoteSigner, Period, Subject};
use annexa_store::{AnyStore, CHECKPOINT_EVERY, LedgerMeta, Store};
use std::time::Instant;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// A finding-shaped record of the size real runs write (about 450 bytes).
fn entry(i: u64, now: jiff::Timestamp) -> Entry {
    let controls = ["A.8.9", "A.8.2", "A.8.20", "A.5.15", "A.8.24", "A.8.8"];
    Entry {
        kind: if i.is_multiple_of(50) { Kind::ControlResult } else { Kind::Finding },
        recorded_at: now,
        effective: Period::at(now),
        subject: Subject {
            controls: vec![controls[(i % 6) as usize].to_owned(), controls[((i + 1) % 6) as usize].to_owned()],
            assets: vec![format!("Deployment shop-{}/svc-{}", i % 13, i % 97)],
        },
        artefact_sha256: None,
        payload: serde_json::json!({
            "run": format!("0193b2c4-{:04x}-7000-8000-000000000000", i / 10_000),
            "check": format!("K8S-{:04}", i % 40 + 1),
            "slug": "privileged-container",
            "severity": "high",
            "message": format!("container `app-{i}` runs privileged and can reach the node's devices and kernel"),
            "location": {"file": format!("k8s/team-{}/deploy-{}.yaml", i % 17, i % 211), "line": i % 300 + 1, "col": 9},
            "resource": {"kind": "Deployment", "namespace": format!("shop-{}", i % 13), "name": format!("svc-{}", i % 97), "container": "app"},
        }),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let records: u64 = arg("--records").map_or(Ok(1_000_000), |s| s.parse())?;
    let batch: u64 = arg("--batch").map_or(Ok(10_000), |s| s.parse())?;
    let dir = std::env::temp_dir().join(format!("annexa-ledger-bench-{}", std::process::id()));
    let url = arg("--database-url").unwrap_or_else(|| format!("sqlite:{}", dir.join("annexa.db").display()));
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let signer = NoteSigner::from_seed("annexa-ledger/bench", [3u8; 32])?;
    let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())?;
    let (append_s, bytes) = rt.block_on(async {
        let store = AnyStore::open(&url).await?;
        store.init(&LedgerMeta { origin: signer.name().to_owned(), public_key: signer.verifier().to_text() }).await?;
        let mut spent = std::time::Duration::ZERO;
        let mut bytes = 0usize;
        let mut i = 0;
        while i < records {
            let end = (i + batch).min(records);
            let entries: Vec<Entry> = (i..end).map(|n| entry(n, now)).collect();
            if i == 0 {
                bytes = entries.first().and_then(|e| e.clone().seal(0).ok()).map_or(0, |s| s.bytes.len());
            }
            let t = Instant::now();
            store.append(entries, &signer, CHECKPOINT_EVERY).await?;
            spent += t.elapsed();
            i = end;
        }
        Ok::<_, Box<dyn std::error::Error>>((spent.as_secs_f64(), bytes))
    })?;
    // Verification as `annexa evidence verify` runs it: a fresh process would open the store
    // anew, so a fresh pool here too.
    let (verify_s, verified) = rt.block_on(async {
        let store = AnyStore::open(&url).await?;
        let t = Instant::now();
        let v = annexa_store::verify(&store, &signer.verifier()).await?;
        let verify_s = t.elapsed().as_secs_f64();
        // Reading alone, streamed the same way, to tell the store's share of verification.
        let t = Instant::now();
        let mut next = 0;
        loop {
            let n = store.batch(next, annexa_store::VERIFY_BATCH).await?.len() as u64;
            next += n;
            if n < annexa_store::VERIFY_BATCH {
                break;
            }
        }
        eprintln!("reading alone: {:.3} s", t.elapsed().as_secs_f64());
        Ok::<_, Box<dyn std::error::Error>>((verify_s, v))
    })?;
    let db_mb = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum::<u64>())
        .unwrap_or(0) as f64
        / 1e6;
    println!(
        "{{\"backend\":\"{}\",\"records\":{},\"batch\":{batch},\"record_bytes\":{bytes},\"append_s\":{append_s:.3},\"append_per_s\":{:.0},\"verify_s\":{verify_s:.3},\"verify_per_s\":{:.0},\"checkpoints\":{},\"db_mb\":{db_mb:.1}}}",
        if url.starts_with("sqlite") { "sqlite" } else { "postgres" },
        verified.records,
        records as f64 / append_s,
        records as f64 / verify_s,
        verified.checkpoints
    );
    if std::env::var_os("KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("kept {}", dir.display());
    }
    Ok(())
}
