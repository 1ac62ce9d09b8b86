//! Workload checks: pod and container settings, judged on effective (inherited) values.

mod privilege_escalation;
mod privileged_container;

pub use privilege_escalation::PrivilegeEscalation;
pub use privileged_container::PrivilegedContainer;

use crate::Check;

/// The workload checks.
pub(crate) static CHECKS: &[&dyn Check] = &[&PrivilegedContainer, &PrivilegeEscalation];
