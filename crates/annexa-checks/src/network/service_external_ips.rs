//! Services that claim external IP addresses.

use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Object;
use annexa_load::Value;
use serde_json::json;

check! {
    /// ## What it checks
    /// Services whose `spec.externalIPs` lists at least one address.
    ///
    /// ## Why it matters
    /// kube-proxy sends traffic for every address in `externalIPs` to the Service, on every
    /// node, without checking who owns that address. Anyone allowed to create a Service can
    /// therefore claim the IP of another service, internal or public, and intercept its
    /// traffic inside the cluster (CVE-2020-8554, which Kubernetes will not fix in code). The
    /// field also exposes the service on addresses outside the usual ingress path.
    ///
    /// ## Remediation
    /// Remove `externalIPs` and publish the service through an Ingress, a Gateway or a
    /// load balancer. Block the field cluster-wide with the `DenyServiceExternalIPs` admission
    /// plugin or an admission policy, allowing only reviewed exceptions.
    ///
    /// ## References
    /// Kubernetes documentation, *Service* (external IPs) and the `DenyServiceExternalIPs`
    /// admission controller. Kubernetes security advisory CVE-2020-8554.
    pub struct ServiceExternalIps;
    id: "NET-0004",
    slug: "service-external-ips",
    title: "Service claims external IPs",
    severity: High,
    target: Target::Objects(&["Service"]),
    controls: [A8_20, A8_22],
    strategies: [],
    aliases: ["KSV-0108", "KSV108", "restrict-service-external-ips", "K8sExternalIPs"],
}

impl Check for ServiceExternalIps {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn object(&self, _cx: &Cx<'_>, o: &Object, out: &mut Findings) {
        if o.kind != "Service" || o.api_version != "v1" {
            return;
        }
        let Some(ips) = o.value.at("/spec/externalIPs").and_then(Value::as_array).filter(|a| !a.is_empty()) else {
            return;
        };
        let shown: Vec<&str> = ips.iter().filter_map(Value::as_str).collect();
        out.object(
            &Self::META,
            o,
            "/spec/externalIPs",
            format!("`externalIPs` routes `{}` to this service on every node", shown.join(", ")),
        )
        .fix("/spec/externalIPs", json!(null));
    }
}
