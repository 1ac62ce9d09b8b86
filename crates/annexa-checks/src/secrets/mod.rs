//! Secret checks: credentials written where they should not be.

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[];
