//! A whole run's reading: walk the paths, read every file in parallel, and gather objects,
//! documents, Dockerfiles, diagnostics and counts in a deterministic order.

use crate::detect::{DocKind, Reader, classify, is_kustomization_name, reader};
use crate::diag::{Code, Diagnostic, Stats};
use crate::dockerfile::{self, Dockerfile};
use crate::k8s::{self, Object, Workload};
use crate::read::{NotText, decode};
use crate::span::{Pos, SpanIndex};
use crate::tree::Value;
use crate::yaml::{self, Limits};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How to read.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Files larger than this many bytes are skipped with a diagnostic.
    pub max_file_size: u64,
    /// Bounds on each YAML document.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Options {
        Options { max_file_size: 10 * 1024 * 1024, limits: Limits::default() }
    }
}

/// What to read: a path (file or directory) or standard input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file or a directory to walk.
    Path(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
}

impl Input {
    /// `-` is standard input, anything else a path.
    pub fn parse(s: &str) -> Input {
        if s == "-" { Input::Stdin } else { Input::Path(PathBuf::from(s)) }
    }
}

/// A YAML or JSON document that is not a Kubernetes object.
#[derive(Clone, Debug)]
pub struct Document {
    /// The file.
    pub file: Arc<str>,
    /// Its position in the file's stream.
    pub index: usize,
    /// What it is.
    pub kind: DocKind,
    /// Its value.
    pub value: Value,
    /// Positions of its nodes.
    pub spans: Arc<SpanIndex>,
}

impl Document {
    /// Where the value at `pointer` is written.
    pub fn locate(&self, pointer: &str) -> k8s::Location {
        let pos = self.spans.locate(pointer).unwrap_or(Pos { line: 1, col: 1 });
        k8s::Location { file: self.file.clone(), line: pos.line, col: pos.col, pointer: pointer.to_owned() }
    }
}

/// What became of one file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileReport {
    /// The file, as the user named it.
    pub path: Arc<str>,
    /// `parsed`, `failed` or `skipped`.
    pub outcome: &'static str,
    /// Why it was skipped or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The kinds of document it held.
    pub kinds: Vec<DocKind>,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Estate {
    /// Every file seen, in path order.
    pub files: Vec<FileReport>,
    /// Kubernetes objects, in file and document order.
    pub objects: Vec<Object>,
    /// The workloads among them, with effective security settings.
    pub workloads: Vec<Workload>,
    /// Other YAML and JSON documents (compose, pipelines, OpenAPI, SBOMs, reports...).
    pub documents: Vec<Document>,
    /// Dockerfiles.
    pub dockerfiles: Vec<Dockerfile>,
    /// Every problem found, in file and line order.
    pub diagnostics: Vec<Diagnostic>,
    /// The counts.
    pub stats: Stats,
}

impl Estate {
    /// Documents of one kind.
    pub fn documents_of(&self, kind: DocKind) -> impl Iterator<Item = &Document> {
        self.documents.iter().filter(move |d| d.kind == kind)
    }
}

/// What reading one file produced.
#[derive(Default)]
pub(crate) struct FileResult {
    pub(crate) objects: Vec<Object>,
    pub(crate) documents: Vec<Document>,
    pub(crate) dockerfile: Option<Dockerfile>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) kinds: BTreeSet<DocKind>,
    pub(crate) failed: Option<String>,
    pub(crate) skipped: Option<String>,
    pub(crate) documents_read: usize,
}

/// Reads one in-memory file (an admission request, a fuzz input, a test): the same detection,
/// parsing and diagnostics as a file on disk, without touching the file system.
pub fn load_bytes(name: &str, bytes: &[u8], options: &Options) -> Estate {
    let name: Arc<str> = Arc::from(name);
    let mut result = FileResult::default();
    if bytes.len() as u64 > options.max_file_size {
        result.diagnostics.push(
            Diagnostic::warning(
                Code::TooLarge,
                Pos { line: 1, col: 1 },
                format!("input is over the {} byte limit; skipped", options.max_file_size),
            )
            .in_file(&name),
        );
        result.skipped = Some("over the size limit".to_owned());
    } else {
        match decode(bytes.to_vec()) {
            Ok(text) => {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let mut r = FileResult::default();
                    read_text(&name, &text, options, &mut r);
                    r
                }));
                match outcome {
                    Ok(r) => result = r,
                    Err(_) => {
                        result.diagnostics.push(internal_failure(&name));
                        result.failed = Some("internal parser failure".to_owned());
                    }
                }
            }
            Err(NotText::Binary) => result.skipped = Some("binary".to_owned()),
            Err(NotText::Encoding(d)) => {
                result.diagnostics.push(d.in_file(&name));
                result.failed = Some("not UTF-8 or UTF-16".to_owned());
            }
        }
    }
    assemble(Vec::new(), vec![(name, result)], FileResult::default())
}

fn internal_failure(name: &str) -> Diagnostic {
    Diagnostic::error(
        Code::Internal,
        Pos { line: 1, col: 1 },
        "the parser failed unexpectedly on this file; it is skipped".to_owned(),
    )
    .with_help("please report this file to annexa's maintainers")
    .in_file(name)
}

/// Reads everything the inputs name. Never fails: problems are diagnostics.
pub fn load(inputs: &[Input], options: &Options) -> Estate {
    let mut diagnostics = Vec::new();
    let mut files: Vec<(Arc<str>, Option<PathBuf>)> = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => files.push((Arc::from("-"), None)),
            Input::Path(p) => walk(p, &mut files, &mut diagnostics),
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);

    let names: Vec<&str> = files.iter().map(|(n, _)| &**n).collect();
    let charts = helm_charts(&names);
    let kustomize_dirs = crate::kustomize::directories(&names);

    // Kustomizations are rendered first: the files they reach belong to them.
    let mut rendered = FileResult::default();
    let mut kustomizer = crate::kustomize::Kustomizer::new(options);
    kustomizer.render_roots(&kustomize_dirs, &mut rendered);
    let consumed = std::mem::take(&mut kustomizer.consumed);

    let outcomes: Vec<(Arc<str>, FileResult)> = files
        .par_iter()
        .map(|(name, path)| {
            let mut result = FileResult::default();
            if let Some(chart) = charts.iter().find(|c| within(name, c)) {
                result.skipped = Some(format!("part of the unrendered Helm chart `{chart}`"));
            } else if consumed.contains(&**name) {
                result.kinds.insert(if is_kustomization_name(name) {
                    DocKind::Kustomization
                } else {
                    DocKind::Kubernetes
                });
            } else if let Some(dir) = kustomize_dirs.iter().find(|d| parent(name) == d.as_str()) {
                if is_kustomization_name(name) {
                    result.kinds.insert(DocKind::Kustomization);
                } else {
                    result.skipped = Some(format!("not referenced by the kustomization in `{dir}`"));
                }
            } else {
                read_file(name, path.as_deref(), options, &mut result);
            }
            (name.clone(), result)
        })
        .collect();

    for chart in &charts {
        diagnostics.push(
            Diagnostic::warning(Code::HelmUnrendered, Pos { line: 1, col: 1 }, format!("Helm chart `{chart}` is not rendered; its templates are not scanned"))
                .with_help(format!("render it and scan the output: `helm template RELEASE {chart} > rendered.yaml && annexa scan rendered.yaml`"))
                .in_file(&format!("{chart}/Chart.yaml")),
        );
    }
    assemble(diagnostics, outcomes, rendered)
}

/// Puts the per-file results together in a deterministic order and builds the workload view.
fn assemble(diagnostics: Vec<Diagnostic>, outcomes: Vec<(Arc<str>, FileResult)>, rendered: FileResult) -> Estate {
    let mut estate = Estate { diagnostics, ..Estate::default() };
    estate.stats.seen = outcomes.len();
    for (name, result) in outcomes {
        let outcome = if let Some(reason) = &result.skipped {
            estate.stats.skip(skip_reason(reason));
            "skipped"
        } else if result.failed.is_some() {
            estate.stats.recognised += 1;
            estate.stats.failed += 1;
            "failed"
        } else {
            estate.stats.recognised += 1;
            estate.stats.parsed += 1;
            "parsed"
        };
        estate.stats.documents += result.documents_read;
        estate.files.push(FileReport {
            path: name,
            outcome,
            reason: result.skipped.clone().or(result.failed.clone()),
            kinds: result.kinds.iter().copied().collect(),
        });
        estate.objects.extend(result.objects);
        estate.documents.extend(result.documents);
        estate.dockerfiles.extend(result.dockerfile);
        estate.diagnostics.extend(result.diagnostics);
    }
    estate.stats.documents += rendered.documents_read;
    estate.objects.extend(rendered.objects);
    estate.diagnostics.extend(rendered.diagnostics);
    estate.objects.sort_by(|a, b| (&a.file, a.doc, &a.base).cmp(&(&b.file, b.doc, &b.base)));
    estate.stats.objects = estate.objects.len();
    // Each workload's view is worked out on its own, so on every core.
    let views: Vec<(Option<Workload>, Vec<Diagnostic>)> = estate
        .objects
        .par_iter()
        .enumerate()
        .map(|(i, o)| {
            let mut diags = Vec::new();
            (k8s::workload(i, o, &mut diags), diags)
        })
        .collect();
    for (workload, diags) in views {
        estate.workloads.extend(workload);
        estate.diagnostics.extend(diags);
    }
    estate.diagnostics.sort_by(|a, b| (&a.file, a.pos, a.code).cmp(&(&b.file, b.pos, b.code)));
    estate.diagnostics.dedup();
    estate
}

/// The short reason a skipped file is counted under.
fn skip_reason(reason: &str) -> &str {
    if reason.starts_with("part of the unrendered Helm chart") {
        "unrendered Helm chart"
    } else if reason.starts_with("not referenced by the kustomization") {
        "not referenced by its kustomization"
    } else {
        reason
    }
}

fn parent(name: &str) -> &str {
    name.rfind('/').map_or(".", |i| &name[..i])
}

fn within(name: &str, dir: &str) -> bool {
    name.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// Directories holding a `Chart.yaml`: Helm charts whose templates cannot be read unrendered.
fn helm_charts(names: &[&str]) -> Vec<String> {
    let mut charts: Vec<String> = names
        .iter()
        .filter(|n| n.ends_with("/Chart.yaml") || **n == "Chart.yaml")
        .map(|n| parent(n).to_owned())
        .collect();
    charts.sort();
    // A subchart lives inside its parent chart, which already covers it.
    let all = charts.clone();
    charts.retain(|c| !all.iter().any(|p| p != c && within(c, p)));
    charts
}

/// Walks a path, .gitignore-aware, following symlinks (loops are reported, not followed).
///
/// The walk runs on the calling thread. `ignore`'s parallel walker starts threads of its own
/// and, as the walk ends, polls for work in 1 ms sleeps: on a repository of a thousand
/// resources that cost more than the whole walk does on one thread (0.8 ms against 1.8 ms),
/// while on ten thousand the two take the same time. Reading and parsing, which is where the
/// time goes, run on every core afterwards.
fn walk(root: &Path, files: &mut Vec<(Arc<str>, Option<PathBuf>)>, diags: &mut Vec<Diagnostic>) {
    if root.is_file() {
        files.push((display(root), Some(root.to_path_buf())));
        return;
    }
    if !root.exists() {
        diags.push(
            Diagnostic::error(Code::Io, Pos { line: 1, col: 1 }, "no such file or directory".to_owned())
                .in_file(&display(root)),
        );
        return;
    }
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(true)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                let path = e.into_path();
                files.push((display(&path), Some(path)));
            }
            Ok(_) => {}
            Err(err) => diags.push(
                Diagnostic::warning(Code::Walk, Pos { line: 1, col: 1 }, err.to_string()).in_file(&display(root)),
            ),
        }
    }
}

fn display(path: &Path) -> Arc<str> {
    let s = path.to_string_lossy().replace('\\', "/");
    Arc::from(s.strip_prefix("./").unwrap_or(&s))
}

/// Reads a file (or standard input) to text, enforcing the size limit.
pub(crate) fn read(name: &str, path: Option<&Path>, options: &Options) -> Result<String, (String, Diagnostic)> {
    let first = Pos { line: 1, col: 1 };
    let bytes = match path {
        Some(p) => {
            // One open, and the size from the open file: a path lookup per file less than
            // `metadata` then `fs::read`, which on a large estate is a syscall per file.
            let unreadable = |e: std::io::Error| {
                ("unreadable".to_owned(), Diagnostic::error(Code::Io, first, format!("cannot read: {e}")).in_file(name))
            };
            let mut file = std::fs::File::open(p).map_err(unreadable)?;
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            if size > options.max_file_size {
                let d = Diagnostic::warning(
                    Code::TooLarge,
                    first,
                    format!("file is {size} bytes, over the {} byte limit; skipped", options.max_file_size),
                )
                .with_help("raise the limit with `--max-file-size`")
                .in_file(name);
                return Err(("over the size limit".to_owned(), d));
            }
            let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            file.read_to_end(&mut bytes).map_err(unreadable)?;
            bytes
        }
        None => {
            let mut buf = Vec::new();
            let limit = options.max_file_size.saturating_add(1);
            std::io::stdin().lock().take(limit).read_to_end(&mut buf).map_err(|e| {
                (
                    "unreadable".to_owned(),
                    Diagnostic::error(Code::Io, first, format!("cannot read standard input: {e}")).in_file(name),
                )
            })?;
            if buf.len() as u64 > options.max_file_size {
                let d = Diagnostic::warning(
                    Code::TooLarge,
                    first,
                    format!("standard input is over the {} byte limit; skipped", options.max_file_size),
                )
                .in_file(name);
                return Err(("over the size limit".to_owned(), d));
            }
            buf
        }
    };
    decode(bytes).map_err(|e| match e {
        NotText::Binary => (
            "binary".to_owned(),
            Diagnostic::warning(Code::Binary, first, "binary file; skipped".to_owned()).in_file(name),
        ),
        NotText::Encoding(d) => ("not UTF-8 or UTF-16".to_owned(), d.in_file(name)),
    })
}

fn read_file(name: &Arc<str>, path: Option<&Path>, options: &Options, result: &mut FileResult) {
    // Bytes never reach a parser unchecked, and a panic inside a third-party parser becomes a
    // diagnostic for this file instead of ending the run.
    let text = match read(name, path, options) {
        Ok(t) => t,
        Err((reason, d)) => {
            // A file we cannot even decode is only "failed" when its name says it is ours.
            if reader(name, "") == Reader::None && d.code == Code::Binary {
                result.skipped = Some("binary".to_owned());
            } else if d.code == Code::TooLarge || d.code == Code::Binary {
                result.diagnostics.push(d);
                result.skipped = Some(reason);
            } else {
                result.diagnostics.push(d);
                result.failed = Some(reason);
            }
            return;
        }
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut r = FileResult::default();
        read_text(name, &text, options, &mut r);
        r
    }));
    match outcome {
        Ok(r) => *result = r,
        Err(_) => {
            result.diagnostics.push(
                Diagnostic::error(
                    Code::Internal,
                    Pos { line: 1, col: 1 },
                    "the parser failed unexpectedly on this file; it is skipped".to_owned(),
                )
                .with_help("please report this file to annexa's maintainers")
                .in_file(name),
            );
            result.failed = Some("internal parser failure".to_owned());
        }
    }
}

/// Parses decoded text according to what it is.
pub(crate) fn read_text(name: &Arc<str>, text: &str, options: &Options, result: &mut FileResult) {
    match reader(name, text) {
        Reader::None => result.skipped = Some("not a kind annexa reads".to_owned()),
        Reader::Dockerfile => {
            let mut diags = Vec::new();
            let d = dockerfile::parse(name, text, &mut diags);
            if d.instructions.is_empty() && !diags.is_empty() {
                result.failed = Some("invalid Dockerfile".to_owned());
            }
            result.diagnostics.extend(diags);
            result.dockerfile = Some(d);
            result.documents_read += 1;
        }
        Reader::Structured => {
            let parsed = yaml::parse(text, options.limits);
            let errors = parsed.diagnostics.iter().any(|d| d.severity == crate::diag::Severity::Error);
            result.diagnostics.extend(parsed.diagnostics.into_iter().map(|d| d.in_file(name)));
            if parsed.docs.is_empty() {
                if errors {
                    result.failed = Some("no document could be read".to_owned());
                } else {
                    result.diagnostics.push(
                        Diagnostic::warning(
                            Code::Shape,
                            Pos { line: 1, col: 1 },
                            "file holds no YAML or JSON document".to_owned(),
                        )
                        .in_file(name),
                    );
                }
                return;
            }
            let sources = helm_sources(text);
            let mut previous_line = 0;
            // Errors inside a document that was still read (an alias to an unknown anchor).
            let errors = errors
                || parsed.docs.iter().any(|d| d.warnings.iter().any(|w| w.severity == crate::diag::Severity::Error));
            for doc in parsed.docs {
                result.documents_read += 1;
                let kind = classify(name, &doc.value);
                result.kinds.insert(kind);
                // YAML 1.1 booleans mislead the decoders of Kubernetes' own API groups (and
                // compose's); a custom resource may well want the string `no` (Gatekeeper suites do).
                let api = doc.value.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
                let builtin = !api.contains('/')
                    || api.split('/').next().is_some_and(|g| !g.contains('.') || g.ends_with(".k8s.io"));
                let warns_11 = kind == DocKind::Kubernetes && builtin || kind == DocKind::Compose;
                result.diagnostics.extend(
                    doc.warnings
                        .into_iter()
                        .filter(|w| warns_11 || w.code != Code::YamlBoolean11)
                        .map(|w| w.in_file(name)),
                );
                // Rendered Helm output names each document's template in a comment above it.
                let template =
                    sources.iter().rev().find(|(l, _)| *l < doc.line && *l > previous_line).map(|(_, t)| t.clone());
                previous_line = doc.line;
                let spans = Arc::new(doc.spans);
                match kind {
                    DocKind::Kubernetes => k8s::objects(
                        name,
                        doc.index,
                        doc.value,
                        spans,
                        template,
                        &mut result.objects,
                        &mut result.diagnostics,
                    ),
                    _ => result.documents.push(Document {
                        file: name.clone(),
                        index: doc.index,
                        kind,
                        value: doc.value,
                        spans,
                    }),
                }
            }
            if result.kinds.iter().all(|k| *k == DocKind::Other) {
                // With an error in it, what could not be read may have been a manifest: the file
                // failed rather than being of no interest.
                if errors {
                    result.failed = Some("no document of a kind annexa reads could be read".to_owned());
                } else {
                    result.skipped = Some("YAML of no kind annexa reads".to_owned());
                }
                result.documents.clear();
            }
        }
    }
}

/// `(line, template)` of every `# Source: chart/templates/x.yaml` comment.
fn helm_sources(text: &str) -> Vec<(u32, String)> {
    if !text.contains("# Source: ") {
        return Vec::new();
    }
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| l.strip_prefix("# Source: ").map(|t| (i as u32 + 1, t.trim().to_owned())))
        .collect()
}

/// Counts of documents per kind, for the run summary.
pub fn kind_counts(estate: &Estate) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    *counts.entry("kubernetes-object").or_default() += estate.objects.len();
    *counts.entry("dockerfile").or_default() += estate.dockerfiles.len();
    for d in &estate.documents {
        *counts.entry(d.kind.as_str()).or_default() += 1;
    }
    counts.retain(|_, v| *v > 0);
    counts
}
