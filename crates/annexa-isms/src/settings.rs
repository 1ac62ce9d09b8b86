//! The ISMS sections of `annexa.toml`: organisation, scope, risk method, cadences, audit dates
//! and patch windows. Every section is optional; cadences and patch windows have the defaults a
//! certification body expects, and the risk method defaults to a 5×5 matrix.

use crate::toml_lines::{line_at, line_of};
use crate::{Problem, opt_date};
use jiff::civil::Date;

/// The organisation whose ISMS this is.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Its legal name.
    pub name: String,
    /// Who answers for the ISMS (a role or a person).
    #[serde(default)]
    pub isms_owner: Option<String>,
    /// Where to reach the security team.
    #[serde(default)]
    pub contact: Option<String>,
}

/// One thing in or out of scope, with the reason an auditor will ask for.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeItem {
    /// What is included or excluded.
    pub item: String,
    /// Why.
    #[serde(default)]
    pub rationale: String,
}

/// The ISMS scope (clause 4.3).
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// The scope statement.
    #[serde(default)]
    pub description: Option<String>,
    /// Paths of the estate, relative to the ISMS repository, that commands scan for evidence.
    #[serde(default)]
    pub paths: Vec<String>,
    /// What is explicitly in scope.
    #[serde(default)]
    pub inclusions: Vec<ScopeItem>,
    /// What is explicitly out of scope.
    #[serde(default)]
    pub exclusions: Vec<ScopeItem>,
}

/// How risks are rated (clause 6.1.2).
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RiskMethod {
    /// Likelihood scale, lowest first; a risk rates likelihood 1..=len or by name.
    #[serde(default = "default_likelihood")]
    pub likelihood: Vec<String>,
    /// Impact scale, lowest first.
    #[serde(default = "default_impact")]
    pub impact: Vec<String>,
    /// Risk levels, lowest first.
    #[serde(default = "default_levels")]
    pub levels: Vec<String>,
    /// `matrix[likelihood - 1][impact - 1]` is a level; absent means the default banding of
    /// likelihood × impact.
    #[serde(default)]
    pub matrix: Option<Vec<Vec<String>>>,
    /// The highest residual level accepted without further treatment.
    #[serde(default = "default_appetite")]
    pub appetite: String,
}

fn default_likelihood() -> Vec<String> {
    ["rare", "unlikely", "possible", "likely", "almost certain"].map(str::to_owned).to_vec()
}

fn default_impact() -> Vec<String> {
    ["negligible", "minor", "moderate", "major", "severe"].map(str::to_owned).to_vec()
}

fn default_levels() -> Vec<String> {
    ["low", "medium", "high", "critical"].map(str::to_owned).to_vec()
}

fn default_appetite() -> String {
    "medium".to_owned()
}

impl Default for RiskMethod {
    fn default() -> RiskMethod {
        RiskMethod {
            likelihood: default_likelihood(),
            impact: default_impact(),
            levels: default_levels(),
            matrix: None,
            appetite: default_appetite(),
        }
    }
}

impl RiskMethod {
    /// The level index (into `levels`) of a likelihood and impact, both from 1.
    pub fn level_index(&self, likelihood: usize, impact: usize) -> Option<usize> {
        if likelihood == 0 || impact == 0 || likelihood > self.likelihood.len() || impact > self.impact.len() {
            return None;
        }
        match &self.matrix {
            Some(m) => {
                let name = m.get(likelihood - 1)?.get(impact - 1)?;
                self.levels.iter().position(|l| l.eq_ignore_ascii_case(name))
            }
            None => Some(self.banded(likelihood, impact)),
        }
    }

    /// The level name of a likelihood and impact.
    pub fn level(&self, likelihood: usize, impact: usize) -> Option<&str> {
        self.level_index(likelihood, impact).and_then(|i| self.levels.get(i)).map(String::as_str)
    }

    /// The default banding: the score's share of the highest score, cut into as many equal bands
    /// as there are levels (on a 5×5 matrix with four levels: 1–6, 7–12, 13–18, 20–25).
    fn banded(&self, likelihood: usize, impact: usize) -> usize {
        let max = self.likelihood.len() * self.impact.len();
        let bands = self.levels.len().max(1);
        let score = likelihood * impact;
        // ceil(score * bands / max) - 1, in integers.
        (score * bands).div_ceil(max).saturating_sub(1).min(bands - 1)
    }

    /// The matrix as written, or the default banding written out.
    pub fn matrix(&self) -> Vec<Vec<String>> {
        (1..=self.likelihood.len())
            .map(|l| {
                (1..=self.impact.len()).map(|i| self.level(l, i).unwrap_or("").to_owned()).collect::<Vec<String>>()
            })
            .collect()
    }

    /// The index of the appetite level.
    pub fn appetite_index(&self) -> Option<usize> {
        self.levels.iter().position(|l| l.eq_ignore_ascii_case(&self.appetite))
    }
}

/// How often things recur; certification cadence is data, not code.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cadence {
    /// How long a certificate is valid.
    pub certificate_years: u32,
    /// Months between surveillance audits.
    pub surveillance_months: u32,
    /// Months a SOC 2 report stays current.
    pub soc2_report_months: u32,
    /// Months between internal audits.
    pub internal_audit_months: u32,
    /// Months between management reviews.
    pub management_review_months: u32,
    /// Months between access reviews.
    pub access_review_months: u32,
    /// Months between policy reviews.
    pub policy_review_months: u32,
    /// Months between reviews of each risk.
    pub risk_review_months: u32,
}

impl Default for Cadence {
    fn default() -> Cadence {
        Cadence {
            certificate_years: 3,
            surveillance_months: 12,
            soc2_report_months: 12,
            internal_audit_months: 6,
            management_review_months: 12,
            access_review_months: 3,
            policy_review_months: 12,
            risk_review_months: 12,
        }
    }
}

/// Days allowed to fix a vulnerability, by CVSS severity.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PatchWindows {
    /// CVSS 9.0–10.0.
    pub critical: u32,
    /// CVSS 7.0–8.9.
    pub high: u32,
    /// CVSS 4.0–6.9.
    pub medium: u32,
    /// CVSS 0.1–3.9.
    pub low: u32,
}

impl Default for PatchWindows {
    fn default() -> PatchWindows {
        PatchWindows { critical: 7, high: 30, medium: 90, low: 180 }
    }
}

/// The dates the audit calendar starts from; all optional.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// The date the current certificate was issued.
    #[serde(default, deserialize_with = "opt_date")]
    pub certificate_issued: Option<Date>,
    /// The planned stage 1 audit, before a first certificate.
    #[serde(default, deserialize_with = "opt_date")]
    pub stage1_planned: Option<Date>,
    /// The planned stage 2 audit [default: a month after stage 1].
    #[serde(default, deserialize_with = "opt_date")]
    pub stage2_planned: Option<Date>,
    /// The end of the period of the current SOC 2 report.
    #[serde(default, deserialize_with = "opt_date")]
    pub soc2_report_issued: Option<Date>,
    /// The last internal audit.
    #[serde(default, deserialize_with = "opt_date")]
    pub last_internal_audit: Option<Date>,
    /// The last management review.
    #[serde(default, deserialize_with = "opt_date")]
    pub last_management_review: Option<Date>,
    /// The last access review.
    #[serde(default, deserialize_with = "opt_date")]
    pub last_access_review: Option<Date>,
}

/// The ISMS sections of `annexa.toml`. Other top-level keys (`exemptions`) belong to other
/// readers and are ignored here.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct Settings {
    /// `[organisation]`.
    #[serde(default)]
    pub organisation: Option<Organisation>,
    /// `[scope]`.
    #[serde(default)]
    pub scope: Option<Scope>,
    /// `[risk]`; `None` when the file sets no risk method (the default one applies).
    #[serde(default)]
    pub risk: Option<RiskMethod>,
    /// `[cadence]`.
    #[serde(default)]
    pub cadence: Cadence,
    /// `[patch_windows]`.
    #[serde(default)]
    pub patch_windows: PatchWindows,
    /// `[audit]`.
    #[serde(default)]
    pub audit: Audit,
}

impl Settings {
    /// Parses the ISMS sections of `annexa.toml`. A syntax or type error is one problem with the
    /// line and the field; other problems come from [`Settings::validate`].
    pub fn parse(text: &str, file: &str) -> Result<Settings, Problem> {
        toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let line = line_at(text, at);
            // The field is the key written on that line, when there is one.
            let field = text
                .lines()
                .nth(line as usize - 1)
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().to_owned())
                .unwrap_or_default();
            Problem::error(file, line, field, e.message().trim().to_owned())
                .with_help("see the comments `annexa init` writes into annexa.toml for each field")
        })
    }

    /// The risk method in force.
    pub fn risk_method(&self) -> RiskMethod {
        self.risk.clone().unwrap_or_default()
    }

    /// Problems a parser cannot see: matrix shape, appetite, rationales, cadences.
    pub fn validate(&self, text: &str, file: &str) -> Vec<Problem> {
        let mut out = Vec::new();
        if let Some(scope) = &self.scope {
            for (name, items) in [("inclusions", &scope.inclusions), ("exclusions", &scope.exclusions)] {
                for (i, item) in items.iter().enumerate() {
                    if item.rationale.trim().is_empty() {
                        let line = line_of(text, &format!("scope.{name}"), i, Some("rationale"));
                        out.push(
                            Problem::error(
                                file,
                                line,
                                format!("scope.{name}[{i}].rationale"),
                                format!("`{}` has no rationale", item.item),
                            )
                            .with_help("auditors test every inclusion and exclusion: say why in `rationale`"),
                        );
                    }
                }
            }
        }
        if let Some(risk) = &self.risk {
            let at = |key: &str| line_of(text, "risk", 0, Some(key));
            for (key, scale) in [("likelihood", &risk.likelihood), ("impact", &risk.impact), ("levels", &risk.levels)] {
                if scale.len() < 2 {
                    out.push(
                        Problem::error(
                            file,
                            at(key),
                            format!("risk.{key}"),
                            format!("the {key} scale has fewer than two steps"),
                        )
                        .with_help("list the steps lowest first, for example 5 of them"),
                    );
                }
            }
            if let Some(matrix) = &risk.matrix {
                if matrix.len() != risk.likelihood.len() || matrix.iter().any(|r| r.len() != risk.impact.len()) {
                    out.push(
                        Problem::error(
                            file,
                            at("matrix"),
                            "risk.matrix",
                            format!(
                                "the matrix must have {} rows (likelihood) of {} cells (impact)",
                                risk.likelihood.len(),
                                risk.impact.len()
                            ),
                        )
                        .with_help("one row per likelihood step, lowest first; one cell per impact step"),
                    );
                }
                for cell in matrix.iter().flatten() {
                    if !risk.levels.iter().any(|l| l.eq_ignore_ascii_case(cell)) {
                        out.push(
                            Problem::error(file, at("matrix"), "risk.matrix", format!("`{cell}` is not a risk level"))
                                .with_help(format!("use one of {}", risk.levels.join(", "))),
                        );
                        break;
                    }
                }
            }
            if risk.appetite_index().is_none() {
                out.push(
                    Problem::error(
                        file,
                        at("appetite"),
                        "risk.appetite",
                        format!("`{}` is not a risk level", risk.appetite),
                    )
                    .with_help(format!("use one of {}", risk.levels.join(", "))),
                );
            }
        }
        let c = &self.cadence;
        let cadences = [
            ("certificate_years", c.certificate_years),
            ("surveillance_months", c.surveillance_months),
            ("soc2_report_months", c.soc2_report_months),
            ("internal_audit_months", c.internal_audit_months),
            ("management_review_months", c.management_review_months),
            ("access_review_months", c.access_review_months),
            ("policy_review_months", c.policy_review_months),
            ("risk_review_months", c.risk_review_months),
        ];
        for (key, value) in cadences {
            if value == 0 {
                out.push(
                    Problem::error(
                        file,
                        line_of(text, "cadence", 0, Some(key)),
                        format!("cadence.{key}"),
                        "a cadence of 0 never comes round",
                    )
                    .with_help("give a positive number, or remove the key for the default"),
                );
            }
        }
        if let (Some(s1), Some(s2)) = (self.audit.stage1_planned, self.audit.stage2_planned)
            && s2 < s1
        {
            out.push(
                Problem::error(
                    file,
                    line_of(text, "audit", 0, Some("stage2_planned")),
                    "audit.stage2_planned",
                    format!("stage 2 ({s2}) is planned before stage 1 ({s1})"),
                )
                .with_help("stage 2 follows stage 1, usually by a few weeks"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_matrix_bands_a_5x5_into_four_levels() {
        let m = RiskMethod::default();
        let rows = m.matrix();
        assert_eq!(rows[0], ["low", "low", "low", "low", "low"]);
        assert_eq!(rows[2], ["low", "low", "medium", "medium", "high"]);
        assert_eq!(rows[4], ["low", "medium", "high", "critical", "critical"]);
        assert_eq!(m.level(3, 4), Some("medium"));
        assert_eq!(m.level(0, 4), None);
        assert_eq!(m.level(6, 1), None);
    }

    #[test]
    fn errors_name_line_and_field() {
        let text = "[[exemptions]]\ncheck = \"x\"\n\n[risk]\nappetite = \"tiny\"\n";
        let s = Settings::parse(text, "annexa.toml").unwrap();
        let problems = s.validate(text, "annexa.toml");
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].field.as_str()), (5, "risk.appetite"));

        let text = "[cadence]\ninternal_audit_months = \"six\"\n";
        let e = Settings::parse(text, "annexa.toml").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "internal_audit_months"));

        let text = "[scope]\npaths = [\"k8s\"]\nfoo = 1\n";
        let e = Settings::parse(text, "annexa.toml").unwrap_err();
        assert!(e.message.contains("foo"), "{e}");
    }

    #[test]
    fn an_exclusion_without_rationale_is_an_error() {
        let text = "[scope]\n[[scope.exclusions]]\nitem = \"office wifi\"\n";
        let s = Settings::parse(text, "annexa.toml").unwrap();
        let p = s.validate(text, "annexa.toml");
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].line, p[0].field.as_str()), (2, "scope.exclusions[0].rationale"));
    }

    #[test]
    fn a_matrix_of_the_wrong_shape_is_an_error() {
        let text = "[risk]\nmatrix = [[\"low\"]]\n";
        let s = Settings::parse(text, "annexa.toml").unwrap();
        let p = s.validate(text, "annexa.toml");
        assert!(p.iter().any(|p| p.field == "risk.matrix" && p.line == 2), "{p:?}");
    }
}
