//! `pull_request_target` workflows that check out the pull request's code.

use super::model::{Flavor, Pipeline};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Document;
use annexa_load::Value;
use annexa_load::span::child;

check! {
    /// ## What it checks
    /// GitHub Actions workflows triggered by `pull_request_target` that check out the code of
    /// the pull request: an `actions/checkout` step whose `with.ref` (or `with.repository`)
    /// refers to `github.event.pull_request.head...`, `github.head_ref`,
    /// `github.event.pull_request.merge_commit_sha` or a `refs/pull/...` ref, and `run` steps
    /// that `git fetch`/`git checkout`/`gh pr checkout` such a ref. Each such step is reported
    /// at the field that names the untrusted ref.
    ///
    /// ## Why it matters
    /// `pull_request_target` runs in the context of the base repository, with its secrets and
    /// a token that can write, even for pull requests from forks. Checking out the fork's code
    /// and then building, testing or installing it (`npm ci` runs install scripts) hands the
    /// attacker those secrets and that token: the "pwn request" pattern.
    ///
    /// ## Remediation
    /// Use the `pull_request` trigger to build and test untrusted code: it runs without
    /// secrets and with a read-only token. If privileged follow-up work is needed (commenting,
    /// labelling), do it in a separate `workflow_run` workflow that never executes the pull
    /// request's code, or check out only the base branch in the `pull_request_target` workflow.
    ///
    /// ## References
    /// GitHub Security Lab, Keeping your GitHub Actions and workflows secure: preventing pwn
    /// requests. GitHub Docs, events that trigger workflows: `pull_request_target`.
    pub struct PullRequestTargetUntrustedCheckout;
    id: "CI-0009",
    slug: "pull-request-target-untrusted-checkout",
    title: "pull_request_target checks out untrusted code",
    severity: High,
    target: Target::Pipeline,
    controls: [A8_25, A8_4, A8_31],
    strategies: [],
    aliases: [],
}

/// Whether the workflow runs on `pull_request_target`.
fn on_pull_request_target(doc: &Document) -> bool {
    let on = doc.value.get("on").or_else(|| doc.value.get("true"));
    match on {
        Some(Value::String(s)) => s.trim() == "pull_request_target",
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some("pull_request_target")),
        Some(Value::Object(m)) => m.contains_key("pull_request_target"),
        _ => false,
    }
}

/// Whether an expression names the pull request's own code.
fn untrusted(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    [
        "github.event.pull_request.head.",
        "github.head_ref",
        "github.event.pull_request.merge_commit_sha",
        "refs/pull/",
        "github.event.number",
        "github.event.pull_request.number",
    ]
    .iter()
    .any(|m| t.contains(m))
}

impl Check for PullRequestTargetUntrustedCheckout {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        let Some(p) = Pipeline::read(doc) else { return };
        if p.flavor != Flavor::Github || !on_pull_request_target(doc) {
            return;
        }
        for job in &p.jobs {
            let steps_pointer = child(&job.pointer, "steps");
            let Some(steps) = doc.value.at(&steps_pointer).and_then(Value::as_array) else { continue };
            for (i, step) in steps.iter().enumerate() {
                let sp = child(&steps_pointer, &i.to_string());
                let uses = step.get("uses").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
                if uses.starts_with("actions/checkout") {
                    let field = ["ref", "repository"].into_iter().find(|f| {
                        step.get("with").and_then(|w| w.get(*f)).and_then(Value::as_str).is_some_and(untrusted)
                    });
                    if let Some(field) = field {
                        out.at(
                            &Self::META,
                            doc.locate(&format!("{sp}/with/{field}")),
                            Some(p.resource()),
                            format!(
                                "job `{}` checks out the pull request's code in a `pull_request_target` workflow",
                                job.name
                            ),
                        );
                    }
                } else if let Some(run) = step.get("run").and_then(Value::as_str) {
                    let fetches = run.lines().any(|l| {
                        let l = l.to_ascii_lowercase();
                        (l.contains("git fetch") || l.contains("git checkout") || l.contains("gh pr checkout"))
                            && (untrusted(&l) || l.contains("gh pr checkout"))
                    });
                    if fetches {
                        out.at(
                            &Self::META,
                            doc.locate(&child(&sp, "run")),
                            Some(p.resource()),
                            format!(
                                "job `{}` fetches the pull request's code in a `pull_request_target` workflow",
                                job.name
                            ),
                        );
                    }
                }
            }
        }
    }
}
