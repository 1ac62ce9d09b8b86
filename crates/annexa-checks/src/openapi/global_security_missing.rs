//! API documents without a default security requirement.

use super::common::{head_pointer, operations, resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::{DocKind, Document};

check! {
    /// ## What it checks
    /// OpenAPI 3.0 and 3.1 (and Swagger 2.0) documents, YAML or JSON, with operations but no
    /// top-level `security` requirement, or an empty one (`security: []`). Reported once per
    /// document, at its `openapi:` (or `swagger:`) field. Operations that each declare their
    /// own requirement are still reported: the default is what every new operation gets.
    ///
    /// ## Why it matters
    /// Without a document-wide default, every operation must remember to declare its own
    /// requirement, and the first one that does not is public. A default requirement makes
    /// authentication the rule and public access the visible, reviewable exception.
    ///
    /// ## Remediation
    /// Add a top-level `security` requirement that references a scheme defined in
    /// `components.securitySchemes` (for example `security: [{bearerAuth: []}]`) and mark the
    /// few public operations with `security: []`.
    ///
    /// ## References
    /// OpenAPI Specification 3.1, OpenAPI Object (`security`) and Security Requirement
    /// Object. OWASP API Security Top 10 2023, API2 broken authentication.
    pub struct GlobalSecurityMissing;
    id: "API-0003",
    slug: "global-security-missing",
    title: "API declares no default security requirement",
    severity: Medium,
    target: Target::OpenApi,
    controls: [A8_5, A8_26],
    strategies: [MsSs1],
    aliases: [],
}

impl Check for GlobalSecurityMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        if doc.kind != DocKind::OpenApi || operations(doc).is_empty() {
            return;
        }
        let message = match doc.value.get("security") {
            Some(Value::Array(list)) if !list.is_empty() => return,
            Some(Value::Array(_)) => "the API's top-level `security` is empty, so operations are public by default",
            _ => "the API declares no top-level `security` requirement",
        };
        out.at(&Self::META, doc.locate(head_pointer(doc)), Some(resource(doc)), message.to_owned());
    }
}
