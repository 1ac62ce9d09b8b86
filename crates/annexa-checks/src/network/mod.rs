//! Network checks: NetworkPolicy coverage, exposure through Services and Ingress.

mod ingress_without_tls;
mod namespace_without_network_policy;
mod network_policy_selects_nothing;
mod plaintext_external_url;
mod pod_without_network_policy;
pub(crate) mod selector;
mod service_external_ips;
mod service_node_port_or_load_balancer;
mod tls_below_1_2;

pub use ingress_without_tls::IngressWithoutTls;
pub use namespace_without_network_policy::NamespaceWithoutNetworkPolicy;
pub use network_policy_selects_nothing::NetworkPolicySelectsNothing;
pub use plaintext_external_url::PlaintextExternalUrl;
pub use pod_without_network_policy::PodWithoutNetworkPolicy;
pub use service_external_ips::ServiceExternalIps;
pub use service_node_port_or_load_balancer::ServiceNodePortOrLoadBalancer;
pub use tls_below_1_2::TlsBelow12;

use crate::Check;

/// The checks of this area.
pub(crate) static CHECKS: &[&dyn Check] = &[
    &PodWithoutNetworkPolicy,
    &NetworkPolicySelectsNothing,
    &ServiceNodePortOrLoadBalancer,
    &ServiceExternalIps,
    &IngressWithoutTls,
    &PlaintextExternalUrl,
    &NamespaceWithoutNetworkPolicy,
    &TlsBelow12,
];
