//! The gap assessment: every applicable control that is not implemented and why, and the
//! documents clauses 4–10 ask for that the repository does not have.

use crate::add_months;
use crate::repo::{Repo, paths};
use crate::soa::{SoaRow, Status};
use jiff::civil::Date;

/// Why a control is a gap.
#[derive(Clone, Debug, serde::Serialize)]
pub struct GapReason {
    /// `failing-check`, `missing-policy`, `missing-evidence`, `overdue-review`, `planned`.
    pub kind: &'static str,
    /// What exactly.
    pub detail: String,
    /// Where, as `file:line`, when it is about a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// One applicable control that is not implemented.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ControlGap {
    /// `A.8.9`.
    pub control: String,
    /// Its title.
    pub title: &'static str,
    /// Its status.
    pub status: Status,
    /// Who answers for it.
    pub owner: Option<String>,
    /// Why it is not implemented.
    pub reasons: Vec<GapReason>,
}

/// A document clauses 4–10 ask for that is missing or out of date.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MissingDocument {
    /// The clause, `4.3`.
    pub clause: &'static str,
    /// The clause title.
    pub title: &'static str,
    /// What is missing.
    pub missing: String,
    /// How to add it.
    pub help: String,
}

/// The gap assessment.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Gap {
    /// Applicable controls not implemented, in the standard's order.
    pub controls: Vec<ControlGap>,
    /// Missing clause documents, by clause.
    pub documents: Vec<MissingDocument>,
}

fn clause_title(id: &str) -> &'static str {
    annexa_catalog::clauses().iter().find(|c| c.id == id).map_or("", |c| c.title)
}

/// Assesses the gaps on `today`.
pub fn assess(repo: &Repo, soa: &[SoaRow], today: Date) -> Gap {
    let mut controls = Vec::new();
    let review_months = i64::from(repo.settings.cadence.policy_review_months);
    for row in soa.iter().filter(|r| r.applicable) {
        let mut reasons = Vec::new();
        for f in &row.failing {
            reasons.push(GapReason {
                kind: "failing-check",
                detail: format!("{}: {}", f.check, f.message),
                location: Some(format!("{}:{}", f.file, f.line)),
            });
        }
        // Overdue reviews count even for an implemented control: the evidence has gone stale.
        for p in repo.policies.iter().filter(|p| row.policies.contains(&p.front.id)) {
            if let Some(due) = p.front.review_due.filter(|d| *d < today) {
                reasons.push(GapReason {
                    kind: "overdue-review",
                    detail: format!("policy {} was due for review on {due}", p.front.id),
                    location: Some(format!("{}:1", p.file)),
                });
            }
        }
        if let Some(d) = repo.decisions.iter().find(|d| d.control.to_string() == row.control)
            && add_months(d.decision.decided_on, review_months) < today
        {
            reasons.push(GapReason {
                kind: "overdue-review",
                detail: format!("the decision of {} is older than {review_months} months", d.decision.decided_on),
                location: Some(format!("{}:{}", paths::SOA, d.line)),
            });
        }
        if row.status == Status::Implemented && reasons.is_empty() {
            continue;
        }
        if row.status != Status::Implemented {
            if row.policies.is_empty() {
                reasons.push(GapReason {
                    kind: "missing-policy",
                    detail: "no policy names this control".to_owned(),
                    location: None,
                });
            }
            if row.checks_run.is_empty() && row.evidence.is_empty() {
                reasons.push(GapReason {
                    kind: "missing-evidence",
                    detail: "no check covers it and no evidence is recorded in decisions/soa.yaml".to_owned(),
                    location: None,
                });
            }
            if row.status == Status::Planned {
                let risks = if row.risks.is_empty() { "a recorded decision".to_owned() } else { row.risks.join(", ") };
                reasons.push(GapReason { kind: "planned", detail: format!("planned by {risks}"), location: None });
            }
        }
        controls.push(ControlGap {
            control: row.control.clone(),
            title: row.title,
            status: row.status,
            owner: row.owner.clone(),
            reasons,
        });
    }
    Gap { controls, documents: documents(repo, today) }
}

fn documents(repo: &Repo, today: Date) -> Vec<MissingDocument> {
    let mut out = Vec::new();
    let mut missing = |clause: &'static str, missing: String, help: &str| {
        out.push(MissingDocument { clause, title: clause_title(clause), missing, help: help.to_owned() });
    };
    let s = &repo.settings;
    let scope_ok = s.scope.as_ref().is_some_and(|sc| sc.description.as_deref().is_some_and(|d| !d.trim().is_empty()));
    if !scope_ok {
        missing(
            "4.3",
            "no scope statement".to_owned(),
            "write `[scope]` with `description`, `paths`, inclusions and exclusions in annexa.toml",
        );
    }
    if !repo.policies.iter().any(|p| p.controls.contains(&annexa_catalog::AnnexA::A5_1)) {
        missing(
            "5.2",
            "no information security policy (a policy naming A.5.1)".to_owned(),
            "add a top-level policy under policies/ whose `controls` include A.5.1",
        );
    }
    if s.risk.is_none() {
        missing(
            "6.1.2",
            "no risk assessment method".to_owned(),
            "write `[risk]` (scales, matrix, appetite) in annexa.toml",
        );
    }
    if repo.risks.is_empty() {
        missing(
            "8.2",
            "no risk assessment results (the risk register is empty)".to_owned(),
            "add risks to registers/risks.yaml; `annexa risks suggest PATH` proposes some",
        );
    }
    if !repo.has_soa {
        missing(
            "6.1.3",
            "no Statement of Applicability decisions".to_owned(),
            "create decisions/soa.yaml; `annexa init` writes a starter",
        );
    }
    if !repo.risks.iter().any(|r| !r.planned.is_empty()) {
        missing(
            "6.1.3",
            "no risk treatment plan (no risk plans a control)".to_owned(),
            "list `planned_controls` with `treatment_due` on the risks you mitigate",
        );
    }
    if repo.policies.is_empty() {
        missing("5.2", "no policies".to_owned(), "add policies under policies/; `annexa init` writes starters");
    }
    let cadence = &s.cadence;
    let overdue = |last: Option<Date>, months: u32| last.is_none_or(|d| add_months(d, i64::from(months)) < today);
    if overdue(s.audit.last_internal_audit, cadence.internal_audit_months) {
        let what = match s.audit.last_internal_audit {
            Some(d) => format!("internal audit overdue (last on {d}, every {} months)", cadence.internal_audit_months),
            None => "no internal audit recorded".to_owned(),
        };
        missing("9.2", what, "run an internal audit and set `[audit] last_internal_audit` in annexa.toml");
    }
    if overdue(s.audit.last_management_review, cadence.management_review_months) {
        let what = match s.audit.last_management_review {
            Some(d) => {
                format!("management review overdue (last on {d}, every {} months)", cadence.management_review_months)
            }
            None => "no management review recorded".to_owned(),
        };
        missing("9.3", what, "hold a management review and set `[audit] last_management_review` in annexa.toml");
    }
    if !repo.has_nonconformities {
        missing(
            "10.2",
            "no nonconformity register".to_owned(),
            "create registers/nonconformities.yaml; `annexa init` writes a starter",
        );
    }
    out.sort_by_key(|d| annexa_catalog::natural_key(d.clause));
    out
}
