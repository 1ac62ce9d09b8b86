//! `annexa scan PATH...`: runs the checks over the estate, applies exemptions, and gives the
//! findings with their controls, a per-control summary and the run's counts.

mod json;
mod render;
mod sarif;

use crate::config::{Config, Exemption, glob};
use annexa_checks::{Check, CheckMeta, Finding, Fix, Resource};
use annexa_load::{Diagnostic, Estate, Location, Stats};
use annexa_model::{AnnexA, Severity};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::OnceLock;

/// What to scan and how.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Files and directories, `-` for standard input.
    pub paths: Vec<String>,
    /// Skip files larger than this.
    pub max_file_size: u64,
    /// Only these checks (ids or slugs); empty means all.
    pub checks: Vec<String>,
    /// Not these checks (ids or slugs).
    pub skip: Vec<String>,
    /// Only checks that give evidence for these Annex A controls.
    pub controls: Vec<String>,
    /// `annexa.toml` to read exemptions from.
    pub config: Option<PathBuf>,
    /// Today, for exemption expiry.
    pub today: Option<Date>,
    /// The severity at or above which the run fails.
    pub fail_on: Option<Severity>,
}

/// Where a finding is.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LocationView {
    /// The file.
    pub file: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
    /// JSON pointer inside the document, when the file is YAML or JSON.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pointer: String,
}

impl From<Location> for LocationView {
    fn from(l: Location) -> LocationView {
        LocationView { file: l.file.to_string(), line: l.line, col: l.col, pointer: l.pointer }
    }
}

/// The exemption that covers a finding.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ExemptionView {
    /// Who answers for it.
    pub owner: String,
    /// Why.
    pub reason: String,
    /// Until when.
    pub expires: String,
    /// Where it is written.
    pub source: String,
}

/// One finding as JSON shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FindingView {
    /// The check id, `K8S-0001`.
    pub check: &'static str,
    /// The check slug, `privileged-container`.
    pub slug: &'static str,
    /// The check title.
    pub title: &'static str,
    /// Severity.
    pub severity: Severity,
    /// What is wrong (secret values masked).
    pub message: String,
    /// Where.
    pub location: LocationView,
    /// What it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
    /// The Annex A controls the check gives evidence for.
    pub controls: &'static [String],
    /// The SP 800-204 strategies it gives evidence for.
    pub strategies: &'static [String],
    /// How to fix it, from the check's doc.
    pub remediation: &'static str,
    /// A machine-applicable fix, where one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The exemption that covers it, if any; an exempted finding does not fail the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exempted: Option<ExemptionView>,
    /// The check's metadata, for renderers.
    #[serde(skip)]
    pub meta: &'static CheckMeta,
}

/// Findings per Annex A control.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ControlSummary {
    /// `A.8.9`.
    pub control: String,
    /// Its title.
    pub title: &'static str,
    /// Checks run that give evidence for it.
    pub checks_run: usize,
    /// Findings (not exempted) against it.
    pub findings: usize,
    /// The checks that fired.
    pub failing_checks: Vec<&'static str>,
}

/// The run's counts.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Summary {
    /// Files seen, parsed, failed and skipped (with why).
    pub files: Stats,
    /// Checks run.
    pub checks_run: usize,
    /// Checks selected but not run because `annexa.toml` lacks what they need (`[scan]`).
    pub checks_not_configured: Vec<&'static str>,
    /// Findings not exempted.
    pub findings: usize,
    /// Findings exempted.
    pub exempted: usize,
    /// Findings not exempted, by severity.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Per Annex A control, for every control a check ran for.
    pub controls: Vec<ControlSummary>,
    /// `--fail-on`, when given.
    pub fail_on: Option<Severity>,
    /// Whether a finding at or above `--fail-on` is not exempted.
    pub failed: bool,
}

/// `annexa scan`'s result.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ScanView {
    /// Every finding, exempted ones included (marked), in file and line order.
    pub findings: Vec<FindingView>,
    /// The counts.
    pub summary: Summary,
    /// Problems reading the input, each with file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// The checks that ran, for SARIF rule metadata and JUnit.
    #[serde(skip)]
    pub checks: Vec<&'static CheckMeta>,
    /// The files read, for the evidence record's input hashes.
    #[serde(skip)]
    pub files: Vec<String>,
}

/// The checks a run selects. `--checks` and `--skip` take check ids, slugs and Annex A
/// controls (a control stands for every check that gives evidence for it); `--controls`
/// keeps the checks of the controls it names.
pub fn select(options: &ScanOptions) -> Result<Vec<&'static dyn Check>, crate::Error> {
    let all = annexa_checks::all();
    let resolve = |wanted: &str| -> Result<Vec<&'static dyn Check>, crate::Error> {
        if let Some(check) = annexa_checks::find(wanted) {
            return Ok(vec![check]);
        }
        if let Some(control) = annex_a(wanted) {
            return Ok(all.iter().copied().filter(|c| c.meta().controls.contains(&control)).collect());
        }
        let names: Vec<&str> = all.iter().flat_map(|c| [c.meta().id, c.meta().slug]).collect();
        Err(crate::Error::UnknownCheck {
            input: wanted.to_owned(),
            suggestions: annexa_catalog::closest(wanted, names).into_iter().map(str::to_owned).collect(),
        })
    };
    let resolve_all = |list: &[String]| -> Result<Vec<&'static dyn Check>, crate::Error> {
        let mut out = Vec::new();
        for wanted in list {
            out.extend(resolve(wanted)?);
        }
        Ok(out)
    };
    let split = |list: &[String]| -> Vec<String> {
        list.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
    };
    let mut selected: Vec<&'static dyn Check> =
        if options.checks.is_empty() { all.clone() } else { resolve_all(&split(&options.checks))? };
    let controls: Vec<AnnexA> = split(&options.controls)
        .iter()
        .map(|c| match annexa_catalog::resolve(c, Some(annexa_model::Framework::Iso27001_2022))? {
            annexa_catalog::Entry::Annex(a) => Ok(a),
            _ => Err(crate::Error::NotAnAnnexAControl(c.clone())),
        })
        .collect::<Result<_, crate::Error>>()?;
    if !controls.is_empty() {
        selected.retain(|c| c.meta().controls.iter().any(|a| controls.contains(a)));
    }
    let skip = resolve_all(&split(&options.skip))?;
    selected.retain(|c| !skip.iter().any(|s| s.meta().id == c.meta().id));
    selected.sort_by_key(|c| c.meta().id);
    selected.dedup_by_key(|c| c.meta().id);
    if selected.is_empty() {
        return Err(crate::Error::NoChecksSelected);
    }
    Ok(selected)
}

/// The Annex A control `input` names, when it names one (`A.8.9`, `8.9`, `a.8.9`).
fn annex_a(input: &str) -> Option<AnnexA> {
    match annexa_catalog::resolve(input, Some(annexa_model::Framework::Iso27001_2022)) {
        Ok(annexa_catalog::Entry::Annex(a)) => Some(a),
        _ => None,
    }
}

/// The text under a doc heading, up to the next heading, as one line. Doc comments keep the
/// space after `///`, so headings are found on lines as written, leading spaces aside.
pub fn doc_section(doc: &str, heading: &str) -> String {
    fn title(line: &str) -> Option<&str> {
        line.trim_start().strip_prefix("## ").map(str::trim)
    }
    let is_heading = |line: &str| title(line).is_some();
    let mut lines = doc.lines().skip_while(|line| title(line) != Some(heading));
    if lines.next().is_none() {
        return String::new();
    }
    let words: Vec<&str> = lines.take_while(|line| !is_heading(line)).flat_map(str::split_whitespace).collect();
    words.join(" ")
}

/// Whether an exemption covers a finding.
fn covers(e: &Exemption, f: &Finding) -> bool {
    let check = e.check.eq_ignore_ascii_case(f.check.id) || e.check.eq_ignore_ascii_case(f.check.slug);
    let resource = e.resource.as_deref().is_none_or(|pattern| {
        f.resource.as_ref().is_some_and(|r| {
            let (kind, rest) = pattern.split_once(' ').unwrap_or((pattern, "*"));
            let (ns, name) = rest.split_once('/').unwrap_or(("*", rest));
            glob(kind, &r.kind) && glob(ns, r.namespace.as_deref().unwrap_or("-")) && glob(name, &r.name)
        })
    });
    let file = e.file.as_deref().is_none_or(|pattern| glob(pattern, &f.location.file));
    check && resource && file
}

/// Runs a scan.
pub fn scan(options: &ScanOptions) -> Result<ScanView, crate::Error> {
    let (view, estate) = scan_keeping_input(options)?;
    // Freeing every parsed document takes a tenth of a large scan; a thread of its own does it
    // while the caller renders the findings. Should no thread be had, the estate is freed here
    // as usual.
    let _ = std::thread::Builder::new().name("annexa-free".into()).spawn(move || drop(estate));
    Ok(view)
}

/// Runs a scan and hands back, with the view, the estate it read, so that the caller decides
/// when it is freed. A process that exits once it has written the view need not free it at all
/// (`std::mem::forget`): the kernel takes the pages back in one go, where freeing the documents
/// node by node costs a tenth of a large scan's CPU time.
pub fn scan_keeping_input(options: &ScanOptions) -> Result<(ScanView, Estate), crate::Error> {
    let config = match &options.config {
        Some(path) => Config::read(path)?,
        None => Config::default(),
    };
    // A check that lacks its settings does not run: its silence is no evidence.
    let (checks, unconfigured): (Vec<&'static dyn Check>, Vec<&'static dyn Check>) =
        select(options)?.into_iter().partition(|c| c.configured(&config.scan));
    let not_configured: Vec<&'static str> = unconfigured.iter().map(|c| c.meta().id).collect();
    if checks.is_empty() {
        return Err(crate::Error::NotConfigured(not_configured.join(", ")));
    }
    for e in &config.exemptions {
        if annexa_checks::find(&e.check).is_none() {
            let names: Vec<&str> = annexa_checks::all().iter().flat_map(|c| [c.meta().id, c.meta().slug]).collect();
            return Err(crate::Error::UnknownExemptionCheck {
                path: config.path.as_ref().map_or_else(|| "annexa.toml".to_owned(), |p| p.display().to_string()),
                line: e.line.max(1),
                input: e.check.clone(),
                suggestions: annexa_catalog::closest(&e.check, names).into_iter().map(str::to_owned).collect(),
            });
        }
    }
    let mut estate = crate::inventory::read(&options.paths, options.max_file_size);
    if estate.stats.seen == 0 {
        return Err(crate::Error::NothingToRead(options.paths.join(" ")));
    }
    // Finding the local time zone reads the system's zone database: only worth it when there
    // are exemptions whose expiry the date decides.
    let today = match (options.today, config.exemptions.is_empty()) {
        (Some(day), _) => day,
        (None, true) => jiff::civil::Date::MIN,
        (None, false) => jiff::Zoned::now().date(),
    };
    let config_file = config.path.as_ref().map_or_else(|| "annexa.toml".to_owned(), |p| p.display().to_string());
    let (active, expired): (Vec<&Exemption>, Vec<&Exemption>) =
        config.exemptions.iter().partition(|e| e.expires >= today);
    let mut findings: Vec<FindingView> = annexa_checks::run_with(&estate, &checks, &config.scan)
        .into_iter()
        .map(|f| {
            let exempted = active.iter().find(|e| covers(e, &f)).map(|e| ExemptionView {
                owner: e.owner.clone(),
                reason: e.reason.clone(),
                expires: e.expires.to_string(),
                source: format!("{config_file}:{}", e.line),
            });
            view(f.check, f.message, f.location.into(), f.resource, f.fix, exempted)
        })
        .collect();
    for e in expired {
        let message = format!("exemption for `{}` owned by `{}` expired on {}", e.check, e.owner, e.expires);
        let location = LocationView { file: config_file.clone(), line: e.line.max(1), col: 1, pointer: String::new() };
        findings.push(view(&annexa_checks::EXEMPTION_EXPIRED, message, location, None, None, None));
    }
    let metas: Vec<&'static CheckMeta> =
        checks.iter().map(|c| c.meta()).chain([&annexa_checks::EXEMPTION_EXPIRED]).collect();
    let mut summary = summarise(&findings, &metas, estate.stats.clone(), options.fail_on, checks.len());
    summary.checks_not_configured = not_configured;
    let files = estate.files.iter().filter(|f| f.outcome == "parsed").map(|f| f.path.to_string()).collect();
    let diagnostics = std::mem::take(&mut estate.diagnostics);
    Ok((ScanView { findings, summary, diagnostics, checks: metas, files }, estate))
}

fn view(
    meta: &'static CheckMeta,
    message: String,
    location: LocationView,
    resource: Option<Resource>,
    fix: Option<Fix>,
    exempted: Option<ExemptionView>,
) -> FindingView {
    let shown = shown(meta);
    FindingView {
        check: meta.id,
        slug: meta.slug,
        title: meta.title,
        severity: meta.severity,
        message,
        location,
        resource,
        controls: &shown.controls,
        strategies: &shown.strategies,
        remediation: &shown.remediation,
        fix,
        exempted,
        meta,
    }
}

/// What every finding of a check shows of the check, worked out once per check rather than
/// once per finding (a scan of a large estate has tens of thousands).
struct Shown {
    controls: Vec<String>,
    strategies: Vec<String>,
    remediation: String,
}

fn shown(meta: &'static CheckMeta) -> &'static Shown {
    static SHOWN: OnceLock<HashMap<&'static str, Shown>> = OnceLock::new();
    static EMPTY: Shown = Shown { controls: Vec::new(), strategies: Vec::new(), remediation: String::new() };
    let all = SHOWN.get_or_init(|| {
        annexa_checks::all()
            .iter()
            .map(|c| c.meta())
            .chain([&annexa_checks::EXEMPTION_EXPIRED])
            .map(|m| {
                let shown = Shown {
                    controls: m.controls.iter().map(ToString::to_string).collect(),
                    strategies: m.strategies.iter().map(|s| s.id().to_owned()).collect(),
                    remediation: doc_section(m.doc, "Remediation"),
                };
                (m.id, shown)
            })
            .collect()
    });
    // Every check is in the catalogue; a check that were not would show no controls rather
    // than stop the scan.
    all.get(meta.id).unwrap_or(&EMPTY)
}

fn summarise(
    findings: &[FindingView],
    checks: &[&'static CheckMeta],
    files: Stats,
    fail_on: Option<Severity>,
    checks_run: usize,
) -> Summary {
    let open: Vec<&FindingView> = findings.iter().filter(|f| f.exempted.is_none()).collect();
    let mut by_severity = BTreeMap::new();
    for f in &open {
        *by_severity.entry(f.severity).or_insert(0) += 1;
    }
    // One pass over the findings, not one per control: a large scan has a hundred thousand
    // findings and the catalogue gives evidence for dozens of controls.
    let mut hits: HashMap<AnnexA, (usize, BTreeSet<&'static str>)> = HashMap::new();
    for f in &open {
        for control in f.meta.controls {
            let (count, failing) = hits.entry(*control).or_default();
            *count += 1;
            failing.insert(f.check);
        }
    }
    let mut controls: Vec<ControlSummary> = Vec::new();
    for control in AnnexA::ALL {
        let run = checks
            .iter()
            .filter(|c| c.controls.contains(&control) && c.id != annexa_checks::EXEMPTION_EXPIRED.id)
            .count();
        if run == 0 {
            continue;
        }
        let (findings, failing) = hits.remove(&control).unwrap_or_default();
        controls.push(ControlSummary {
            control: control.to_string(),
            title: control.title(),
            checks_run: run,
            findings,
            failing_checks: failing.into_iter().collect(),
        });
    }
    let failed = fail_on.is_some_and(|threshold| open.iter().any(|f| f.severity >= threshold));
    Summary {
        files,
        checks_run,
        checks_not_configured: Vec::new(),
        findings: open.len(),
        exempted: findings.len() - open.len(),
        by_severity,
        controls,
        fail_on,
        failed,
    }
}

#[cfg(test)]
mod tests {
    use super::doc_section;

    #[test]
    fn a_section_ends_at_the_next_heading_however_indented() {
        let doc = " ## What it checks\n One thing.\n\n ## Remediation\n Fix it,\n   today.\n ## References\n A book.\n";
        assert_eq!(doc_section(doc, "What it checks"), "One thing.");
        assert_eq!(doc_section(doc, "Remediation"), "Fix it, today.");
        assert_eq!(doc_section(doc, "References"), "A book.");
        assert_eq!(doc_section(doc, "Why it matters"), "");
        assert_eq!(doc_section("## \n## Remediation\n Do.\n", "Remediation"), "Do.");
    }

    /// What every finding carries as its remediation: the section alone, never the next one.
    #[test]
    fn every_check_has_a_remediation_of_its_own() {
        for check in annexa_checks::all() {
            let m = check.meta();
            let remediation = doc_section(m.doc, "Remediation");
            assert!(!remediation.is_empty(), "{}: no remediation", m.id);
            assert!(!remediation.contains("##"), "{}: the remediation runs into the next section", m.id);
            assert!(!doc_section(m.doc, "What it checks").contains("##"), "{}", m.id);
        }
    }
}
