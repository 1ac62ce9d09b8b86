//! Pod hygiene checks: resources, images, service accounts, probes and placement.

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[];
