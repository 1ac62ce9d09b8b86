//! The table of every check, in id order. Ids are forever: a retired check stays here.

use crate::Check;

/// Every check annexa has.
pub fn all() -> Vec<&'static dyn Check> {
    let mut checks: Vec<&'static dyn Check> = Vec::new();
    checks.extend_from_slice(crate::workload::CHECKS);
    checks.extend_from_slice(crate::pod::CHECKS);
    checks.extend_from_slice(crate::rbac::CHECKS);
    checks.extend_from_slice(crate::network::CHECKS);
    checks.extend_from_slice(crate::mesh::CHECKS);
    checks.extend_from_slice(crate::dockerfile::CHECKS);
    checks.extend_from_slice(crate::compose::CHECKS);
    checks.extend_from_slice(crate::pipeline::CHECKS);
    checks.extend_from_slice(crate::secrets::CHECKS);
    checks.extend_from_slice(crate::openapi::CHECKS);
    checks.sort_by_key(|c| c.meta().id);
    checks
}

/// The check with this id or slug (case-insensitive).
pub fn find(id_or_slug: &str) -> Option<&'static dyn Check> {
    all()
        .into_iter()
        .find(|c| c.meta().id.eq_ignore_ascii_case(id_or_slug) || c.meta().slug.eq_ignore_ascii_case(id_or_slug))
}
