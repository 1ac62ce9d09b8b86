//! OpenAPI checks: how APIs are exposed and authenticated.

mod common;
mod global_security_missing;
mod operation_without_security;
mod server_plain_http;

pub use global_security_missing::GlobalSecurityMissing;
pub use operation_without_security::OperationWithoutSecurity;
pub use server_plain_http::ServerPlainHttp;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[&OperationWithoutSecurity, &ServerPlainHttp, &GlobalSecurityMissing];
