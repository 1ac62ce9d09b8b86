//! Nonconformity proposals: a control that passed in the previous recorded run and fails now
//! opens a proposal, unless the register already has an open nonconformity for it.

use crate::registers::{NcRow, NcSource};
use crate::soa::ControlEvidence;

/// A proposed nonconformity, for a person to accept into the register.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Proposal {
    /// Always `check-regression`.
    pub source: NcSource,
    /// The control, `A.8.9`.
    pub reference: String,
    /// Its title.
    pub title: &'static str,
    /// What regressed, with file:line of each finding.
    pub description: String,
    /// The failing checks.
    pub checks: Vec<String>,
}

/// Proposals from two runs of the same checks.
pub fn proposals(previous: &[ControlEvidence], current: &[ControlEvidence], register: &[NcRow]) -> Vec<Proposal> {
    let mut out = Vec::new();
    for now in current.iter().filter(|e| !e.failing.is_empty()) {
        let passed_before = previous.iter().any(|p| p.control == now.control && p.passed());
        if !passed_before {
            continue;
        }
        let id = now.control.to_string();
        let open = register.iter().any(|r| {
            r.nc.status.is_open() && crate::lint::check_ref(&r.nc.reference) == crate::lint::RefCheck::Ok(now.control)
        });
        if open {
            continue;
        }
        let places: Vec<String> =
            now.failing.iter().map(|f| format!("{} at {}:{} ({})", f.check, f.file, f.line, f.message)).collect();
        out.push(Proposal {
            source: NcSource::CheckRegression,
            title: now.control.title(),
            description: format!("{id} passed in the previous run and now fails: {}", places.join("; ")),
            checks: now.failing_checks().into_iter().map(str::to_owned).collect(),
            reference: id,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soa::FailingCheck;
    use annexa_catalog::AnnexA;

    fn ev(control: AnnexA, failing: bool) -> ControlEvidence {
        ControlEvidence {
            control,
            checks_run: vec!["K8S-0001".into()],
            failing: if failing {
                vec![FailingCheck {
                    check: "K8S-0001".into(),
                    file: "k8s/a.yaml".into(),
                    line: 9,
                    message: "privileged".into(),
                }]
            } else {
                Vec::new()
            },
            recorded_at: None,
        }
    }

    #[test]
    fn a_pass_turned_fail_is_proposed_once() {
        let previous = [ev(AnnexA::A8_2, false), ev(AnnexA::A8_9, true), ev(AnnexA::A8_20, false)];
        let current = [ev(AnnexA::A8_2, true), ev(AnnexA::A8_9, true), ev(AnnexA::A8_20, false)];
        let p = proposals(&previous, &current, &[]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].reference, "A.8.2");
        assert!(p[0].description.contains("K8S-0001 at k8s/a.yaml:9"), "{}", p[0].description);

        let text = "nonconformities:\n  - id: NC-1\n    source: check-regression\n    reference: A.8.2\n    description: x\n    status: open\n";
        let (register, problems) = crate::registers::read_nonconformities(text, "r.yaml");
        assert!(problems.is_empty());
        assert!(proposals(&previous, &current, &register).is_empty());
    }
}
