//! CI/CD pipeline checks: GitHub Actions and GitLab CI.

mod action_not_pinned_by_sha;
mod dependency_scan_missing;
mod iac_scan_missing;
mod image_scan_missing;
mod image_signing_missing;
pub(crate) mod model;
mod pull_request_target_untrusted_checkout;
mod sbom_missing;
mod secret_echoed;
mod secret_scan_missing;
mod workflow_permissions_not_read_only;

pub use action_not_pinned_by_sha::ActionNotPinnedBySha;
pub use dependency_scan_missing::DependencyScanMissing;
pub use iac_scan_missing::IacScanMissing;
pub use image_scan_missing::ImageScanMissing;
pub use image_signing_missing::ImageSigningMissing;
pub use pull_request_target_untrusted_checkout::PullRequestTargetUntrustedCheckout;
pub use sbom_missing::SbomMissing;
pub use secret_echoed::SecretEchoed;
pub use secret_scan_missing::SecretScanMissing;
pub use workflow_permissions_not_read_only::WorkflowPermissionsNotReadOnly;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &DependencyScanMissing,
    &ImageScanMissing,
    &SecretScanMissing,
    &IacScanMissing,
    &ImageSigningMissing,
    &SbomMissing,
    &ActionNotPinnedBySha,
    &WorkflowPermissionsNotReadOnly,
    &PullRequestTargetUntrustedCheckout,
    &SecretEchoed,
];
