//! docker-compose checks: how services run on a developer's machine or a single host.

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[];
