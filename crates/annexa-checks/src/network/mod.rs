//! Network checks: NetworkPolicy coverage, exposure through Services and Ingress.

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[];
