//! Compose services in the host's process namespace.

use super::common::services;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;
use annexa_load::Value;

check! {
    /// ## What it checks
    /// Services of a docker-compose file with `pid: host`. Sharing another container's
    /// namespace (`pid: "service:db"`) is not this check's concern.
    ///
    /// ## Why it matters
    /// In the host's PID namespace the container sees every process on the machine, with
    /// their command lines and often their environment, where passwords and tokens are
    /// commonly passed. With enough privilege it can signal, trace or enter those processes,
    /// so one compromised service reaches everything else running on the host.
    ///
    /// ## Remediation
    /// Remove `pid: host`. Monitoring and debugging agents that need it belong on dedicated
    /// hosts with an exemption recorded in `annexa.toml`; use `docker exec` or a debug container
    /// sharing only the target's namespace (`pid: "service:app"`) for troubleshooting.
    ///
    /// ## References
    /// Compose specification, service `pid`.
    /// CIS Docker Benchmark, recommendation not to share the host's process namespace.
    pub struct ComposeHostPid;
    id: "CMP-0003",
    slug: "compose-host-pid",
    title: "Compose service shares the host PID namespace",
    severity: High,
    target: Target::Compose,
    controls: [A8_2, A8_9],
    strategies: [],
    aliases: [],
}

impl Check for ComposeHostPid {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        for s in services(doc) {
            if s.text("pid").as_deref() == Some("host") {
                out.at(
                    &Self::META,
                    s.locate(&["pid"]),
                    Some(s.resource()),
                    format!("service `{}` shares the host's process namespace with `pid: host`", s.name),
                )
                .fix(s.pointer(&["pid"]), Value::Null);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::common::tests_support::lines;

    #[test]
    fn host_pid() {
        let text = "services:\n  a:\n    image: x:1\n    pid: host\n  b:\n    image: x:1\n    pid: \"service:a\"\n";
        assert_eq!(lines(&ComposeHostPid, text), [4]);
    }
}
