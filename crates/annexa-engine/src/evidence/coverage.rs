//! `annexa evidence coverage`: did each control operate throughout an observation window
//! (SOC 2 Type II, ISO 27001 surveillance)? Runs, days with evidence, the longest stretch of
//! days without any, the pass rate, the first and last failure, and a verdict with its reasons.

use super::{EvidenceError, EvidenceOptions, block_on, day_bounds, open};
use annexa_ledger::{Kind, Record};
use annexa_report::Table;
use annexa_store::{Query, Store};
use jiff::civil::Date;
use jiff::{Timestamp, tz::TimeZone};
use std::collections::{BTreeMap, BTreeSet};

/// What to measure.
#[derive(Clone, Debug)]
pub struct CoverageQuery {
    /// The window's first day.
    pub from: Date,
    /// The window's last day.
    pub to: Date,
    /// One control only.
    pub control: Option<String>,
    /// Days without evidence, or of an unfixed failure, that a control may go and still count
    /// as operated throughout.
    pub max_gap_days: i64,
    /// Today: a window reaching into the future is measured up to today.
    pub today: Date,
}

/// One control's coverage.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ControlCoverage {
    /// `A.8.9`.
    pub control: String,
    /// Its title.
    pub title: String,
    /// Recorded runs that judged it in the window.
    pub runs: usize,
    /// Runs where it passed.
    pub passes: usize,
    /// Distinct days (UTC) with evidence.
    pub days_with_evidence: usize,
    /// The longest stretch of consecutive days with no evidence.
    pub longest_gap_days: i64,
    /// Passes over runs, in percent.
    pub pass_rate: f64,
    /// The first failing run.
    pub first_failure: Option<String>,
    /// The last failing run.
    pub last_failure: Option<String>,
    /// Whether it operated throughout the window.
    pub operated: bool,
    /// `operated throughout the window`, or `not operated throughout the window`.
    pub verdict: &'static str,
    /// Why not, when not.
    pub reasons: Vec<String>,
}

/// The coverage report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CoverageView {
    /// The window's first day.
    pub from: String,
    /// The window's last day.
    pub to: String,
    /// The tolerance used.
    pub max_gap_days: i64,
    /// Per control, in catalogue order.
    pub controls: Vec<ControlCoverage>,
}

fn date(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

/// Judges one control from its results `(when, passed)` in the window `from..=end`.
pub(crate) fn judge(
    control: &str,
    results: &mut [(Timestamp, bool)],
    from: Date,
    end: Date,
    max_gap: i64,
) -> ControlCoverage {
    results.sort_by_key(|r| r.0);
    let days: BTreeSet<Date> = results.iter().map(|r| date(r.0)).collect();
    let mut longest = 0i64;
    let mut current = 0i64;
    let mut day = from;
    while day <= end {
        if days.contains(&day) {
            current = 0;
        } else {
            current += 1;
            longest = longest.max(current);
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    let passes = results.iter().filter(|r| r.1).count();
    let failures: Vec<Timestamp> = results.iter().filter(|r| !r.1).map(|r| r.0).collect();
    let mut reasons = Vec::new();
    if results.is_empty() {
        reasons.push("no evidence in the window".to_owned());
    } else if longest > max_gap {
        reasons.push(format!("{longest} consecutive days without evidence (more than {max_gap})"));
    }
    // A failure counts against the control when it stayed unfixed longer than the tolerance.
    let mut failing_since: Option<Timestamp> = None;
    for &(t, passed) in results.iter() {
        match (passed, failing_since) {
            (false, None) => failing_since = Some(t),
            (true, Some(since)) => {
                let days = (date(t) - date(since)).get_days() as i64;
                if days > max_gap {
                    reasons.push(format!("failing from {} to {} ({days} days)", date(since), date(t)));
                }
                failing_since = None;
            }
            _ => {}
        }
    }
    if let Some(since) = failing_since {
        let days = (end - date(since)).get_days() as i64;
        if days > max_gap {
            reasons.push(format!("failing since {} ({days} days to the end of the window)", date(since)));
        }
    }
    let operated = reasons.is_empty();
    ControlCoverage {
        control: control.to_owned(),
        title: annexa_catalog::resolve(control, Some(annexa_model::Framework::Iso27001_2022))
            .ok()
            .and_then(|e| e.title())
            .unwrap_or_default()
            .to_owned(),
        runs: results.len(),
        passes,
        days_with_evidence: days.len(),
        longest_gap_days: longest,
        pass_rate: if results.is_empty() {
            0.0
        } else {
            (passes as f64 * 1000.0 / results.len() as f64).round() / 10.0
        },
        first_failure: failures.first().map(|t| annexa_ledger::record::timestamp(*t)),
        last_failure: failures.last().map(|t| annexa_ledger::record::timestamp(*t)),
        operated,
        verdict: if operated { "operated throughout the window" } else { "not operated throughout the window" },
        reasons,
    }
}

/// Measures coverage from the ledger's control results.
pub fn coverage(options: &EvidenceOptions, q: &CoverageQuery) -> Result<CoverageView, EvidenceError> {
    let (from, to) = day_bounds(q.from, q.to);
    let control = q.control.as_deref().map(canonical_control).transpose()?;
    let query = Query {
        kinds: vec![Kind::ControlResult],
        control: control.clone(),
        from: Some(from),
        to: Some(to),
        ..Query::default()
    };
    let rows = block_on(async { Ok::<_, EvidenceError>(open(options).await?.records(&query).await?) })??;
    let mut per: BTreeMap<String, Vec<(Timestamp, bool)>> = BTreeMap::new();
    if let Some(c) = &control {
        per.entry(c.clone()).or_default();
    }
    for row in rows {
        let record =
            Record::decode(&row.bytes).map_err(|e| EvidenceError::Input(format!("record {}: {e}", row.index.seq)))?;
        let payload = &record.entry.payload;
        let (Some(c), Some(result)) = (payload["control"].as_str(), payload["result"].as_str()) else { continue };
        per.entry(c.to_owned()).or_default().push((record.entry.effective.from, result == "pass"));
    }
    let end = q.to.min(q.today).max(q.from);
    let mut controls: Vec<ControlCoverage> =
        per.iter_mut().map(|(c, results)| judge(c, results, q.from, end, q.max_gap_days)).collect();
    controls.sort_by_key(|c| order(&c.control));
    Ok(CoverageView { from: q.from.to_string(), to: q.to.to_string(), max_gap_days: q.max_gap_days, controls })
}

/// Catalogue order: `A.5.2` before `A.5.10`.
fn order(control: &str) -> Vec<u32> {
    control.trim_start_matches("A.").split('.').filter_map(|p| p.parse().ok()).collect()
}

/// `8.9`, `a.8.9` → `A.8.9`; an unknown id is an error with did-you-mean.
pub(crate) fn canonical_control(input: &str) -> Result<String, EvidenceError> {
    match annexa_catalog::resolve(input, Some(annexa_model::Framework::Iso27001_2022)) {
        Ok(annexa_catalog::Entry::Annex(a)) => Ok(a.to_string()),
        Ok(_) => Err(EvidenceError::Input(format!("`{input}` is not an Annex A control"))),
        Err(e) => Err(EvidenceError::Input(format!("{e}; {}", e.help()))),
    }
}

impl CoverageView {
    fn table(&self) -> Table {
        let mut t = Table::new([
            "Control",
            "Title",
            "Runs",
            "Days",
            "Longest gap",
            "Pass rate",
            "First failure",
            "Last failure",
            "Verdict",
        ]);
        for c in &self.controls {
            t.push([
                c.control.clone(),
                c.title.clone(),
                c.runs.to_string(),
                c.days_with_evidence.to_string(),
                format!("{} d", c.longest_gap_days),
                format!("{:.1}%", c.pass_rate),
                c.first_failure.clone().unwrap_or_else(|| "-".into()),
                c.last_failure.clone().unwrap_or_else(|| "-".into()),
                if c.operated { "operated".into() } else { format!("NOT operated: {}", c.reasons.join("; ")) },
            ]);
        }
        t
    }

    /// The terminal table with a heading line.
    pub fn to_text(&self) -> String {
        let operated = self.controls.iter().filter(|c| c.operated).count();
        format!(
            "Evidence coverage {} to {} (tolerance {} days): {operated} of {} controls operated throughout\n\n{}",
            self.from,
            self.to,
            self.max_gap_days,
            self.controls.len(),
            self.table().to_text()
        )
    }

    /// Markdown for an audit file.
    pub fn to_markdown(&self) -> String {
        format!(
            "# Evidence coverage {} to {}\n\nTolerance: {} days without evidence or with an unfixed failure.\n\n{}",
            self.from,
            self.to,
            self.max_gap_days,
            self.table().to_markdown()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn daily_passing_evidence_operates() {
        let mut r: Vec<(Timestamp, bool)> = (1..=30).map(|d| (t(&format!("2026-06-{d:02}T10:00:00Z")), true)).collect();
        let c = judge("A.8.9", &mut r, "2026-06-01".parse().unwrap(), "2026-06-30".parse().unwrap(), 7);
        assert_eq!((c.runs, c.days_with_evidence, c.longest_gap_days, c.operated), (30, 30, 0, true));
        assert_eq!(c.pass_rate, 100.0);
        assert_eq!(c.title, "Configuration management");
    }

    #[test]
    fn gaps_and_long_failures_are_reasons() {
        let mut r = vec![
            (t("2026-06-01T10:00:00Z"), true),
            (t("2026-06-02T10:00:00Z"), false),
            (t("2026-06-20T10:00:00Z"), true),
            (t("2026-06-28T10:00:00Z"), false),
        ];
        let c = judge("A.8.9", &mut r, "2026-06-01".parse().unwrap(), "2026-06-30".parse().unwrap(), 7);
        assert!(!c.operated);
        assert_eq!(c.longest_gap_days, 17, "June 3 to 19");
        assert_eq!(c.first_failure.as_deref(), Some("2026-06-02T10:00:00Z"));
        assert_eq!(c.last_failure.as_deref(), Some("2026-06-28T10:00:00Z"));
        assert_eq!(c.pass_rate, 50.0);
        assert_eq!(c.reasons.len(), 2, "{:?}", c.reasons);
        assert!(c.reasons[1].contains("failing from 2026-06-02 to 2026-06-20 (18 days)"));
        // The failure on the 28th is two days old at the end of the window: within tolerance.
    }

    #[test]
    fn no_evidence_is_not_operated() {
        let c = judge("A.5.15", &mut [], "2026-06-01".parse().unwrap(), "2026-06-30".parse().unwrap(), 7);
        assert_eq!((c.runs, c.longest_gap_days, c.operated), (0, 30, false));
        assert_eq!(c.reasons, ["no evidence in the window"]);
    }
}
