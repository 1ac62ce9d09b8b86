//! Services exposed on node ports or external load balancers.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;
use serde_json::json;

/// Annotations that keep a cloud load balancer on the private network, with the values that
/// mean so (`None`: any value other than `false`).
const INTERNAL: [(&str, Option<&str>); 8] = [
    ("service.beta.kubernetes.io/aws-load-balancer-internal", None),
    ("service.beta.kubernetes.io/aws-load-balancer-scheme", Some("internal")),
    ("service.beta.kubernetes.io/azure-load-balancer-internal", None),
    ("networking.gke.io/load-balancer-type", Some("Internal")),
    ("cloud.google.com/load-balancer-type", Some("Internal")),
    ("service.beta.kubernetes.io/oci-load-balancer-internal", None),
    ("service.beta.kubernetes.io/openstack-internal-load-balancer", None),
    ("service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type", Some("private")),
];

fn internal(o: &Object) -> bool {
    INTERNAL.iter().any(|(key, wanted)| {
        let value = o.value.at("/metadata/annotations").and_then(|a| a.get(*key));
        let value = value.and_then(|v| v.as_str().map(str::to_owned).or_else(|| v.as_bool().map(|b| b.to_string())));
        match (value, wanted) {
            (Some(v), Some(w)) => v.eq_ignore_ascii_case(w),
            (Some(v), None) => !v.eq_ignore_ascii_case("false") && !v.is_empty(),
            (None, _) => false,
        }
    })
}

check! {
    /// ## What it checks
    /// Services of `type: NodePort`, and of `type: LoadBalancer` unless an annotation of the
    /// cloud provider makes the load balancer internal (for example
    /// `service.beta.kubernetes.io/aws-load-balancer-scheme: internal`,
    /// `networking.gke.io/load-balancer-type: Internal` or
    /// `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`). The finding points
    /// at `spec.type`.
    ///
    /// ## Why it matters
    /// A NodePort opens the port on every node's address, outside any ingress controller or
    /// gateway, so the service's own authentication and TLS are all that stand between it and
    /// whoever can reach the nodes. A public load balancer does the same from the internet.
    /// Either way the entry point escapes the central place where TLS, authentication, rate
    /// limits and logging are applied.
    ///
    /// ## Remediation
    /// Use `type: ClusterIP` and publish the service through the Ingress controller or API
    /// gateway. Where a load balancer is required, make it internal with the provider's
    /// annotation, restrict `loadBalancerSourceRanges`, and record the exposure as a
    /// deliberate exception.
    ///
    /// ## References
    /// Kubernetes documentation, *Service* (type NodePort, type LoadBalancer, internal load
    /// balancers). NIST SP 800-204 MS-SS-4 (clients reach services through the gateway).
    pub struct ServiceNodePortOrLoadBalancer;
    id: "NET-0003",
    slug: "service-node-port-or-load-balancer",
    title: "Service exposed by NodePort or LoadBalancer",
    severity: Medium,
    target: Target::Objects(&["Service"]),
    controls: [A8_20, A8_22],
    strategies: [MsSs4],
    aliases: ["C-0256", "restrict-node-port", "K8sBlockNodePort", "K8sBlockLoadBalancer", "service-type", "exposed-services"],
}

impl Check for ServiceNodePortOrLoadBalancer {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "Service" || o.api_version != "v1" {
            return;
        }
        let Some(kind) = o.value.at("/spec/type").and_then(Value::as_str) else { return };
        let message = match kind {
            "NodePort" => "`type: NodePort` opens the service on a port of every node".to_owned(),
            "LoadBalancer" if !internal(o) => {
                "`type: LoadBalancer` exposes the service through an external load balancer".to_owned()
            }
            _ => return,
        };
        out.object(&Self::META, o, "/spec/type", message).fix("/spec/type", json!("ClusterIP"));
    }
}
