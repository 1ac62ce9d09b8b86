//! `annexa scan --record` and `annexa evidence …` as a user runs them, on a SQLite file and on
//! PostgreSQL: recording creates the ledger and keys, verify passes and then catches tampering
//! at its record (and a whole-ledger rollback through the witness file), proofs check and fail
//! when altered, an exported bundle verifies with annexa and with its own Python script.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

/// An ISMS repository in a temporary directory with its own key folder.
struct Isms {
    dir: tempfile::TempDir,
    url: Option<String>,
}

fn estate() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/estate").display().to_string()
}

impl Isms {
    fn new(url: Option<String>) -> Isms {
        Isms { dir: tempfile::tempdir().unwrap(), url }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_annexa"));
        cmd.args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("XDG_CONFIG_HOME", self.path().join("config"))
            .env_remove("ANNEXA_SIGNING_KEY")
            .env_remove("CI");
        match &self.url {
            Some(url) => cmd.env("ANNEXA_DATABASE_URL", url),
            None => cmd.env_remove("ANNEXA_DATABASE_URL"),
        };
        let o = cmd.output().unwrap();
        Run {
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            code: o.status.code(),
        }
    }

    fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(r.code, Some(0), "annexa {args:?}:\n{}\n{}", r.stdout, r.stderr);
        r.stdout
    }

    fn record(&self) -> String {
        let r = self.run(&["scan", &estate(), "--record", "--format", "json"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r.stderr
    }
}

/// Runs SQL on the store behind the CLI's back, as someone with database access would.
fn tamper(isms: &Isms, sqlite: &str, postgres: &str) {
    match &isms.url {
        None => {
            let sql = sqlite;
            let db = isms.path().join(".annexa/annexa.db");
            let script = format!(
                "import sqlite3\nc = sqlite3.connect({:?})\nc.executescript({sql:?})\nc.commit()\n",
                db.display().to_string()
            );
            let o = Command::new("python3").arg("-c").arg(script).output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        Some(url) => {
            let sql = postgres;
            let o = Command::new("psql").arg(url).arg("-v").arg("ON_ERROR_STOP=1").arg("-c").arg(sql).output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    }
}

fn lifecycle(isms: &Isms) {
    let first = isms.record();
    assert!(first.contains("created the evidence ledger"), "{first}");
    assert!(isms.path().join(".annexa/ledger.pub").is_file());
    assert!(isms.path().join(".annexa/checkpoint").is_file());
    let keys: Vec<PathBuf> =
        std::fs::read_dir(isms.path().join("config/annexa/keys")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(keys.len(), 1, "one private key, outside the repository");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&keys[0]).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let second = isms.record();
    assert!(!second.contains("created"), "{second}");

    let verified: serde_json::Value =
        serde_json::from_str(&isms.ok(&["evidence", "verify", "--format", "json"])).unwrap();
    assert_eq!(verified["ok"], true);
    let size = verified["records"].as_u64().unwrap();
    assert_eq!(verified["checkpoints"], 2, "one checkpoint per run");
    assert!(size > 200, "two runs of the example estate: a run record, control results and findings each");
    assert!(isms.ok(&["evidence", "verify"]).contains(&format!("{size} records and 2 signed checkpoints verified")));

    // The log: every run, and the control results of one control.
    let log: serde_json::Value =
        serde_json::from_str(&isms.ok(&["evidence", "log", "--kind", "scan-run", "--format", "json"])).unwrap();
    let runs = log["records"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["record"]["payload"]["trigger"], "manual");
    assert!(
        runs[0]["record"]["payload"]["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["sha256"].as_str().unwrap().len() == 64)
    );
    let results: serde_json::Value = serde_json::from_str(&isms.ok(&[
        "evidence",
        "log",
        "--control",
        "8.9",
        "--kind",
        "control-result",
        "--format",
        "json",
    ]))
    .unwrap();
    let results = results["records"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r["record"]["payload"]["control"] == "A.8.9" && r["record"]["payload"]["result"] == "fail")
    );

    // Coverage of today: evidence on the one day, A.8.9 failing (the example estate has weaknesses).
    let today = jiff::Zoned::now().date().to_string();
    let cov: serde_json::Value = serde_json::from_str(&isms.ok(&[
        "evidence",
        "coverage",
        "--from",
        &today,
        "--to",
        &today,
        "--control",
        "A.8.9",
        "--format",
        "json",
    ]))
    .unwrap();
    let c = &cov["controls"][0];
    assert_eq!(
        (c["control"].as_str(), c["runs"].as_u64(), c["days_with_evidence"].as_u64()),
        (Some("A.8.9"), Some(2), Some(1))
    );
    assert_eq!(c["pass_rate"], 0.0);
    assert_eq!(c["operated"], true, "failures younger than the tolerance: {c}");

    // An inclusion proof checks, and fails once altered.
    let proof = isms.ok(&["evidence", "prove", "5"]);
    let file = isms.path().join("proof.json");
    std::fs::write(&file, &proof).unwrap();
    assert!(isms.ok(&["evidence", "check-proof", "proof.json"]).contains("proof holds: record 5 is in the tree"));
    let mut altered: serde_json::Value = serde_json::from_str(&proof).unwrap();
    altered["path"][0] = serde_json::Value::String("00".repeat(32));
    std::fs::write(&file, altered.to_string()).unwrap();
    let r = isms.run(&["evidence", "check-proof", "proof.json"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    assert!(r.stdout.contains("does NOT hold"));
    let consistency = isms.ok(&["evidence", "prove", "--from", "0", "--to", "1"]);
    std::fs::write(&file, consistency).unwrap();
    assert!(isms.ok(&["evidence", "check-proof", "proof.json"]).contains("the tree extends the one of size"));

    // A bundle of today's evidence verifies with annexa and with its own script.
    isms.ok(&["evidence", "export", "--from", &today, "--to", &today, "--out", "bundle"]);
    assert!(isms.ok(&["evidence", "verify", "--bundle", "bundle"]).contains(&format!("{size} records verified")));
    let py = Command::new("python3")
        .args(["bundle/verify.py", "bundle", "--public-key", ".annexa/ledger.pub"])
        .current_dir(isms.path())
        .output()
        .unwrap();
    assert!(py.status.success(), "verify.py: {}", String::from_utf8_lossy(&py.stderr));
    let records = isms.path().join("bundle/records.jsonl");
    let text = std::fs::read_to_string(&records).unwrap();
    std::fs::write(&records, text.replacen("\"fail\"", "\"pass\"", 1)).unwrap();
    let r = isms.run(&["evidence", "verify", "--bundle", "bundle"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("NOT VERIFIED") && r.stdout.contains("record "), "{}", r.stdout);
    let py = Command::new("python3").args(["bundle/verify.py", "bundle"]).current_dir(isms.path()).output().unwrap();
    assert_eq!(py.status.code(), Some(1), "verify.py must reject the altered record");

    // Someone edits a finding in the database: verify names the record and exits 1.
    tamper(
        isms,
        r#"UPDATE records SET body = CAST(REPLACE(CAST(body AS TEXT), '"v":1', '"v":2') AS BLOB) WHERE seq = 150"#,
        r#"UPDATE records SET body = convert_to(REPLACE(convert_from(body, 'UTF8'), '"v":1', '"v":2'), 'UTF8') WHERE seq = 150"#,
    );
    let r = isms.run(&["evidence", "verify"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    assert!(r.stdout.contains("record 150:"), "{}", r.stdout);
}

#[test]
fn evidence_on_sqlite() {
    let isms = Isms::new(None);
    lifecycle(&isms);
}

/// Asking about evidence before any run is recorded says so and leaves no ledger behind.
#[test]
fn reading_before_recording_creates_nothing() {
    let isms = Isms::new(None);
    for args in [&["evidence", "log"][..], &["evidence", "coverage", "--from", "2026-01-01", "--to", "2026-01-31"]] {
        let r = isms.run(args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains("no evidence has been recorded"), "{}", r.stderr);
        assert!(r.stderr.contains("annexa scan PATH --record"), "the help says how: {}", r.stderr);
    }
    let r = isms.run(&["evidence", "verify"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("no public key at"), "{}", r.stderr);
    assert!(!isms.path().join(".annexa").exists(), "reading created a ledger");
}

/// The database restored from an earlier copy is internally consistent and verifies on its own
/// terms; the witness checkpoint committed in the repository catches the rollback.
#[test]
fn a_rolled_back_ledger_is_caught_by_the_witness() {
    let isms = Isms::new(None);
    isms.record();
    let backup = |from: &str, to: &str| {
        let script = format!(
            "import sqlite3\nsrc = sqlite3.connect({from:?})\ndst = sqlite3.connect({to:?})\nsrc.backup(dst)\n"
        );
        let o = Command::new("python3").arg("-c").arg(script).current_dir(isms.path()).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    backup(".annexa/annexa.db", "after-first-run.db");
    isms.record();
    assert_eq!(isms.run(&["evidence", "verify"]).code, Some(0));
    backup("after-first-run.db", ".annexa/annexa.db");
    let r = isms.run(&["evidence", "verify"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    assert!(r.stdout.contains("NOT VERIFIED") && r.stdout.contains("were removed"), "{}", r.stdout);
}

#[test]
fn evidence_on_postgres() {
    let base = std::env::var("ANNEXA_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema =
        format!("annexa_cli_{}_{}", std::process::id(), jiff::Timestamp::now().as_nanosecond() % 1_000_000_000);
    let o = Command::new("psql").arg(&base).arg("-c").arg(format!("CREATE SCHEMA {schema}")).output().unwrap();
    assert!(o.status.success(), "PostgreSQL at {base} is needed: {}", String::from_utf8_lossy(&o.stderr));
    let sep = if base.contains('?') { '&' } else { '?' };
    let isms = Isms::new(Some(format!("{base}{sep}options=-c%20search_path%3D{schema}")));
    lifecycle(&isms);
}
