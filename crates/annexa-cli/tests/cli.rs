//! The `annexa` binary as a user runs it: output snapshots, exit codes and errors.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

fn annexa(args: &[&str]) -> Run {
    annexa_with_input(args, None)
}

/// Runs from the repository root, so paths in output read `examples/estate/...`.
fn annexa_with_input(args: &[&str], stdin: Option<&str>) -> Run {
    use std::io::Write as _;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let child = Command::new(env!("CARGO_BIN_EXE_annexa"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let out = child.and_then(|mut c| {
        if let (Some(text), Some(mut input)) = (stdin, c.stdin.take()) {
            input.write_all(text.as_bytes())?;
        }
        drop(c.stdin.take());
        c.wait_with_output()
    });
    match out {
        Ok(o) => Run {
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            code: o.status.code(),
        },
        Err(e) => Run { stdout: String::new(), stderr: e.to_string(), code: None },
    }
}

fn ok(args: &[&str]) -> String {
    let run = annexa(args);
    assert_eq!(run.code, Some(0), "annexa {args:?}: {}", run.stderr);
    assert!(run.stderr.is_empty(), "annexa {args:?} wrote to stderr: {}", run.stderr);
    run.stdout
}

fn json(args: &[&str]) -> serde_json::Value {
    let text = ok(args);
    let value = serde_json::from_str(&text);
    assert!(value.is_ok(), "annexa {args:?} printed invalid JSON: {value:?}");
    value.unwrap_or_default()
}

#[test]
fn controls_json_prints_exactly_93_controls() {
    let value = json(&["controls", "--framework", "iso27001:2022", "--format", "json"]);
    let controls = value.as_array().cloned().unwrap_or_default();
    assert_eq!(controls.len(), 93);
    for c in &controls {
        for field in ["id", "title", "theme", "framework"] {
            assert!(c[field].is_string(), "{field} missing in {c}");
        }
        assert_eq!(c["framework"], "iso27001:2022");
    }
    let count = |theme: &str| controls.iter().filter(|c| c["theme"] == theme).count();
    assert_eq!([count("organizational"), count("people"), count("physical"), count("technological")], [37, 8, 14, 34]);
    insta::assert_snapshot!("controls_json", serde_json::to_string_pretty(&value).unwrap_or_default());
}

#[test]
fn controls_table() {
    insta::assert_snapshot!("controls_table", ok(&["controls"]));
}

#[test]
fn controls_by_theme_and_framework() {
    insta::assert_snapshot!("controls_people_csv", ok(&["controls", "--theme", "people", "--format", "csv"]));
    insta::assert_snapshot!(
        "controls_physical_markdown",
        ok(&["controls", "--theme", "physical", "--format", "markdown"])
    );
    insta::assert_snapshot!("controls_clauses", ok(&["controls", "--clauses"]));
    insta::assert_snapshot!("controls_soc2", ok(&["controls", "--framework", "soc2"]));
    insta::assert_snapshot!("controls_hipaa", ok(&["controls", "--framework", "hipaa"]));
    insta::assert_snapshot!("controls_sp800_204", ok(&["controls", "--framework", "sp800-204"]));
    assert_eq!(
        json(&["controls", "--framework", "iso27001:2013", "--format", "json"]).as_array().map(Vec::len),
        Some(114)
    );
    assert_eq!(json(&["controls", "--framework", "pci-dss-4", "--format", "json"]).as_array().map(Vec::len), Some(172));
}

#[test]
fn controls_show_accepts_every_spelling() {
    let canonical = ok(&["controls", "show", "A.8.9"]);
    assert_eq!(ok(&["controls", "show", "8.9"]), canonical);
    assert_eq!(ok(&["controls", "show", "a.8.9"]), canonical);
    insta::assert_snapshot!("show_8_9", canonical);
    let detail = json(&["controls", "show", "8.9", "--format", "json"]);
    assert_eq!(detail["id"], "A.8.9");
    assert_eq!(detail["title"], "Configuration management");
    assert!(detail["guidance"]["meaning"].is_string() && detail["checks"].is_array());
    insta::assert_snapshot!("show_8_9_json", serde_json::to_string_pretty(&detail).unwrap_or_default());
    insta::assert_snapshot!("show_5_15_markdown", ok(&["controls", "show", "5.15", "--format", "markdown"]));
}

#[test]
fn controls_show_of_a_2013_id_names_its_replacement() {
    let text = ok(&["controls", "show", "A.12.6.1"]);
    assert!(text.contains("Replaced by (2022)\n  A.8.8  Management of technical vulnerabilities"), "{text}");
    insta::assert_snapshot!("show_2013_a_12_6_1", text);
}

#[test]
fn controls_show_other_frameworks() {
    insta::assert_snapshot!("show_soc2_cc6_1", ok(&["controls", "show", "CC6.1"]));
    insta::assert_snapshot!("show_ms_ss_4", ok(&["controls", "show", "MS-SS-4"]));
    insta::assert_snapshot!("show_clause_6_1_2", ok(&["controls", "show", "6.1.2"]));
}

#[test]
fn crosswalk_direct_and_derived() {
    insta::assert_snapshot!("crosswalk_8_8_sp800_53r5", ok(&["crosswalk", "A.8.8", "--to", "sp800-53r5"]));
    insta::assert_snapshot!("crosswalk_8_8_hipaa", ok(&["crosswalk", "A.8.8", "--to", "hipaa"]));
    insta::assert_snapshot!(
        "crosswalk_pci_11_3_1_iso",
        ok(&["crosswalk", "pci-dss-4:11.3.1", "--to", "iso27001:2022"])
    );
    insta::assert_snapshot!(
        "crosswalk_cc6_1_iso_csv",
        ok(&["crosswalk", "CC6.1", "--to", "iso27001:2022", "--format", "csv"])
    );
    insta::assert_snapshot!(
        "crosswalk_5_15_soc2_markdown",
        ok(&["crosswalk", "5.15", "--to", "soc2", "--format", "markdown"])
    );
    let value = json(&["crosswalk", "A.8.8", "--to", "hipaa", "--format", "json"]);
    insta::assert_snapshot!("crosswalk_8_8_hipaa_json", serde_json::to_string_pretty(&value).unwrap_or_default());
    for row in value["rows"].as_array().cloned().unwrap_or_default() {
        assert_eq!(row["derivation"], "derived");
        assert!(row["relationship"].is_null());
        assert_eq!(row["sources"].as_array().map(Vec::len), Some(2));
    }
}

#[test]
fn crosswalk_says_plainly_when_no_source_exists() {
    let text = ok(&["crosswalk", "CC6.1", "--to", "hipaa"]);
    assert!(text.contains("No sourced crosswalk exists from CC6.1 to HIPAA Security Rule"), "{text}");
    let value = json(&["crosswalk", "CC6.1", "--to", "hipaa", "--format", "json"]);
    assert_eq!(value["rows"].as_array().map(Vec::len), Some(0));
}

#[test]
fn crosswalk_works_in_every_direction_the_data_allows() {
    let pairs: [(&str, &str); 12] = [
        ("A.5.15", "soc2"),
        ("CC6.1", "iso27001:2022"),
        ("A.8.8", "sp800-53r5"),
        ("sp800-53r5:RA-5", "iso27001:2022"),
        ("sp800-53r5:PL-2", "hipaa"),
        ("164.308(a)(1)", "sp800-53r5"),
        ("A.8.8", "hipaa"),
        ("164.308(a)(1)", "iso27001:2022"),
        ("pci-dss-4:11.3.1", "adobe-ccf-v5"),
        ("adobe-ccf-v5:VM-01", "pci-dss-4"),
        ("pci-dss-4:11.3.1", "iso27001:2022"),
        ("A.8.8", "pci-dss-4"),
    ];
    for (id, to) in pairs {
        let value = json(&["crosswalk", id, "--to", to, "--format", "json"]);
        assert!(value["rows"].as_array().is_some_and(|r| !r.is_empty()), "{id} → {to}: {value}");
        for row in value["rows"].as_array().cloned().unwrap_or_default() {
            assert!(row["sources"].as_array().is_some_and(|s| !s.is_empty()), "{id} → {to}: row without a source");
        }
    }
}

#[test]
fn unknown_ids_exit_2_with_a_suggestion() {
    let run = annexa(&["controls", "show", "8.35"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stdout.is_empty());
    insta::assert_snapshot!("error_unknown_8_35", run.stderr);
    let run = annexa(&["crosswalk", "A.5.38", "--to", "soc2"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("did you mean `A.5.37"), "{}", run.stderr);
    let run = annexa(&["crosswalk", "A.8.8", "--to", "cobit"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("unknown framework `cobit`"), "{}", run.stderr);
    let run = annexa(&["controls", "show", "A1.2"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("several frameworks") && run.stderr.contains("soc2:A1.2"), "{}", run.stderr);
    let run = annexa(&["controls", "--framework", "soc2", "--theme", "people"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.starts_with("error: `--theme` applies to iso27001:2022 only"), "{}", run.stderr);
}

#[test]
fn every_command_has_help() {
    for args in [&["--help"][..], &["controls", "--help"], &["controls", "show", "--help"], &["crosswalk", "--help"]] {
        let text = ok(args);
        assert!(text.contains("Usage: annexa"), "{args:?}: {text}");
    }
    insta::assert_snapshot!("help", ok(&["--help"]));
    let run = annexa(&[]);
    assert_eq!(run.code, Some(2), "no command is a usage error");
}

#[test]
fn inventory_of_the_example_estate() {
    insta::assert_snapshot!("inventory_example_table", ok(&["inventory", "examples/estate"]));
    let value = json(&["inventory", "examples/estate", "--format", "json"]);
    for a in value["assets"].as_array().unwrap() {
        assert!(
            a["kind"].is_string()
                && a["name"].is_string()
                && a["location"]["file"].is_string()
                && a["location"]["line"].is_u64(),
            "{a}"
        );
        assert!(a.get("namespace").is_some());
    }
    for f in value["flows"].as_array().unwrap() {
        assert!(f["from"].is_string() && f["to"].is_string() && f["mtls"].is_string(), "{f}");
    }
    assert_eq!(value["summary"]["seen"], 19);
    insta::assert_snapshot!("inventory_example_json", serde_json::to_string_pretty(&value).unwrap());
    insta::assert_snapshot!("inventory_example_dot", ok(&["inventory", "examples/estate", "--format", "dot"]));
    insta::assert_snapshot!("inventory_example_mermaid", ok(&["inventory", "examples/estate", "--format", "mermaid"]));
    let csv = ok(&["inventory", "examples/estate", "--format", "csv"]);
    assert!(csv.starts_with("kind,namespace,name,location,owner,classification,controls\n"));
    let md = ok(&["inventory", "examples/estate", "--format", "markdown"]);
    assert!(md.contains("| service | payments | payments |"), "{md}");
}

#[test]
fn inventory_draws_svg_when_graphviz_is_there() {
    let run = annexa(&["inventory", "examples/estate", "--format", "svg"]);
    if Command::new("dot").arg("-V").output().is_ok() {
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(run.stdout.contains("<svg") && run.stdout.contains("permissive"), "{}", run.stdout);
    } else {
        println!("graphviz not installed: checking the message instead of the drawing");
        assert_eq!(run.code, Some(2));
        assert!(run.stderr.contains("needs Graphviz"), "{}", run.stderr);
    }
}

#[test]
fn inventory_reads_standard_input_and_reports_bad_input() {
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: x}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: web:1}]\n---\nkind: [broken\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: x}\n";
    let run = annexa_with_input(&["inventory", "-", "--format", "json"], Some(manifest));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let kinds: Vec<&str> = value["assets"].as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"service") && kinds.contains(&"secret"),
        "the documents around the broken one are kept: {kinds:?}"
    );
    assert!(run.stderr.contains("error[yaml-syntax]") && run.stderr.contains("--> -:10:1"), "{}", run.stderr);
    let run = annexa(&["inventory", "does/not/exist"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("nothing to read at `does/not/exist`"), "{}", run.stderr);
}

/// The multitool's native binary and the SARIF 2.1.0 schema it ships, when installed.
fn sarif_multitool() -> Option<(PathBuf, PathBuf)> {
    let root = Command::new("npm").args(["root", "-g"]).output().ok()?;
    let root = PathBuf::from(String::from_utf8_lossy(&root.stdout).trim());
    let dir = root.join("@microsoft/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux");
    let (tool, schema) = (dir.join("Sarif.Multitool"), dir.join("sarif-2.1.0.json"));
    (tool.is_file() && schema.is_file()).then_some((tool, schema))
}

/// The multitool's verdict on a SARIF text: the lines it reports as errors or warnings.
fn multitool_problems(tool: &Path, schema: &Path, sarif: &str, name: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("annexa-sarif-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("scan.sarif");
    std::fs::write(&input, sarif).unwrap();
    let out = Command::new(tool)
        .args([
            "validate".as_ref(),
            input.as_os_str(),
            "--json-schema".as_ref(),
            schema.as_os_str(),
            "--output".as_ref(),
            dir.join("log.sarif").as_os_str(),
            "--log".as_ref(),
            "ForceOverwrite".as_ref(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    text.lines().filter(|l| l.contains(": error ") || l.contains(": warning ")).map(str::to_owned).collect()
}

#[test]
fn scan_sarif_is_valid_sarif_2_1_0() {
    let sarif = ok(&["scan", "examples/estate", "--format", "sarif"]);
    let value: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(value["version"], "2.1.0");
    let results = value["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1 && r["ruleId"].is_string(), "{r}");
    }
    let rules = value["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["help"]["markdown"].as_str().is_some_and(|h| h.contains("## Remediation"))
        && r["properties"]["security-severity"].is_string()));
    let Some((tool, schema)) = sarif_multitool() else {
        println!("@microsoft/sarif-multitool not installed (scripts/test.sh installs it): SARIF validation skipped");
        return;
    };
    // The published schema, through an independent validator.
    let schema_json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&schema).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema_json).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // Microsoft's multitool: silent on annexa's output, and demonstrably awake on a broken copy.
    assert_eq!(multitool_problems(&tool, &schema, &sarif, "good"), Vec::<String>::new());
    let mut broken = value.clone();
    broken["runs"][0]["results"][0]["message"] = serde_json::json!(7);
    let problems = multitool_problems(&tool, &schema, &broken.to_string(), "broken");
    assert!(problems.iter().any(|p| p.contains("JSON1001")), "{problems:?}");
}

#[test]
fn scan_json_junit_csv_and_markdown() {
    let value = json(&["scan", "examples/estate", "--format", "json"]);
    let findings = value["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert!(f["check"].is_string() && f["severity"].is_string() && f["controls"].is_array(), "{f}");
        assert!(f["location"]["file"].is_string() && f["location"]["line"].as_u64().unwrap() >= 1, "{f}");
        assert!(f["remediation"].as_str().is_some_and(|r| !r.is_empty()), "{f}");
    }
    assert!(value["summary"]["checks_run"].as_u64().unwrap() >= 2);
    assert_eq!(value["summary"]["files"]["seen"], 19);
    let junit = ok(&["scan", "examples/estate", "--format", "junit"]);
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let failures = doc.descendants().filter(|n| n.has_tag_name("failure")).count();
    assert_eq!(failures, findings.len());
    let csv = ok(&["scan", "examples/estate", "--format", "csv"]);
    assert_eq!(csv.lines().count(), findings.len() + 1);
    let md = ok(&["scan", "examples/estate", "--format", "markdown"]);
    assert!(md.contains("### Annex A controls"));
}

#[test]
fn scan_exit_codes_follow_fail_on() {
    let run = annexa(&["scan", "examples/estate", "--fail-on", "critical", "--format", "json"]);
    assert_eq!(run.code, Some(1), "the example estate has a privileged container");
    let run = annexa(&[
        "scan",
        "examples/estate/k8s/frontend.yaml",
        "--fail-on",
        "high",
        "--checks",
        "K8S-0001,privilege-escalation",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let run = annexa(&["scan", "examples/estate"]);
    assert_eq!(run.code, Some(0), "without --fail-on findings do not fail the run");
    let run = annexa(&["scan", "examples/estate", "--fail-on", "severe"]);
    assert_eq!(run.code, Some(2));
}

#[test]
fn checks_lists_the_catalogue_and_shows_each_check() {
    let list = json(&["checks", "--format", "json"]);
    let list = list.as_array().unwrap();
    assert!(list.len() >= 80, "{} checks", list.len());
    let ids: Vec<&str> = list.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "listed in id order");
    // The check the scan runs on `annexa.toml` itself is one of them.
    assert!(ids.contains(&"CFG-0001"));
    for c in list {
        let doc = c["doc"].as_str().unwrap();
        for heading in ["## What it checks", "## Why it matters", "## Remediation", "## References"] {
            assert!(doc.contains(heading), "{}: no {heading}", c["id"]);
        }
    }
    let by_slug = ok(&["checks", "show", "exemption-expired"]);
    assert!(by_slug.starts_with("CFG-0001  Exemption past its expiry date"), "{by_slug}");
    assert_eq!(ok(&["checks", "show", "cfg-0001"]), by_slug);
    let run = annexa(&["checks", "show", "privileged-containr"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("did you mean `privileged-container`"), "{}", run.stderr);
}

#[test]
fn scan_selection_errors_say_what_was_meant() {
    let run = annexa(&["scan", "examples/estate", "--checks", "privileged-containr"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("unknown check `privileged-containr`")
            && run.stderr.contains("did you mean `privileged-container`"),
        "{}",
        run.stderr
    );
    let run = annexa(&["scan", "examples/estate", "--controls", "A.8.35"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("did you mean"), "{}", run.stderr);
    let selected = json(&["scan", "examples/estate", "--controls", "A.8.18", "--format", "json"]);
    assert!(
        selected["findings"].as_array().unwrap().iter().all(|f| f["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "A.8.18"))
    );
    let skipped = json(&["scan", "examples/estate", "--skip", "K8S-0001", "--format", "json"]);
    assert!(skipped["findings"].as_array().unwrap().iter().all(|f| f["check"] != "K8S-0001"));
    // A control in `--checks` or `--skip` stands for every check that gives evidence for it.
    let gives = |f: &serde_json::Value, control: &str| f["controls"].as_array().unwrap().iter().any(|c| c == control);
    let all = json(&["scan", "examples/estate", "--format", "json"]);
    let no_segregation = json(&["scan", "examples/estate", "--skip", "A.8.22", "--format", "json"]);
    assert!(all["findings"].as_array().unwrap().iter().any(|f| gives(f, "A.8.22")));
    assert!(no_segregation["findings"].as_array().unwrap().iter().all(|f| !gives(f, "A.8.22")));
    let only = json(&["scan", "examples/estate", "--checks", "8.24,K8S-0001", "--format", "json"]);
    let found = only["findings"].as_array().unwrap();
    assert!(found.iter().any(|f| f["check"] == "K8S-0001") && found.iter().any(|f| gives(f, "A.8.24")));
    assert!(found.iter().all(|f| f["check"] == "K8S-0001" || gives(f, "A.8.24")));
}

/// An `annexa.toml` in a scratch folder of its own, removed with it.
struct ConfigFile {
    dir: PathBuf,
    path: String,
}

impl ConfigFile {
    fn new(name: &str, text: &str) -> ConfigFile {
        let dir = std::env::temp_dir().join(format!("annexa-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("annexa.toml").to_string_lossy().into_owned();
        let file = ConfigFile { dir, path };
        file.write(text);
        file
    }

    fn write(&self, text: &str) {
        std::fs::write(&self.path, text).unwrap();
    }
}

impl Drop for ConfigFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn an_exemption_for_an_unknown_check_is_an_error_at_its_line() {
    let config = ConfigFile::new(
        "exemption-typo",
        "[[exemptions]]\ncheck = \"K8S-0001\"\nowner = \"a\"\nreason = \"b\"\nexpires = 2999-01-01\n\n[[exemptions]]\ncheck = \"privileged-containr\"\nowner = \"a\"\nreason = \"b\"\nexpires = 2999-01-01\n",
    );
    let run = annexa(&["scan", "examples/estate", "--config", &config.path]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(&format!("{}:7: exemption for unknown check `privileged-containr`", config.path))
            && run.stderr.contains("did you mean `privileged-container`"),
        "{}",
        run.stderr
    );
}

#[test]
fn allowed_registries_in_annexa_toml_drive_the_registry_checks() {
    let config = ConfigFile::new("registries", "");
    let registry_findings = |toml: &str| -> Vec<serde_json::Value> {
        config.write(toml);
        let value = json(&["scan", "examples/estate", "--format", "json", "--config", &config.path]);
        let findings = value["findings"].as_array().unwrap();
        findings.iter().filter(|f| f["check"] == "K8S-0046" || f["check"] == "DKR-0013").cloned().collect()
    };
    // Without the setting both checks stay silent.
    assert!(registry_findings("").is_empty());
    let narrow = registry_findings("[scan]\nallowed_registries = [\"ghcr.io/acme\"]\n");
    assert!(narrow.iter().any(|f| f["check"] == "K8S-0046"), "{narrow:?}");
    assert!(narrow.iter().any(|f| f["check"] == "DKR-0013"), "{narrow:?}");
    assert!(narrow.iter().all(|f| !f["message"].as_str().unwrap().contains("`ghcr.io/acme/")), "{narrow:?}");
    let everything = registry_findings(
        "[scan]\nallowed_registries = [\"ghcr.io\", \"docker.io\", \"gcr.io\", \"registry.example.com\", \"quay.io\"]\n",
    );
    assert!(everything.len() < narrow.len(), "{everything:?}");
    config.write("[scan]\nallowed_registry = [\"ghcr.io\"]\n");
    let run = annexa(&["scan", "examples/estate", "--config", &config.path]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains(":2: unknown field `allowed_registry`"), "{}", run.stderr);
    // An entry that could never match is an error, not a reason to report every image.
    config.write("# registries\n[scan]\nallowed_registries = [\"https://registry.example.com\"]\n");
    let run = annexa(&["scan", "examples/estate", "--config", &config.path]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains(":3: `allowed_registries` entry `https://registry.example.com` is a URL"),
        "{}",
        run.stderr
    );
}

#[test]
fn exemptions_are_reported_not_hidden_and_expire() {
    let dir = std::env::temp_dir().join(format!("annexa-exemptions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("annexa.toml");
    std::fs::write(
        &config,
        "# exemptions under review\n\n[[exemptions]]\ncheck = \"privileged-container\"\nresource = \"Deployment payments/payments\"\nowner = \"payments-team\"\nreason = \"card HSM driver needs device access until the vendor ships a plugin\"\nexpires = 2999-12-31\n\n[[exemptions]]\ncheck = \"K8S-0002\"\nresource = \"Deployment shop/*\"\nowner = \"shop-team\"\nreason = \"migrating\"\nexpires = 2020-01-31\n",
    )
    .unwrap();
    let config = config.to_string_lossy().into_owned();
    let value = json(&["scan", "examples/estate", "--format", "json", "--config", &config]);
    let findings = value["findings"].as_array().unwrap();
    let privileged = findings.iter().find(|f| f["check"] == "K8S-0001" && f["resource"]["name"] == "payments").unwrap();
    assert_eq!(privileged["exempted"]["owner"], "payments-team");
    let expired = findings.iter().find(|f| f["check"] == "CFG-0001").expect("an expired exemption is a finding");
    assert_eq!(expired["location"]["line"], 10);
    assert!(
        findings
            .iter()
            .any(|f| f["check"] == "K8S-0002" && f["resource"]["namespace"] == "shop" && f["exempted"].is_null()),
        "an expired exemption exempts nothing"
    );
    let run =
        annexa(&["scan", "examples/estate", "--checks", "K8S-0001", "--fail-on", "critical", "--config", &config]);
    assert_eq!(run.code, Some(0), "the only critical finding is exempted");
    let sarif: serde_json::Value =
        serde_json::from_str(&ok(&["scan", "examples/estate", "--format", "sarif", "--config", &config])).unwrap();
    let suppressed =
        sarif["runs"][0]["results"].as_array().unwrap().iter().filter(|r| r["suppressions"].is_array()).count();
    assert_eq!(suppressed, 1);
    std::fs::write(
        dir.join("bad.toml"),
        "[[exemptions]]\ncheck = \"privileged-container\"\nowner = \"x\"\nreason = \"y\"\nexpires = \"someday\"\n",
    )
    .unwrap();
    let run = annexa(&["scan", "examples/estate", "--config", &dir.join("bad.toml").to_string_lossy()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("bad.toml:5:") && run.stderr.contains("someday"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
