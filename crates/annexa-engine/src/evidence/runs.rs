//! The latest recorded runs read back from the ledger as evidence per Annex A control: what
//! `annexa soa`, `gap`, `plan`, `nc` and `risks suggest` judge by once a run has been recorded.

use super::{EvidenceError, EvidenceOptions, block_on, open};
use annexa_isms::{ControlEvidence, FailingCheck};
use annexa_ledger::{Kind, Record};
use annexa_load::At;
use annexa_model::AnnexA;
use annexa_store::{Query, Store};
use jiff::Timestamp;
use serde_json::Value;
use std::collections::HashMap;

/// A resource a recorded finding is about.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecordedResource {
    /// `Deployment`, `Dockerfile`...
    pub kind: String,
    /// Its namespace, when it has one.
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

/// A finding as its `finding` record holds it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecordedFinding {
    /// The check id, `K8S-0001`.
    pub check: String,
    /// The check slug.
    pub slug: String,
    /// What the check said (secret values already masked).
    pub message: String,
    /// The file.
    pub file: String,
    /// The line.
    pub line: u32,
    /// The Annex A controls it gives evidence against.
    pub controls: Vec<String>,
    /// What it is about.
    pub resource: Option<RecordedResource>,
    /// Whether an exemption covered it when it was recorded.
    pub exempted: bool,
}

/// One recorded run, as evidence.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RecordedRun {
    /// The run's id (a UUID v7), shared by all its records.
    pub run: String,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// The paths it scanned, as they were given to `annexa scan`.
    pub paths: Vec<String>,
    /// The evidence per control, from its `control-result` and `finding` records.
    pub controls: Vec<ControlEvidence>,
    /// Its findings, in the order the scan reported them.
    pub findings: Vec<RecordedFinding>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
}

fn finding(record: &Record) -> RecordedFinding {
    let p = &record.entry.payload;
    let resource = p.get("resource").filter(|r| r.is_object()).map(|r| RecordedResource {
        kind: text(r, "kind"),
        namespace: r.get("namespace").and_then(Value::as_str).map(str::to_owned),
        name: text(r, "name"),
    });
    RecordedFinding {
        check: text(p, "check"),
        slug: text(p, "slug"),
        message: text(p, "message"),
        file: p.at("/location/file").and_then(Value::as_str).unwrap_or_default().to_owned(),
        line: p.at("/location/line").and_then(Value::as_u64).and_then(|l| u32::try_from(l).ok()).unwrap_or(1),
        controls: record.entry.subject.controls.clone(),
        resource,
        exempted: p.get("exempted").is_some_and(|e| !e.is_null()),
    }
}

/// A run's evidence for one control: the checks its `control-result` names and the run's
/// findings against the control that no exemption covered.
fn control(record: &Record, findings: &[RecordedFinding]) -> Option<ControlEvidence> {
    let p = &record.entry.payload;
    let control = AnnexA::parse(p.get("control").and_then(Value::as_str)?)?;
    let id = control.to_string();
    // The expired-exemption finding is recorded among the control's checks but is not a check
    // of the estate, as in a fresh scan's evidence.
    let checks_run: Vec<String> =
        strings(&p["checks"]).into_iter().filter(|c| c != annexa_checks::EXEMPTION_EXPIRED.id).collect();
    let failing = findings
        .iter()
        .filter(|f| !f.exempted && f.controls.contains(&id))
        .map(|f| FailingCheck {
            check: f.check.clone(),
            file: f.file.clone(),
            line: f.line,
            message: f.message.clone(),
        })
        .collect();
    Some(ControlEvidence { control, checks_run, failing, recorded_at: Some(record.entry.recorded_at) })
}

fn decode(row: &annexa_ledger::StoredRecord) -> Result<Record, EvidenceError> {
    Record::decode(&row.bytes).map_err(|e| EvidenceError::Input(format!("record {}: {e}", row.index.seq)))
}

/// The latest `n` runs `annexa scan --record` wrote, the latest first, each with its evidence
/// per control. Empty when nothing has been recorded, and when the default SQLite file does not
/// exist (it is not created by reading).
pub fn latest_runs(options: &EvidenceOptions, n: usize) -> Result<Vec<RecordedRun>, EvidenceError> {
    if n == 0 || (options.database_url.is_none() && !options.annexa_dir().join("annexa.db").is_file()) {
        return Ok(Vec::new());
    }
    let (runs, rest) = block_on(async {
        let store = open(options).await?;
        if store.meta().await?.is_none() {
            return Ok::<_, EvidenceError>((Vec::new(), Vec::new()));
        }
        let runs = store.records(&Query { kinds: vec![Kind::ScanRun], ..Query::default() }).await?;
        let runs: Vec<_> = runs.into_iter().rev().take(n).collect();
        let Some(first) = runs.last().map(|r| r.index.seq) else {
            return Ok((Vec::new(), Vec::new()));
        };
        // A run's records are appended in one transaction after its scan-run record, so
        // everything of the selected runs sits at or after the earliest one's.
        let rest = store
            .records(&Query {
                kinds: vec![Kind::ControlResult, Kind::Finding],
                after_seq: Some(first),
                ..Query::default()
            })
            .await?;
        Ok((runs, rest))
    })??;
    let mut out: Vec<RecordedRun> = runs
        .iter()
        .map(|row| {
            let r = decode(row)?;
            Ok(RecordedRun {
                run: text(&r.entry.payload, "run"),
                recorded_at: r.entry.recorded_at,
                paths: strings(&r.entry.payload["paths"]),
                controls: Vec::new(),
                findings: Vec::new(),
            })
        })
        .collect::<Result<_, EvidenceError>>()?;
    let by_id: HashMap<String, usize> = out.iter().enumerate().map(|(i, r)| (r.run.clone(), i)).collect();
    let mut results: Vec<Vec<Record>> = vec![Vec::new(); out.len()];
    for row in &rest {
        let r = decode(row)?;
        let Some(&i) = by_id.get(text(&r.entry.payload, "run").as_str()) else {
            continue;
        };
        match r.entry.kind {
            Kind::Finding => out[i].findings.push(finding(&r)),
            _ => results[i].push(r),
        }
    }
    for (run, results) in out.iter_mut().zip(results) {
        run.controls = results.iter().filter_map(|r| control(r, &run.findings)).collect();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests stop at the first surprise")]

    use super::*;
    use crate::evidence::{Trigger, record_scan};
    use crate::scan::{ScanOptions, ScanView, scan};
    use std::path::{Path, PathBuf};

    fn estate() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/estate")
    }

    fn scan_of(paths: &[String], config: Option<PathBuf>) -> ScanView {
        scan(&ScanOptions {
            paths: paths.to_vec(),
            max_file_size: 10 * 1024 * 1024,
            config,
            today: Some("2026-03-01".parse().unwrap()),
            ..ScanOptions::default()
        })
        .unwrap()
    }

    /// What a fresh scan gives, stamped with the time its run was recorded at.
    fn expected(view: &ScanView, at: Timestamp) -> Vec<ControlEvidence> {
        let mut evidence = crate::isms::evidence_from_scan(view);
        for e in &mut evidence {
            e.recorded_at = Some(at);
        }
        evidence
    }

    #[test]
    fn recorded_runs_read_back_as_the_scans_evidence_latest_first() {
        let dir = std::env::temp_dir().join(format!("annexa-runs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let options = EvidenceOptions {
            dir: dir.clone(),
            signing_key: Some(dir.join("ledger.key").display().to_string()),
            ..EvidenceOptions::default()
        };

        // Reading an ISMS repository with no ledger finds nothing and creates nothing.
        assert!(latest_runs(&options, 2).unwrap().is_empty());
        assert!(!options.annexa_dir().exists(), "reading created the store");

        let first_paths = vec![estate().join("k8s/payments.yaml").display().to_string()];
        let first = scan_of(&first_paths, None);
        let t1: Timestamp = "2026-02-27T09:00:00Z".parse().unwrap();
        record_scan(&first, &first_paths, &options, Trigger::Manual, t1).unwrap();

        // The second run exempts the privileged payments container: exempted findings are
        // recorded, but are not failing evidence.
        let config = dir.join("annexa.toml");
        std::fs::write(
            &config,
            "[[exemptions]]\ncheck = \"privileged-container\"\nresource = \"Deployment payments/*\"\nowner = \"payments-team\"\nreason = \"test\"\nexpires = 2099-01-01\n",
        )
        .unwrap();
        let second_paths = vec![estate().display().to_string()];
        let second = scan_of(&second_paths, Some(config));
        assert!(second.findings.iter().any(|f| f.check == "K8S-0001" && f.exempted.is_some()));
        let t2: Timestamp = "2026-02-28T09:00:00Z".parse().unwrap();
        let recorded = record_scan(&second, &second_paths, &options, Trigger::Manual, t2).unwrap();

        let runs = latest_runs(&options, 5).unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(
            (runs[0].run.as_str(), runs[0].recorded_at, &runs[0].paths),
            (recorded.run.as_str(), t2, &second_paths)
        );
        assert_eq!((runs[1].recorded_at, &runs[1].paths), (t1, &first_paths));
        assert_eq!(runs[0].controls, expected(&second, t2));
        assert_eq!(runs[1].controls, expected(&first, t1));
        assert_eq!(runs[0].findings.len(), second.findings.len());
        let exempted = runs[0].findings.iter().find(|f| f.check == "K8S-0001").unwrap();
        assert!(exempted.exempted);
        let a818 = runs[0].controls.iter().find(|c| c.control == AnnexA::A8_18).unwrap();
        assert!(a818.failing.iter().all(|f| f.check != "K8S-0001"), "{a818:?}");
        let a818 = runs[1].controls.iter().find(|c| c.control == AnnexA::A8_18).unwrap();
        assert!(a818.failing.iter().any(|f| f.check == "K8S-0001" && f.file.ends_with("payments.yaml")));
        let resource = runs[1].findings.iter().find_map(|f| f.resource.clone()).unwrap();
        assert!(!resource.kind.is_empty() && !resource.name.is_empty());

        // Only the latest when one is asked for.
        let latest = latest_runs(&options, 1).unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0], runs[0]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
