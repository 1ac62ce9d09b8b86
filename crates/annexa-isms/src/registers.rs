//! The registers kept as YAML in the ISMS repository: risks, suppliers, nonconformities, and
//! the human applicability decisions behind the Statement of Applicability.

use crate::lint::check_refs;
use crate::settings::RiskMethod;
use crate::yaml::{Doc, Row, read, rows};
use crate::{Problem, opt_date};
use annexa_catalog::AnnexA;
use jiff::civil::Date;

/// A likelihood or impact, by number (from 1) or by the name of its step on the scale.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Rating {
    /// `4`.
    Number(u32),
    /// `likely`.
    Name(String),
}

impl Rating {
    /// The step, from 1, on `scale`.
    pub fn resolve(&self, scale: &[String]) -> Option<usize> {
        match self {
            Rating::Number(n) => usize::try_from(*n).ok().filter(|n| (1..=scale.len()).contains(n)),
            Rating::Name(s) => scale.iter().position(|step| step.eq_ignore_ascii_case(s.trim())).map(|i| i + 1),
        }
    }
}

/// How a risk is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Treatment {
    /// Reduce it with controls.
    Mitigate,
    /// Keep it, with an approver's signature.
    Accept,
    /// Stop doing what causes it.
    Avoid,
    /// Share it (insurance, a supplier).
    Transfer,
}

impl Treatment {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Mitigate => "mitigate",
            Treatment::Accept => "accept",
            Treatment::Avoid => "avoid",
            Treatment::Transfer => "transfer",
        }
    }
}

/// Who accepted a risk, when, and until when.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// The risk owner or executive who signed it off.
    pub approver: String,
    /// When.
    #[serde(deserialize_with = "crate::date")]
    pub date: Date,
    /// When the acceptance lapses and the risk must be looked at again.
    #[serde(default, deserialize_with = "opt_date")]
    pub expiry: Option<Date>,
}

/// One row of `registers/risks.yaml`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// `R-001`.
    pub id: String,
    /// A short name.
    #[serde(default)]
    pub title: String,
    /// The assets at risk (`service:payments/payments`, or any name).
    #[serde(default)]
    pub assets: Vec<String>,
    /// What could happen.
    #[serde(default)]
    pub threat: String,
    /// The weakness it would exploit.
    #[serde(default)]
    pub vulnerability: String,
    /// Likelihood before treatment.
    pub likelihood: Rating,
    /// Impact before treatment.
    pub impact: Rating,
    /// Annex A controls already in place.
    #[serde(default)]
    pub existing_controls: Vec<String>,
    /// Annex A controls the treatment adds.
    #[serde(default)]
    pub planned_controls: Vec<String>,
    /// Likelihood once treated [default: as before].
    #[serde(default)]
    pub residual_likelihood: Option<Rating>,
    /// Impact once treated [default: as before].
    #[serde(default)]
    pub residual_impact: Option<Rating>,
    /// The risk owner.
    #[serde(default)]
    pub owner: String,
    /// Mitigate, accept, avoid or transfer.
    pub treatment: Treatment,
    /// Who owns the treatment [default: the risk owner].
    #[serde(default)]
    pub treatment_owner: Option<String>,
    /// When the planned controls are due.
    #[serde(default, deserialize_with = "opt_date")]
    pub treatment_due: Option<Date>,
    /// Sign-off, required when the treatment is `accept`.
    #[serde(default)]
    pub acceptance: Option<Acceptance>,
    /// When the risk is next reviewed.
    #[serde(default, deserialize_with = "opt_date")]
    pub review_due: Option<Date>,
    /// The key of the suggestion it was accepted from (`annexa risks suggest`).
    #[serde(default)]
    pub suggestion: Option<String>,
}

/// A risk with its ratings resolved against the risk method.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RatedRisk {
    /// The row as written.
    #[serde(flatten)]
    pub risk: Risk,
    /// Likelihood step, from 1.
    #[serde(skip)]
    pub l: usize,
    /// Impact step, from 1.
    #[serde(skip)]
    pub i: usize,
    /// Residual likelihood step.
    #[serde(skip)]
    pub rl: usize,
    /// Residual impact step.
    #[serde(skip)]
    pub ri: usize,
    /// The inherent level.
    pub inherent_level: String,
    /// The residual level.
    pub residual_level: String,
    /// Whether the residual level is above the risk appetite.
    pub above_appetite: bool,
    /// The planned controls, typed.
    #[serde(skip)]
    pub planned: Vec<AnnexA>,
    /// The existing controls, typed.
    #[serde(skip)]
    pub existing: Vec<AnnexA>,
    /// Where the row is written.
    #[serde(skip)]
    pub line: u32,
}

/// One row of `registers/suppliers.yaml`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    /// The supplier.
    pub name: String,
    /// What it provides.
    #[serde(default)]
    pub service: String,
    /// The classes of data it handles (`pii`, `cardholder`).
    #[serde(default)]
    pub data: Vec<String>,
    /// How much the estate depends on it: low, medium, high.
    #[serde(default)]
    pub criticality: Option<String>,
    /// Who manages the relationship.
    #[serde(default)]
    pub owner: String,
    /// Certifications or reports it holds (ISO/IEC 27001, SOC 2 Type II).
    #[serde(default)]
    pub assurance: Vec<String>,
    /// Annex A controls the relationship is managed under.
    #[serde(default)]
    pub controls: Vec<String>,
    /// When the relationship is next reviewed.
    #[serde(default, deserialize_with = "opt_date")]
    pub review_due: Option<Date>,
}

/// Where a nonconformity was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NcSource {
    /// An internal audit.
    InternalAudit,
    /// A certification or surveillance audit.
    ExternalAudit,
    /// A control that passed and now fails.
    CheckRegression,
    /// An incident.
    Incident,
    /// A remediation deadline missed.
    SlaBreach,
}

impl NcSource {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            NcSource::InternalAudit => "internal-audit",
            NcSource::ExternalAudit => "external-audit",
            NcSource::CheckRegression => "check-regression",
            NcSource::Incident => "incident",
            NcSource::SlaBreach => "sla-breach",
        }
    }
}

/// Where a nonconformity stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NcStatus {
    /// Raised, nothing done yet.
    Open,
    /// Correction or corrective action under way.
    InProgress,
    /// Corrective action done, effectiveness not yet checked.
    Closed,
    /// Effectiveness checked.
    Verified,
}

impl NcStatus {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            NcStatus::Open => "open",
            NcStatus::InProgress => "in-progress",
            NcStatus::Closed => "closed",
            NcStatus::Verified => "verified",
        }
    }

    /// Whether work is still owed.
    pub fn is_open(self) -> bool {
        matches!(self, NcStatus::Open | NcStatus::InProgress)
    }
}

/// The check that a corrective action worked.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Effectiveness {
    /// Who checked.
    pub checked_by: String,
    /// When.
    #[serde(deserialize_with = "crate::date")]
    pub date: Date,
    /// Whether it worked.
    pub effective: bool,
    /// What was looked at.
    #[serde(default)]
    pub note: String,
}

/// One row of `registers/nonconformities.yaml`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Nonconformity {
    /// `NC-001`.
    pub id: String,
    /// Where it was found.
    pub source: NcSource,
    /// A clause (`9.2`) or an Annex A control (`A.8.8`).
    pub reference: String,
    /// What is wrong.
    pub description: String,
    /// When it was raised.
    #[serde(default, deserialize_with = "opt_date")]
    pub raised: Option<Date>,
    /// Why it happened.
    #[serde(default)]
    pub root_cause: String,
    /// What was done at once.
    #[serde(default)]
    pub correction: String,
    /// What stops it happening again.
    #[serde(default)]
    pub corrective_action: String,
    /// Who answers for it.
    #[serde(default)]
    pub owner: String,
    /// When the corrective action is due.
    #[serde(default, deserialize_with = "opt_date")]
    pub due: Option<Date>,
    /// Where it stands.
    pub status: NcStatus,
    /// Whether the corrective action worked.
    #[serde(default)]
    pub effectiveness: Option<Effectiveness>,
}

/// Why an applicable control is in the SoA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A risk in the register needs it.
    Risk,
    /// A law or regulation.
    Legal,
    /// A contract.
    Contractual,
    /// A business need.
    Business,
    /// Good practice.
    BestPractice,
}

impl Reason {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Risk => "risk",
            Reason::Legal => "legal",
            Reason::Contractual => "contractual",
            Reason::Business => "business",
            Reason::BestPractice => "best-practice",
        }
    }
}

/// A human decision about one control in `decisions/soa.yaml`.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SoaDecision {
    /// The Annex A control.
    pub control: String,
    /// Whether it applies.
    pub applicable: bool,
    /// Why it is included.
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// Why it is excluded (required when `applicable: false`).
    #[serde(default)]
    pub justification: Option<String>,
    /// The implementation status a person vouches for, for what no check can see.
    #[serde(default)]
    pub status: Option<crate::Status>,
    /// Where the human evidence is (a document, a ticket, minutes).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Who answers for the control.
    #[serde(default)]
    pub owner: Option<String>,
    /// Who decided.
    pub decided_by: String,
    /// When.
    #[serde(deserialize_with = "crate::date")]
    pub decided_on: Date,
}

/// A decision with its typed control and line.
#[derive(Clone, Debug)]
pub struct Decision {
    /// The control.
    pub control: AnnexA,
    /// The row.
    pub decision: SoaDecision,
    /// Where it is written.
    pub line: u32,
}

/// A nonconformity with its line.
#[derive(Clone, Debug)]
pub struct NcRow {
    /// The row.
    pub nc: Nonconformity,
    /// Where it is written.
    pub line: u32,
}

fn line_of_item<'a>(doc: &'a Doc, row_pointer: &str, field: &str) -> impl Fn(usize) -> u32 + 'a {
    let base = format!("{row_pointer}/{field}");
    move |i| doc.line(&format!("{base}/{i}"))
}

fn read_rows<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
    key: &str,
) -> (Option<Doc>, Vec<Row<T>>, Vec<Problem>) {
    match read(text, file) {
        Ok(doc) => {
            let (rows, problems) = rows(&doc, key, file);
            (Some(doc), rows, problems)
        }
        Err(problems) => (None, Vec::new(), problems),
    }
}

fn duplicate(file: &str, line: u32, field: &str, what: &str, id: &str) -> Problem {
    Problem::error(file, line, field, format!("{what} `{id}` is written twice"))
        .with_help("give each row its own id, or merge the rows")
}

/// Reads and validates `registers/risks.yaml`, rating each risk on the method's scales.
pub fn read_risks(text: &str, file: &str, method: &RiskMethod) -> (Vec<RatedRisk>, Vec<Problem>) {
    let (doc, rows, mut problems) = read_rows::<Risk>(text, file, "risks");
    let Some(doc) = doc else { return (Vec::new(), problems) };
    let mut out: Vec<RatedRisk> = Vec::new();
    for (n, row) in rows.into_iter().enumerate() {
        let risk = row.value;
        let at = |f: &str| doc.line(&format!("{}/{f}", row.pointer));
        let field = |f: &str| format!("risks[{n}].{f}");
        if out.iter().any(|r| r.risk.id == risk.id) {
            problems.push(duplicate(file, at("id"), &field("id"), "risk", &risk.id));
        }
        let mut rating = |name: &str, r: Option<&Rating>, scale: &[String], fallback: usize| -> usize {
            let Some(r) = r else { return fallback };
            r.resolve(scale).unwrap_or_else(|| {
                let written = match r {
                    Rating::Number(n) => n.to_string(),
                    Rating::Name(s) => s.clone(),
                };
                problems.push(
                    Problem::error(file, at(name), field(name), format!("`{written}` is not on the scale"))
                        .with_help(format!("use 1 to {} or one of: {}", scale.len(), scale.join(", "))),
                );
                1
            })
        };
        let l = rating("likelihood", Some(&risk.likelihood), &method.likelihood, 1);
        let i = rating("impact", Some(&risk.impact), &method.impact, 1);
        let rl = rating("residual_likelihood", risk.residual_likelihood.as_ref(), &method.likelihood, l);
        let ri = rating("residual_impact", risk.residual_impact.as_ref(), &method.impact, i);
        let (existing, p) = check_refs(
            &risk.existing_controls,
            file,
            &field("existing_controls"),
            line_of_item(&doc, &row.pointer, "existing_controls"),
        );
        problems.extend(p);
        let (planned, p) = check_refs(
            &risk.planned_controls,
            file,
            &field("planned_controls"),
            line_of_item(&doc, &row.pointer, "planned_controls"),
        );
        problems.extend(p);
        if risk.treatment == Treatment::Accept && risk.acceptance.is_none() {
            problems.push(
                Problem::error(
                    file,
                    at("treatment"),
                    field("acceptance"),
                    format!("risk `{}` is accepted without a sign-off", risk.id),
                )
                .with_help("add `acceptance:` with `approver`, `date` and `expiry`"),
            );
        }
        if risk.treatment == Treatment::Mitigate
            && risk.planned_controls.is_empty()
            && risk.existing_controls.is_empty()
        {
            problems.push(
                Problem::warning(
                    file,
                    at("treatment"),
                    field("planned_controls"),
                    format!("risk `{}` is mitigated by no control", risk.id),
                )
                .with_help("list the Annex A controls that reduce it in `planned_controls` or `existing_controls`"),
            );
        }
        let level = |l, i| method.level(l, i).unwrap_or("").to_owned();
        let above = method.level_index(rl, ri).zip(method.appetite_index()).is_some_and(|(r, a)| r > a);
        out.push(RatedRisk {
            inherent_level: level(l, i),
            residual_level: level(rl, ri),
            above_appetite: above,
            l,
            i,
            rl,
            ri,
            planned,
            existing,
            line: row.line,
            risk,
        });
    }
    (out, problems)
}

/// Reads and validates `registers/suppliers.yaml`.
pub fn read_suppliers(text: &str, file: &str) -> (Vec<Supplier>, Vec<Problem>) {
    let (doc, rows, mut problems) = read_rows::<Supplier>(text, file, "suppliers");
    let Some(doc) = doc else { return (Vec::new(), problems) };
    let mut out: Vec<Supplier> = Vec::new();
    for (n, row) in rows.into_iter().enumerate() {
        let (_, p) = check_refs(
            &row.value.controls,
            file,
            &format!("suppliers[{n}].controls"),
            line_of_item(&doc, &row.pointer, "controls"),
        );
        problems.extend(p);
        out.push(row.value);
    }
    (out, problems)
}

/// Reads and validates `registers/nonconformities.yaml`.
pub fn read_nonconformities(text: &str, file: &str) -> (Vec<NcRow>, Vec<Problem>) {
    let (doc, rows, mut problems) = read_rows::<Nonconformity>(text, file, "nonconformities");
    let Some(doc) = doc else { return (Vec::new(), problems) };
    let mut out: Vec<NcRow> = Vec::new();
    for (n, row) in rows.into_iter().enumerate() {
        let nc = row.value;
        let at = doc.line(&format!("{}/reference", row.pointer));
        let field = format!("nonconformities[{n}].reference");
        if out.iter().any(|r| r.nc.id == nc.id) {
            problems.push(duplicate(file, row.line, &format!("nonconformities[{n}].id"), "nonconformity", &nc.id));
        }
        let clause = nc.reference.trim().trim_start_matches("clause").trim();
        let is_clause =
            annexa_catalog::clauses().iter().any(|c| c.id == clause) && !nc.reference.trim().starts_with('A');
        if !is_clause {
            let (_, p) = check_refs(std::slice::from_ref(&nc.reference), file, &field, |_| at);
            // A single reference reads better without `[0]`.
            problems.extend(p.into_iter().map(|mut p| {
                p.field.clone_from(&field);
                p
            }));
        }
        if nc.status == NcStatus::Verified && nc.effectiveness.is_none() {
            problems.push(
                Problem::error(
                    file,
                    doc.line(&format!("{}/status", row.pointer)),
                    format!("nonconformities[{n}].effectiveness"),
                    format!("nonconformity `{}` is verified without an effectiveness check", nc.id),
                )
                .with_help("add `effectiveness:` with `checked_by`, `date` and `effective`"),
            );
        }
        out.push(NcRow { nc, line: row.line });
    }
    (out, problems)
}

/// Reads and validates `decisions/soa.yaml`: every control once, every exclusion justified.
pub fn read_decisions(text: &str, file: &str) -> (Vec<Decision>, Vec<Problem>) {
    let (doc, rows, mut problems) = read_rows::<SoaDecision>(text, file, "decisions");
    let Some(doc) = doc else { return (Vec::new(), problems) };
    let mut out: Vec<Decision> = Vec::new();
    for (n, row) in rows.into_iter().enumerate() {
        let d = row.value;
        let at = |f: &str| doc.line(&format!("{}/{f}", row.pointer));
        let (controls, p) =
            check_refs(std::slice::from_ref(&d.control), file, &format!("decisions[{n}].control"), |_| at("control"));
        problems.extend(p.into_iter().map(|mut p| {
            p.field = format!("decisions[{n}].control");
            p
        }));
        let Some(control) = controls.first().copied() else { continue };
        if out.iter().any(|o| o.control == control) {
            problems.push(duplicate(
                file,
                at("control"),
                &format!("decisions[{n}].control"),
                "a decision about",
                &control.to_string(),
            ));
        }
        if !d.applicable && d.justification.as_deref().is_none_or(|j| j.trim().is_empty()) {
            problems.push(
                Problem::error(
                    file,
                    at("applicable"),
                    format!("decisions[{n}].justification"),
                    format!("`{control}` is excluded without a justification"),
                )
                .with_help("say in `justification` why the control does not apply; auditors read every exclusion"),
            );
        }
        if !d.applicable && d.status.is_some() {
            problems.push(
                Problem::warning(
                    file,
                    at("status"),
                    format!("decisions[{n}].status"),
                    format!("`{control}` is excluded, so its `status` means nothing"),
                )
                .with_help("remove `status`, or make the control applicable"),
            );
        }
        out.push(Decision { control, decision: d, line: row.line });
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risks_are_rated_on_the_matrix_and_checked() {
        let text = "risks:\n  - id: R-1\n    likelihood: likely\n    impact: 5\n    residual_likelihood: 1\n    treatment: mitigate\n    planned_controls: [A.8.24, A.10.1.1]\n  - id: R-2\n    likelihood: 9\n    impact: 1\n    treatment: accept\n";
        let (risks, problems) = read_risks(text, "registers/risks.yaml", &RiskMethod::default());
        assert_eq!(risks.len(), 2);
        assert_eq!((risks[0].inherent_level.as_str(), risks[0].residual_level.as_str()), ("critical", "low"));
        assert_eq!(risks[0].planned, [AnnexA::A8_24]);
        let got: Vec<(u32, &str)> = problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(
            got,
            [(7, "risks[0].planned_controls[1]"), (9, "risks[1].likelihood"), (11, "risks[1].acceptance")],
            "{problems:#?}"
        );
        assert!(problems[0].help.as_deref().unwrap_or("").contains("`A.8.24` (Use of cryptography)"));
    }

    #[test]
    fn an_exclusion_needs_a_justification() {
        let text = "decisions:\n  - control: A.7.4\n    applicable: false\n    decided_by: CISO\n    decided_on: 2026-01-10\n  - control: A.7.1\n    applicable: false\n    justification: no premises\n    decided_by: CISO\n    decided_on: 2026-01-10\n";
        let (decisions, problems) = read_decisions(text, "decisions/soa.yaml");
        assert_eq!(decisions.len(), 2);
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].field.as_str()), (3, "decisions[0].justification"));
        assert_eq!(problems[0].message, "`A.7.4` is excluded without a justification");
    }

    #[test]
    fn nonconformities_take_clauses_or_controls() {
        let text = "nonconformities:\n  - id: NC-1\n    source: internal-audit\n    reference: \"9.2\"\n    description: no audit programme\n    status: open\n  - id: NC-2\n    source: incident\n    reference: A.12.4.1\n    description: logs missing\n    status: open\n  - id: NC-3\n    source: audit\n    reference: A.8.15\n    description: x\n    status: open\n";
        let (ncs, mut problems) = read_nonconformities(text, "registers/nonconformities.yaml");
        crate::sort_problems(&mut problems);
        assert_eq!(ncs.len(), 2);
        let got: Vec<(u32, &str)> = problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(got, [(9, "nonconformities[1].reference"), (13, "nonconformities[2].source")], "{problems:#?}");
    }
}
