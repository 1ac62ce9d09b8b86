//! Compose services on the host's network stack.

use super::common::services;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;
use annexa_load::Value;

check! {
    /// ## What it checks
    /// Services of a docker-compose file with `network_mode: host` (or the legacy `net: host`
    /// of compose file format 1).
    ///
    /// ## Why it matters
    /// With the host's network namespace the container sees every interface of the machine,
    /// can bind any port, reach services listening only on `localhost` (metadata endpoints,
    /// databases, the Docker API on TCP) and sniff traffic with `NET_RAW`. Compose's own
    /// networks, which separate the stack from the rest of the host, no longer apply, and
    /// published `ports:` are ignored.
    ///
    /// ## Remediation
    /// Remove `network_mode: host` and publish the ports the service serves with `ports:`
    /// (bind to `127.0.0.1:` when only the host needs them). Put services that talk to each
    /// other on a user-defined network.
    ///
    /// ## References
    /// Compose specification, service `network_mode`.
    /// CIS Docker Benchmark, recommendation not to share the host's network namespace.
    pub struct ComposeHostNetwork;
    id: "CMP-0002",
    slug: "compose-host-network",
    title: "Compose service uses the host network",
    severity: High,
    target: Target::Compose,
    controls: [A8_20, A8_22],
    strategies: [],
    aliases: [],
}

impl Check for ComposeHostNetwork {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        for s in services(doc) {
            for field in ["network_mode", "net"] {
                if s.text(field).as_deref() == Some("host") {
                    out.at(
                        &Self::META,
                        s.locate(&[field]),
                        Some(s.resource()),
                        format!("service `{}` shares the host's network with `{field}: host`", s.name),
                    )
                    .fix(s.pointer(&[field]), Value::Null);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::common::tests_support::lines;

    #[test]
    fn host_network() {
        let text = [
            "services:",
            "  a:",
            "    image: x:1",
            "    network_mode: host",
            "  b:",
            "    image: x:1",
            "    network_mode: \"service:a\"",
            "  c:",
            "    image: x:1",
            "    net: host",
        ]
        .join("\n");
        assert_eq!(lines(&ComposeHostNetwork, &text), [4, 10]);
    }
}
