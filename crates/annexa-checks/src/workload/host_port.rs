//! Containers that bind a port of the node.

use crate::context::{Cx, container};
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Every `ports` entry of every container (init and ephemeral included) with a `hostPort`
    /// other than `0`. A host-network pod's ports are the node's ports already; that is K8S-0009.
    ///
    /// ## Why it matters
    /// A host port opens the container directly on the node's address, outside Services,
    /// Ingress and usually outside NetworkPolicies and the firewall rules made for them. It also
    /// limits the workload to one replica per node and makes it an easy target for anything
    /// that can reach the node.
    ///
    /// ## Remediation
    /// Remove `hostPort` and expose the container through a Service (`ClusterIP`, or a
    /// `LoadBalancer` or Ingress where outside clients need it). Node agents that must listen
    /// on the node belong in a dedicated namespace with an exemption in `annexa.toml`.
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Baseline profile: host ports.
    /// Kubernetes documentation: configuration best practices, services (avoid `hostPort`).
    pub struct HostPort;
    id: "K8S-0012",
    slug: "host-port",
    title: "Container binds a port on the node",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_20, A8_22, A8_9],
    strategies: [],
    aliases: ["C-0044", "CKV_K8S_26", "KSV-0024", "KSV024", "disallow-host-ports", "K8sPSPHostNetworkingPorts", "hostPortSet"],
}

impl Check for HostPort {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        for c in &w.containers {
            let Some(ports) = container(o, c).and_then(|m| m.get("ports")).and_then(Value::as_array) else { continue };
            for (i, p) in ports.iter().enumerate() {
                let Some(port) = p.get("hostPort").and_then(Value::as_i64).filter(|p| *p != 0) else { continue };
                let pointer = child(&child(&child(&c.pointer, "ports"), &i.to_string()), "hostPort");
                out.object(&Self::META, o, &pointer, format!("container `{}` binds port `{port}` on the node", c.name))
                    .container(&c.name)
                    .fix(pointer, json!(null));
            }
        }
    }
}
