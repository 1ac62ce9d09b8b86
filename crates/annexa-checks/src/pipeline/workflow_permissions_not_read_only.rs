//! GitHub workflows whose token is not read-only by default.

use super::model::{Flavor, Pipeline};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;
use annexa_load::Value;
use annexa_load::span::child;
use serde_json::json;

check! {
    /// ## What it checks
    /// GitHub Actions workflows without a top-level `permissions:` block, with
    /// `permissions: write-all`, or with any scope set to `write` at the top level. A missing
    /// block is reported at the top of the file; a write grant at the offending key. Write
    /// access a single job needs belongs in that job's own `permissions:`.
    ///
    /// ## Why it matters
    /// Without a top-level block the `GITHUB_TOKEN` gets the repository's default permissions,
    /// which on many organisations and older repositories is read-write on contents, packages,
    /// pull requests and more. Any step that is compromised, or any injected command, can then
    /// push code, publish packages or approve changes with it.
    ///
    /// ## Remediation
    /// Start the workflow with `permissions: {contents: read}` (or `permissions: {}`), then grant
    /// the writes each job really needs at job level, for example `packages: write` only on the
    /// job that pushes the image.
    ///
    /// ## References
    /// GitHub Docs, Controlling permissions for GITHUB_TOKEN. OpenSSF Scorecard,
    /// Token-Permissions.
    pub struct WorkflowPermissionsNotReadOnly;
    id: "CI-0008",
    slug: "workflow-permissions-not-read-only",
    title: "Workflow token is not read-only by default",
    severity: Medium,
    target: Target::Pipeline,
    controls: [A8_2, A5_15, A8_4],
    strategies: [],
    aliases: ["CKV2_GHA_1", "ReadOnlyTopLevelPermissions"],
}

impl Check for WorkflowPermissionsNotReadOnly {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        let Some(p) = Pipeline::read(doc) else { return };
        if p.flavor != Flavor::Github {
            return;
        }
        let read_only = json!({"contents": "read"});
        match doc.value.get("permissions") {
            None | Some(Value::Null) => {
                out.at(
                    &Self::META,
                    doc.locate(""),
                    Some(p.resource()),
                    "workflow sets no top-level `permissions`, so its token gets the repository default".to_owned(),
                )
                .fix("/permissions", read_only);
            }
            Some(Value::String(s)) if s.trim() == "write-all" => {
                out.at(
                    &Self::META,
                    doc.locate("/permissions"),
                    Some(p.resource()),
                    "workflow grants its token `permissions: write-all`".to_owned(),
                )
                .fix("/permissions", read_only);
            }
            Some(Value::Object(scopes)) => {
                let mut writes: Vec<(&String, String)> = scopes
                    .iter()
                    .filter(|(_, v)| v.as_str().is_some_and(|a| a.trim() == "write"))
                    .map(|(k, _)| (k, child("/permissions", k)))
                    .collect();
                writes.sort_by_key(|(_, ptr)| doc.locate(ptr).line);
                for (scope, pointer) in writes {
                    out.at(
                        &Self::META,
                        doc.locate(&pointer),
                        Some(p.resource()),
                        format!("workflow grants `{scope}: write` to every job at the top level"),
                    )
                    // `id-token` knows only `write` and `none`.
                    .fix(pointer, json!(if scope == "id-token" { "none" } else { "read" }));
                }
            }
            Some(_) => {}
        }
    }
}
