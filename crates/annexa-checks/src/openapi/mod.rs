//! OpenAPI checks: how APIs are exposed and authenticated.

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[];
