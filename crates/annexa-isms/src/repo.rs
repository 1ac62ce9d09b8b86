//! The ISMS repository as a whole: its files as text in, its typed contents and every problem
//! (validation, catalogue lint, cross-references between files) out.

use crate::policy::{Policy, read_policy};
use crate::registers::{
    Decision, NcRow, RatedRisk, Supplier, read_decisions, read_nonconformities, read_risks, read_suppliers,
};
use crate::settings::Settings;
use crate::{Problem, sort_problems};

/// Where each file lives, relative to the ISMS repository.
pub mod paths {
    /// The configuration.
    pub const CONFIG: &str = "annexa.toml";
    /// The policies folder.
    pub const POLICIES: &str = "policies";
    /// The risk register.
    pub const RISKS: &str = "registers/risks.yaml";
    /// The supplier register.
    pub const SUPPLIERS: &str = "registers/suppliers.yaml";
    /// The nonconformity register.
    pub const NONCONFORMITIES: &str = "registers/nonconformities.yaml";
    /// The applicability decisions.
    pub const SOA: &str = "decisions/soa.yaml";
}

/// The text of the repository's files; `None` for a file that does not exist.
#[derive(Clone, Debug, Default)]
pub struct Files {
    /// `annexa.toml`.
    pub config: Option<String>,
    /// `policies/*.md`, as (path, text), in path order.
    pub policies: Vec<(String, String)>,
    /// `registers/risks.yaml`.
    pub risks: Option<String>,
    /// `registers/suppliers.yaml`.
    pub suppliers: Option<String>,
    /// `registers/nonconformities.yaml`.
    pub nonconformities: Option<String>,
    /// `decisions/soa.yaml`.
    pub soa: Option<String>,
}

/// What the repository holds, typed.
#[derive(Clone, Debug, Default)]
pub struct Repo {
    /// The ISMS sections of `annexa.toml`.
    pub settings: Settings,
    /// Whether `annexa.toml` exists.
    pub has_config: bool,
    /// The policies.
    pub policies: Vec<Policy>,
    /// The risks, rated.
    pub risks: Vec<RatedRisk>,
    /// Whether the risk register exists.
    pub has_risks: bool,
    /// The suppliers.
    pub suppliers: Vec<Supplier>,
    /// The nonconformities.
    pub nonconformities: Vec<NcRow>,
    /// Whether the nonconformity register exists.
    pub has_nonconformities: bool,
    /// The applicability decisions.
    pub decisions: Vec<Decision>,
    /// Whether the decisions file exists.
    pub has_soa: bool,
}

impl Repo {
    /// Reads every file; problems are sorted by file and line.
    pub fn read(files: &Files) -> (Repo, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut repo = Repo::default();
        if let Some(text) = &files.config {
            repo.has_config = true;
            match Settings::parse(text, paths::CONFIG) {
                Ok(s) => {
                    problems.extend(s.validate(text, paths::CONFIG));
                    repo.settings = s;
                }
                Err(p) => problems.push(p),
            }
        }
        for (file, text) in &files.policies {
            let (policy, p) = read_policy(text, file);
            problems.extend(p);
            if let Some(policy) = policy {
                if let Some(other) = repo.policies.iter().find(|o| o.front.id == policy.front.id) {
                    problems.push(
                        Problem::error(
                            file,
                            2,
                            "id",
                            format!("policy id `{}` is also used by `{}`", policy.front.id, other.file),
                        )
                        .with_help("give each policy its own id"),
                    );
                }
                repo.policies.push(policy);
            }
        }
        let method = repo.settings.risk_method();
        if let Some(text) = &files.risks {
            repo.has_risks = true;
            let (risks, p) = read_risks(text, paths::RISKS, &method);
            repo.risks = risks;
            problems.extend(p);
        }
        if let Some(text) = &files.suppliers {
            let (suppliers, p) = read_suppliers(text, paths::SUPPLIERS);
            repo.suppliers = suppliers;
            problems.extend(p);
        }
        if let Some(text) = &files.nonconformities {
            repo.has_nonconformities = true;
            let (ncs, p) = read_nonconformities(text, paths::NONCONFORMITIES);
            repo.nonconformities = ncs;
            problems.extend(p);
        }
        if let Some(text) = &files.soa {
            repo.has_soa = true;
            let (decisions, p) = read_decisions(text, paths::SOA);
            repo.decisions = decisions;
            problems.extend(p);
        }
        // Cross-references: a policy that names a risk the register does not have.
        for policy in &repo.policies {
            for (i, id) in policy.front.risks.iter().enumerate() {
                if !repo.risks.iter().any(|r| &r.risk.id == id) {
                    let ids: Vec<&str> = repo.risks.iter().map(|r| r.risk.id.as_str()).collect();
                    let close = annexa_catalog::closest(id, ids);
                    let help = match close.first() {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("add the risk to `{}` or remove it here", paths::RISKS),
                    };
                    problems.push(
                        Problem::error(
                            &policy.file,
                            1,
                            format!("risks[{i}]"),
                            format!("risk `{id}` is not in the risk register"),
                        )
                        .with_help(help),
                    );
                }
            }
        }
        sort_problems(&mut problems);
        (repo, problems)
    }
}
