//! The risk treatment plan: each planned control of each risk, with its owner, deadline and the
//! status the SoA derives for it; overdue ones flagged.

use crate::repo::Repo;
use crate::soa::{SoaRow, Status};
use jiff::civil::Date;

/// One planned control of one risk.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PlanRow {
    /// The risk id.
    pub risk: String,
    /// The risk's title.
    pub risk_title: String,
    /// The residual level the treatment aims at.
    pub residual_level: String,
    /// The control, `A.8.24`.
    pub control: String,
    /// Its title.
    pub title: &'static str,
    /// Who delivers it.
    pub owner: String,
    /// When it is due.
    pub deadline: Option<Date>,
    /// The control's status, from the SoA.
    pub status: Status,
    /// Whether the deadline has passed and the control is not implemented.
    pub overdue: bool,
}

/// Builds the plan on `today`, in risk order then control order.
pub fn plan(repo: &Repo, soa: &[SoaRow], today: Date) -> Vec<PlanRow> {
    let mut out = Vec::new();
    for r in &repo.risks {
        for c in &r.planned {
            let status =
                soa.iter().find(|row| row.control == c.to_string()).map_or(Status::NotStarted, |row| row.status);
            let deadline = r.risk.treatment_due;
            out.push(PlanRow {
                risk: r.risk.id.clone(),
                risk_title: r.risk.title.clone(),
                residual_level: r.residual_level.clone(),
                control: c.to_string(),
                title: c.title(),
                owner: r.risk.treatment_owner.clone().unwrap_or_else(|| r.risk.owner.clone()),
                deadline,
                status,
                overdue: deadline.is_some_and(|d| d < today) && status != Status::Implemented,
            });
        }
    }
    out
}
