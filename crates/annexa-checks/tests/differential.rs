//! Differential test: every annexa check that names its peers' ids (`meta().aliases`) is run
//! over those peers' own ground truth, and annexa's verdict is compared with theirs.
//!
//! The peers' test data live in `$ANNEXA_CORPORA` (default `/work/shared/corpora`), one folder
//! per peer with a `SOURCE.txt` that explains its layout: kubescape-regolibrary, checkov,
//! polaris, gatekeeper-library, kyverno-policies and trivy-checks. Without that folder the test
//! says so and passes.
//!
//! A *case* is one peer test input with the peer's expected verdict (pass or fail), for one or
//! more peer ids. It is compared with every annexa check whose aliases hold one of those ids.
//! When an id is held by several annexa checks (a peer check that bundles what annexa splits,
//! like Kyverno's `disallow-host-namespaces`), the case is compared with the group: annexa
//! fails it when any check of the group fires. `differential/scope.csv` can route the cases of
//! such an id to the part of the group they exercise, or out of scope (`-`) when no annexa
//! check looks at what they test; every row says why.
//!
//! The data beside this test, in `differential/`:
//! - `checkov-folders.csv` (`folder,ckv_id`): Checkov fixture folders to the check they test,
//!   from Checkov's public check names (the Python tests that tie them were not copied);
//! - `trivy-names.csv` (`basename,id`): trivy-checks example files to their AVD ids;
//! - `scope.csv` (`peer,peer_id,case,checks,reason`): routing of bundled peer ids, `case` is a
//!   glob (`*`) over the case name, `checks` ids joined by `+`, or `-` (out of scope: no
//!   check holding the id looks at what the cases test, or their verdict depends on the
//!   peer's own configuration, such as a constraint's `exemptImages` or a registry list);
//! - `disagreements.csv` (`peer,case,check,annexa,peer_expected,reason`): every disagreement
//!   that remains, with why annexa differs. Listing a disagreement explains it; it still
//!   counts against the agreement.
//!
//! What fails the test: a disagreement not listed; a listed row that no longer disagrees
//! (stale); a comparison unit (a check or a group) with at least 5 cases whose raw agreement,
//! agree / (agree + disagree), is under 95%, unless `BELOW_THRESHOLD` names it with the
//! reason (the test then reports it loudly, and fails once the unit reaches 95% so that the
//! entry is removed).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests stop at the first surprise, like the tests"
)]

use annexa_checks::{Check, all, run};
use annexa_load::{At, Estate, Input, Options, load, load_bytes};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Raw agreement, agree / (agree + disagree), a unit must reach over its cases. A listed
/// disagreement is explained, not agreed: it counts against this.
const THRESHOLD: f64 = 0.95;
/// Below this many cases a unit is reported but not held to the threshold.
const MIN_CASES: usize = 5;

/// Units (a check, or checks joined by `+` for a peer id they share) that stay under
/// `THRESHOLD` once aliases name only peer checks with the same meaning and the cases that
/// depend on a peer's configuration are out of scope: what remains are genuine
/// disagreements, all listed in `disagreements.csv`. Each is `(unit, reason)`; the test
/// prints them loudly on every run and fails when one reaches the threshold (remove it then).
const BELOW_THRESHOLD: &[(&str, &str)] = &[
    (
        "K8S-0016",
        "Checkov CKV_K8S_31 (4 cases) and Gatekeeper K8sPSPSeccomp (2) pass pods on the \
         seccomp.security.alpha.kubernetes.io annotations, which Kubernetes 1.27 and later \
         ignore (the API server warns they are non-functional)",
    ),
    (
        "K8S-0032",
        "Kubescape C-0268 ignores that Kubernetes defaults a missing CPU request to the limit \
         (the one disagreement)",
    ),
    (
        "K8S-0033",
        "Kubescape C-0269 ignores that Kubernetes defaults a missing memory request to the limit \
         (the one disagreement)",
    ),
    (
        "K8S-0035",
        "peers' inputs use invalid digests (sha256:123456, custom-algorithm:a) that pin nothing \
         and that they accept as pinned",
    ),
    (
        "K8S-0036",
        "Checkov CKV_K8S_15 passes an absent imagePullPolicy on latest and untagged images (2 \
         cases), which Kubernetes defaults once, at creation, from the tag it has then; it also \
         passes an image with an invalid digest (sha256:12345678) on the default policy",
    ),
    (
        "NET-0002",
        "Kubescape C-0299 judges a policy given alone, with no workload in the input; annexa \
         judges a policy against the workloads of its namespace, or of another namespace when \
         it selects an unprotected one there",
    ),
    (
        "RBAC-0004",
        "Polaris exempts roles by name (admin, cluster-admin, system:*, calico; 6 cases) where \
         annexa exempts the bootstrap-labelled defaults; Kubescape C-0002 reads pods/* as \
         reaching pods/exec, which Kubernetes RBAC does not",
    ),
];

fn corpora() -> PathBuf {
    std::env::var_os("ANNEXA_CORPORA").map_or_else(|| PathBuf::from("/work/shared/corpora"), PathBuf::from)
}

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("differential")
}

// ---------------------------------------------------------------------------------------------
// Cases

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    Pass,
    Fail,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
        }
    }

    fn parse(s: &str) -> Option<Verdict> {
        match s.trim() {
            "pass" => Some(Verdict::Pass),
            "fail" => Some(Verdict::Fail),
            _ => None,
        }
    }
}

/// What a case reads.
enum Source {
    /// Files or directories, loaded together.
    Paths(Vec<PathBuf>),
    /// An example written inside a peer's file, loaded under this file name.
    Inline { name: String, text: String },
}

/// The resource a per-resource verdict is about.
#[derive(Clone, Debug)]
struct Subject {
    kind: String,
    namespace: Option<String>,
    name: String,
}

/// One peer test input and the peer's verdict on it.
struct Case {
    peer: &'static str,
    /// Stable name, as written in `disagreements.csv`: the path in the peer's repository,
    /// with `#...` for a part of a file.
    name: String,
    /// The peer ids it is a case of.
    ids: Vec<String>,
    source: usize,
    /// When the peer judges one resource of the input rather than the input as a whole.
    subject: Option<Subject>,
    /// `None` for skip / unknown.
    expected: Option<Verdict>,
}

#[derive(Default)]
struct Corpus {
    sources: Vec<Source>,
    keys: HashMap<String, usize>,
    cases: Vec<Case>,
    /// Problems with the harness's own data (a mapped folder that does not exist...).
    problems: Vec<String>,
}

impl Corpus {
    fn source(&mut self, key: String, make: impl FnOnce() -> Source) -> usize {
        if let Some(&i) = self.keys.get(&key) {
            return i;
        }
        self.sources.push(make());
        self.keys.insert(key, self.sources.len() - 1);
        self.sources.len() - 1
    }

    fn path_source(&mut self, paths: Vec<PathBuf>) -> usize {
        let key = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("\n");
        self.source(key, || Source::Paths(paths))
    }
}

/// `KSV-0017`, `KSV017` and `ksv-17` are one id; other ids compare as written.
fn norm(id: &str) -> String {
    let id = id.trim();
    let letters: String = id.chars().take_while(char::is_ascii_alphabetic).collect();
    let rest = id[letters.len()..].strip_prefix('-').unwrap_or(&id[letters.len()..]);
    if !letters.is_empty() && !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) {
        let n: u64 = rest.trim_start_matches('0').parse().unwrap_or(0);
        format!("{}-{n}", letters.to_ascii_uppercase())
    } else {
        id.to_owned()
    }
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(dir).map_or_else(|_| Vec::new(), |rd| rd.filter_map(Result::ok).map(|e| e.path()).collect());
    out.sort();
    out
}

fn yaml_docs(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    annexa_load::yaml::parse(&text, annexa_load::yaml::Limits::default())
        .docs
        .into_iter()
        .map(|d| d.value.to_json())
        .collect()
}

fn yaml_first(path: &Path) -> Value {
    yaml_docs(path).into_iter().find(|v| !v.is_null()).unwrap_or(Value::Null)
}

fn str_of<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.at(pointer).and_then(Value::as_str)
}

/// Splits one CSV line: commas separate, double quotes quote, `""` is a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().unwrap().push(c),
        }
    }
    out.into_iter().map(|f| f.trim().to_owned()).collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// The rows of one of our CSV files, by header; blank lines and `#` comments are skipped.
fn read_csv(name: &str, columns: &[&str]) -> Vec<BTreeMap<String, String>> {
    let path = data().join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display())).unwrap();
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let header = lines.next().map(|(_, l)| csv_fields(l)).unwrap_or_default();
    assert_eq!(header, columns, "{name}: the header must be {}", columns.join(","));
    lines
        .map(|(i, l)| {
            let fields = csv_fields(l);
            assert_eq!(fields.len(), header.len(), "{name}:{}: expected {} fields", i + 1, header.len());
            header.iter().cloned().zip(fields).collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Peers: each turns its ground truth into cases.

/// kubescape/regolibrary: `rules/<rule>/test/<case>/input/*` → `expected.json` (empty = pass).
/// A rule test is a case of every control whose `rulesNames` holds the rule's name (from
/// `rule.metadata.json`, which is not always the folder's name).
fn kubescape(root: &Path, corpus: &mut Corpus) {
    let mut controls: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in sorted_dir(&root.join("controls")) {
        let Ok(v) = serde_json::from_str::<Value>(&std::fs::read_to_string(&f).unwrap_or_default()) else {
            continue;
        };
        let Some(id) = str_of(&v, "/controlID") else { continue };
        for rule in v.get("rulesNames").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            controls.entry(rule.to_owned()).or_default().push(norm(id));
        }
    }
    for rule_dir in sorted_dir(&root.join("rules")) {
        let meta = std::fs::read_to_string(rule_dir.join("rule.metadata.json")).unwrap_or_default();
        let name = serde_json::from_str::<Value>(&meta)
            .ok()
            .and_then(|v| str_of(&v, "/name").map(str::to_owned))
            .unwrap_or_else(|| rule_dir.file_name().unwrap().to_string_lossy().into_owned());
        let Some(ids) = controls.get(&name) else { continue };
        for case_dir in sorted_dir(&rule_dir.join("test")) {
            let input = case_dir.join("input");
            if !input.is_dir() {
                continue;
            }
            let alerts = std::fs::read_to_string(case_dir.join("expected.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<Value>(&t).ok())
                .and_then(|v| v.as_array().cloned());
            let expected = alerts.as_ref().map(|a| if a.is_empty() { Verdict::Pass } else { Verdict::Fail });
            let name = rel(root, &case_dir);
            let per_workload = alerts.as_deref().and_then(|a| kubescape_per_workload(&input, a));
            let source = corpus.path_source(vec![input]);
            match per_workload {
                // Several workloads, and the peer says which of them fail: judge each.
                Some((workloads, failed)) => {
                    for (kind, object) in workloads {
                        let verdict = if failed.contains(&(kind.clone(), object.clone())) {
                            Verdict::Fail
                        } else {
                            Verdict::Pass
                        };
                        corpus.cases.push(Case {
                            peer: "kubescape",
                            name: format!("{name}#{kind}/{object}"),
                            ids: ids.clone(),
                            source,
                            subject: Some(Subject { kind, namespace: None, name: object }),
                            expected: Some(verdict),
                        });
                    }
                }
                None => corpus.cases.push(Case {
                    peer: "kubescape",
                    name,
                    ids: ids.clone(),
                    source,
                    subject: None,
                    expected,
                }),
            }
        }
    }
}

/// `(kind, name)` of an object.
type KindName = (String, String);

/// The kinds whose pod template a workload check judges.
const WORKLOADS: [&str; 8] =
    ["Pod", "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob", "ReplicationController"];

/// When a Kubescape input holds two workloads or more and every alert names workloads only,
/// the workloads (kind, name) and the ones that fail; `None` to judge the input as a whole.
fn kubescape_per_workload(input: &Path, alerts: &[Value]) -> Option<(BTreeSet<KindName>, BTreeSet<KindName>)> {
    let mut failed = BTreeSet::new();
    for alert in alerts {
        let object = alert.get("alertObject")?;
        if object.get("externalObjects").is_some() {
            return None;
        }
        for o in object.get("k8sApiObjects").and_then(Value::as_array)? {
            let kind = str_of(o, "/kind")?;
            if !WORKLOADS.contains(&kind) {
                return None;
            }
            failed.insert((kind.to_owned(), str_of(o, "/metadata/name")?.to_owned()));
        }
    }
    let estate = load(&[Input::Path(input.to_path_buf())], &Options::default());
    let workloads: BTreeSet<KindName> = estate
        .objects
        .iter()
        .filter(|o| WORKLOADS.contains(&o.kind.as_str()))
        .map(|o| (o.kind.clone(), o.name.clone()))
        .collect();
    (workloads.len() >= 2 && failed.is_subset(&workloads)).then_some((workloads, failed))
}

/// The verdict a Checkov fixture's file name gives: `-FAILED`, `1PASSED-1FAILED`,
/// `PASSESONEFAILSONE` and `failed-1` fail (at least one resource fails); `-PASSED`, `-pass`
/// pass; `UNKNOWN` and unmarked files give none.
/// One Checkov fixture file as a case, judged against every id its folder maps to.
fn push_checkov_file(corpus: &mut Corpus, root: &Path, file: &Path, ids: &[String], expected: Option<Verdict>) {
    let source = corpus.path_source(vec![file.to_path_buf()]);
    corpus.cases.push(Case {
        peer: "checkov",
        name: rel(root, file),
        ids: ids.to_vec(),
        source,
        subject: None,
        expected,
    });
}

fn checkov_verdict(file: &str) -> Option<Verdict> {
    let f = file.to_ascii_lowercase();
    if f.contains("unknown") || f.contains("unkown") {
        None
    } else if f.contains("fail") {
        Some(Verdict::Fail)
    } else if f.contains("pass") {
        Some(Verdict::Pass)
    } else {
        None
    }
}

/// checkov: `tests/kubernetes/checks/<folder>/*` (verdict in the file name) and
/// `tests/dockerfile/checks/<folder>/{success*,failure*}/*`, folder → id from
/// `checkov-folders.csv`.
fn checkov(root: &Path, corpus: &mut Corpus) {
    let mut folders: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in read_csv("checkov-folders.csv", &["folder", "ckv_id"]) {
        folders.entry(row["folder"].clone()).or_default().push(norm(&row["ckv_id"]));
    }
    for (folder, ids) in &folders {
        let k8s = root.join("tests/kubernetes/checks").join(folder);
        let docker = root.join("tests/dockerfile/checks").join(folder);
        if k8s.is_dir() {
            for file in sorted_dir(&k8s).into_iter().filter(|f| f.is_file()) {
                let expected = checkov_verdict(&file.file_name().unwrap().to_string_lossy());
                push_checkov_file(corpus, root, &file, ids, expected);
            }
        } else if docker.is_dir() {
            for sub in sorted_dir(&docker).into_iter().filter(|d| d.is_dir()) {
                let sub_name = sub.file_name().unwrap().to_string_lossy().into_owned();
                let expected = if sub_name.starts_with("success") {
                    Some(Verdict::Pass)
                } else if sub_name.starts_with("failure") {
                    Some(Verdict::Fail)
                } else {
                    None
                };
                for file in sorted_dir(&sub).into_iter().filter(|f| f.is_file()) {
                    push_checkov_file(corpus, root, &file, ids, expected);
                }
            }
        } else {
            corpus.problems.push(format!("checkov-folders.csv: no fixture folder `{folder}` in the checkov corpus"));
        }
    }
}

/// polaris: `test/checks/<checkID>/success*.yaml` pass, `failure*.yaml` fail.
fn polaris(root: &Path, corpus: &mut Corpus) {
    for dir in sorted_dir(&root.join("test/checks")).into_iter().filter(|d| d.is_dir()) {
        // A folder with its own `check.yaml` tests a custom check defined there, whatever the
        // folder is called (`nakedPod` is one), not the built-in check of that id.
        if dir.join("check.yaml").is_file() {
            continue;
        }
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in sorted_dir(&dir).into_iter().filter(|f| f.is_file()) {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let expected = if name.starts_with("success") {
                Some(Verdict::Pass)
            } else if name.starts_with("failure") {
                Some(Verdict::Fail)
            } else {
                None
            };
            let source = corpus.path_source(vec![file.clone()]);
            corpus.cases.push(Case {
                peer: "polaris",
                name: rel(root, &file),
                ids: vec![norm(&id)],
                source,
                subject: None,
                expected,
            });
        }
    }
}

/// The first Kubernetes object of a file, as a subject.
fn subject_of(path: &Path) -> Option<Subject> {
    let v = yaml_first(path);
    Some(Subject {
        kind: str_of(&v, "/kind")?.to_owned(),
        namespace: str_of(&v, "/metadata/namespace").map(str::to_owned),
        name: str_of(&v, "/metadata/name").or_else(|| str_of(&v, "/metadata/generateName"))?.to_owned(),
    })
}

/// gatekeeper-library: `library/*/<name>/suite.yaml`, `tests[].cases[]` with an object and
/// `assertions` (`violations: yes|no|<count>`); the id is the kind of the test's constraint.
/// The verdict is about the case's object, so it is judged per resource.
fn gatekeeper(root: &Path, corpus: &mut Corpus) {
    for group in sorted_dir(&root.join("library")) {
        for dir in sorted_dir(&group) {
            let suite_path = dir.join("suite.yaml");
            if !suite_path.is_file() {
                continue;
            }
            let suite = yaml_first(&suite_path);
            for test in suite.get("tests").and_then(Value::as_array).into_iter().flatten() {
                let Some(constraint) = str_of(test, "/constraint") else { continue };
                let Some(kind) = str_of(&yaml_first(&dir.join(constraint)), "/kind").map(str::to_owned) else {
                    continue;
                };
                let test_name = str_of(test, "/name").unwrap_or("test");
                for case in test.get("cases").and_then(Value::as_array).into_iter().flatten() {
                    let Some(object) = str_of(case, "/object") else { continue };
                    let object = dir.join(object);
                    let expected = gatekeeper_verdict(case.get("assertions"));
                    let case_name = str_of(case, "/name").unwrap_or("case");
                    let mut name = format!("{}#{test_name}/{case_name}", rel(root, &suite_path));
                    // Some suites reuse a case name within a test for another object.
                    if corpus.cases.iter().any(|c| c.peer == "gatekeeper" && c.name == name) {
                        name = format!("{name}:{}", object.file_name().unwrap().to_string_lossy());
                    }
                    let subject = subject_of(&object);
                    let source = corpus.path_source(vec![object]);
                    corpus.cases.push(Case {
                        peer: "gatekeeper",
                        name,
                        ids: vec![norm(&kind)],
                        source,
                        subject,
                        expected,
                    });
                }
            }
        }
    }
}

/// `violations: yes` or a count above 0 fail, `no` or 0 pass; assertions narrowed to a message
/// only count when nothing else decides.
fn gatekeeper_verdict(assertions: Option<&Value>) -> Option<Verdict> {
    let mut whole = None;
    let mut narrowed = None;
    for a in assertions.and_then(Value::as_array).into_iter().flatten() {
        let v = match a.get("violations") {
            Some(Value::String(s)) if s == "yes" => Verdict::Fail,
            Some(Value::String(s)) if s == "no" => Verdict::Pass,
            Some(Value::Bool(b)) => {
                if *b {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                }
            }
            Some(Value::Number(n)) => {
                if n.as_u64().unwrap_or(1) > 0 {
                    Verdict::Fail
                } else {
                    Verdict::Pass
                }
            }
            _ => continue,
        };
        if a.get("message").is_some() {
            if v == Verdict::Fail {
                narrowed = Some(Verdict::Fail);
            }
        } else {
            whole = Some(whole.map_or(v, |w: Verdict| w.max(v)));
        }
    }
    whole.or(narrowed)
}

/// kyverno/policies: `<policy>/.kyverno-test/kyverno-test.yaml`, `results[]` name resources
/// (by name, or `namespace/name`) with `pass|fail|skip` per policy rule; the resources are read
/// from the test's `resources:` files. One case per (rule, kind, resource).
fn kyverno(root: &Path, corpus: &mut Corpus) {
    let mut tests = Vec::new();
    find_named(root, "kyverno-test.yaml", &mut tests);
    tests.sort();
    for test_path in tests {
        let dir = test_path.parent().unwrap().to_path_buf();
        let test = yaml_first(&test_path);
        let files: Vec<PathBuf> = test
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|r| dir.join(r))
            .collect();
        // Resources kept in `../.chainsaw-test/` were not copied: those cases are not loadable.
        let source = corpus.path_source(files.iter().filter(|f| f.is_file()).cloned().collect());
        let mut seen: BTreeMap<String, Option<Verdict>> = BTreeMap::new();
        let mut order = Vec::new();
        for result in test.get("results").and_then(Value::as_array).into_iter().flatten() {
            let Some(policy) = str_of(result, "/policy") else { continue };
            let rule = str_of(result, "/rule").unwrap_or("-");
            let kind = str_of(result, "/kind").unwrap_or("");
            let expected = match str_of(result, "/result") {
                Some("pass") => Some(Verdict::Pass),
                Some("fail") => Some(Verdict::Fail),
                _ => None,
            };
            let mut names: Vec<&str> = result
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            names.extend(str_of(result, "/resource"));
            for resource in names {
                let key = format!("{}#{policy}/{rule}/{kind}/{resource}", rel(root, &test_path));
                match seen.get(&key) {
                    // The same resource listed twice with different results says nothing.
                    Some(previous) if *previous != expected => {
                        seen.insert(key, None);
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(key.clone(), expected);
                        order.push((key, policy.to_owned(), kind.to_owned(), resource.to_owned()));
                    }
                }
            }
        }
        for (key, policy, kind, resource) in order {
            let (namespace, name) = match resource.rsplit_once('/') {
                Some((ns, n)) => (Some(ns.to_owned()), n.to_owned()),
                None => (None, resource.clone()),
            };
            corpus.cases.push(Case {
                peer: "kyverno",
                expected: seen[&key],
                name: key,
                ids: vec![norm(&policy)],
                source,
                subject: Some(Subject { kind, namespace, name }),
            });
        }
    }
}

fn find_named(dir: &Path, name: &str, out: &mut Vec<PathBuf>) {
    for p in sorted_dir(dir) {
        if p.is_dir() {
            find_named(&p, name, out);
        } else if p.file_name().is_some_and(|n| n == name) {
            out.push(p);
        }
    }
}

/// trivy-checks: `checks/kubernetes/<name>.yaml` and `checks/docker/<name>.yaml` hold `good:`
/// and `bad:` examples; the id comes from `trivy-names.csv`.
fn trivy(root: &Path, corpus: &mut Corpus) {
    for row in read_csv("trivy-names.csv", &["basename", "id"]) {
        let base = &row["basename"];
        let found = ["kubernetes", "docker"]
            .iter()
            .map(|k| (*k, root.join(format!("checks/{k}/{base}.yaml"))))
            .find(|(_, p)| p.is_file());
        let Some((area, path)) = found else {
            corpus.problems.push(format!("trivy-names.csv: no checks/*/{base}.yaml in the trivy-checks corpus"));
            continue;
        };
        let doc = yaml_first(&path);
        let Some(examples) = doc.as_object().and_then(|o| o.values().next()) else { continue };
        for (key, verdict) in [("good", Verdict::Pass), ("bad", Verdict::Fail)] {
            for (i, text) in examples.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
                let Some(text) = text.as_str() else { continue };
                let case = format!("{}#{key}[{i}]", rel(root, &path));
                let file = if area == "docker" { "Dockerfile".to_owned() } else { format!("{base}-{key}-{i}.yaml") };
                let source = corpus.source(case.clone(), || Source::Inline { name: file, text: text.to_owned() });
                corpus.cases.push(Case {
                    peer: "trivy",
                    name: case,
                    ids: vec![norm(&row["id"])],
                    source,
                    subject: None,
                    expected: Some(verdict),
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison

/// One annexa check, or the group of checks that share a peer id.
type Unit = Vec<&'static dyn Check>;

fn label(unit: &[&'static dyn Check]) -> String {
    unit.iter().map(|c| c.meta().id).collect::<Vec<_>>().join("+")
}

fn slugs(unit: &[&'static dyn Check]) -> String {
    unit.iter().map(|c| c.meta().slug).collect::<Vec<_>>().join("+")
}

/// `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

struct Route {
    peer: String,
    id: String,
    case: String,
    /// `None` is out of scope.
    checks: Option<Vec<String>>,
    used: bool,
}

fn routes() -> Vec<Route> {
    read_csv("scope.csv", &["peer", "peer_id", "case", "checks", "reason"])
        .into_iter()
        .map(|r| {
            assert!(!r["reason"].is_empty(), "scope.csv: every row says why ({} {})", r["peer_id"], r["case"]);
            Route {
                peer: r["peer"].clone(),
                id: norm(&r["peer_id"]),
                case: r["case"].clone(),
                checks: (r["checks"] != "-").then(|| r["checks"].split('+').map(str::to_owned).collect()),
                used: false,
            }
        })
        .collect()
}

/// Annexa's reading of a source: the estate, or why it is not comparable.
fn load_source(source: &Source) -> Result<Estate, String> {
    let estate = match source {
        Source::Paths(paths) if paths.is_empty() => return Err("its input files were not copied".to_owned()),
        Source::Paths(paths) => {
            load(&paths.iter().map(|p| Input::Path(p.clone())).collect::<Vec<_>>(), &Options::default())
        }
        Source::Inline { name, text } => load_bytes(name, text.as_bytes(), &Options::default()),
    };
    if let Some(d) = estate.diagnostics.iter().find(|d| d.severity == annexa_load::Severity::Error) {
        return Err(format!("load error: {}", d.to_string().lines().next().unwrap_or_default()));
    }
    if let Some(o) = estate.objects.iter().find(|o| o.kind == "AdmissionReview") {
        return Err(format!("an admission request ({}), not a manifest", o.name));
    }
    if estate.objects.is_empty() && estate.dockerfiles.is_empty() && estate.documents.is_empty() {
        return Err("nothing annexa recognises".to_owned());
    }
    Ok(estate)
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    kind: String,
    namespace: Option<String>,
    name: String,
    message: String,
}

#[derive(Debug)]
enum Outcome {
    Agree,
    /// `fired`: what annexa said, for the report.
    Disagree {
        annexa: Verdict,
        expected: Verdict,
        fired: Vec<String>,
    },
    NotLoadable(String),
    Skipped,
}

struct Row {
    peer: &'static str,
    case: String,
    unit: String,
    outcome: Outcome,
}

struct Listed {
    peer: String,
    case: String,
    check: String,
    annexa: Option<Verdict>,
    expected: Option<Verdict>,
    reason: String,
    line: usize,
}

fn listed() -> Vec<Listed> {
    read_csv("disagreements.csv", &["peer", "case", "check", "annexa", "peer_expected", "reason"])
        .into_iter()
        .enumerate()
        .map(|(i, r)| Listed {
            peer: r["peer"].clone(),
            case: r["case"].clone(),
            check: r["check"].clone(),
            annexa: Verdict::parse(&r["annexa"]),
            expected: Verdict::parse(&r["peer_expected"]),
            reason: r["reason"].clone(),
            line: i + 2,
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    agree: usize,
    accepted: usize,
    unlisted: usize,
    not_loadable: usize,
    skipped: usize,
    out_of_scope: usize,
}

impl Tally {
    fn compared(&self) -> usize {
        self.agree + self.accepted + self.unlisted
    }

    fn raw(&self) -> f64 {
        if self.compared() == 0 { 1.0 } else { self.agree as f64 / self.compared() as f64 }
    }

    fn explained(&self) -> f64 {
        if self.compared() == 0 { 1.0 } else { (self.agree + self.accepted) as f64 / self.compared() as f64 }
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[test]
fn annexa_agrees_with_its_peers_ground_truth() {
    let root = corpora();
    if !root.is_dir() {
        println!("differential: no peer corpora at {} (set ANNEXA_CORPORA); nothing compared", root.display());
        return;
    }

    let mut corpus = Corpus::default();
    type Reader = fn(&Path, &mut Corpus);
    let peers: [(&str, &str, Reader); 6] = [
        ("kubescape", "kubescape-regolibrary", kubescape),
        ("checkov", "checkov", checkov),
        ("polaris", "polaris", polaris),
        ("gatekeeper", "gatekeeper-library", gatekeeper),
        ("kyverno", "kyverno-policies", kyverno),
        ("trivy", "trivy-checks", trivy),
    ];
    for (peer, folder, read) in peers {
        let dir = root.join(folder);
        if dir.is_dir() {
            read(&dir, &mut corpus);
        } else {
            println!("differential: no {peer} corpus at {}; skipped", dir.display());
        }
    }

    // Which annexa checks hold each peer id.
    let checks: Vec<&'static dyn Check> = all().into_iter().filter(|c| !c.meta().aliases.is_empty()).collect();
    let mut holders: BTreeMap<String, Unit> = BTreeMap::new();
    for c in &checks {
        let ids: BTreeSet<String> = c.meta().aliases.iter().map(|a| norm(a)).collect();
        for id in ids {
            holders.entry(id).or_default().push(*c);
        }
    }
    let mut routes = routes();
    let mut problems = std::mem::take(&mut corpus.problems);
    let mut names = BTreeSet::new();
    for c in &corpus.cases {
        if !names.insert((c.peer, c.name.as_str())) {
            problems.push(format!("two {} cases are named {}", c.peer, c.name));
        }
    }

    // Pair every case with its units, then judge.
    let mut estates: HashMap<usize, Result<Estate, String>> = HashMap::new();
    let mut hits: HashMap<(usize, &'static str), BTreeSet<Hit>> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut out_of_scope: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut units: BTreeMap<String, Unit> = BTreeMap::new();
    for case in &corpus.cases {
        let mut case_units: BTreeMap<String, Unit> = BTreeMap::new();
        for id in &case.ids {
            let Some(group) = holders.get(id) else { continue };
            let route = routes.iter_mut().find(|r| r.peer == case.peer && r.id == *id && glob(&r.case, &case.name));
            let unit: Unit = match route {
                None => group.clone(),
                Some(route) => {
                    route.used = true;
                    let Some(wanted) = &route.checks else {
                        *out_of_scope.entry(case.peer).or_default() += 1;
                        continue;
                    };
                    let unit: Unit =
                        group.iter().copied().filter(|c| wanted.iter().any(|w| w == c.meta().id)).collect();
                    if unit.len() != wanted.len() {
                        problems.push(format!(
                            "scope.csv: {} {} routes to {} but only {} hold that id",
                            route.peer,
                            route.case,
                            wanted.join("+"),
                            label(group)
                        ));
                        continue;
                    }
                    unit
                }
            };
            case_units.insert(label(&unit), unit);
        }
        for (name, unit) in case_units {
            units.entry(name.clone()).or_insert_with(|| unit.clone());
            let outcome = judge(case, &unit, &corpus.sources, &mut estates, &mut hits);
            rows.push(Row { peer: case.peer, case: case.name.clone(), unit: name, outcome });
        }
    }
    for r in routes.iter().filter(|r| !r.used) {
        problems.push(format!("scope.csv: the row {},{},{} matches no case (stale)", r.peer, r.id, r.case));
    }

    // Accepted disagreements.
    let listed = listed();
    let mut used_rows = vec![false; listed.len()];
    let mut unlisted: Vec<&Row> = Vec::new();
    let mut by_unit: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_peer: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut not_loadable: BTreeMap<(String, String), String> = BTreeMap::new();
    for row in &rows {
        let unit = by_unit.entry(row.unit.clone()).or_default();
        let peer = by_peer.entry(row.peer).or_default();
        match &row.outcome {
            Outcome::Agree => {
                unit.agree += 1;
                peer.agree += 1;
            }
            Outcome::Disagree { annexa, expected, .. } => {
                let hit = listed.iter().position(|l| {
                    l.peer == row.peer
                        && l.case == row.case
                        && l.check == row.unit
                        && l.annexa == Some(*annexa)
                        && l.expected == Some(*expected)
                });
                if let Some(i) = hit {
                    used_rows[i] = true;
                    unit.accepted += 1;
                    peer.accepted += 1;
                } else {
                    unit.unlisted += 1;
                    peer.unlisted += 1;
                    unlisted.push(row);
                }
            }
            Outcome::NotLoadable(why) => {
                unit.not_loadable += 1;
                peer.not_loadable += 1;
                not_loadable.insert((row.peer.to_owned(), row.case.clone()), why.clone());
            }
            Outcome::Skipped => {
                unit.skipped += 1;
                peer.skipped += 1;
            }
        }
    }
    for (peer, n) in &out_of_scope {
        by_peer.entry(peer).or_default().out_of_scope += n;
    }

    // The report.
    let mut out = String::new();
    writeln!(out, "\n== differential: annexa against its peers' ground truth ({})", root.display()).unwrap();
    writeln!(
        out,
        "agree% = agree / (agree + disagree), held to {} for units of {MIN_CASES} cases or more; accepted = disagreements \
         listed with their reason in differential/disagreements.csv; explained = (agree + accepted) / cases",
        pct(THRESHOLD)
    )
    .unwrap();
    writeln!(
        out,
        "\n{:<36} {:<58} {:>5} {:>5} {:>8} {:>8} {:>7} {:>9}  status",
        "check", "slug", "cases", "agree", "disagree", "accepted", "agree%", "explained"
    )
    .unwrap();
    let mut below = Vec::new();
    let mut known_below = Vec::new();
    for (name, unit) in &units {
        let t = &by_unit[name];
        let listed_below = BELOW_THRESHOLD.iter().find(|(u, _)| u == name);
        let status = if t.compared() < MIN_CASES {
            "too few cases".to_owned()
        } else if t.raw() < THRESHOLD {
            match listed_below {
                Some((_, reason)) => {
                    known_below.push(format!("{name}: {} over {} cases: {reason}", pct(t.raw()), t.compared()));
                    format!("BELOW {} (BELOW_THRESHOLD)", pct(THRESHOLD))
                }
                None => {
                    below.push(format!("{name}: {} raw agreement over {} cases", pct(t.raw()), t.compared()));
                    format!("BELOW {}", pct(THRESHOLD))
                }
            }
        } else {
            "ok".to_owned()
        };
        let extra = match (t.not_loadable, t.skipped) {
            (0, 0) => String::new(),
            (n, s) => format!(" ({n} not loadable, {s} peer skip/unknown)"),
        };
        writeln!(
            out,
            "{:<36} {:<58} {:>5} {:>5} {:>8} {:>8} {:>7} {:>9}  {status}{extra}",
            name,
            slugs(unit),
            t.compared(),
            t.agree,
            t.accepted + t.unlisted,
            t.accepted,
            pct(t.raw()),
            pct(t.explained())
        )
        .unwrap();
    }
    let silent: Vec<String> = checks
        .iter()
        .filter(|c| !units.values().any(|u| u.iter().any(|m| m.meta().id == c.meta().id)))
        .map(|c| format!("{} {}", c.meta().id, c.meta().slug))
        .collect();
    if !silent.is_empty() {
        writeln!(out, "\nchecks with aliases but no peer case in the corpora: {}", silent.join(", ")).unwrap();
    }

    writeln!(
        out,
        "\n{:<12} {:>8} {:>6} {:>8} {:>8} {:>8} {:>7} {:>12} {:>10} {:>12}",
        "peer",
        "compared",
        "agree",
        "disagree",
        "accepted",
        "unlisted",
        "agree%",
        "not loadable",
        "skip/unkn",
        "out of scope"
    )
    .unwrap();
    for (peer, t) in &by_peer {
        writeln!(
            out,
            "{:<12} {:>8} {:>6} {:>8} {:>8} {:>8} {:>7} {:>12} {:>10} {:>12}",
            peer,
            t.compared(),
            t.agree,
            t.accepted + t.unlisted,
            t.accepted,
            t.unlisted,
            pct(t.raw()),
            t.not_loadable,
            t.skipped,
            t.out_of_scope
        )
        .unwrap();
    }

    if !not_loadable.is_empty() {
        writeln!(out, "\nnot loadable by annexa ({} cases, not compared):", not_loadable.len()).unwrap();
        for ((peer, case), why) in &not_loadable {
            writeln!(out, "  {peer} {case}: {why}").unwrap();
        }
    }

    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for (l, used) in listed.iter().zip(&used_rows) {
        if *used {
            *reasons.entry(l.reason.as_str()).or_default() += 1;
        }
    }
    if !reasons.is_empty() {
        writeln!(out, "\naccepted disagreements by reason ({} rows):", used_rows.iter().filter(|u| **u).count())
            .unwrap();
        let mut reasons: Vec<(&str, usize)> = reasons.into_iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (reason, n) in reasons {
            writeln!(out, "  {n:>4}  {reason}").unwrap();
        }
    }

    let stale: Vec<&Listed> = listed.iter().zip(&used_rows).filter(|(_, u)| !**u).map(|(l, _)| l).collect();
    let mut failures = problems;
    if !unlisted.is_empty() {
        writeln!(out, "\nunlisted disagreements ({}), as rows for differential/disagreements.csv:", unlisted.len())
            .unwrap();
        for r in &unlisted {
            if let Outcome::Disagree { annexa, expected, fired } = &r.outcome {
                writeln!(
                    out,
                    "{},{},{},{},{},",
                    r.peer,
                    csv_field(&r.case),
                    r.unit,
                    annexa.as_str(),
                    expected.as_str()
                )
                .unwrap();
                for f in fired.iter().take(3) {
                    writeln!(out, "#   annexa: {f}").unwrap();
                }
            }
        }
        failures.push(format!("{} disagreement(s) not listed in differential/disagreements.csv", unlisted.len()));
    }
    for l in &stale {
        failures.push(format!(
            "disagreements.csv:{}: {} {} {} ({}) no longer disagrees as listed (stale)",
            l.line, l.peer, l.case, l.check, l.reason
        ));
    }
    for l in &listed {
        if l.annexa.is_none() || l.expected.is_none() || l.reason.is_empty() {
            failures.push(format!(
                "disagreements.csv:{}: annexa and peer_expected are pass|fail and a reason is given",
                l.line
            ));
        }
    }
    failures.extend(below);
    let mut seen = BTreeSet::new();
    for (name, _) in BELOW_THRESHOLD {
        if !seen.insert(*name) {
            failures.push(format!("BELOW_THRESHOLD names {name} twice"));
        }
        match by_unit.get(*name) {
            None => failures.push(format!("BELOW_THRESHOLD names {name}, which no case is compared with (stale)")),
            Some(t) if t.compared() < MIN_CASES || t.raw() >= THRESHOLD => failures.push(format!(
                "BELOW_THRESHOLD names {name}, which is no longer below the threshold ({} over {} cases): remove \
                 the entry (stale)",
                pct(t.raw()),
                t.compared()
            )),
            Some(_) => {}
        }
    }
    if !known_below.is_empty() {
        writeln!(
            out,
            "\n!!!!! {} unit(s) BELOW {} raw agreement, accepted only because BELOW_THRESHOLD in tests/differential.rs \
             names them (every disagreement is listed in differential/disagreements.csv):",
            known_below.len(),
            pct(THRESHOLD)
        )
        .unwrap();
        for line in &known_below {
            writeln!(out, "!!!!!   {line}").unwrap();
        }
    }
    println!("{out}");
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

/// Annexa's verdict on a case for a unit, against the peer's.
fn judge(
    case: &Case,
    unit: &[&'static dyn Check],
    sources: &[Source],
    estates: &mut HashMap<usize, Result<Estate, String>>,
    hits: &mut HashMap<(usize, &'static str), BTreeSet<Hit>>,
) -> Outcome {
    let Some(expected) = case.expected else { return Outcome::Skipped };
    let estate = match estates.entry(case.source).or_insert_with(|| load_source(&sources[case.source])) {
        Ok(e) => e,
        Err(why) => return Outcome::NotLoadable(why.clone()),
    };
    if let Some(s) = &case.subject {
        let found = estate
            .objects
            .iter()
            .any(|o| o.kind == s.kind && o.name == s.name && (s.namespace.is_none() || o.namespace == s.namespace));
        if !found {
            return Outcome::NotLoadable(format!("no {} `{}` among the objects annexa read", s.kind, s.name));
        }
    }
    let mut fired = Vec::new();
    for check in unit {
        let found = hits.entry((case.source, check.meta().id)).or_insert_with(|| {
            run(estate, &[*check])
                .into_iter()
                .map(|f| match f.resource {
                    Some(r) => Hit { kind: r.kind, namespace: r.namespace, name: r.name, message: f.message },
                    None => Hit {
                        kind: String::new(),
                        namespace: None,
                        name: f.location.file.to_string(),
                        message: f.message,
                    },
                })
                .collect()
        });
        let about = |h: &&Hit| match &case.subject {
            None => true,
            Some(s) => h.kind == s.kind && h.name == s.name && (s.namespace.is_none() || h.namespace == s.namespace),
        };
        fired.extend(found.iter().filter(about).map(|h| format!("{}: {}", check.meta().id, h.message)));
    }
    let annexa = if fired.is_empty() { Verdict::Pass } else { Verdict::Fail };
    if annexa == expected { Outcome::Agree } else { Outcome::Disagree { annexa, expected, fired } }
}
