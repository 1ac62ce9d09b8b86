//! Service mesh and gateway checks: mTLS, authorization, TLS at the edge.

mod authorization_policy_allow_all;
mod authorization_policy_missing;
mod destination_rule_tls_disabled;
mod gateway_plaintext_listener;
mod istio;
mod mtls_not_strict;
mod peer_authentication_permissive;
mod service_entry_plaintext;

pub use authorization_policy_allow_all::AuthorizationPolicyAllowAll;
pub use authorization_policy_missing::AuthorizationPolicyMissing;
pub use destination_rule_tls_disabled::DestinationRuleTlsDisabled;
pub use gateway_plaintext_listener::GatewayPlaintextListener;
pub use mtls_not_strict::MtlsNotStrict;
pub use peer_authentication_permissive::PeerAuthenticationPermissive;
pub use service_entry_plaintext::ServiceEntryPlaintext;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &MtlsNotStrict,
    &PeerAuthenticationPermissive,
    &AuthorizationPolicyMissing,
    &AuthorizationPolicyAllowAll,
    &DestinationRuleTlsDisabled,
    &GatewayPlaintextListener,
    &ServiceEntryPlaintext,
];
