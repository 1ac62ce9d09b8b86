//! Credentials written into CI pipeline definitions.

use super::detect::{in_text, named};
use crate::context::Cx;
use crate::pipeline::model::{Act, Flavor, Pipeline, text_line};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Document, Location};

check! {
    /// ## What it checks
    /// GitHub Actions workflows and GitLab CI pipelines that write a credential literally
    /// instead of taking it from the CI system's secret store: `env` at workflow, job and step
    /// level, step `with` inputs, container and service `credentials`, GitLab `variables` (top
    /// level and per job, plain or `value:` form), and the lines of `run` and `script`
    /// commands (values in a known credential format, credential-named assignments such as
    /// `export API_TOKEN=...`, and `--password`/`--token`/`login -p` arguments). Values are
    /// judged as in the other secret checks: known formats anywhere, credential-named settings
    /// when the literal has at least 8 characters and 3 bits of entropy per character;
    /// `${{ secrets.X }}`, `$VAR` and other references are the intended form and never match.
    /// Values are always shown masked.
    ///
    /// ## Why it matters
    /// Pipeline files are read by everyone with access to the repository, copied into forks,
    /// and printed in job logs. A credential there also bypasses the masking, scoping
    /// (protected branches, environments) and rotation the CI system applies to its own
    /// secrets, and it usually has enough rights to publish or deploy.
    ///
    /// ## Remediation
    /// Store the value as a GitHub Actions secret or a masked, protected GitLab CI/CD
    /// variable (or fetch it from a secret manager with OIDC) and reference it
    /// (`${{ secrets.REGISTRY_TOKEN }}`, `$REGISTRY_TOKEN`). Prefer short-lived OIDC federation
    /// over stored cloud keys. Rotate the exposed credential.
    ///
    /// ## References
    /// GitHub Docs, Using secrets in GitHub Actions. GitLab Docs, CI/CD variables (masked and
    /// protected variables). OWASP CI/CD Security Risks, CICD-SEC-6 insufficient credential hygiene.
    pub struct SecretInPipeline;
    id: "SEC-0005",
    slug: "secret-in-pipeline",
    title: "Credential written into a CI pipeline",
    severity: High,
    target: Target::Pipeline,
    controls: [A5_17, A8_12, A8_25],
    strategies: [],
    aliases: [],
}

/// `(pointer, name, value)` of every string in a mapping.
fn mapping(value: Option<&Value>, pointer: &str) -> Vec<(String, String, String)> {
    let Some(map) = value.and_then(Value::as_object) else { return Vec::new() };
    map.iter()
        .filter_map(|(k, v)| {
            let p = child(pointer, k);
            match v {
                Value::String(s) => Some((p, k.clone(), s.clone())),
                Value::Number(n) => Some((p, k.clone(), n.to_string())),
                // GitLab's `VAR: {value: ..., description: ...}`.
                Value::Object(o) => {
                    o.get("value").and_then(Value::as_str).map(|s| (child(&p, "value"), k.clone(), s.to_owned()))
                }
                _ => None,
            }
        })
        .collect()
}

/// The settings of a pipeline that may hold a credential: `(pointer, name, value)`.
fn settings(p: &Pipeline<'_>) -> Vec<(String, String, String)> {
    let v = &p.doc.value;
    let mut out = Vec::new();
    match p.flavor {
        Flavor::Github => {
            out.extend(mapping(v.get("env"), "/env"));
            for job in &p.jobs {
                let j = v.at(&job.pointer);
                let at = |k: &str| child(&job.pointer, k);
                out.extend(mapping(j.and_then(|j| j.get("env")), &at("env")));
                out.extend(mapping(j.and_then(|j| j.get("with")), &at("with")));
                out.extend(mapping(j.and_then(|j| j.get("secrets")), &at("secrets")));
                for (field, base) in [("container", at("container")), ("services", at("services"))] {
                    let Some(c) = j.and_then(|j| j.get(field)) else { continue };
                    let holders: Vec<(&Value, String)> = if field == "container" {
                        vec![(c, base)]
                    } else {
                        c.as_object().map(|m| m.iter().map(|(k, s)| (s, child(&base, k))).collect()).unwrap_or_default()
                    };
                    for (holder, hp) in holders {
                        out.extend(mapping(holder.get("env"), &child(&hp, "env")));
                        out.extend(mapping(holder.get("credentials"), &child(&hp, "credentials")));
                    }
                }
                let Some(steps) = j.and_then(|j| j.get("steps")).and_then(Value::as_array) else { continue };
                for (i, step) in steps.iter().enumerate() {
                    let sp = child(&at("steps"), &i.to_string());
                    out.extend(mapping(step.get("env"), &child(&sp, "env")));
                    out.extend(mapping(step.get("with"), &child(&sp, "with")));
                }
            }
        }
        Flavor::Gitlab => {
            out.extend(mapping(v.get("variables"), "/variables"));
            for job in &p.jobs {
                let j = v.at(&job.pointer);
                out.extend(mapping(j.and_then(|j| j.get("variables")), &child(&job.pointer, "variables")));
            }
        }
    }
    out
}

impl Check for SecretInPipeline {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        let Some(p) = Pipeline::read(doc) else { return };
        let mut found: Vec<(Location, String)> = Vec::new();
        for (pointer, name, value) in settings(&p) {
            if value.trim_end().contains('\n') {
                // A multi-line input (`github-script`'s `script`, a config file) is read line by line.
                for (k, hit) in in_text(&value) {
                    found.push((text_line(doc, &pointer, &value, k), format!("`{name}` contains {}", hit.describe())));
                }
            } else if let Some(hit) = named(&name, &value) {
                found.push((doc.locate(&pointer), format!("`{name}` is set to {}", hit.describe())));
            }
        }
        for step in &p.steps {
            let Act::Script(text) = &step.act else { continue };
            if step.pointer.ends_with("/uses") {
                continue;
            }
            for (k, hit) in in_text(text) {
                let job = p.job_name(step.job);
                found.push((
                    text_line(doc, &step.pointer, text, k),
                    format!("a command of job `{job}` has {}", hit.describe()),
                ));
            }
        }
        found.sort_by_key(|(at, _)| (at.line, at.col));
        found.dedup_by(|a, b| a.0.line == b.0.line);
        for (location, message) in found {
            out.at(&Self::META, location, Some(p.resource()), message);
        }
    }
}
