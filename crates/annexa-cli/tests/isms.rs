//! The ISMS commands as a user runs them: `init`, `lint`, `risks`, `soa`, `gap`, `plan`, `nc` and
//! `calendar` over a repository created by `annexa init` and the bundled example estate, judging
//! by the runs `annexa scan --record` wrote to the repository's evidence ledger (or, with none,
//! by a fresh scan of the scope).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The day every test judges due dates against, so output does not depend on the clock.
const TODAY: &str = "2026-03-01";

struct Run {
    stdout: Vec<u8>,
    stderr: String,
    code: Option<i32>,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn estate() -> String {
    root().join("examples/estate").display().to_string()
}

fn annexa(dir: &Path, args: &[&str]) -> Run {
    // The ledger is the one in the ISMS repository, whatever the environment points at; a
    // recording run's new signing key goes to a folder of the tests, not the user's.
    let out = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", Path::new(env!("CARGO_TARGET_TMPDIR")).join("isms-config"))
        .env_remove("ANNEXA_DATABASE_URL")
        .env_remove("ANNEXA_SIGNING_KEY")
        .env_remove("CI")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    Run { stdout: out.stdout, stderr: String::from_utf8_lossy(&out.stderr).into_owned(), code: out.status.code() }
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let run = annexa(dir, args);
    assert_eq!(run.code, Some(0), "annexa {args:?}: {}", run.stderr);
    assert!(run.stderr.is_empty(), "annexa {args:?} wrote to stderr: {}", run.stderr);
    run.text()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap_or_else(|e| panic!("annexa {args:?} printed invalid JSON: {e}"))
}

/// A fresh directory under the target directory, removed first if an earlier run left it.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("isms-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `annexa init` with the example estate in scope; returns the repository.
fn init(name: &str) -> PathBuf {
    let dir = scratch(name);
    let estate = estate();
    let out = ok(&dir, &["init", "isms", "--organisation", "Acme Shop Ltd", "--scope", &estate]);
    assert!(out.contains("annexa.toml") && out.contains("decisions/soa.yaml"), "{out}");
    dir.join("isms")
}

fn soa_row<'a>(soa: &'a Value, control: &str) -> &'a Value {
    soa.as_array().unwrap().iter().find(|r| r["control"] == control).unwrap_or_else(|| panic!("{control} missing"))
}

/// `annexa scan PATH --record --format json` in `dir`: the scan's JSON and the run's id.
fn record(dir: &Path, path: &str) -> (Value, String) {
    let run = annexa(dir, &["scan", path, "--record", "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let id = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("recorded run ").and_then(|l| l.split(':').next()))
        .unwrap_or_else(|| panic!("no run id in {}", run.stderr))
        .to_owned();
    assert!(dir.join(".annexa/annexa.db").is_file(), "the ledger is in the ISMS repository");
    (serde_json::from_str(&run.text()).unwrap(), id)
}

/// Asserts that a view's evidence is the recorded run `id` and returns when it was recorded.
fn from_ledger(view: &Value, id: &str) -> String {
    let source = view["evidence_source"].as_str().unwrap_or_else(|| panic!("no evidence_source in {view}"));
    let at = source
        .strip_prefix(&format!("ledger run {id} at "))
        .unwrap_or_else(|| panic!("evidence is not ledger run {id}: {source}"));
    at.split(',').next().unwrap().to_owned()
}

#[test]
fn init_writes_a_repository_that_lints_clean_and_refuses_to_overwrite() {
    let repo = init("init");
    for f in [
        "annexa.toml",
        "policies/access-control.md",
        "policies/cryptography.md",
        "policies/vulnerability-management.md",
        "policies/logging-monitoring.md",
        "policies/secure-development.md",
        "policies/supplier-relationships.md",
        "policies/incident-response.md",
        "registers/risks.yaml",
        "registers/suppliers.yaml",
        "registers/nonconformities.yaml",
        "decisions/soa.yaml",
    ] {
        assert!(repo.join(f).is_file(), "{f} not written");
    }
    assert_eq!(ok(&repo, &["lint"]), "0 errors, 0 warnings\n");
    // The scan still accepts the new annexa.toml (its ISMS sections included).
    let run = annexa(&repo, &["scan", &estate(), "--format", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);

    let again = annexa(repo.parent().unwrap(), &["init", "isms"]);
    assert_eq!(again.code, Some(2));
    assert!(
        again.stderr.contains("annexa.toml` already exists") && again.stderr.contains("--force"),
        "{}",
        again.stderr
    );
}

#[test]
fn end_to_end_a_failing_check_shows_in_the_soa_the_gap_and_a_suggested_risk() {
    let repo = init("e2e");
    let estate = estate();

    // Before anything is recorded the commands scan the scope, and say so; reading creates no
    // ledger.
    let fresh = json(&repo, &["soa", "--format", "json", "--today", TODAY]);
    assert!(fresh.as_array().unwrap().iter().all(|r| r["evidence_source"] == format!("fresh scan of {estate}")));
    assert!(soa_row(&fresh, "A.8.2")["recorded_at"].is_null());
    assert!(!repo.join(".annexa").exists(), "reading created a ledger");

    // The scan of the estate, recorded in the ISMS repository's ledger: every command below
    // judges by this run.
    let (scan, run) = record(&repo, &estate);

    // Accept the suggested risks into the register, as a person would after review.
    let suggested = json(&repo, &["risks", "suggest", &estate, "--format", "json", "--today", TODAY]);
    let recorded_at = from_ledger(&suggested, &run);
    let suggested = &suggested["suggestions"];
    let privileged = suggested
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "privileged-workload:service:payments/payments")
        .expect("a suggestion for the privileged payments workload");
    assert!(privileged["planned_controls"].as_array().unwrap().iter().any(|c| c == "A.8.2"));
    assert!(
        privileged["evidence"].as_array().unwrap().iter().any(|e| e["file"]
            .as_str()
            .unwrap()
            .ends_with("k8s/payments.yaml")
            && e["line"] == 41),
        "{privileged}"
    );
    assert!(
        suggested
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["key"] == "sensitive-data-without-strict-mtls:service:payments/payments")
    );
    let rows = ok(&repo, &["risks", "suggest", &estate, "--format", "yaml"]);
    let rows = rows
        .replace("owner: \"\"", "owner: \"payments-team\"\n    treatment_due: 2026-02-15\n    review_due: 2027-01-31");
    std::fs::write(repo.join("registers/risks.yaml"), format!("risks:\n{rows}")).unwrap();
    assert_eq!(ok(&repo, &["lint"]), "0 errors, 0 warnings\n");
    let again = json(&repo, &["risks", "suggest", &estate, "--format", "json"]);
    from_ledger(&again, &run);
    let again = &again["suggestions"];
    assert!(again.as_array().unwrap().iter().all(|s| s["registered"].is_string()), "accepted suggestions are marked");
    let risk_id = again
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "privileged-workload:service:payments/payments")
        .map(|s| s["registered"].as_str().unwrap().to_owned())
        .unwrap();

    // The SoA: 93 rows, statuses consistent with the recorded scan.
    let soa = json(&repo, &["soa", "--format", "json", "--today", TODAY]);
    // The contract: an array of 93 objects with at least control, applicable, status.
    assert_eq!(soa.as_array().unwrap().len(), 93);
    for row in soa.as_array().unwrap() {
        assert_eq!(from_ledger(row, &run), recorded_at);
        for field in ["control", "applicable", "status"] {
            assert!(!row[field].is_null(), "{field} missing in {row}");
        }
    }
    for c in scan["summary"]["controls"].as_array().unwrap() {
        let row = soa_row(&soa, c["control"].as_str().unwrap());
        if c["findings"] == 0 {
            assert_eq!(row["status"], "implemented", "{c} vs {row}");
        } else {
            assert!(["partial", "planned", "not-started"].contains(&row["status"].as_str().unwrap()), "{c} vs {row}");
            let failing: Vec<&str> =
                row["failing"].as_array().unwrap().iter().map(|f| f["check"].as_str().unwrap()).collect();
            for check in c["failing_checks"].as_array().unwrap() {
                assert!(failing.contains(&check.as_str().unwrap()), "{check} missing from the SoA's {}", c["control"]);
            }
        }
    }
    let a82 = soa_row(&soa, "A.8.2");
    assert_eq!(a82["status"], "partial");
    assert_eq!(a82["recorded_at"], recorded_at.as_str(), "the status is the recorded run's");
    assert!(a82["risks"].as_array().unwrap().iter().any(|r| r == risk_id.as_str()));
    assert!(a82["reasons"].as_array().unwrap().iter().any(|r| r == "risk"));
    assert!(a82["policies"].as_array().unwrap().iter().any(|p| p == "POL-AC"));
    // A control no check covers and nobody vouched for.
    assert_eq!(soa_row(&soa, "A.5.3")["status"], "not-started");

    // The gap names the failing check with its file and line.
    let gap = json(&repo, &["gap", "--format", "json", "--today", TODAY]);
    from_ledger(&gap, &run);
    let g82 = gap["controls"].as_array().unwrap().iter().find(|g| g["control"] == "A.8.2").expect("A.8.2 in the gap");
    assert!(
        g82["reasons"].as_array().unwrap().iter().any(|r| r["kind"] == "failing-check"
            && r["detail"].as_str().unwrap().starts_with("K8S-0001")
            && r["location"].as_str().unwrap().ends_with("k8s/payments.yaml:41")),
        "{g82}"
    );
    let clauses: Vec<&str> =
        gap["documents"].as_array().unwrap().iter().map(|d| d["clause"].as_str().unwrap()).collect();
    assert_eq!(clauses, ["9.2", "9.3"], "the starter has scope, policies, risk method, SoA and NC register");
    assert!(
        gap["controls"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| soa_row(&soa, g["control"].as_str().unwrap())["applicable"] == true)
    );

    // The plan: each planned control with the SoA's status, overdue after its deadline.
    let plan = json(&repo, &["plan", "--format", "json", "--today", TODAY]);
    from_ledger(&plan, &run);
    let plan = &plan["rows"];
    let p82 = plan
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["risk"] == risk_id.as_str() && p["control"] == "A.8.2")
        .expect("A.8.2 planned for the privileged risk");
    assert_eq!(
        (&p82["status"], &p82["owner"], &p82["deadline"], &p82["overdue"]),
        (&a82["status"], &Value::from("payments-team"), &Value::from("2026-02-15"), &Value::Bool(true))
    );
    for p in plan.as_array().unwrap() {
        assert_eq!(p["status"], soa_row(&soa, p["control"].as_str().unwrap())["status"]);
    }

    // The calendar carries the treatment deadline, overdue, and the risk review.
    let calendar = json(&repo, &["calendar", "--format", "json", "--today", TODAY]);
    let events = calendar.as_array().unwrap();
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "treatment-deadline" && e["subject"] == risk_id.as_str() && e["overdue"] == true)
    );
    assert!(events.iter().any(|e| e["kind"] == "risk-review" && e["date"] == "2027-01-31" && e["overdue"] == false));
    assert!(events.iter().any(|e| e["kind"] == "policy-review"));

    // The tables say where their evidence came from on their first line.
    for command in ["soa", "gap", "plan"] {
        let text = ok(&repo, &[command, "--today", TODAY]);
        assert!(text.starts_with(&format!("evidence: ledger run {run} at {recorded_at}")), "{command}: {text}");
    }

    // The heat map counts every risk once per panel.
    let svg = ok(&repo, &["risks", "--format", "svg"]);
    let n = again.as_array().unwrap().len();
    let counted: usize = svg
        .lines()
        .filter_map(|l| l.split(", ").last().and_then(|t| t.strip_suffix(" risks</title></rect>")))
        .map(|c| c.parse::<usize>().unwrap())
        .sum();
    assert_eq!(counted, 2 * n, "inherent and residual panels each count every risk");
}

#[test]
fn the_soa_table_reads_as_expected() {
    let repo = init("table");
    std::fs::write(
        repo.join("decisions/soa.yaml"),
        "decisions:\n  - control: A.7.4\n    applicable: false\n    justification: no premises in scope\n    decided_by: CISO\n    decided_on: 2026-01-15\n  - control: A.6.3\n    applicable: true\n    reasons: [contractual]\n    status: implemented\n    evidence: [training records 2026]\n    owner: Head of People\n    decided_by: CISO\n    decided_on: 2026-01-15\n",
    )
    .unwrap();
    let text = ok(&repo, &["soa", "--today", TODAY]);
    // The heading names the scope, an absolute path that differs between machines.
    let text = text.replace(&estate(), "ESTATE");
    insta::assert_snapshot!("soa_table", text);
    let md = ok(&repo, &["soa", "--format", "markdown", "--today", TODAY]);
    assert!(
        md.contains(
            "| A.7.4 | Physical security monitoring | physical | no |  | no premises in scope | not applicable |"
        ),
        "{md}"
    );
    let csv = ok(&repo, &["soa", "--format", "csv", "--today", TODAY]);
    assert_eq!(csv.lines().count(), 94);
}

#[test]
fn the_soa_xlsx_reads_back_with_the_auditors_columns() {
    use calamine::{Reader as _, Xlsx};
    let repo = init("xlsx");
    let run = annexa(&repo, &["soa", "--format", "xlsx", "--today", TODAY]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(run.stdout)).unwrap();
    assert_eq!(book.sheet_names(), ["Statement of Applicability"]);
    let range = book.worksheet_range("Statement of Applicability").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 94);
    assert_eq!(
        rows[0],
        [
            "Control",
            "Title",
            "Theme",
            "Applicable",
            "Reasons for inclusion",
            "Justification for exclusion",
            "Implementation status",
            "Status basis",
            "Linked risks",
            "Linked policies",
            "Evidence",
            "Owner",
            "Last reviewed"
        ]
    );
    // The same rows as the JSON form, in the same order.
    let soa = json(&repo, &["soa", "--format", "json", "--today", TODAY]);
    for (row, j) in rows[1..].iter().zip(soa.as_array().unwrap()) {
        assert_eq!(row[0], j["control"].as_str().unwrap());
        assert_eq!(row[3], if j["applicable"] == true { "yes" } else { "no" });
        assert_eq!(row[6].replace(' ', "-"), j["status"].as_str().unwrap());
    }
    assert_eq!(rows[1][..2], ["A.5.1", "Policies for information security"]);

    // `--output` writes the same workbook to a file.
    ok(&repo, &["soa", "--format", "xlsx", "--output", "soa.xlsx", "--today", TODAY]);
    let mut book: Xlsx<_> = calamine::open_workbook(repo.join("soa.xlsx")).unwrap();
    assert_eq!(book.worksheet_range("Statement of Applicability").unwrap().height(), 94);
}

#[test]
fn the_calendar_ics_parses_with_an_independent_parser() {
    use icalendar::Component as _;
    let repo = init("ics");
    let config = std::fs::read_to_string(repo.join("annexa.toml")).unwrap();
    let config = config
        .replace("# stage1_planned = 2026-09-01", "stage1_planned = 2026-09-01")
        .replace("# last_internal_audit = 2026-03-31", "last_internal_audit = 2025-06-30");
    std::fs::write(repo.join("annexa.toml"), config).unwrap();
    let ics = ok(&repo, &["calendar", "--format", "ics", "--today", TODAY]);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
    assert!(ics.split("\r\n").all(|l| l.len() <= 75), "a line is longer than 75 octets");
    assert!(!ics.replace("\r\n", "").contains('\n'), "a bare LF");
    assert!(ics.contains("DTSTAMP:20260301T000000Z\r\n"));
    let calendar: icalendar::Calendar = ics.parse().unwrap();
    let events: Vec<&icalendar::Event> = calendar.components.iter().filter_map(|c| c.as_event()).collect();
    let listed = json(&repo, &["calendar", "--format", "json", "--today", TODAY]);
    assert_eq!(events.len(), listed.as_array().unwrap().len());
    let summaries: Vec<&str> = events.iter().filter_map(|e| e.get_summary()).collect();
    assert!(summaries.contains(&"Stage 1 audit (documentation review)"));
    assert!(summaries.contains(&"OVERDUE: Internal audit"), "{summaries:?}");
    let mut uids: Vec<&str> = events.iter().filter_map(|e| e.get_uid()).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
    // The same inputs give the same calendar, so imports update instead of duplicating.
    assert_eq!(ok(&repo, &["calendar", "--format", "ics", "--today", TODAY]), ics);
}

#[test]
fn lint_flags_wrong_control_references_with_file_line_and_help() {
    let repo = init("lint");
    let policy = std::fs::read_to_string(repo.join("policies/access-control.md")).unwrap();
    let policy = policy.replace("controls: [A.5.15, A.5.16,", "controls: [A.5.15, A.9.2.6, A.5.16,").replace(
        "## Reviews",
        "## Reviews\n\nWe implement all 48 Annex A controls; A.8.13 removal of access rights is automated.",
    );
    std::fs::write(repo.join("policies/access-control.md"), policy).unwrap();
    std::fs::write(
        repo.join("registers/risks.yaml"),
        "risks:\n  - id: R-001\n    likelihood: 3\n    impact: 6\n    treatment: mitigate\n    planned_controls: [A.8.35]\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("decisions/soa.yaml"),
        "decisions:\n  - control: A.7.4\n    applicable: false\n    decided_by: CISO\n    decided_on: 2026-01-15\n",
    )
    .unwrap();
    let run = annexa(&repo, &["lint"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    insta::assert_snapshot!("lint_errors", run.text());

    // Every command that reads the files stops on the same errors.
    let run = annexa(&repo, &["soa"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("error: the ISMS files have 6 errors"), "{}", run.stderr);
    assert!(
        run.stderr.contains("decisions/soa.yaml:3")
            && run.stderr.contains("`A.7.4` is excluded without a justification"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.trim_end().ends_with("help: fix the files above; `annexa lint` lists every problem"),
        "{}",
        run.stderr
    );
}

#[test]
fn nonconformities_are_proposed_for_controls_that_regressed() {
    let repo = init("nc");
    // A previous run that passed the payments workload's privilege checks: the estate without
    // its privileged Deployment.
    let previous_estate = scratch("nc-previous");
    let estate = estate();
    let k8s = Path::new(&estate).join("k8s");
    for f in std::fs::read_dir(&k8s).unwrap() {
        let f = f.unwrap().path();
        if f.file_name().unwrap() != "payments.yaml" {
            std::fs::copy(&f, previous_estate.join(f.file_name().unwrap())).unwrap();
        }
    }
    let previous = ok(&repo, &["scan", previous_estate.to_str().unwrap(), "--format", "json"]);
    std::fs::write(repo.join("previous.json"), previous).unwrap();

    let view = json(&repo, &["nc", "--previous", "previous.json", "--format", "json", "--today", TODAY]);
    assert_eq!(view["compared_with"], "saved scan `previous.json`");
    assert_eq!(view["evidence_source"], format!("fresh scan of {estate}"), "no ledger: the scope is scanned");
    let proposals = view["proposals"].as_array().unwrap();
    let p = proposals.iter().find(|p| p["reference"] == "A.8.18").expect("A.8.18 regressed");
    assert_eq!(p["source"], "check-regression");
    assert!(p["description"].as_str().unwrap().contains("payments.yaml:"), "{p}");
    // Controls that failed before too are not regressions.
    let before: Value = serde_json::from_str(&std::fs::read_to_string(repo.join("previous.json")).unwrap()).unwrap();
    for p in proposals {
        let c =
            before["summary"]["controls"].as_array().unwrap().iter().find(|c| c["control"] == p["reference"]).unwrap();
        assert_eq!(c["findings"], 0, "{p}");
    }

    // Once in the register as open, it is not proposed again.
    std::fs::write(
        repo.join("registers/nonconformities.yaml"),
        "nonconformities:\n  - id: NC-001\n    source: check-regression\n    reference: A.8.18\n    description: privileged payments pod\n    owner: payments-team\n    due: 2026-02-01\n    status: open\n",
    )
    .unwrap();
    let view = json(&repo, &["nc", "--previous", "previous.json", "--format", "json", "--today", TODAY]);
    assert!(view["proposals"].as_array().unwrap().iter().all(|p| p["reference"] != "A.8.18"));
    assert_eq!(view["register"][0]["overdue"], true);
}

#[test]
fn nonconformities_are_proposed_when_the_latest_recorded_run_regresses() {
    let repo = init("nc-ledger");
    // A small estate whose container sets every request and limit: A.8.6 (capacity) passes.
    let estate = scratch("nc-ledger-estate");
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: registry.example.com/shop/web:1.4.2\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {cpu: 500m, memory: 256Mi}\n";
    std::fs::write(estate.join("deploy.yaml"), manifest).unwrap();
    let path = estate.to_str().unwrap();

    // Nothing recorded: no comparison, and the table says how to get one.
    let view = json(&repo, &["nc", "--format", "json", "--today", TODAY]);
    assert!(view["evidence_source"].is_null() && view["compared_with"].is_null(), "{view}");
    assert!(ok(&repo, &["nc", "--today", TODAY]).contains("annexa scan PATH --record"));

    let (first, first_run) = record(&repo, path);
    let a86 = |scan: &Value| {
        scan["summary"]["controls"].as_array().unwrap().iter().find(|c| c["control"] == "A.8.6").unwrap()["findings"]
            .clone()
    };
    assert_eq!(a86(&first), 0, "A.8.6 passes in the first run");
    // One run: nothing to compare it with yet.
    let view = json(&repo, &["nc", "--format", "json", "--today", TODAY]);
    from_ledger(&view, &first_run);
    assert!(view["compared_with"].is_null() && view["proposals"].as_array().unwrap().is_empty(), "{view}");

    // The memory limit goes: memory-limit-missing (K8S-0031) fails A.8.6 in the second run.
    std::fs::write(
        estate.join("deploy.yaml"),
        manifest.replace("limits: {cpu: 500m, memory: 256Mi}", "limits: {cpu: 500m}"),
    )
    .unwrap();
    let (second, second_run) = record(&repo, path);
    assert_ne!(a86(&second), 0);
    std::fs::write(repo.join("first.json"), serde_json::to_string(&first).unwrap()).unwrap();

    let view = json(&repo, &["nc", "--format", "json", "--today", TODAY]);
    from_ledger(&view, &second_run);
    let before = view["compared_with"].as_str().unwrap();
    assert!(before.starts_with(&format!("ledger run {first_run} at ")), "{before}");
    let proposals = view["proposals"].as_array().unwrap();
    let references: Vec<&str> = proposals.iter().map(|p| p["reference"].as_str().unwrap()).collect();
    assert_eq!(references, ["A.8.6"], "only the control that passed before and fails now: {view}");
    let p = &proposals[0];
    assert_eq!(p["source"], "check-regression");
    assert_eq!(p["checks"], serde_json::json!(["K8S-0031"]));
    assert!(
        p["description"].as_str().unwrap().contains("K8S-0031 at ")
            && p["description"].as_str().unwrap().contains("deploy.yaml:"),
        "{p}"
    );
    let text = ok(&repo, &["nc", "--today", TODAY]);
    assert!(text.starts_with(&format!("evidence: ledger run {second_run} at ")), "{text}");
    assert!(text.contains(&format!("\ncompared with: ledger run {first_run} at ")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("proposed") && l.contains("A.8.6")), "{text}");

    // A saved run given with --previous overrides the recorded one before the latest.
    let view = json(&repo, &["nc", "--previous", "first.json", "--format", "json", "--today", TODAY]);
    from_ledger(&view, &second_run);
    assert_eq!(view["compared_with"], "saved scan `first.json`");
    assert!(view["proposals"].as_array().unwrap().iter().any(|p| p["reference"] == "A.8.6"), "{view}");

    // Once the register holds it open, it is not proposed again.
    std::fs::write(
        repo.join("registers/nonconformities.yaml"),
        "nonconformities:\n  - id: NC-001\n    source: check-regression\n    reference: A.8.6\n    description: web lost its memory limit\n    owner: platform-team\n    due: 2026-04-01\n    status: open\n",
    )
    .unwrap();
    let view = json(&repo, &["nc", "--format", "json", "--today", TODAY]);
    assert!(view["proposals"].as_array().unwrap().is_empty(), "{view}");
    assert_eq!(view["register"][0]["overdue"], false);
}
