//! The starter files `annexa init` writes: a commented `annexa.toml`, policies for a
//! microservices estate, empty registers and the SoA decisions file. Written by us; every Annex A
//! reference is an id with its short title from the catalogue.

use crate::add_months;
use crate::repo::paths;
use jiff::civil::Date;

/// The files, as (path relative to the ISMS repository, template text).
const FILES: [(&str, &str); 13] = [
    (paths::CONFIG, include_str!("../templates/annexa.toml")),
    ("policies/information-security.md", include_str!("../templates/policies/information-security.md")),
    ("policies/access-control.md", include_str!("../templates/policies/access-control.md")),
    ("policies/cryptography.md", include_str!("../templates/policies/cryptography.md")),
    ("policies/vulnerability-management.md", include_str!("../templates/policies/vulnerability-management.md")),
    ("policies/logging-monitoring.md", include_str!("../templates/policies/logging-monitoring.md")),
    ("policies/secure-development.md", include_str!("../templates/policies/secure-development.md")),
    ("policies/supplier-relationships.md", include_str!("../templates/policies/supplier-relationships.md")),
    ("policies/incident-response.md", include_str!("../templates/policies/incident-response.md")),
    (paths::RISKS, include_str!("../templates/registers/risks.yaml")),
    (paths::SUPPLIERS, include_str!("../templates/registers/suppliers.yaml")),
    (paths::NONCONFORMITIES, include_str!("../templates/registers/nonconformities.yaml")),
    (paths::SOA, include_str!("../templates/decisions/soa.yaml")),
];

/// What `annexa init` fills in.
#[derive(Clone, Debug)]
pub struct InitValues {
    /// The organisation's name.
    pub organisation: String,
    /// Estate paths for `[scope] paths`, relative to the ISMS repository.
    pub scope_paths: Vec<String>,
    /// Today, the policies' effective date; reviews fall due a year later.
    pub today: Date,
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The starter files with the values filled in.
pub fn starter_files(values: &InitValues) -> Vec<(&'static str, String)> {
    // Inside annexa.toml the name sits in quoted strings; in Markdown it is plain text.
    let quoted = toml_string(&values.organisation);
    let escaped = quoted[1..quoted.len() - 1].to_owned();
    let plain: String = values.organisation.chars().filter(|c| !c.is_control()).collect();
    let paths: Vec<String> = values.scope_paths.iter().map(|p| toml_string(p)).collect();
    let review = add_months(values.today, 12);
    FILES
        .iter()
        .map(|(path, text)| {
            let name = if path.ends_with(".toml") { &escaped } else { &plain };
            let text = text
                .replace("{{organisation}}", name)
                .replace("{{scope_paths}}", &paths.join(", "))
                .replace("{{today}}", &values.today.to_string())
                .replace("{{review_due}}", &review.to_string());
            (*path, text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::{Files, Repo};

    fn files() -> Files {
        let values = InitValues {
            organisation: "Acme \"Shop\" Ltd".into(),
            scope_paths: vec!["../estate".into()],
            today: "2026-03-01".parse().unwrap(),
        };
        let mut files = Files::default();
        for (path, text) in starter_files(&values) {
            match path {
                paths::CONFIG => files.config = Some(text),
                paths::RISKS => files.risks = Some(text),
                paths::SUPPLIERS => files.suppliers = Some(text),
                paths::NONCONFORMITIES => files.nonconformities = Some(text),
                paths::SOA => files.soa = Some(text),
                _ => files.policies.push((path.to_owned(), text)),
            }
        }
        files
    }

    #[test]
    fn the_starter_repository_reads_back_without_a_problem() {
        let (repo, problems) = Repo::read(&files());
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(repo.policies.len(), 8);
        assert_eq!(repo.settings.organisation.as_ref().map(|o| o.name.as_str()), Some("Acme \"Shop\" Ltd"));
        assert_eq!(repo.settings.scope.as_ref().map(|s| s.paths.clone()), Some(vec!["../estate".to_owned()]));
        assert!(
            repo.policies.iter().all(|p| p.front.review_due.map(|d| d.to_string()).as_deref() == Some("2027-03-01"))
        );
    }

    #[test]
    fn the_written_matrix_is_the_default_banding() {
        let (repo, _) = Repo::read(&files());
        let written = repo.settings.risk.clone().unwrap();
        let default = crate::settings::RiskMethod { matrix: None, ..written.clone() };
        assert_eq!(written.matrix(), default.matrix());
    }

    #[test]
    fn every_policy_reference_names_a_control_with_its_own_title() {
        // Every `A.x.y` in a policy body is followed by the control's exact catalogue title.
        for (path, text) in starter_files(&InitValues {
            organisation: "X".into(),
            scope_paths: vec![],
            today: "2026-03-01".parse().unwrap(),
        }) {
            if !path.starts_with("policies/") {
                continue;
            }
            let body = text.splitn(3, "---").nth(2).unwrap();
            let flat = body.split_whitespace().collect::<Vec<_>>().join(" ");
            for (at, _) in flat.match_indices("(A.") {
                let inner = &flat[at + 1..];
                let inner = &inner[..inner.find(')').unwrap()];
                let (id, title) = inner.split_once(' ').unwrap();
                let c = annexa_catalog::AnnexA::parse(id).unwrap_or_else(|| panic!("{path}: {id}"));
                // A.5.21's title itself has parentheses; compare the part before them.
                assert!(c.title().starts_with(title), "{path}: {id} is `{}`, written `{title}`", c.title());
            }
        }
    }
}
