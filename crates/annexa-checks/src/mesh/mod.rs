//! Service mesh and gateway checks: mTLS, authorization, TLS at the edge.

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[];
