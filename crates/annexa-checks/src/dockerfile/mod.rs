//! Dockerfile checks: how images are built.

pub(crate) mod common;
mod shell;

mod add_instead_of_copy;
mod add_remote_without_checksum;
mod apt_unpinned;
mod base_image_latest;
mod base_image_not_pinned_by_digest;
mod base_image_registry_not_allowed;
mod base_image_untagged;
mod curl_pipe_shell;
mod healthcheck_missing;
mod pipefail_missing;
mod root_user;
mod ssh_port_exposed;
mod sudo_used;

pub use add_instead_of_copy::AddInsteadOfCopy;
pub use add_remote_without_checksum::AddRemoteWithoutChecksum;
pub use apt_unpinned::AptUnpinned;
pub use base_image_latest::BaseImageLatest;
pub use base_image_not_pinned_by_digest::BaseImageNotPinnedByDigest;
pub use base_image_registry_not_allowed::BaseImageRegistryNotAllowed;
pub use base_image_untagged::BaseImageUntagged;
pub use curl_pipe_shell::CurlPipeShell;
pub use healthcheck_missing::HealthcheckMissing;
pub use pipefail_missing::PipefailMissing;
pub use root_user::RootUser;
pub use ssh_port_exposed::SshPortExposed;
pub use sudo_used::SudoUsed;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &RootUser,
    &BaseImageLatest,
    &BaseImageUntagged,
    &BaseImageNotPinnedByDigest,
    &AddInsteadOfCopy,
    &AddRemoteWithoutChecksum,
    &HealthcheckMissing,
    &SshPortExposed,
    &SudoUsed,
    &AptUnpinned,
    &PipefailMissing,
    &CurlPipeShell,
    &BaseImageRegistryNotAllowed,
];
