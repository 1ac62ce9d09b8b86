//! Pod hygiene checks: resources, images, service accounts, probes and placement.

mod bare_pod;
mod cpu_limit_missing;
mod cpu_request_missing;
mod default_namespace;
mod default_service_account;
mod image_not_pinned_by_digest;
mod image_pull_policy_not_always;
mod image_reference_invalid;
mod image_registry_implicit;
mod image_registry_not_allowed;
mod image_signature_not_verified;
mod image_tag_latest;
mod liveness_probe_missing;
mod memory_limit_missing;
mod memory_request_missing;
mod readiness_probe_missing;
mod secret_in_env_var;
mod service_account_token_automounted;
mod support;

pub use bare_pod::BarePod;
pub use cpu_limit_missing::CpuLimitMissing;
pub use cpu_request_missing::CpuRequestMissing;
pub use default_namespace::DefaultNamespace;
pub use default_service_account::DefaultServiceAccount;
pub use image_not_pinned_by_digest::ImageNotPinnedByDigest;
pub use image_pull_policy_not_always::ImagePullPolicyNotAlways;
pub use image_reference_invalid::ImageReferenceInvalid;
pub use image_registry_implicit::ImageRegistryImplicit;
pub use image_registry_not_allowed::ImageRegistryNotAllowed;
pub use image_signature_not_verified::ImageSignatureNotVerified;
pub use image_tag_latest::ImageTagLatest;
pub use liveness_probe_missing::LivenessProbeMissing;
pub use memory_limit_missing::MemoryLimitMissing;
pub use memory_request_missing::MemoryRequestMissing;
pub use readiness_probe_missing::ReadinessProbeMissing;
pub use secret_in_env_var::SecretInEnvVar;
pub use service_account_token_automounted::ServiceAccountTokenAutomounted;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &CpuLimitMissing,
    &MemoryLimitMissing,
    &CpuRequestMissing,
    &MemoryRequestMissing,
    &ImageTagLatest,
    &ImageNotPinnedByDigest,
    &ImagePullPolicyNotAlways,
    &ImageRegistryImplicit,
    &ServiceAccountTokenAutomounted,
    &DefaultServiceAccount,
    &LivenessProbeMissing,
    &ReadinessProbeMissing,
    &DefaultNamespace,
    &BarePod,
    &SecretInEnvVar,
    &ImageReferenceInvalid,
    &ImageRegistryNotAllowed,
    &ImageSignatureNotVerified,
];
