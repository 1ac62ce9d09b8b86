//! The ISMS commands' views: each serialises to the command's JSON and renders its table,
//! Markdown, CSV and (where auditors want one) XLSX forms from one set of columns.

use super::xlsx::workbook;
use super::{EvidenceSource, IsmsError};
use annexa_isms::calendar::Event;
use annexa_isms::gap::Gap;
use annexa_isms::nc::Proposal;
use annexa_isms::plan::PlanRow;
use annexa_isms::registers::{Nonconformity, RatedRisk};
use annexa_isms::settings::RiskMethod;
use annexa_isms::soa::SoaRow;
use annexa_isms::suggest::Suggestion;
use annexa_isms::{Level, Problem};
use annexa_report::Table;
use std::fmt::Write as _;

/// Columns and rows, the one shape the table, Markdown, CSV and XLSX forms are drawn from.
#[derive(Clone, Debug)]
pub struct Sheet {
    /// The sheet's name in a workbook.
    pub name: &'static str,
    /// Column headers.
    pub headers: Vec<&'static str>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// The table form.
    pub fn table(&self) -> Table {
        let mut t = Table::new(self.headers.iter().copied());
        for r in &self.rows {
            t.push(r.iter().cloned());
        }
        t
    }

    /// The XLSX form: one sheet, header row frozen and filtered.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, IsmsError> {
        workbook(self)
    }
}

fn join(items: &[String]) -> String {
    items.join(", ")
}

fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn warnings_text(warnings: &[Problem]) -> String {
    warnings.iter().map(|w| format!("{w}\n")).collect()
}

/// The line above a table saying what its evidence is.
fn heading(source: &EvidenceSource) -> String {
    format!("evidence: {source}\n\n")
}

/// `annexa soa`. Its JSON is an array of the 93 rows (the command's contract), each row
/// naming the evidence it was derived from in `evidence_source`.
#[derive(Clone, Debug)]
pub struct SoaView {
    /// Where the check results came from.
    pub evidence_source: EvidenceSource,
    /// All 93 controls.
    pub rows: Vec<SoaRow>,
    /// Problems that did not stop the command, for standard error.
    pub warnings: Vec<Problem>,
}

impl serde::Serialize for SoaView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            #[serde(flatten)]
            row: &'a SoaRow,
            evidence_source: &'a EvidenceSource,
        }
        serializer.collect_seq(self.rows.iter().map(|row| Row { row, evidence_source: &self.evidence_source }))
    }
}

impl SoaView {
    /// The auditors' columns.
    pub fn sheet(&self) -> Sheet {
        Sheet {
            name: "Statement of Applicability",
            headers: vec![
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
                "Last reviewed",
            ],
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.control.clone(),
                        r.title.to_owned(),
                        r.theme.to_string(),
                        if r.applicable { "yes" } else { "no" }.to_owned(),
                        r.reasons.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", "),
                        r.justification.clone().unwrap_or_default(),
                        r.status.label().to_owned(),
                        r.basis.clone(),
                        join(&r.risks),
                        join(&r.policies),
                        join(&r.evidence),
                        r.owner.clone().unwrap_or_default(),
                        date(r.last_reviewed),
                    ]
                })
                .collect(),
        }
    }

    /// Counts by status, for the line under the table.
    pub fn summary_line(&self) -> String {
        let count = |s: annexa_isms::Status| self.rows.iter().filter(|r| r.status == s).count();
        use annexa_isms::Status::*;
        format!(
            "{} controls: {} applicable ({} implemented, {} partial, {} planned, {} not started), {} not applicable\n",
            self.rows.len(),
            self.rows.iter().filter(|r| r.applicable).count(),
            count(Implemented),
            count(Partial),
            count(Planned),
            count(NotStarted),
            count(NotApplicable)
        )
    }

    /// The terminal form: the columns that fit, then the counts.
    pub fn to_text(&self) -> String {
        let mut t = Table::new(["control", "applicable", "status", "risks", "policies", "owner", "title"]);
        for r in &self.rows {
            t.push([
                r.control.clone(),
                if r.applicable { "yes" } else { "no" }.to_owned(),
                r.status.label().to_owned(),
                join(&r.risks),
                join(&r.policies),
                r.owner.clone().unwrap_or_default(),
                r.title.to_owned(),
            ]);
        }
        let mut out = heading(&self.evidence_source);
        out.push_str(&t.to_text());
        out.push('\n');
        out.push_str(&self.summary_line());
        out
    }

    /// Warnings for standard error.
    pub fn warnings(&self) -> String {
        warnings_text(&self.warnings)
    }
}

/// `annexa gap`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct GapView {
    /// Where the check results came from.
    pub evidence_source: EvidenceSource,
    /// The gaps.
    #[serde(flatten)]
    pub gap: Gap,
    /// Problems that did not stop the command.
    #[serde(skip)]
    pub warnings: Vec<Problem>,
}

impl GapView {
    /// One row per reason a control is a gap, then one per missing document.
    pub fn sheet(&self) -> Sheet {
        let mut rows = Vec::new();
        for c in &self.gap.controls {
            for r in &c.reasons {
                rows.push(vec![
                    c.control.clone(),
                    c.title.to_owned(),
                    c.status.label().to_owned(),
                    r.kind.to_owned(),
                    r.detail.clone(),
                    r.location.clone().unwrap_or_default(),
                    c.owner.clone().unwrap_or_default(),
                ]);
            }
        }
        for d in &self.gap.documents {
            rows.push(vec![
                format!("clause {}", d.clause),
                d.title.to_owned(),
                "missing".to_owned(),
                "missing-document".to_owned(),
                d.missing.clone(),
                String::new(),
                String::new(),
            ]);
        }
        Sheet {
            name: "Gap assessment",
            headers: vec!["item", "title", "status", "why", "detail", "where", "owner"],
            rows,
        }
    }

    /// The terminal form: gaps per control with their reasons, then the missing documents.
    pub fn to_text(&self) -> String {
        let mut out = heading(&self.evidence_source);
        for c in &self.gap.controls {
            let _ = writeln!(out, "{} {} [{}]", c.control, c.title, c.status.label());
            for r in &c.reasons {
                match &r.location {
                    Some(at) => {
                        let _ = writeln!(out, "  {}: {}  --> {at}", r.kind, r.detail);
                    }
                    None => {
                        let _ = writeln!(out, "  {}: {}", r.kind, r.detail);
                    }
                }
            }
        }
        if !self.gap.documents.is_empty() {
            let _ = writeln!(out, "\nclauses 4-10: documents missing or out of date");
            for d in &self.gap.documents {
                let _ = writeln!(out, "  {} {}: {}\n    help: {}", d.clause, d.title, d.missing, d.help);
            }
        }
        let _ = writeln!(
            out,
            "\n{} applicable controls not implemented, {} clause documents missing",
            self.gap.controls.iter().filter(|c| c.status != annexa_isms::Status::Implemented).count(),
            self.gap.documents.len()
        );
        out
    }

    /// Warnings for standard error.
    pub fn warnings(&self) -> String {
        warnings_text(&self.warnings)
    }
}

/// `annexa plan`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlanView {
    /// Where the check results behind each status came from.
    pub evidence_source: EvidenceSource,
    /// One row per planned control of each risk.
    pub rows: Vec<PlanRow>,
    /// Problems that did not stop the command.
    #[serde(skip)]
    pub warnings: Vec<Problem>,
}

impl PlanView {
    /// The treatment plan's columns.
    pub fn sheet(&self) -> Sheet {
        Sheet {
            name: "Risk treatment plan",
            headers: vec!["risk", "control", "title", "owner", "deadline", "status", "overdue", "residual level"],
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.risk.clone(),
                        r.control.clone(),
                        r.title.to_owned(),
                        r.owner.clone(),
                        date(r.deadline),
                        r.status.label().to_owned(),
                        if r.overdue { "OVERDUE" } else { "" }.to_owned(),
                        r.residual_level.clone(),
                    ]
                })
                .collect(),
        }
    }

    /// The terminal form.
    pub fn to_text(&self) -> String {
        let mut out = heading(&self.evidence_source);
        out.push_str(&self.sheet().table().to_text());
        let overdue = self.rows.iter().filter(|r| r.overdue).count();
        let _ = writeln!(out, "\n{} planned controls, {overdue} overdue", self.rows.len());
        out
    }

    /// Warnings for standard error.
    pub fn warnings(&self) -> String {
        warnings_text(&self.warnings)
    }
}

/// `annexa risks`.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct RisksView {
    /// The register, rated.
    pub risks: Vec<RatedRisk>,
    /// The method they are rated on.
    #[serde(skip)]
    pub method: RiskMethod,
    /// Problems that did not stop the command.
    #[serde(skip)]
    pub warnings: Vec<Problem>,
}

impl RisksView {
    /// The register's columns.
    pub fn sheet(&self) -> Sheet {
        Sheet {
            name: "Risk register",
            headers: vec![
                "id",
                "title",
                "assets",
                "threat",
                "vulnerability",
                "likelihood",
                "impact",
                "inherent level",
                "existing controls",
                "planned controls",
                "residual likelihood",
                "residual impact",
                "residual level",
                "owner",
                "treatment",
                "acceptance",
                "review due",
            ],
            rows: self
                .risks
                .iter()
                .map(|r| {
                    let acceptance = r
                        .risk
                        .acceptance
                        .as_ref()
                        .map(|a| format!("{} on {}, until {}", a.approver, a.date, date(a.expiry)))
                        .unwrap_or_default();
                    vec![
                        r.risk.id.clone(),
                        r.risk.title.clone(),
                        join(&r.risk.assets),
                        r.risk.threat.clone(),
                        r.risk.vulnerability.clone(),
                        r.l.to_string(),
                        r.i.to_string(),
                        r.inherent_level.clone(),
                        r.existing.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                        r.planned.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                        r.rl.to_string(),
                        r.ri.to_string(),
                        r.residual_level.clone(),
                        r.risk.owner.clone(),
                        r.risk.treatment.as_str().to_owned(),
                        acceptance,
                        date(r.risk.review_due),
                    ]
                })
                .collect(),
        }
    }

    /// The terminal form: the columns that fit.
    pub fn to_text(&self) -> String {
        let mut t = Table::new(["id", "L×I", "inherent", "planned", "residual", "treatment", "owner", "title"]);
        for r in &self.risks {
            let flag = if r.above_appetite { " (above appetite)" } else { "" };
            t.push([
                r.risk.id.clone(),
                format!("{}×{}", r.l, r.i),
                r.inherent_level.clone(),
                r.planned.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                format!("{}{flag}", r.residual_level),
                r.risk.treatment.as_str().to_owned(),
                r.risk.owner.clone(),
                r.risk.title.clone(),
            ]);
        }
        let mut out = t.to_text();
        let above = self.risks.iter().filter(|r| r.above_appetite).count();
        let _ =
            writeln!(out, "\n{} risks, {above} above the risk appetite ({})", self.risks.len(), self.method.appetite);
        out
    }

    /// The heat map, inherent and residual.
    pub fn to_svg(&self) -> String {
        annexa_isms::heatmap::svg(&self.method, &self.risks)
    }

    /// Warnings for standard error.
    pub fn warnings(&self) -> String {
        warnings_text(&self.warnings)
    }
}

/// `annexa risks suggest PATH`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SuggestView {
    /// Where the findings came from.
    pub evidence_source: EvidenceSource,
    /// The proposals.
    pub suggestions: Vec<Suggestion>,
    /// The number the next new risk id gets (`R-004`).
    #[serde(skip)]
    pub next_id: u32,
    /// Problems that did not stop the command.
    #[serde(skip)]
    pub warnings: Vec<Problem>,
}

/// A YAML double-quoted scalar (JSON's string syntax is valid YAML).
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

impl SuggestView {
    /// One row per proposal.
    pub fn sheet(&self) -> Sheet {
        Sheet {
            name: "Suggested risks",
            headers: vec!["key", "level", "L×I", "planned controls", "registered", "evidence", "title"],
            rows: self
                .suggestions
                .iter()
                .map(|s| {
                    vec![
                        s.key.clone(),
                        s.level.clone(),
                        format!("{}×{}", s.likelihood, s.impact),
                        join(&s.planned_controls),
                        s.registered.clone().unwrap_or_default(),
                        s.evidence.iter().map(|e| format!("{}:{}", e.file, e.line)).collect::<Vec<_>>().join(", "),
                        s.title.clone(),
                    ]
                })
                .collect(),
        }
    }

    /// The terminal form: each proposal with the evidence that raised it.
    pub fn to_text(&self) -> String {
        let mut out = heading(&self.evidence_source);
        for s in &self.suggestions {
            let registered = s.registered.as_ref().map(|id| format!("  (in the register as {id})")).unwrap_or_default();
            let _ = writeln!(out, "{} [{} {}×{}]{registered}", s.title, s.level, s.likelihood, s.impact);
            let _ = writeln!(out, "  key: {}", s.key);
            let _ = writeln!(out, "  threat: {}", s.threat);
            let _ = writeln!(out, "  vulnerability: {}", s.vulnerability);
            let _ = writeln!(out, "  controls: {}", join(&s.planned_controls));
            for e in &s.evidence {
                let _ = writeln!(out, "  --> {}:{}  {}", e.file, e.line, e.what);
            }
            out.push('\n');
        }
        let new = self.suggestions.iter().filter(|s| s.registered.is_none()).count();
        let _ = writeln!(
            out,
            "{} suggested risks, {new} not in the register; accept them with `annexa risks suggest PATH --format yaml >> registers/risks.yaml` (under `risks:`) and review each row",
            self.suggestions.len()
        );
        out
    }

    /// Rows for `registers/risks.yaml`, for the proposals not yet in the register.
    pub fn to_yaml(&self) -> String {
        let mut out =
            String::from("# Suggested by `annexa risks suggest`: review owner, ratings and dates before committing.\n");
        for (n, s) in (self.next_id..).zip(self.suggestions.iter().filter(|s| s.registered.is_none())) {
            let _ = writeln!(out, "  - id: R-{n:03}");
            let _ = writeln!(out, "    title: {}", yaml_string(&s.title));
            let _ = writeln!(out, "    assets: [{}]", yaml_string(&s.asset));
            let _ = writeln!(out, "    threat: {}", yaml_string(&s.threat));
            let _ = writeln!(out, "    vulnerability: {}", yaml_string(&s.vulnerability));
            let _ = writeln!(out, "    likelihood: {}", s.likelihood);
            let _ = writeln!(out, "    impact: {}", s.impact);
            let _ = writeln!(out, "    planned_controls: [{}]", join(&s.planned_controls));
            let _ = writeln!(out, "    owner: \"\"");
            let _ = writeln!(out, "    treatment: mitigate");
            let _ = writeln!(out, "    suggestion: {}", yaml_string(&s.key));
        }
        out
    }

    /// Warnings for standard error.
    pub fn warnings(&self) -> String {
        warnings_text(&self.warnings)
    }
}

/// One row of the nonconformity register, with whether it is overdue.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NcRowView {
    /// The row as written.
    #[serde(flatten)]
    pub nc: Nonconformity,
    /// Open and past its due date.
    pub overdue: bool,
}

/// `annexa nc`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NcView {
    /// Where the current check results came from; `None` when there were none to compare.
    pub evidence_source: Option<EvidenceSource>,
    /// The earlier run they were compared with; `None` when there was none (and so no proposal).
    pub compared_with: Option<EvidenceSource>,
    /// The register.
    pub register: Vec<NcRowView>,
    /// Proposals from check regressions.
    pub proposals: Vec<Proposal>,
    /// Problems that did not stop the command.
    #[serde(skip)]
    pub warnings: Vec<Problem>,
}

impl NcView {
    /// The register and proposals as one sheet.
    pub fn sheet(&self) -> Sheet {
        let mut rows: Vec<Vec<String>> = self
            .register
            .iter()
            .map(|r| {
                let eff =
                    r.nc.effectiveness
                        .as_ref()
                        .map(|e| {
                            format!(
                                "{} by {} on {}",
                                if e.effective { "effective" } else { "not effective" },
                                e.checked_by,
                                e.date
                            )
                        })
                        .unwrap_or_default();
                vec![
                    r.nc.id.clone(),
                    r.nc.source.as_str().to_owned(),
                    r.nc.reference.clone(),
                    r.nc.description.clone(),
                    r.nc.root_cause.clone(),
                    r.nc.correction.clone(),
                    r.nc.corrective_action.clone(),
                    r.nc.owner.clone(),
                    date(r.nc.due),
                    format!("{}{}", r.nc.status.as_str(), if r.overdue { " (overdue)" } else { "" }),
                    eff,
                ]
            })
            .collect();
        for p in &self.proposals {
            rows.push(vec![
                "proposed".to_owned(),
                p.source.as_str().to_owned(),
                p.reference.clone(),
                p.description.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                "proposed".to_owned(),
                String::new(),
            ]);
        }
        Sheet {
            name: "Nonconformities",
            headers: vec![
                "id",
                "source",
                "reference",
                "description",
                "root cause",
                "correction",
                "corrective action",
                "owner",
                "due",
                "status",
                "effectiveness",
            ],
            rows,
        }
    }

    /// The terminal form.
    pub fn to_text(&self) -> String {
        let mut t = Table::new(["id", "source", "reference", "owner", "due", "status", "description"]);
        for row in &self.sheet().rows {
            t.push([&row[0], &row[1], &row[2], &row[7], &row[8], &row[9], &row[3]].map(String::clone));
        }
        let mut out = match (&self.evidence_source, &self.compared_with) {
            (Some(now), Some(before)) => format!("evidence: {now}\ncompared with: {before}\n\n"),
            (Some(now), None) => heading(now),
            (None, _) => String::new(),
        };
        out.push_str(&t.to_text());
        let open = self.register.iter().filter(|r| r.nc.status.is_open()).count();
        let overdue = self.register.iter().filter(|r| r.overdue).count();
        let _ = writeln!(
            out,
            "\n{} nonconformities, {open} open, {overdue} overdue; {} proposed",
            self.register.len(),
            self.proposals.len()
        );
        if self.compared_with.is_none() {
            let _ = writeln!(
                out,
                "proposals compare the latest two runs recorded with `annexa scan PATH --record`, or a saved run: `annexa nc --previous previous.json`"
            );
        }
        out
    }

    /// Warnings for standard error.
    pub fn warnings(&self) -> String {
        warnings_text(&self.warnings)
    }
}

/// `annexa calendar`.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct CalendarView {
    /// The events, by date.
    pub events: Vec<Event>,
    /// The organisation's name, for the calendar's title.
    #[serde(skip)]
    pub organisation: String,
    /// DTSTAMP of the iCalendar form.
    #[serde(skip)]
    pub stamp: jiff::Timestamp,
    /// Problems that did not stop the command.
    #[serde(skip)]
    pub warnings: Vec<Problem>,
}

impl CalendarView {
    /// The terminal form.
    pub fn to_text(&self) -> String {
        let mut t = Table::new(["date", "kind", "", "summary"]);
        for e in &self.events {
            t.push([
                e.date.to_string(),
                e.kind.to_owned(),
                if e.overdue { "OVERDUE" } else { "" }.to_owned(),
                e.summary.clone(),
            ]);
        }
        let mut out = t.to_text();
        let overdue = self.events.iter().filter(|e| e.overdue).count();
        let _ = writeln!(out, "\n{} dates, {overdue} overdue", self.events.len());
        out
    }

    /// iCalendar (RFC 5545).
    pub fn to_ics(&self) -> String {
        annexa_isms::calendar::to_ics(&self.events, &self.organisation, self.stamp)
    }

    /// Warnings for standard error.
    pub fn warnings(&self) -> String {
        warnings_text(&self.warnings)
    }
}

/// `annexa lint`.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(transparent)]
pub struct LintView {
    /// Every problem, by file and line.
    pub problems: Vec<Problem>,
}

impl LintView {
    /// Whether any problem is an error.
    pub fn failed(&self) -> bool {
        self.problems.iter().any(|p| p.level == Level::Error)
    }

    /// The terminal form: each problem with file, line, field and help, then the counts.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for p in &self.problems {
            let _ = writeln!(out, "{p}\n");
        }
        let errors = self.problems.iter().filter(|p| p.level == Level::Error).count();
        let _ = writeln!(out, "{errors} errors, {} warnings", self.problems.len() - errors);
        out
    }
}

/// `annexa init`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InitView {
    /// The repository.
    pub dir: String,
    /// The files written, relative to it.
    pub files: Vec<String>,
}

impl InitView {
    /// The terminal form: what was written and what to do next.
    pub fn to_text(&self) -> String {
        let mut out = format!("created an ISMS repository in {}:\n", self.dir);
        for f in &self.files {
            let _ = writeln!(out, "  {f}");
        }
        out.push_str(
            "\nnext:\n  1. edit annexa.toml: organisation, scope (paths of the estate), audit dates\n  2. read and adapt the policies; set owners and approvers\n  3. `annexa risks suggest PATH` to start the risk register\n  4. `annexa lint`, then `annexa soa` and `annexa gap`\n",
        );
        out
    }
}
