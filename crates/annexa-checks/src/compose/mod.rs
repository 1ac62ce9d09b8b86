//! docker-compose checks: how services run on a developer's machine or a single host.

mod common;

mod compose_cap_add_dangerous;
mod compose_host_ipc;
mod compose_host_network;
mod compose_host_pid;
mod compose_image_latest;
mod compose_no_user;
mod compose_privileged;
mod compose_runtime_socket;

pub use compose_cap_add_dangerous::ComposeCapAddDangerous;
pub use compose_host_ipc::ComposeHostIpc;
pub use compose_host_network::ComposeHostNetwork;
pub use compose_host_pid::ComposeHostPid;
pub use compose_image_latest::ComposeImageLatest;
pub use compose_no_user::ComposeNoUser;
pub use compose_privileged::ComposePrivileged;
pub use compose_runtime_socket::ComposeRuntimeSocket;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &ComposePrivileged,
    &ComposeHostNetwork,
    &ComposeHostPid,
    &ComposeHostIpc,
    &ComposeRuntimeSocket,
    &ComposeNoUser,
    &ComposeImageLatest,
    &ComposeCapAddDangerous,
];
