//! The ISMS commands (`init`, `lint`, `risks`, `soa`, `gap`, `plan`, `nc`, `calendar`): reading
//! the ISMS repository's files, getting evidence (the latest run recorded in the evidence ledger,
//! else a fresh scan of the scope), and calling `annexa-isms` for the logic.

mod views;
mod xlsx;

pub use annexa_isms::{ControlEvidence, FailingCheck, Problem};
pub use jiff::civil::Date;
pub use views::*;

use crate::evidence::{EvidenceOptions, RecordedRun};
use crate::scan::{ScanOptions, ScanView};
use annexa_isms::repo::{Files, Repo, paths};
use annexa_isms::{Level, templates};
use annexa_load::At;
use annexa_model::AnnexA;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why an ISMS command could not produce its view.
#[derive(Debug, thiserror::Error)]
pub enum IsmsError {
    /// The directory has no `annexa.toml`.
    #[error("no ISMS repository at `{0}` (no annexa.toml)")]
    NoRepository(String),
    /// Files have errors.
    #[error("{}", invalid(.0))]
    Invalid(Vec<Problem>),
    /// `annexa init` would overwrite a file.
    #[error("`{0}` already exists")]
    Exists(String),
    /// A file could not be read.
    #[error("cannot read `{path}`: {message}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// A file could not be written.
    #[error("cannot write `{path}`: {message}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// `--previous` is not the JSON of `annexa scan`.
    #[error("`{path}` is not the JSON output of `annexa scan`: {message}")]
    Previous {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The spreadsheet could not be built.
    #[error("cannot build the spreadsheet: {0}")]
    Xlsx(String),
}

fn invalid(problems: &[Problem]) -> String {
    let errors = problems.iter().filter(|p| p.level == Level::Error).count();
    let mut out = format!("the ISMS files have {errors} error{}", if errors == 1 { "" } else { "s" });
    for p in problems {
        out.push_str("\n\n");
        out.push_str(&p.to_string());
    }
    out
}

impl IsmsError {
    /// A line of help to print under the error.
    pub fn help(&self) -> String {
        match self {
            IsmsError::NoRepository(_) => {
                "create one with `annexa init DIR`, or point at it with `--isms DIR`".to_owned()
            }
            IsmsError::Invalid(_) => "fix the files above; `annexa lint` lists every problem".to_owned(),
            IsmsError::Exists(_) => "pick an empty directory, or pass `--force` to overwrite".to_owned(),
            IsmsError::Read { .. } | IsmsError::Write { .. } => "check the path and its permissions".to_owned(),
            IsmsError::Previous { .. } => {
                "save a run with `annexa scan PATH --format json > previous.json`, or record runs with `annexa scan PATH --record`"
                    .to_owned()
            }
            IsmsError::Xlsx(_) => "use `--format csv` instead".to_owned(),
        }
    }
}

/// Where the ISMS repository is and what day it is.
#[derive(Clone, Debug, Default)]
pub struct IsmsOptions {
    /// The ISMS repository.
    pub dir: PathBuf,
    /// The day due dates are judged against [default: today].
    pub today: Option<Date>,
    /// Evidence per control to judge by, overriding the ledger and the scan.
    pub evidence: Option<Vec<ControlEvidence>>,
    /// The evidence store whose latest recorded run is the evidence; `None`, or a store with no
    /// run, scans the scope paths of `annexa.toml` afresh.
    pub ledger: Option<EvidenceOptions>,
}

/// Where a view's evidence came from, shown in its JSON (`evidence_source`) and its table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvidenceSource {
    /// A run recorded in the evidence ledger.
    Ledger {
        /// The run's id.
        run: String,
        /// When it was recorded.
        recorded_at: jiff::Timestamp,
        /// What it scanned.
        paths: Vec<String>,
    },
    /// A scan made now, recorded nowhere.
    Scan {
        /// What it scanned.
        paths: Vec<String>,
    },
    /// A saved `annexa scan --format json`.
    File(String),
    /// Evidence the caller passed in ([`IsmsOptions::evidence`]).
    Given,
    /// No recorded run and no scope paths to scan.
    None,
}

impl EvidenceSource {
    fn ledger(run: &RecordedRun) -> EvidenceSource {
        EvidenceSource::Ledger { run: run.run.clone(), recorded_at: run.recorded_at, paths: run.paths.clone() }
    }
}

impl fmt::Display for EvidenceSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvidenceSource::Ledger { run, recorded_at, paths } => {
                write!(f, "ledger run {run} at {recorded_at}, a scan of {}", paths.join(", "))
            }
            EvidenceSource::Scan { paths } => write!(f, "fresh scan of {}", paths.join(", ")),
            EvidenceSource::File(path) => write!(f, "saved scan `{path}`"),
            EvidenceSource::Given => f.write_str("evidence passed in by the caller"),
            EvidenceSource::None => f.write_str("none: no recorded run, and annexa.toml has no [scope] paths to scan"),
        }
    }
}

impl serde::Serialize for EvidenceSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl IsmsOptions {
    /// Today, as given or from the clock.
    pub fn today(&self) -> Date {
        self.today.unwrap_or_else(|| jiff::Zoned::now().date())
    }
}

/// The repository as read: typed contents, and warnings that did not stop the command.
#[derive(Debug)]
pub struct Loaded {
    /// The contents.
    pub repo: Repo,
    /// Warnings for standard error.
    pub warnings: Vec<Problem>,
    /// Every problem, errors included (for `annexa lint`).
    pub problems: Vec<Problem>,
    /// Where it was read from.
    pub dir: PathBuf,
}

fn read_optional(path: &Path) -> Result<Option<String>, IsmsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(IsmsError::Read { path: path.display().to_string(), message: e.to_string() }),
    }
}

/// Reads the repository's files as text.
pub fn files(dir: &Path) -> Result<Files, IsmsError> {
    let config = read_optional(&dir.join(paths::CONFIG))?;
    if config.is_none() {
        return Err(IsmsError::NoRepository(dir.display().to_string()));
    }
    let mut policies = Vec::new();
    let folder = dir.join(paths::POLICIES);
    if folder.is_dir() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| IsmsError::Read { path: folder.display().to_string(), message: e.to_string() })?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        names.sort();
        for name in names {
            let rel = format!("{}/{name}", paths::POLICIES);
            if let Some(text) = read_optional(&dir.join(&rel))? {
                policies.push((rel, text));
            }
        }
    }
    Ok(Files {
        config,
        policies,
        risks: read_optional(&dir.join(paths::RISKS))?,
        suppliers: read_optional(&dir.join(paths::SUPPLIERS))?,
        nonconformities: read_optional(&dir.join(paths::NONCONFORMITIES))?,
        soa: read_optional(&dir.join(paths::SOA))?,
    })
}

/// Reads and validates the repository without failing on problems (for `annexa lint`).
pub fn read(dir: &Path) -> Result<Loaded, IsmsError> {
    let (repo, problems) = Repo::read(&files(dir)?);
    let warnings = problems.iter().filter(|p| p.level == Level::Warning).cloned().collect();
    Ok(Loaded { repo, warnings, problems, dir: dir.to_path_buf() })
}

/// Reads the repository; any error-level problem stops the command, as every command that
/// reads the ISMS files runs the lint.
pub fn load(dir: &Path) -> Result<Loaded, IsmsError> {
    let loaded = read(dir)?;
    if loaded.problems.iter().any(|p| p.level == Level::Error) {
        return Err(IsmsError::Invalid(loaded.problems));
    }
    Ok(loaded)
}

/// The evidence per control of a scan: the checks that ran for each control and the findings
/// against it that are not exempted.
pub fn evidence_from_scan(view: &ScanView) -> Vec<ControlEvidence> {
    AnnexA::ALL
        .into_iter()
        .filter_map(|control| {
            let checks_run: Vec<String> = view
                .checks
                .iter()
                .filter(|m| m.controls.contains(&control) && m.id != annexa_checks::EXEMPTION_EXPIRED.id)
                .map(|m| m.id.to_owned())
                .collect();
            if checks_run.is_empty() {
                return None;
            }
            let failing = view
                .findings
                .iter()
                .filter(|f| f.exempted.is_none() && f.meta.controls.contains(&control))
                .map(|f| FailingCheck {
                    check: f.check.to_owned(),
                    file: f.location.file.clone(),
                    line: f.location.line,
                    message: f.message.clone(),
                })
                .collect();
            Some(ControlEvidence { control, checks_run, failing, recorded_at: None })
        })
        .collect()
}

/// The latest `n` recorded runs, the latest first; none without a ledger.
fn recorded(options: &IsmsOptions, n: usize) -> Result<Vec<RecordedRun>, crate::Error> {
    match &options.ledger {
        Some(ledger) => Ok(crate::evidence::latest_runs(ledger, n)?),
        None => Ok(Vec::new()),
    }
}

/// The scope paths of `annexa.toml`, resolved against the repository.
fn scope_paths(loaded: &Loaded) -> Vec<String> {
    let scope = loaded.repo.settings.scope.as_ref().map(|s| s.paths.clone()).unwrap_or_default();
    scope
        .iter()
        .map(|p| {
            let path = Path::new(p);
            if path.is_absolute() { p.clone() } else { loaded.dir.join(path).display().to_string() }
        })
        .collect()
}

/// Scans the scope afresh, with the repository's exemptions.
pub fn scan_scope(loaded: &Loaded, today: Date) -> Result<Option<ScanView>, crate::Error> {
    let paths = scope_paths(loaded);
    if paths.is_empty() {
        return Ok(None);
    }
    let options = ScanOptions {
        paths,
        max_file_size: 10 * 1024 * 1024,
        config: Some(loaded.dir.join(paths::CONFIG)),
        today: Some(today),
        ..ScanOptions::default()
    };
    crate::scan::scan(&options).map(Some)
}

/// The evidence to judge by: what the caller passed in, else the latest recorded run, else a
/// fresh scan of the scope.
fn evidence(loaded: &Loaded, options: &IsmsOptions) -> Result<(Vec<ControlEvidence>, EvidenceSource), crate::Error> {
    if let Some(e) = &options.evidence {
        return Ok((e.clone(), EvidenceSource::Given));
    }
    if let Some(run) = recorded(options, 1)?.into_iter().next() {
        let source = EvidenceSource::ledger(&run);
        return Ok((run.controls, source));
    }
    let paths = scope_paths(loaded);
    Ok(match scan_scope(loaded, options.today())? {
        Some(view) => (evidence_from_scan(&view), EvidenceSource::Scan { paths }),
        None => (Vec::new(), EvidenceSource::None),
    })
}

/// `annexa soa`.
pub fn soa(options: &IsmsOptions) -> Result<SoaView, crate::Error> {
    let loaded = load(&options.dir)?;
    let (evidence, evidence_source) = evidence(&loaded, options)?;
    let rows = annexa_isms::soa::derive(&loaded.repo, &evidence);
    Ok(SoaView { evidence_source, rows, warnings: loaded.warnings })
}

/// `annexa gap`.
pub fn gap(options: &IsmsOptions) -> Result<GapView, crate::Error> {
    let loaded = load(&options.dir)?;
    let (evidence, evidence_source) = evidence(&loaded, options)?;
    let soa = annexa_isms::soa::derive(&loaded.repo, &evidence);
    let gap = annexa_isms::gap::assess(&loaded.repo, &soa, options.today());
    Ok(GapView { evidence_source, gap, warnings: loaded.warnings })
}

/// `annexa plan`.
pub fn plan(options: &IsmsOptions) -> Result<PlanView, crate::Error> {
    let loaded = load(&options.dir)?;
    let (evidence, evidence_source) = evidence(&loaded, options)?;
    let soa = annexa_isms::soa::derive(&loaded.repo, &evidence);
    let rows = annexa_isms::plan::plan(&loaded.repo, &soa, options.today());
    Ok(PlanView { evidence_source, rows, warnings: loaded.warnings })
}

/// `annexa risks`.
pub fn risks(options: &IsmsOptions) -> Result<RisksView, crate::Error> {
    let loaded = load(&options.dir)?;
    let method = loaded.repo.settings.risk_method();
    Ok(RisksView { risks: loaded.repo.risks, method, warnings: loaded.warnings })
}

/// The same set of paths, however each was written (relative to the working directory,
/// absolute, with `.` or through a symbolic link).
fn same_paths(a: &[String], b: &[String]) -> bool {
    let norm = |paths: &[String]| {
        let mut out: Vec<PathBuf> = paths
            .iter()
            .map(|p| std::fs::canonicalize(p).or_else(|_| std::path::absolute(p)).unwrap_or_else(|_| PathBuf::from(p)))
            .collect();
        out.sort();
        out.dedup();
        out
    };
    norm(a) == norm(b)
}

/// The findings that no exemption covers, from the latest recorded run when it scanned `paths`
/// (findings of another estate would not match this one's inventory), else from a fresh scan.
fn suggest_findings(
    paths: &[String],
    options: &IsmsOptions,
) -> Result<(Vec<annexa_isms::suggest::FindingInput>, EvidenceSource), crate::Error> {
    use annexa_isms::suggest::{FindingInput, ResourceRef};
    if let Some(run) = recorded(options, 1)?.into_iter().next().filter(|r| same_paths(&r.paths, paths)) {
        let source = EvidenceSource::ledger(&run);
        let findings = run
            .findings
            .into_iter()
            .filter(|f| !f.exempted)
            .map(|f| FindingInput {
                check: f.check,
                slug: f.slug,
                file: f.file,
                line: f.line,
                message: f.message,
                resource: f.resource.map(|r| ResourceRef { kind: r.kind, namespace: r.namespace, name: r.name }),
            })
            .collect();
        return Ok((findings, source));
    }
    let scan = crate::scan::scan(&ScanOptions {
        paths: paths.to_vec(),
        max_file_size: 10 * 1024 * 1024,
        config: Some(options.dir.join(paths::CONFIG)).filter(|p| p.is_file()),
        today: Some(options.today()),
        ..ScanOptions::default()
    })?;
    let findings = scan
        .findings
        .iter()
        .filter(|f| f.exempted.is_none())
        .map(|f| FindingInput {
            check: f.check.to_owned(),
            slug: f.slug.to_owned(),
            file: f.location.file.clone(),
            line: f.location.line,
            message: f.message.clone(),
            resource: f.resource.as_ref().map(|r| ResourceRef {
                kind: r.kind.clone(),
                namespace: r.namespace.clone(),
                name: r.name.clone(),
            }),
        })
        .collect();
    Ok((findings, EvidenceSource::Scan { paths: paths.to_vec() }))
}

/// `annexa risks suggest PATH...`: proposals from the estate at `paths`, marked where the
/// register at `options.dir` (when there is one) already holds them.
pub fn suggest(paths: &[String], options: &IsmsOptions) -> Result<SuggestView, crate::Error> {
    let (repo, warnings) = match load(&options.dir) {
        Ok(l) => (l.repo, l.warnings),
        Err(IsmsError::NoRepository(_)) => (Repo::default(), Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let (findings, evidence_source) = suggest_findings(paths, options)?;
    let inventory = annexa_inventory::inventory(&crate::inventory::read(paths, 10 * 1024 * 1024));
    let registered =
        repo.risks.iter().filter_map(|r| r.risk.suggestion.clone().map(|s| (s, r.risk.id.clone()))).collect();
    let method = repo.settings.risk_method();
    let suggestions = annexa_isms::suggest::suggest(&inventory, &findings, &method, &registered);
    let next = repo
        .risks
        .iter()
        .filter_map(|r| r.risk.id.strip_prefix("R-").and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0)
        + 1;
    Ok(SuggestView { evidence_source, suggestions, next_id: next, warnings })
}

/// Reads a saved `annexa scan --format json` as the previous run.
pub fn previous_from_json(path: &Path) -> Result<Vec<ControlEvidence>, IsmsError> {
    let error = |message: String| IsmsError::Previous { path: path.display().to_string(), message };
    let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| error(e.to_string()))?;
    let controls = value
        .at("/summary/controls")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| error("no `summary.controls`".to_owned()))?;
    let findings = value.get("findings").and_then(serde_json::Value::as_array).cloned().unwrap_or_default();
    let mut out = Vec::new();
    for c in controls {
        let Some(control) = c.get("control").and_then(serde_json::Value::as_str).and_then(AnnexA::parse) else {
            continue;
        };
        // The JSON counts the checks that ran; their ids are the catalogue's checks for the control.
        let checks_run: Vec<String> = annexa_checks::all()
            .iter()
            .map(|c| c.meta())
            .filter(|m| m.controls.contains(&control))
            .map(|m| m.id.to_owned())
            .collect();
        let failing = findings
            .iter()
            .filter(|f| f.get("exempted").is_none())
            .filter(|f| {
                f.get("controls")
                    .and_then(serde_json::Value::as_array)
                    .is_some_and(|cs| cs.iter().any(|x| x.as_str() == Some(&control.to_string())))
            })
            .map(|f| FailingCheck {
                check: f.get("check").and_then(serde_json::Value::as_str).unwrap_or("").to_owned(),
                file: f.at("/location/file").and_then(serde_json::Value::as_str).unwrap_or("").to_owned(),
                line: f.at("/location/line").and_then(serde_json::Value::as_u64).unwrap_or(1) as u32,
                message: f.get("message").and_then(serde_json::Value::as_str).unwrap_or("").to_owned(),
            })
            .collect();
        out.push(ControlEvidence { control, checks_run, failing, recorded_at: None });
    }
    Ok(out)
}

/// `annexa nc`: the register, and proposals from comparing the current evidence with an
/// earlier run: the saved scan `previous` when given (against the latest recorded run, else a
/// fresh scan), else the latest recorded run against the one before it.
pub fn nc(options: &IsmsOptions, previous: Option<&Path>) -> Result<NcView, crate::Error> {
    let loaded = load(&options.dir)?;
    let (current, before) = match previous {
        Some(path) => {
            let before = previous_from_json(path)?;
            let current = evidence(&loaded, options)?;
            (Some(current), Some((before, EvidenceSource::File(path.display().to_string()))))
        }
        None if options.evidence.is_some() => (Some(evidence(&loaded, options)?), None),
        None => {
            let mut runs = recorded(options, 2)?.into_iter();
            let current = runs.next().map(|r| {
                let source = EvidenceSource::ledger(&r);
                (r.controls, source)
            });
            let before = runs.next().map(|r| {
                let source = EvidenceSource::ledger(&r);
                (r.controls, source)
            });
            (current, before)
        }
    };
    let proposals = match (&current, &before) {
        (Some((current, _)), Some((before, _))) => {
            annexa_isms::nc::proposals(before, current, &loaded.repo.nonconformities)
        }
        _ => Vec::new(),
    };
    let today = options.today();
    let register = loaded
        .repo
        .nonconformities
        .iter()
        .map(|r| NcRowView { overdue: r.nc.status.is_open() && r.nc.due.is_some_and(|d| d < today), nc: r.nc.clone() })
        .collect();
    Ok(NcView {
        evidence_source: current.map(|(_, s)| s),
        compared_with: before.map(|(_, s)| s),
        register,
        proposals,
        warnings: loaded.warnings,
    })
}

/// `annexa calendar`.
pub fn calendar(options: &IsmsOptions) -> Result<CalendarView, crate::Error> {
    let loaded = load(&options.dir)?;
    let events = annexa_isms::calendar::calendar(&loaded.repo, options.today());
    let organisation = loaded.repo.settings.organisation.as_ref().map(|o| o.name.clone()).unwrap_or_default();
    // DTSTAMP: midnight of the given day keeps the output a function of its inputs; without one
    // it is the moment of the run, as RFC 5545 means it.
    let stamp = match options.today {
        Some(d) => {
            d.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()).unwrap_or_else(|_| jiff::Timestamp::now())
        }
        None => jiff::Timestamp::now(),
    };
    Ok(CalendarView { events, organisation, stamp, warnings: loaded.warnings })
}

/// `annexa lint`: every problem in the ISMS files.
pub fn lint(dir: &Path) -> Result<LintView, crate::Error> {
    let loaded = read(dir)?;
    Ok(LintView { problems: loaded.problems })
}

/// What `annexa init` fills in.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// Where to create the repository.
    pub dir: PathBuf,
    /// The organisation's name.
    pub organisation: String,
    /// Estate paths for `[scope] paths`, relative to the repository.
    pub scope: Vec<String>,
    /// Overwrite existing files.
    pub force: bool,
    /// The policies' effective date [default: today].
    pub today: Option<Date>,
}

/// `annexa init`: writes the starter files; refuses to overwrite unless forced.
pub fn init(options: &InitOptions) -> Result<InitView, crate::Error> {
    let values = templates::InitValues {
        organisation: options.organisation.clone(),
        scope_paths: if options.scope.is_empty() { vec![".".to_owned()] } else { options.scope.clone() },
        today: options.today.unwrap_or_else(|| jiff::Zoned::now().date()),
    };
    let files = templates::starter_files(&values);
    if !options.force {
        for (path, _) in &files {
            let full = options.dir.join(path);
            if full.exists() {
                return Err(IsmsError::Exists(full.display().to_string()).into());
            }
        }
    }
    for (path, text) in &files {
        let full = options.dir.join(path);
        let write = |e: std::io::Error| IsmsError::Write { path: full.display().to_string(), message: e.to_string() };
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(write)?;
        }
        std::fs::write(&full, text).map_err(write)?;
    }
    Ok(InitView { dir: options.dir.display().to_string(), files: files.iter().map(|(p, _)| (*p).to_owned()).collect() })
}
