//! `annexa scan --record`: one run becomes a `scan-run` record (tool, version, trigger, git
//! commit, every input's SHA-256, counts), a `control-result` record per Annex A control the
//! run checked, and a `finding` record per finding (messages already masked), all in one atomic
//! append ending in a signed checkpoint.

use super::{EvidenceError, EvidenceOptions, block_on, io, keys, open_for_writing};
use crate::scan::ScanView;
use annexa_ledger::{Entry, Kind, Period, Subject};
use annexa_store::{CHECKPOINT_EVERY, LedgerMeta, Store};
use jiff::Timestamp;
use rayon::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::Path;

/// What started the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// A pipeline (the `CI` environment variable is set, or `--trigger ci`).
    Ci,
    /// A person at a terminal.
    Manual,
}

/// What recording did.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RecordView {
    /// The run's id, in every record it wrote.
    pub run: String,
    /// The first sequence number written.
    pub first_seq: u64,
    /// Records written.
    pub records: u64,
    /// The ledger's size after the run.
    pub size: u64,
    /// Where a new signing key was written, on the first recording run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_key: Option<String>,
    /// The witness file updated with the run's checkpoint.
    pub checkpoint_file: String,
}

/// The SHA-256 of every input file, read again now (stdin is listed without one).
fn input_hashes(files: &[String]) -> Vec<serde_json::Value> {
    files
        .par_iter()
        .map(|f| {
            let sha = std::fs::read(f).ok().map(|bytes| hex(&Sha256::digest(&bytes).into()));
            json!({"file": f, "sha256": sha})
        })
        .collect()
}

fn hex(bytes: &[u8; 32]) -> String {
    annexa_ledger::tree::hex(bytes)
}

/// The commit the scanned paths are at, and whether tracked files differ from it.
fn git(paths: &[String]) -> serde_json::Value {
    let dir = paths.iter().map(Path::new).find(|p| p.exists()).map_or(Path::new("."), |p| {
        if p.is_dir() { p } else { p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")) }
    });
    let run = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match run(&["rev-parse", "HEAD"]) {
        Some(commit) => {
            let dirty = run(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
            json!({"commit": commit, "dirty": dirty})
        }
        None => serde_json::Value::Null,
    }
}

/// The records of one run, in the order they are appended.
pub(crate) fn entries(view: &ScanView, paths: &[String], trigger: Trigger, now: Timestamp, run: &str) -> Vec<Entry> {
    let at = Period::at(now);
    let controls: Vec<String> = view.summary.controls.iter().map(|c| c.control.clone()).collect();
    let report = serde_json::to_string_pretty(view).map(|mut s| {
        s.push('\n');
        hex(&Sha256::digest(s.as_bytes()).into())
    });
    let summary = &view.summary;
    let mut out = Vec::with_capacity(1 + summary.controls.len() + view.findings.len());
    out.push(Entry {
        kind: Kind::ScanRun,
        recorded_at: now,
        effective: at,
        subject: Subject { controls: controls.clone(), assets: Vec::new() },
        // The scan's JSON report: `annexa scan --format json` over the same inputs prints
        // exactly these bytes, so the hash ties the record to a reproducible artefact.
        artefact_sha256: report.ok(),
        payload: json!({
            "run": run,
            "tool": "annexa",
            "version": env!("CARGO_PKG_VERSION"),
            "trigger": trigger,
            "git": git(paths),
            "paths": paths,
            "inputs": input_hashes(&view.files),
            "files": {
                "seen": summary.files.seen,
                "parsed": summary.files.parsed,
                "failed": summary.files.failed,
                "skipped": summary.files.skipped_total(),
            },
            "checks_run": summary.checks_run,
            "findings": summary.findings,
            "exempted": summary.exempted,
            "by_severity": summary.by_severity,
            "fail_on": summary.fail_on,
            "failed": summary.failed,
        }),
    });
    for c in &summary.controls {
        let checks: Vec<&str> = view
            .checks
            .iter()
            .filter(|m| m.controls.iter().any(|a| a.to_string() == c.control))
            .map(|m| m.id)
            .collect();
        out.push(Entry {
            kind: Kind::ControlResult,
            recorded_at: now,
            effective: at,
            subject: Subject { controls: vec![c.control.clone()], assets: Vec::new() },
            artefact_sha256: None,
            payload: json!({
                "run": run,
                "control": c.control,
                "result": if c.findings == 0 { "pass" } else { "fail" },
                "checks": checks,
                "findings": c.findings,
                "failing_checks": c.failing_checks,
            }),
        });
    }
    for f in &view.findings {
        let asset = f.resource.as_ref().map(|r| match &r.namespace {
            Some(ns) => format!("{} {ns}/{}", r.kind, r.name),
            None => format!("{} {}", r.kind, r.name),
        });
        let mut payload = json!({
            "run": run,
            "check": f.check,
            "slug": f.slug,
            "severity": f.severity,
            "message": f.message,
            "location": {"file": f.location.file, "line": f.location.line, "col": f.location.col},
        });
        if let Some(r) = &f.resource {
            payload["resource"] = json!(r);
        }
        if let Some(e) = &f.exempted {
            payload["exempted"] = json!(e);
        }
        out.push(Entry {
            kind: Kind::Finding,
            recorded_at: now,
            effective: at,
            subject: Subject { controls: f.controls.to_vec(), assets: asset.into_iter().collect() },
            artefact_sha256: None,
            payload,
        });
    }
    out
}

/// Appends a scan's run to the ledger, creating the ledger and its keys on first use.
pub fn record_scan(
    view: &ScanView,
    paths: &[String],
    options: &EvidenceOptions,
    trigger: Trigger,
    now: Timestamp,
) -> Result<RecordView, EvidenceError> {
    // Records carry whole seconds, so that their timestamps compare as text.
    let now = Timestamp::from_second(now.as_second()).unwrap_or(now);
    let run = uuid::Uuid::now_v7().to_string();
    let entries = entries(view, paths, trigger, now, &run);
    let count = entries.len() as u64;
    let (appended, created_key) = block_on(async {
        let store = open_for_writing(options).await?;
        let trusted = keys::verifier(options)?;
        let (signer, created) = match (store.meta().await?, trusted) {
            (None, None) => {
                let (signer, path) = keys::create(options)?;
                (signer, Some(path.display().to_string()))
            }
            (Some(meta), None) => {
                return Err(EvidenceError::Key(format!(
                    "the ledger `{}` exists but its public key `{}` is missing; restore it from version control",
                    meta.origin,
                    options.public_key_path().display()
                )));
            }
            (_, Some(key)) => (keys::signer(options, key.name())?, None),
        };
        let meta = LedgerMeta { origin: signer.name().to_owned(), public_key: signer.verifier().to_text() };
        let meta = store.init(&meta).await?;
        if meta.public_key != signer.verifier().to_text() {
            return Err(EvidenceError::Key(format!(
                "the ledger is signed by `{}`, but the trusted key is `{}`",
                meta.public_key,
                signer.verifier().to_text()
            )));
        }
        let appended = store.append(entries, &signer, CHECKPOINT_EVERY).await?;
        Ok::<_, EvidenceError>((appended, created))
    })??;
    let witness = options.checkpoint_path();
    std::fs::write(&witness, &appended.checkpoint).map_err(io("write", &witness))?;
    Ok(RecordView {
        run,
        first_seq: appended.first_seq,
        records: count,
        size: appended.size,
        created_key,
        checkpoint_file: witness.display().to_string(),
    })
}
