//! Compose services in the host's IPC namespace.

use super::common::services;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;
use annexa_load::Value;

check! {
    /// ## What it checks
    /// Services of a docker-compose file with `ipc: host`. Sharing another container's IPC
    /// namespace (`ipc: "service:app"`) or `ipc: shareable` is not this check's concern.
    ///
    /// ## Why it matters
    /// In the host's IPC namespace the container can read and write the shared memory
    /// segments, semaphores and message queues of every process on the machine. Databases,
    /// browsers and other applications keep data there, so the service can read it or corrupt
    /// it, and the container's separation from the host stops at the memory it shares.
    ///
    /// ## Remediation
    /// Remove `ipc: host`. When two services must share memory, share it between them only
    /// (`ipc: shareable` on one, `ipc: "service:<name>"` on the other), or raise `shm_size`
    /// when the need is simply a larger `/dev/shm`.
    ///
    /// ## References
    /// Compose specification, service `ipc`.
    /// CIS Docker Benchmark, recommendation not to share the host's IPC namespace.
    pub struct ComposeHostIpc;
    id: "CMP-0004",
    slug: "compose-host-ipc",
    title: "Compose service shares the host IPC namespace",
    severity: High,
    target: Target::Compose,
    controls: [A8_9, A8_12],
    strategies: [],
    aliases: [],
}

impl Check for ComposeHostIpc {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        for s in services(doc) {
            if s.text("ipc").as_deref() == Some("host") {
                out.at(
                    &Self::META,
                    s.locate(&["ipc"]),
                    Some(s.resource()),
                    format!("service `{}` shares the host's IPC namespace with `ipc: host`", s.name),
                )
                .fix(s.pointer(&["ipc"]), Value::Null);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::common::tests_support::lines;

    #[test]
    fn host_ipc() {
        let text = "services:\n  a:\n    image: x:1\n    ipc: host\n  b:\n    image: x:1\n    ipc: shareable\n";
        assert_eq!(lines(&ComposeHostIpc, text), [4]);
    }
}
