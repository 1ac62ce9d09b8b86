//! Images that announce an SSH port.

use super::common::{Layout, location, resource, words};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// `EXPOSE` instructions of the shipped image (the final stage and the stages it builds
    /// on) that list port 22, alone (`22`, `22/tcp`) or inside a range (`20-25`). Ports given by
    /// a variable are not judged. One finding per instruction.
    ///
    /// ## Why it matters
    /// Port 22 in an image means an SSH server is expected to run in the container. That is a
    /// second way in beside the application, with its own credentials or keys baked into or
    /// mounted into the container, bypassing the runtime's access control and audit of
    /// `docker exec` or `kubectl exec`. It also suggests the container is treated as a machine
    /// to log into and change by hand.
    ///
    /// ## Remediation
    /// Remove `EXPOSE 22` and the SSH server from the image. Use `docker exec` or
    /// `kubectl exec` (controlled by RBAC and recorded in audit logs) or ephemeral debug
    /// containers for troubleshooting, and ship changes as new images.
    ///
    /// ## References
    /// Dockerfile reference, `EXPOSE` instruction.
    /// CIS Docker Benchmark, recommendation not to run SSH within containers.
    pub struct SshPortExposed;
    id: "DKR-0008",
    slug: "ssh-port-exposed",
    title: "Image exposes the SSH port",
    severity: Medium,
    target: Target::Dockerfile,
    controls: [A8_20, A8_5, A8_2],
    strategies: [],
    aliases: ["DS-0004", "CKV_DOCKER_1"],
}

/// Whether an `EXPOSE` item (`22`, `22/tcp`, `20-25/udp`) covers port 22.
fn covers_ssh(item: &str) -> bool {
    let port = item.split('/').next().unwrap_or_default();
    match port.split_once('-') {
        Some((low, high)) => match (low.parse::<u32>(), high.parse::<u32>()) {
            (Ok(low), Ok(high)) => low <= 22 && 22 <= high,
            _ => false,
        },
        None => port.parse::<u32>() == Ok(22),
    }
}

impl Check for SshPortExposed {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        let layout = Layout::new(d);
        let mut chain = layout.final_chain();
        chain.reverse();
        for stage in chain {
            for i in layout.instructions(stage).iter().filter(|i| i.keyword == "EXPOSE") {
                if let Some(item) = words(&i.args).into_iter().find(|w| covers_ssh(w)) {
                    out.at(
                        &Self::META,
                        location(d, i.pos),
                        Some(resource(d)),
                        format!("the image exposes `{item}`, the SSH port"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::lines;

    #[test]
    fn port_22_alone_or_in_ranges_of_the_shipped_stages() {
        let text = "FROM alpine:3.20 AS build\nEXPOSE 22\nFROM alpine:3.20 AS base\nEXPOSE 20-25/tcp\n\
                    FROM base\nEXPOSE 8080 2222 ${PORT}\nEXPOSE 80 22/tcp\n";
        assert_eq!(lines(&SshPortExposed, text), [4, 7]);
    }
}
