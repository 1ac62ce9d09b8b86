//! GitHub Actions referenced by a mutable tag or branch instead of a commit SHA.

use super::model::{Act, Flavor, Pipeline};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Document;

check! {
    /// ## What it checks
    /// Every `uses:` of a GitHub Actions workflow, in steps and in jobs calling a reusable
    /// workflow, whose reference is not a full 40-hex-digit commit SHA: `actions/checkout@v4`,
    /// `owner/repo@main`, or no `@ref` at all. Local actions (`./path`) are exempt, and so are
    /// `docker://` images pinned with `@sha256:`; a `docker://` image by tag is reported.
    ///
    /// ## Why it matters
    /// A tag or branch can be moved by whoever controls the action's repository. When an
    /// action is compromised (as `tj-actions/changed-files` was in 2025) every workflow that
    /// follows a tag runs the attacker's code with the workflow's token and secrets on its next
    /// run. A commit SHA cannot be repointed.
    ///
    /// ## Remediation
    /// Pin each action to the full commit SHA of the release you reviewed and keep the tag in
    /// a comment (`uses: actions/checkout@<sha> # v4.2.2`); let Dependabot or Renovate propose
    /// updates to the pins.
    ///
    /// ## References
    /// GitHub Docs, Security hardening for GitHub Actions: using third-party actions.
    /// OpenSSF Scorecard, Pinned-Dependencies.
    pub struct ActionNotPinnedBySha;
    id: "CI-0007",
    slug: "action-not-pinned-by-sha",
    title: "Action not pinned to a commit SHA",
    severity: Medium,
    target: Target::Pipeline,
    controls: [A5_21, A8_25, A8_32],
    strategies: [],
    aliases: [],
}

/// Whether a reference is a full commit SHA.
fn is_sha(reference: &str) -> bool {
    reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit())
}

impl Check for ActionNotPinnedBySha {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        let Some(p) = Pipeline::read(doc) else { return };
        if p.flavor != Flavor::Github {
            return;
        }
        for step in &p.steps {
            if !matches!(step.act, Act::Action { .. }) {
                continue;
            }
            let Some(uses) = doc.value.at(&step.pointer).and_then(|v| v.as_str()).map(str::trim) else {
                continue;
            };
            if uses.starts_with("./") || uses.starts_with(".\\") {
                continue;
            }
            let message = if let Some(image) = uses.strip_prefix("docker://") {
                if image.contains("@sha256:") {
                    continue;
                }
                format!("container action `{uses}` is referenced by tag, not by `@sha256:` digest")
            } else {
                match uses.rsplit_once('@') {
                    Some((_, r)) if is_sha(r) => continue,
                    Some((_, r)) => format!("action `{uses}` follows the mutable ref `{r}`, not a full commit SHA"),
                    None => format!("action `{uses}` names no ref, so it follows the default branch"),
                }
            };
            out.at(&Self::META, doc.locate(&step.pointer), Some(p.resource()), message);
        }
    }
}
