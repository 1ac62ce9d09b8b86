//! RBAC checks: who may do what in the cluster.

mod cluster_admin_binding;
mod default_service_account_automounts_token;
mod default_service_account_bound;
mod pod_exec_attach;
mod rbac_wildcard;
mod rules;
mod secret_read_access;

pub use cluster_admin_binding::ClusterAdminBinding;
pub use default_service_account_automounts_token::DefaultServiceAccountAutomountsToken;
pub use default_service_account_bound::DefaultServiceAccountBound;
pub use pod_exec_attach::PodExecAttach;
pub use rbac_wildcard::RbacWildcard;
pub use secret_read_access::SecretReadAccess;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &RbacWildcard,
    &ClusterAdminBinding,
    &SecretReadAccess,
    &PodExecAttach,
    &DefaultServiceAccountBound,
    &DefaultServiceAccountAutomountsToken,
];
