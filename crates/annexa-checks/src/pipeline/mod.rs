//! CI/CD pipeline checks: GitHub Actions and GitLab CI.

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[];
