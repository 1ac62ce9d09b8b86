//! The Statement of Applicability: all 93 Annex A controls, derived from check results (as
//! [`ControlEvidence`]), the risk register, the policies and the recorded human decisions. It is
//! never edited by hand; people edit `decisions/soa.yaml`.

use crate::registers::Reason;
use crate::repo::Repo;
use annexa_catalog::{AnnexA, Theme};
use jiff::civil::Date;

/// A failing check that gives evidence against a control.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FailingCheck {
    /// The check id, `K8S-0001`.
    pub check: String,
    /// The file of the finding.
    pub file: String,
    /// Its line.
    pub line: u32,
    /// What the check says.
    pub message: String,
}

/// The latest result for one Annex A control: the input the SoA, the gap and nonconformity
/// proposals are derived from.
///
/// The engine builds it from a fresh scan of the scope; the evidence store provides the same
/// shape from the latest recorded run (and the one before, for regressions). A control no check
/// gives evidence for has no `ControlEvidence`, or one with empty `checks_run`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ControlEvidence {
    /// The control.
    pub control: AnnexA,
    /// The ids of the checks that ran for it.
    pub checks_run: Vec<String>,
    /// The findings against it that are not exempted.
    pub failing: Vec<FailingCheck>,
    /// When the run was recorded; `None` for a fresh, unrecorded scan.
    pub recorded_at: Option<jiff::Timestamp>,
}

impl ControlEvidence {
    /// Whether checks ran and none failed.
    pub fn passed(&self) -> bool {
        !self.checks_run.is_empty() && self.failing.is_empty()
    }

    /// The checks that failed, each once, sorted.
    pub fn failing_checks(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.failing.iter().map(|f| f.check.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Implementation status of a control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// In place and evidenced.
    Implemented,
    /// In place in part.
    Partial,
    /// A treatment plans it.
    Planned,
    /// Nothing yet.
    NotStarted,
    /// Excluded from the SoA.
    NotApplicable,
}

impl Status {
    /// The kebab-case name JSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Implemented => "implemented",
            Status::Partial => "partial",
            Status::Planned => "planned",
            Status::NotStarted => "not-started",
            Status::NotApplicable => "not-applicable",
        }
    }

    /// The words a table shows.
    pub fn label(self) -> &'static str {
        match self {
            Status::Implemented => "implemented",
            Status::Partial => "partial",
            Status::Planned => "planned",
            Status::NotStarted => "not started",
            Status::NotApplicable => "not applicable",
        }
    }
}

/// One control of the SoA.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SoaRow {
    /// `A.5.1`.
    pub control: String,
    /// Its short title.
    pub title: &'static str,
    /// Its theme.
    pub theme: Theme,
    /// Whether it applies.
    pub applicable: bool,
    /// Why it is included (empty when excluded).
    pub reasons: Vec<Reason>,
    /// Why it is excluded.
    pub justification: Option<String>,
    /// Implementation status.
    pub status: Status,
    /// How the status was reached, in words.
    pub basis: String,
    /// The risks whose existing or planned controls include it.
    pub risks: Vec<String>,
    /// The policies that name it.
    pub policies: Vec<String>,
    /// Evidence: checks run, and documents a person recorded.
    pub evidence: Vec<String>,
    /// Checks run for it.
    pub checks_run: Vec<String>,
    /// Failing findings against it.
    pub failing: Vec<FailingCheck>,
    /// Who answers for it.
    pub owner: Option<String>,
    /// When the decision about it was last made.
    pub last_reviewed: Option<Date>,
    /// When the evidence was recorded; absent for a fresh scan.
    pub recorded_at: Option<jiff::Timestamp>,
}

/// Derives the SoA: one row per Annex A control, in the standard's order.
pub fn derive(repo: &Repo, evidence: &[ControlEvidence]) -> Vec<SoaRow> {
    AnnexA::ALL.into_iter().map(|c| row(repo, evidence, c)).collect()
}

fn row(repo: &Repo, evidence: &[ControlEvidence], c: AnnexA) -> SoaRow {
    let decision = repo.decisions.iter().find(|d| d.control == c).map(|d| &d.decision);
    let applicable = decision.is_none_or(|d| d.applicable);
    let risks: Vec<String> = repo
        .risks
        .iter()
        .filter(|r| r.planned.contains(&c) || r.existing.contains(&c))
        .map(|r| r.risk.id.clone())
        .collect();
    let planned_by_risk = repo.risks.iter().any(|r| r.planned.contains(&c));
    let policies: Vec<String> =
        repo.policies.iter().filter(|p| p.controls.contains(&c)).map(|p| p.front.id.clone()).collect();
    let ev = evidence.iter().find(|e| e.control == c);
    let checks_run: Vec<String> = ev.map(|e| e.checks_run.clone()).unwrap_or_default();
    let failing: Vec<FailingCheck> = ev.map(|e| e.failing.clone()).unwrap_or_default();
    let human = decision.and_then(|d| d.status);

    let mut reasons: Vec<Reason> = decision.map(|d| d.reasons.clone()).unwrap_or_default();
    if !risks.is_empty() {
        reasons.push(Reason::Risk);
    }
    if reasons.is_empty() {
        reasons.push(Reason::BestPractice);
    }
    reasons.sort_unstable();
    reasons.dedup();

    let (status, basis) = if !applicable {
        (Status::NotApplicable, "excluded by decision".to_owned())
    } else if !failing.is_empty() {
        let fails = ev.map(ControlEvidence::failing_checks).unwrap_or_default();
        let passing = checks_run.len().saturating_sub(fails.len());
        let status = if passing > 0 || matches!(human, Some(Status::Implemented | Status::Partial)) {
            Status::Partial
        } else if planned_by_risk || human == Some(Status::Planned) {
            Status::Planned
        } else {
            Status::NotStarted
        };
        (status, format!("{} of {} checks fail: {}", fails.len(), checks_run.len(), fails.join(", ")))
    } else if !checks_run.is_empty() {
        match human {
            // A person knows about the part of the control no check sees.
            Some(h @ (Status::Partial | Status::Planned | Status::NotStarted)) => {
                (h, format!("{} checks pass; recorded decision says {}", checks_run.len(), h.label()))
            }
            _ => (Status::Implemented, format!("{} checks pass", checks_run.len())),
        }
    } else if let Some(h) = human.filter(|h| *h != Status::NotApplicable) {
        (h, "recorded decision".to_owned())
    } else if planned_by_risk {
        (Status::Planned, "planned by a risk treatment".to_owned())
    } else {
        (Status::NotStarted, "no check and no recorded evidence".to_owned())
    };

    let mut evidence_refs: Vec<String> = checks_run.iter().map(|id| format!("check {id}")).collect();
    evidence_refs.extend(decision.map(|d| d.evidence.clone()).unwrap_or_default());
    let owner = decision
        .and_then(|d| d.owner.clone())
        .or_else(|| repo.policies.iter().find(|p| p.controls.contains(&c)).map(|p| p.front.owner.clone()));
    SoaRow {
        control: c.to_string(),
        title: c.title(),
        theme: c.theme(),
        applicable,
        reasons: if applicable { reasons } else { Vec::new() },
        justification: decision.and_then(|d| d.justification.clone()).filter(|_| !applicable),
        status,
        basis,
        risks,
        policies,
        evidence: evidence_refs,
        checks_run,
        failing,
        owner,
        last_reviewed: decision.map(|d| d.decided_on),
        recorded_at: ev.and_then(|e| e.recorded_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::Files;

    fn ev(control: AnnexA, run: &[&str], failing: &[&str]) -> ControlEvidence {
        ControlEvidence {
            control,
            checks_run: run.iter().map(|s| (*s).to_owned()).collect(),
            failing: failing
                .iter()
                .map(|c| FailingCheck {
                    check: (*c).to_owned(),
                    file: "k8s/a.yaml".into(),
                    line: 3,
                    message: "m".into(),
                })
                .collect(),
            recorded_at: None,
        }
    }

    #[test]
    fn status_follows_checks_risks_and_decisions() {
        let files = Files {
            risks: Some("risks:\n  - id: R-1\n    likelihood: 3\n    impact: 3\n    treatment: mitigate\n    planned_controls: [A.8.24, A.5.7]\n".into()),
            soa: Some("decisions:\n  - control: A.7.1\n    applicable: false\n    justification: no premises in scope\n    decided_by: CISO\n    decided_on: 2026-01-10\n  - control: A.6.3\n    applicable: true\n    reasons: [contractual]\n    status: implemented\n    evidence: [training records 2026]\n    decided_by: CISO\n    decided_on: 2026-01-10\n".into()),
            ..Files::default()
        };
        let (repo, problems) = Repo::read(&files);
        assert!(problems.is_empty(), "{problems:#?}");
        let evidence = [
            ev(AnnexA::A8_9, &["K8S-0001", "K8S-0002"], &["K8S-0001"]),
            ev(AnnexA::A8_2, &["K8S-0003"], &[]),
            ev(AnnexA::A8_24, &["NET-0001"], &["NET-0001"]),
        ];
        let soa = derive(&repo, &evidence);
        assert_eq!(soa.len(), 93);
        let get = |c: AnnexA| soa.iter().find(|r| r.control == c.to_string()).unwrap();
        assert_eq!(get(AnnexA::A8_9).status, Status::Partial);
        assert_eq!(get(AnnexA::A8_2).status, Status::Implemented);
        assert_eq!(get(AnnexA::A8_24).status, Status::Planned);
        assert_eq!(get(AnnexA::A8_24).risks, ["R-1"]);
        assert_eq!(get(AnnexA::A8_24).reasons, [Reason::Risk]);
        assert_eq!(get(AnnexA::A5_7).status, Status::Planned);
        assert_eq!(get(AnnexA::A5_1).status, Status::NotStarted);
        assert_eq!(get(AnnexA::A5_1).reasons, [Reason::BestPractice]);
        let a71 = get(AnnexA::A7_1);
        assert!(!a71.applicable && a71.status == Status::NotApplicable && a71.reasons.is_empty());
        assert_eq!(a71.justification.as_deref(), Some("no premises in scope"));
        let a63 = get(AnnexA::A6_3);
        assert_eq!((a63.status, a63.reasons.as_slice()), (Status::Implemented, &[Reason::Contractual][..]));
        assert_eq!(a63.evidence, ["training records 2026"]);
        assert_eq!(a63.last_reviewed.map(|d| d.to_string()).as_deref(), Some("2026-01-10"));
    }
}
