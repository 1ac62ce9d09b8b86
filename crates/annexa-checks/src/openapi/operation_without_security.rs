//! API operations that anyone can call without authenticating.

use super::common::{operations, resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::span::child;
use annexa_load::{DocKind, Document};
use annexa_load::{Map, Value};

check! {
    /// ## What it checks
    /// Operations of OpenAPI 3.0 and 3.1 (and Swagger 2.0) documents, YAML or JSON, that can be
    /// called without authenticating. An operation's effective requirement is its own
    /// `security`, else the document's top-level `security`. Two cases are reported:
    /// - no requirement at all: neither the operation nor the document declares one (or the
    ///   document's is an empty list). Reported at the operation;
    /// - an explicitly public operation (`security: []`, or a list containing the empty
    ///   requirement `{}` that makes authentication optional) whose path is not an
    ///   operational endpoint. Paths whose last segment is `health`, `healthz`, `livez`,
    ///   `readyz`, `ready`, `readiness`, `liveness`, `alive`, `ping`, `status`, `metrics` or
    ///   `version`, or that sit under `/.well-known/`, are expected to be public and are left
    ///   alone. Reported at the operation's `security`.
    ///
    /// Anything else that is public on purpose (a login endpoint, a public catalogue) should
    /// be recorded as an exemption with its reason.
    ///
    /// ## Why it matters
    /// The specification is the contract gateways, generated servers and reviewers rely on.
    /// An operation without a requirement is served unauthenticated by default in many
    /// gateways and frameworks, and a missing requirement on a state-changing call (a refund,
    /// a deletion) lets anyone on the network perform it.
    ///
    /// ## Remediation
    /// Declare a top-level `security` requirement that references a scheme in
    /// `components.securitySchemes` (OAuth 2.0, OpenID Connect or a bearer JWT), and override it
    /// with `security: []` only on the operations that must be public. Enforce the same
    /// requirement at the gateway or in the service.
    ///
    /// ## References
    /// OpenAPI Specification 3.1, Security Requirement Object.
    /// OWASP API Security Top 10 2023, API2 broken authentication and API5 broken function
    /// level authorization. NIST SP 800-204 MS-SS-1.
    pub struct OperationWithoutSecurity;
    id: "API-0001",
    slug: "operation-without-security",
    title: "API operation callable without authentication",
    severity: High,
    target: Target::OpenApi,
    controls: [A8_5, A8_26, A5_15],
    strategies: [MsSs1, EaunSr1],
    aliases: [],
}

/// Last path segments of endpoints that are public by design.
const OPERATIONAL: [&str; 12] = [
    "health",
    "healthz",
    "livez",
    "readyz",
    "ready",
    "readiness",
    "liveness",
    "alive",
    "ping",
    "status",
    "metrics",
    "version",
];

/// Whether a path is an operational endpoint (health, readiness, metrics...).
fn operational(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let last = lower.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    lower.starts_with("/.well-known/") || OPERATIONAL.contains(&last)
}

/// A requirement list that allows anonymous calls: empty, or holding the empty requirement.
fn anonymous(list: &[Value]) -> bool {
    list.is_empty() || list.iter().any(|r| r.as_object().is_some_and(Map::is_empty))
}

impl Check for OperationWithoutSecurity {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        if doc.kind != DocKind::OpenApi {
            return;
        }
        let global = doc.value.get("security").and_then(Value::as_array).filter(|l| !l.is_empty());
        for op in operations(doc) {
            let name = format!("{} {}", op.method.to_ascii_uppercase(), op.path);
            match op.value.get("security").and_then(Value::as_array) {
                Some(list) if anonymous(list) => {
                    if operational(op.path) {
                        continue;
                    }
                    let why = if list.is_empty() { "`security: []`" } else { "an empty requirement `{}`" };
                    out.at(
                        &Self::META,
                        doc.locate(&child(&op.pointer, "security")),
                        Some(resource(doc)),
                        format!("`{name}` is made public by {why}"),
                    );
                }
                Some(_) => {}
                None => match global {
                    Some(list) if anonymous(list) && !operational(op.path) => {
                        out.at(
                            &Self::META,
                            doc.locate(&op.pointer),
                            Some(resource(doc)),
                            format!("`{name}` inherits a top-level requirement that allows anonymous calls"),
                        );
                    }
                    Some(_) => {}
                    None => {
                        out.at(
                            &Self::META,
                            doc.locate(&op.pointer),
                            Some(resource(doc)),
                            format!("`{name}` has no security requirement, and the document declares none"),
                        );
                    }
                },
            }
        }
    }
}
