//! Compose services that run privileged.

use super::common::services;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;
use annexa_load::k8s::as_bool;
use serde_json::json;

check! {
    /// ## What it checks
    /// Services of a docker-compose file with `privileged: true` (YAML 1.1 spellings such as
    /// `yes` and `on` included, as older compose versions read them).
    ///
    /// ## Why it matters
    /// A privileged container gets every Linux capability, every host device and no seccomp or
    /// AppArmor confinement. A process that breaks out of the application owns the host, and
    /// with it every other container, volume and credential on that machine, including the
    /// developer laptop or CI runner the stack runs on.
    ///
    /// ## Remediation
    /// Remove `privileged: true`. Grant only what the service needs: one capability with
    /// `cap_add`, one device with `devices`, after `cap_drop: [ALL]`. Services that really need
    /// the host (device plugins, low-level agents) belong on dedicated hosts with an exemption
    /// recorded in `annexa.toml`.
    ///
    /// ## References
    /// Compose specification, service `privileged`.
    /// CIS Docker Benchmark, recommendation not to use privileged containers.
    /// NIST SP 800-204B AHLC-SR-1 (do not run containers as privileged).
    pub struct ComposePrivileged;
    id: "CMP-0001",
    slug: "compose-privileged",
    title: "Compose service runs privileged",
    severity: Critical,
    target: Target::Compose,
    controls: [A8_2, A8_9, A8_18],
    strategies: [AhlcSr1],
    aliases: [],
}

impl Check for ComposePrivileged {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        for s in services(doc) {
            if s.spec.get("privileged").and_then(as_bool) == Some(true) {
                out.at(
                    &Self::META,
                    s.locate(&["privileged"]),
                    Some(s.resource()),
                    format!("service `{}` runs privileged", s.name),
                )
                .fix(s.pointer(&["privileged"]), json!(false));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::common::tests_support::lines;

    #[test]
    fn privileged_services() {
        let text = [
            "services:",
            "  a:",
            "    image: x:1",
            "    privileged: true",
            "  b:",
            "    image: x:1",
            "    privileged: false",
            "  c:",
            "    build: .",
            "    privileged: \"yes\"",
        ]
        .join("\n");
        assert_eq!(lines(&ComposePrivileged, &text), [4, 10]);
    }
}
