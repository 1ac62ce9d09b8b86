//! Secret checks: credentials written where they should not be.

pub(crate) mod detect;
mod secret_in_compose;
mod secret_in_configmap;
mod secret_in_dockerfile;
mod secret_in_env;
mod secret_in_pipeline;
mod secret_manifest_in_repository;

pub use secret_in_compose::SecretInCompose;
pub use secret_in_configmap::SecretInConfigmap;
pub use secret_in_dockerfile::SecretInDockerfile;
pub use secret_in_env::SecretInEnv;
pub use secret_in_pipeline::SecretInPipeline;
pub use secret_manifest_in_repository::SecretManifestInRepository;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &SecretInEnv,
    &SecretInConfigmap,
    &SecretInDockerfile,
    &SecretInCompose,
    &SecretInPipeline,
    &SecretManifestInRepository,
];
