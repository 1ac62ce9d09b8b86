//! Compose services that do not choose a non-root user.

use super::common::{is_root_user, services};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;
use annexa_load::Value;

check! {
    /// ## What it checks
    /// Services of a docker-compose file without a `user:` and services whose `user:` is root
    /// (`root`, `0`, `0:0`, `root:root`). When `user:` is absent the container runs as the
    /// image's `USER`, which this check cannot see: an image built with a non-root `USER` still
    /// fires until the compose file states it too (Dockerfiles are judged by DKR-0001). A
    /// `user:` given by a variable without a default (`${UID}:${GID}`) counts as set.
    ///
    /// ## Why it matters
    /// Most images never set a `USER`, so a service without `user:` usually runs as root. A
    /// compromised process is then root inside the container, owns every file of its volumes
    /// (bind mounts of the host included) and is one runtime or kernel flaw away from root on
    /// the host.
    ///
    /// ## Remediation
    /// Set `user: "10001:10001"` (any unused UID and GID; numeric IDs work whatever the image's
    /// `/etc/passwd` says) and give that user ownership of the paths it writes. Where the image
    /// already has a non-root `USER`, repeat it in the compose file so the choice is visible and
    /// survives a base image change.
    ///
    /// ## References
    /// Compose specification, service `user`.
    /// CIS Docker Benchmark, recommendation to create a user for the container.
    /// NIST SP 800-204B AHLC-SR-1 (do not run containers as root).
    pub struct ComposeNoUser;
    id: "CMP-0006",
    slug: "compose-no-user",
    title: "Compose service does not set a non-root user",
    severity: Medium,
    target: Target::Compose,
    controls: [A8_2, A8_9],
    strategies: [AhlcSr1],
    aliases: [],
}

impl Check for ComposeNoUser {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        for s in services(doc) {
            match s.spec.get("user") {
                None | Some(Value::Null) => {
                    out.at(
                        &Self::META,
                        s.locate(&[]),
                        Some(s.resource()),
                        format!("service `{}` sets no `user`, so it runs as the image's user, often root", s.name),
                    );
                }
                Some(v) => {
                    let user = match v {
                        Value::String(text) => s.text("user").unwrap_or_else(|| text.clone()),
                        Value::Number(n) => n.to_string(),
                        _ => continue,
                    };
                    if is_root_user(&user) {
                        out.at(
                            &Self::META,
                            s.locate(&["user"]),
                            Some(s.resource()),
                            format!("service `{}` runs as `{user}`", s.name),
                        );
                    }
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
    fn missing_or_root_users() {
        let text = [
            "services:",
            "  a:",
            "    image: x:1",
            "  b:",
            "    image: x:1",
            "    user: \"10001:10001\"",
            "  c:",
            "    image: x:1",
            "    user: root",
            "  d:",
            "    image: x:1",
            "    user: 0",
            "  e:",
            "    image: x:1",
            "    user: ${UID}:${GID}",
        ]
        .join("\n");
        assert_eq!(lines(&ComposeNoUser, &text), [2, 9, 12]);
    }
}
