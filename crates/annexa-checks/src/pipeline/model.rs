//! A flavour-neutral view of a CI pipeline (GitHub Actions workflow or GitLab CI file): its
//! jobs in file order and every step each job runs (actions, shell scripts, included
//! templates), plus the recognisers the pipeline checks share (what builds, what pushes, which
//! scanner, signer or SBOM generator a step runs).

use crate::Resource;
use annexa_load::span::child;
use annexa_load::{DocKind, Document, Location};
use annexa_load::{Map, Value};

/// Which CI system a pipeline is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// A GitHub Actions workflow.
    Github,
    /// A GitLab CI pipeline.
    Gitlab,
}

/// One job, where it is declared.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    /// Its key.
    pub(crate) name: String,
    /// Its pointer in the document.
    pub(crate) pointer: String,
}

/// What a step does.
#[derive(Clone, Debug)]
pub(crate) enum Act<'a> {
    /// `uses: owner/repo@ref` (or a reusable workflow): the action's name in lowercase without
    /// its ref, and its `with` inputs.
    Action { name: String, with: Option<&'a Map> },
    /// A shell script (`run:`, `script:` item).
    Script(String),
    /// A GitLab `include` (template, component, project or remote file), lowercased.
    Include(String),
}

/// One step of a job.
#[derive(Clone, Debug)]
pub(crate) struct Step<'a> {
    /// Index into [`Pipeline::jobs`], `None` for pipeline-wide entries (GitLab `include`).
    pub(crate) job: Option<usize>,
    /// Where the step's content is written (`.../run`, `.../uses`, `.../script/0`).
    pub(crate) pointer: String,
    /// What it does.
    pub(crate) act: Act<'a>,
}

/// A pipeline: its document, jobs in file order and steps in job order.
#[derive(Debug)]
pub(crate) struct Pipeline<'a> {
    /// The document.
    pub(crate) doc: &'a Document,
    /// GitHub or GitLab.
    pub(crate) flavor: Flavor,
    /// Jobs, in the order they are written.
    pub(crate) jobs: Vec<Job>,
    /// Steps, job by job, in the order they are written.
    pub(crate) steps: Vec<Step<'a>>,
}

/// Top-level GitLab keys that are not jobs.
const GITLAB_RESERVED: [&str; 11] = [
    "image",
    "services",
    "stages",
    "types",
    "before_script",
    "after_script",
    "variables",
    "cache",
    "include",
    "workflow",
    "spec",
];

impl<'a> Pipeline<'a> {
    /// Reads a GitHub workflow or GitLab pipeline document; `None` for any other document.
    pub(crate) fn read(doc: &'a Document) -> Option<Pipeline<'a>> {
        let root = doc.value.as_object()?;
        let flavor = match doc.kind {
            DocKind::GithubWorkflow => Flavor::Github,
            DocKind::GitlabCi => Flavor::Gitlab,
            _ => return None,
        };
        let mut p = Pipeline { doc, flavor, jobs: Vec::new(), steps: Vec::new() };
        match flavor {
            Flavor::Github => p.read_github(root),
            Flavor::Gitlab => p.read_gitlab(root),
        }
        Some(p)
    }

    fn line(&self, pointer: &str) -> u32 {
        self.doc.spans.get(pointer).map_or(u32::MAX, |s| s.anchor().line)
    }

    /// Jobs sorted by where they are written (the value's keys come back sorted by name).
    fn ordered<'m>(&self, jobs: &'m Map, base: &str) -> Vec<(&'m String, &'m Value, String)> {
        let mut list: Vec<(&String, &Value, String)> = jobs.iter().map(|(k, v)| (k, v, child(base, k))).collect();
        list.sort_by_key(|(_, _, p)| self.line(p));
        list
    }

    fn read_github(&mut self, root: &'a Map) {
        let Some(jobs) = root.get("jobs").and_then(Value::as_object) else { return };
        for (name, job, pointer) in self.ordered(jobs, "/jobs") {
            let index = self.jobs.len();
            self.jobs.push(Job { name: name.clone(), pointer: pointer.clone() });
            let Some(job) = job.as_object() else { continue };
            if let Some(uses) = job.get("uses").and_then(Value::as_str) {
                let with = job.get("with").and_then(Value::as_object);
                self.push_uses(index, child(&pointer, "uses"), uses, with);
            }
            let steps_pointer = child(&pointer, "steps");
            let Some(steps) = job.get("steps").and_then(Value::as_array) else { continue };
            for (i, step) in steps.iter().enumerate() {
                let Some(step) = step.as_object() else { continue };
                let sp = child(&steps_pointer, &i.to_string());
                if let Some(uses) = step.get("uses").and_then(Value::as_str) {
                    let with = step.get("with").and_then(Value::as_object);
                    self.push_uses(index, child(&sp, "uses"), uses, with);
                }
                if let Some(run) = step.get("run").and_then(Value::as_str) {
                    self.steps.push(Step {
                        job: Some(index),
                        pointer: child(&sp, "run"),
                        act: Act::Script(run.to_owned()),
                    });
                }
            }
        }
    }

    fn push_uses(&mut self, job: usize, pointer: String, uses: &str, with: Option<&'a Map>) {
        let uses = uses.trim();
        if let Some(image) = uses.strip_prefix("docker://") {
            // A container action: the image's entrypoint runs with `with.args`.
            let args = with.and_then(|w| w.get("args")).and_then(Value::as_str).unwrap_or_default();
            let script = format!("{} {args}", image_basename(image));
            self.steps.push(Step { job: Some(job), pointer: pointer.clone(), act: Act::Script(script) });
        }
        let name = uses.split('@').next().unwrap_or(uses).to_ascii_lowercase();
        self.steps.push(Step { job: Some(job), pointer, act: Act::Action { name, with } });
    }

    fn read_gitlab(&mut self, root: &'a Map) {
        let base = String::new();
        for (name, job, pointer) in self.ordered(root, &base) {
            if name == "include" {
                self.read_includes(job, &pointer);
                continue;
            }
            if GITLAB_RESERVED.contains(&name.as_str()) {
                continue;
            }
            let Some(job) = job.as_object() else { continue };
            let is_job = ["script", "before_script", "after_script", "trigger", "extends", "stage", "image"]
                .iter()
                .any(|k| job.contains_key(k));
            if !is_job {
                continue;
            }
            let index = self.jobs.len();
            self.jobs.push(Job { name: name.clone(), pointer: pointer.clone() });
            for field in ["before_script", "script", "after_script"] {
                let fp = child(&pointer, field);
                match job.get(field) {
                    Some(Value::String(s)) => {
                        self.steps.push(Step { job: Some(index), pointer: fp, act: Act::Script(s.clone()) });
                    }
                    Some(Value::Array(items)) => {
                        for (i, item) in items.iter().enumerate() {
                            let ip = child(&fp, &i.to_string());
                            let text = match item {
                                Value::String(s) => s.clone(),
                                // `!reference` and nested lists: the strings inside, one per line.
                                Value::Array(inner) => {
                                    inner.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n")
                                }
                                _ => continue,
                            };
                            self.steps.push(Step { job: Some(index), pointer: ip, act: Act::Script(text) });
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn read_includes(&mut self, include: &Value, pointer: &str) {
        let items: Vec<(String, &Value)> = match include {
            Value::Array(items) => items.iter().enumerate().map(|(i, v)| (child(pointer, &i.to_string()), v)).collect(),
            other => vec![(pointer.to_owned(), other)],
        };
        for (p, item) in items {
            let text = match item {
                Value::String(s) => s.clone(),
                Value::Object(m) => ["template", "component", "project", "remote", "local", "file"]
                    .iter()
                    .filter_map(|k| m.get(k))
                    .flat_map(|v| match v {
                        Value::String(s) => vec![s.clone()],
                        Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                        _ => Vec::new(),
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => continue,
            };
            self.steps.push(Step { job: None, pointer: p, act: Act::Include(text.to_ascii_lowercase()) });
        }
    }

    /// What findings about this pipeline are about: the workflow or pipeline file.
    pub(crate) fn resource(&self) -> Resource {
        let kind = match self.flavor {
            Flavor::Github => "workflow",
            Flavor::Gitlab => "pipeline",
        };
        Resource { kind: kind.to_owned(), namespace: None, name: self.doc.file.to_string(), container: None }
    }

    /// `workflow` or `pipeline`, for messages.
    pub(crate) fn noun(&self) -> &'static str {
        match self.flavor {
            Flavor::Github => "workflow",
            Flavor::Gitlab => "pipeline",
        }
    }

    /// The job's name, or `pipeline` for pipeline-wide steps.
    pub(crate) fn job_name(&self, job: Option<usize>) -> &str {
        job.and_then(|j| self.jobs.get(j)).map_or("(pipeline)", |j| j.name.as_str())
    }

    /// Where a job is declared (the pipeline's root for pipeline-wide steps).
    pub(crate) fn job_pointer(&self, job: Option<usize>) -> String {
        job.and_then(|j| self.jobs.get(j)).map_or_else(String::new, |j| j.pointer.clone())
    }

    /// The first step (in job order) for which `f` says something, with what it said.
    pub(crate) fn first<F: Fn(&Step<'_>) -> Option<String>>(&self, f: F) -> Option<(&Step<'a>, String)> {
        self.steps.iter().find_map(|s| f(s).map(|d| (s, d)))
    }

    /// Whether any step satisfies `f`.
    pub(crate) fn any<F: Fn(&Step<'_>) -> bool>(&self, f: F) -> bool {
        self.steps.iter().any(f)
    }
}

/// Reports a pipeline that does something (`trigger`) without any step doing what should go
/// with it (`present`): once per file, at the first job that does it.
pub(crate) fn report_missing<T, P>(
    doc: &Document,
    meta: &'static crate::CheckMeta,
    trigger: T,
    present: P,
    what: &str,
    out: &mut crate::Findings,
) where
    T: Fn(&Step<'_>) -> Option<String>,
    P: Fn(&Step<'_>) -> bool,
{
    let Some(p) = Pipeline::read(doc) else { return };
    let Some((step, did)) = p.first(trigger) else { return };
    if p.any(present) {
        return;
    }
    let job = step.job;
    out.at(
        meta,
        doc.locate(&p.job_pointer(job)),
        Some(p.resource()),
        format!("job `{}` runs `{did}`, but no step of the {} {what}", p.job_name(job), p.noun()),
    );
}

/// Where line `k` (0-based) of the string at `pointer` is written. Literal block scalars
/// (`run: |`) keep one source line per text line, and the recorded position is that of the first
/// non-empty content line; anything else is reported on the value's first line.
pub(crate) fn text_line(doc: &Document, pointer: &str, text: &str, k: usize) -> Location {
    let mut at = doc.locate(pointer);
    let Some(span) = doc.spans.get(pointer) else { return at };
    let leading = text.lines().take_while(|l| l.trim().is_empty()).count();
    let line = if text.trim_end().contains('\n') && k >= leading {
        span.value.line.saturating_add(u32::try_from(k - leading).unwrap_or(0))
    } else {
        span.value.line
    };
    if line != at.line {
        at.line = line;
        at.col = span.value.col;
    }
    at
}

/// The last path segment of an image or program reference, without tag or digest.
pub(crate) fn image_basename(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let last = last.split('@').next().unwrap_or(last);
    last.split(':').next().unwrap_or(last).to_ascii_lowercase()
}

/// A script's logical lines: `(index of the first physical line, text)`, with backslash
/// continuations joined.
pub(crate) fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let (start, mut acc) = open.take().unwrap_or((i, String::new()));
        let trimmed = line.trim_end();
        if let Some(head) = trimmed.strip_suffix('\\') {
            acc.push_str(head);
            acc.push(' ');
            open = Some((start, acc));
        } else {
            acc.push_str(trimmed);
            out.push((start, acc));
        }
    }
    if let Some(rest) = open {
        out.push(rest);
    }
    out
}

/// The simple commands of a line (split at `&&`, `||`, `;`, `|`, parentheses and backticks),
/// each as lowercase words with quotes stripped and programs reduced to their base name.
pub(crate) fn commands(line: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let separated: String =
        line.chars().map(|c| if matches!(c, '&' | '|' | ';' | '(' | ')' | '`') { '\n' } else { c }).collect();
    for segment in separated.split('\n') {
        let words: Vec<String> = segment
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        if !words.is_empty() {
            out.push(words);
        }
    }
    out
}

/// Whether a command runs `program` then the given sub-commands (flags in between skipped);
/// the program matches on its base name (`/kaniko/executor` is `executor`).
fn runs(words: &[String], seq: &[&str]) -> bool {
    let Some((program, subs)) = seq.split_first() else { return false };
    words.iter().enumerate().any(|(i, w)| {
        if image_basename(w) != *program && w != program {
            return false;
        }
        let mut rest = words.iter().skip(i + 1).filter(|w| !w.starts_with('-'));
        subs.iter().all(|s| rest.next().is_some_and(|w| w == s))
    })
}

/// The first of `patterns` some command of `script` runs, as it should be shown.
fn script_runs(script: &str, patterns: &[&[&str]]) -> Option<String> {
    for (_, line) in logical_lines(script) {
        for words in commands(&line) {
            if let Some(p) = patterns.iter().find(|p| runs(&words, p)) {
                return Some(p.join(" "));
            }
        }
    }
    None
}

/// Whether some command of `script` has a word for which `f` holds.
fn script_has_word<F: Fn(&str) -> bool>(script: &str, f: F) -> bool {
    logical_lines(script).iter().any(|(_, line)| commands(line).iter().flatten().any(|w| f(w)))
}

/// A `with` input as lowercase text (booleans and numbers included).
pub(crate) fn input(with: Option<&Map>, key: &str) -> Option<String> {
    match with?.get(key)? {
        Value::String(s) => Some(s.trim().to_ascii_lowercase()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn action_is(name: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| name == *p || name.starts_with(&format!("{p}/")))
}

/// Subcommands of `trivy` and the flags that change what it scans.
struct TrivyRun {
    subcommand: String,
    scanners: Option<String>,
    format: Option<String>,
}

fn trivy_runs(script: &str) -> Vec<TrivyRun> {
    const SUBCOMMANDS: [&str; 12] =
        ["image", "i", "fs", "filesystem", "repo", "repository", "rootfs", "config", "conf", "k8s", "sbom", "vm"];
    let mut out = Vec::new();
    for (_, line) in logical_lines(script) {
        for words in commands(&line) {
            let Some(start) = words.iter().position(|w| image_basename(w) == "trivy") else { continue };
            let rest = words.get(start + 1..).unwrap_or_default();
            let subcommand = rest.iter().find(|w| SUBCOMMANDS.contains(&w.as_str())).cloned().unwrap_or_default();
            let flag = |names: &[&str]| -> Option<String> {
                rest.iter().enumerate().find_map(|(i, w)| {
                    names.iter().find_map(|n| {
                        if w == n {
                            rest.get(i + 1).cloned()
                        } else {
                            w.strip_prefix(&format!("{n}=")).map(str::to_owned)
                        }
                    })
                })
            };
            out.push(TrivyRun {
                subcommand,
                scanners: flag(&["--scanners", "--security-checks"]),
                format: flag(&["--format", "-f"]),
            });
        }
    }
    out
}

/// What a run of Trivy scans for: dependencies, images, secrets or misconfiguration.
fn trivy_scans(subcommand: &str, scanners: Option<&str>, kind: Scan) -> bool {
    let listed = |s: &str| scanners.is_some_and(|list| list.split(',').any(|x| x.trim() == s));
    let filesystem = matches!(subcommand, "fs" | "filesystem" | "repo" | "repository" | "rootfs");
    match kind {
        Scan::Dependencies => filesystem && (scanners.is_none() || listed("vuln")),
        Scan::Image => matches!(subcommand, "image" | "i") && (scanners.is_none() || listed("vuln")),
        // `trivy fs` and `trivy repo` look for secrets unless told otherwise.
        Scan::Secrets => filesystem && scanners.is_none() || listed("secret"),
        Scan::Iac => matches!(subcommand, "config" | "conf") || listed("misconfig") || listed("config"),
    }
}

/// The kinds of scanner the pipeline checks look for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// Known vulnerabilities in dependencies.
    Dependencies,
    /// Known vulnerabilities in container images.
    Image,
    /// Credentials committed to the repository.
    Secrets,
    /// Misconfiguration in infrastructure as code.
    Iac,
}

/// Whether a step runs a scanner of this kind.
pub(crate) fn scans(step: &Step<'_>, kind: Scan) -> bool {
    match &step.act {
        Act::Script(script) => {
            let programs: &[&[&str]] = match kind {
                Scan::Dependencies => &[
                    &["grype"],
                    &["osv-scanner"],
                    &["snyk", "test"],
                    &["npm", "audit"],
                    &["yarn", "audit"],
                    &["yarn", "npm", "audit"],
                    &["pnpm", "audit"],
                    &["pip-audit"],
                    &["cargo", "audit"],
                    &["cargo", "deny"],
                    &["cargo-audit"],
                    &["govulncheck"],
                    &["bundle", "audit"],
                    &["bundler-audit"],
                    &["safety", "check"],
                    &["safety", "scan"],
                    &["composer", "audit"],
                ],
                Scan::Image => {
                    &[&["grype"], &["docker", "scout"], &["snyk", "container"], &["clair-scanner"], &["clairctl"]]
                }
                Scan::Secrets => &[&["gitleaks"], &["trufflehog"], &["detect-secrets"], &["ggshield"]],
                Scan::Iac => &[
                    &["checkov"],
                    &["kics"],
                    &["tfsec"],
                    &["kubescape"],
                    &["kube-linter"],
                    &["conftest"],
                    &["annexa"],
                    &["terrascan"],
                    &["kube-score"],
                    &["polaris", "audit"],
                ],
            };
            script_runs(script, programs).is_some()
                || trivy_runs(script).iter().any(|t| trivy_scans(&t.subcommand, t.scanners.as_deref(), kind))
                || kind == Scan::Dependencies && script_has_word(script, |w| w.contains("dependency-check"))
        }
        Act::Action { name, with } => {
            let n = name.as_str();
            if action_is(n, &["aquasecurity/trivy-action"]) {
                let scan_type = input(*with, "scan-type").unwrap_or_else(|| "image".to_owned());
                let scanners = input(*with, "scanners").or_else(|| input(*with, "security-checks"));
                // The action's default scanners are `vuln,secret`.
                let scanners = scanners.unwrap_or_else(|| "vuln,secret".to_owned());
                // Secrets inside an image are not secrets committed to the repository.
                let image = matches!(scan_type.as_str(), "image" | "i");
                return !(kind == Scan::Secrets && image) && trivy_scans(&scan_type, Some(&scanners), kind);
            }
            if action_is(n, &["anchore/scan-action"]) {
                let path = input(*with, "path").is_some() || input(*with, "sbom").is_some();
                return match kind {
                    Scan::Dependencies => path,
                    Scan::Image => !path,
                    _ => false,
                };
            }
            let names: &[&str] = match kind {
                Scan::Dependencies => &[
                    "actions/dependency-review-action",
                    "google/osv-scanner-action",
                    "pypa/gh-action-pip-audit",
                    "rustsec/audit-check",
                    "actions-rs/audit-check",
                    "dependency-check/dependency-check_action",
                    "golang/govulncheck-action",
                    "embarkstudios/cargo-deny-action",
                ],
                Scan::Image => &[
                    "docker/scout-action",
                    "snyk/actions/docker",
                    "crazy-max/ghaction-container-scan",
                    "azure/container-scan",
                ],
                Scan::Secrets => &[
                    "gitleaks/gitleaks-action",
                    "trufflesecurity/trufflehog",
                    "gitguardian/ggshield-action",
                    "gitguardian/ggshield",
                ],
                Scan::Iac => &[
                    "bridgecrewio/checkov-action",
                    "checkmarx/kics-github-action",
                    "aquasecurity/tfsec-action",
                    "aquasecurity/tfsec-sarif-action",
                    "kubescape/github-action",
                    "stackrox/kube-linter-action",
                    "instrumenta/conftest-action",
                    "tenable/terrascan-action",
                ],
            };
            action_is(n, names)
                || kind == Scan::Dependencies && n.starts_with("snyk/actions/") && !n.starts_with("snyk/actions/docker")
                || kind == Scan::Iac && n.contains("annexa")
        }
        Act::Include(text) => {
            let markers: &[&str] = match kind {
                Scan::Dependencies => &["dependency-scanning"],
                Scan::Image => &["container-scanning"],
                Scan::Secrets => &["secret-detection"],
                Scan::Iac => &["sast-iac"],
            };
            markers.iter().any(|m| text.contains(m))
        }
    }
}

/// Container image builds a step runs, as shown in messages.
pub(crate) fn builds_image(step: &Step<'_>) -> Option<String> {
    match &step.act {
        Act::Script(s) => script_runs(
            s,
            &[
                &["docker", "build"],
                &["docker", "buildx", "build"],
                &["docker", "buildx", "bake"],
                &["docker", "image", "build"],
                &["docker", "compose", "build"],
                &["docker-compose", "build"],
                &["podman", "build"],
                &["buildah", "bud"],
                &["buildah", "build"],
                &["nerdctl", "build"],
                &["executor"],
                &["kaniko"],
                &["ko", "build"],
                &["ko", "publish"],
                &["pack", "build"],
            ],
        )
        .or_else(|| script_has_word(s, |w| w.contains("jib:build") || w == "jib").then(|| "jib".to_owned())),
        Act::Action { name, .. } => action_is(
            name,
            &[
                "docker/build-push-action",
                "docker/bake-action",
                "redhat-actions/buildah-build",
                "int128/kaniko-action",
                "aevea/action-kaniko",
                "mr-smithers-excellent/docker-build-push",
                "elgohr/publish-docker-github-action",
            ],
        )
        .then(|| name.clone()),
        Act::Include(_) => None,
    }
}

/// Container image pushes a step runs, as shown in messages.
pub(crate) fn pushes_image(step: &Step<'_>) -> Option<String> {
    match &step.act {
        Act::Script(s) => script_runs(
            s,
            &[
                &["docker", "push"],
                &["docker", "image", "push"],
                &["docker", "compose", "push"],
                &["docker-compose", "push"],
                &["podman", "push"],
                &["buildah", "push"],
                &["nerdctl", "push"],
                &["crane", "push"],
                &["crane", "copy"],
                &["skopeo", "copy"],
                &["ko", "build"],
                &["ko", "publish"],
            ],
        )
        .or_else(|| {
            logical_lines(s).into_iter().find_map(|(_, line)| {
                commands(&line).into_iter().find_map(|words| {
                    let buildx =
                        runs(&words, &["docker", "buildx", "build"]) || runs(&words, &["docker", "buildx", "bake"]);
                    let kaniko = runs(&words, &["executor"]) && !words.iter().any(|w| w == "--no-push");
                    let pushes = words.iter().any(|w| w == "--push" || w.contains("type=registry"));
                    if buildx && pushes {
                        Some("docker buildx build --push".to_owned())
                    } else if kaniko {
                        Some("kaniko executor".to_owned())
                    } else {
                        None
                    }
                })
            })
        })
        .or_else(|| script_has_word(s, |w| w.contains("jib:build")).then(|| "jib:build".to_owned())),
        Act::Action { name, with } => {
            let n = name.as_str();
            if action_is(n, &["docker/build-push-action", "docker/bake-action"]) {
                // `push` defaults to false; an expression may well be true.
                let push = input(*with, "push").is_some_and(|p| p != "false");
                return push.then(|| name.clone());
            }
            action_is(
                n,
                &[
                    "redhat-actions/push-to-registry",
                    "int128/kaniko-action",
                    "aevea/action-kaniko",
                    "mr-smithers-excellent/docker-build-push",
                    "elgohr/publish-docker-github-action",
                ],
            )
            .then(|| name.clone())
        }
        Act::Include(_) => None,
    }
}

/// Source builds and dependency installs a step runs, as shown in messages.
pub(crate) fn builds_code(step: &Step<'_>) -> Option<String> {
    match &step.act {
        Act::Script(s) => script_runs(
            s,
            &[
                &["npm", "ci"],
                &["npm", "install"],
                &["npm", "i"],
                &["npm", "run", "build"],
                &["yarn", "install"],
                &["yarn", "build"],
                &["pnpm", "install"],
                &["pnpm", "i"],
                &["go", "build"],
                &["cargo", "build"],
                &["mvn"],
                &["mvnw"],
                &["gradle"],
                &["gradlew"],
                &["pip", "install"],
                &["pip3", "install"],
                &["poetry", "install"],
                &["poetry", "build"],
                &["uv", "sync"],
                &["dotnet", "build"],
                &["dotnet", "publish"],
                &["bundle", "install"],
                &["composer", "install"],
                &["bazel", "build"],
                &["goreleaser"],
            ],
        ),
        Act::Action { .. } | Act::Include(_) => None,
    }
}

/// Releases a step publishes (packages, GitHub releases), as shown in messages.
pub(crate) fn releases(step: &Step<'_>) -> Option<String> {
    match &step.act {
        Act::Script(s) => script_runs(
            s,
            &[
                &["goreleaser"],
                &["gh", "release", "create"],
                &["npm", "publish"],
                &["yarn", "publish"],
                &["pnpm", "publish"],
                &["cargo", "publish"],
                &["twine", "upload"],
                &["poetry", "publish"],
                &["mvn", "deploy"],
                &["gradle", "publish"],
                &["gradlew", "publish"],
                &["dotnet", "nuget", "push"],
            ],
        ),
        Act::Action { name, .. } => action_is(
            name,
            &[
                "softprops/action-gh-release",
                "actions/create-release",
                "goreleaser/goreleaser-action",
                "ncipollo/release-action",
                "pypa/gh-action-pypi-publish",
                "js-devtools/npm-publish",
            ],
        )
        .then(|| name.clone()),
        Act::Include(_) => None,
    }
}

/// Anything a step builds, pushes or publishes.
pub(crate) fn delivers(step: &Step<'_>) -> Option<String> {
    builds_image(step).or_else(|| pushes_image(step)).or_else(|| builds_code(step)).or_else(|| releases(step))
}

/// Whether a step signs an image or a signed attestation about it.
pub(crate) fn signs(step: &Step<'_>) -> bool {
    match &step.act {
        Act::Script(s) => script_runs(
            s,
            &[&["cosign", "sign"], &["cosign", "attest"], &["notation", "sign"], &["docker", "trust", "sign"]],
        )
        .is_some(),
        Act::Action { name, .. } => action_is(
            name,
            &[
                "notaryproject/notation-action/sign",
                "actions/attest-build-provenance",
                "slsa-framework/slsa-github-generator",
            ],
        ),
        Act::Include(_) => false,
    }
}

/// Whether a step generates a software bill of materials.
pub(crate) fn makes_sbom(step: &Step<'_>) -> bool {
    match &step.act {
        Act::Script(s) => {
            script_runs(
                s,
                &[
                    &["syft"],
                    &["cdxgen"],
                    &["docker", "sbom"],
                    &["docker", "scout", "sbom"],
                    &["sbom-tool"],
                    &["bom", "generate"],
                    &["spdx-sbom-generator"],
                ],
            )
            .is_some()
                || script_has_word(s, |w| {
                    w.starts_with("cyclonedx") || w.starts_with("@cyclonedx/") || w.starts_with("--sbom")
                })
                || trivy_runs(s).iter().any(|t| t.format.as_deref().is_some_and(is_sbom_format))
        }
        Act::Action { name, with } => {
            let n = name.as_str();
            action_is(n, &["anchore/sbom-action", "actions/attest-sbom", "microsoft/sbom-tool"])
                || n.contains("cyclonedx")
                || action_is(n, &["aquasecurity/trivy-action"])
                    && input(*with, "format").is_some_and(|f| is_sbom_format(&f))
                || input(*with, "sbom").is_some_and(|v| v == "true")
        }
        Act::Include(_) => false,
    }
}

fn is_sbom_format(format: &str) -> bool {
    matches!(format, "cyclonedx" | "spdx" | "spdx-json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_and_normalise() {
        let c = commands("echo \"$X\" | docker login -u a --password-stdin && /kaniko/executor --context .");
        assert_eq!(c.len(), 3);
        assert!(runs(&c[1], &["docker", "login"]));
        assert!(runs(&c[2], &["executor"]));
        assert!(!runs(&c[0], &["docker", "login"]));
    }

    #[test]
    fn continuations_join() {
        let l = logical_lines("docker buildx build \\\n  --push \\\n  .\necho done");
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].0, 3);
        assert!(l[0].1.contains("--push"));
    }

    #[test]
    fn trivy_flags() {
        let t = trivy_runs("trivy --quiet fs --scanners secret,vuln .");
        assert_eq!(t.len(), 1);
        assert!(trivy_scans(&t[0].subcommand, t[0].scanners.as_deref(), Scan::Secrets));
        assert!(trivy_scans(&t[0].subcommand, t[0].scanners.as_deref(), Scan::Dependencies));
        assert!(!trivy_scans("image", None, Scan::Secrets));
        assert!(trivy_scans("config", None, Scan::Iac));
    }
}
