//! Images whose final stage runs as root.

use super::common::{Layout, location, resource, words};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// The user the shipped image runs as: the last `USER` of the final stage, or, when the
    /// final stage builds on an earlier stage (`FROM build`), the last `USER` it inherits from
    /// that stage. It fires when that user is `root` or UID `0` (`USER 0:0`, `USER root:root`
    /// included), at the `USER` line, and when no `USER` is set at all, at the final `FROM`.
    /// A base image's own `USER` cannot be seen from the Dockerfile: a base such as a
    /// distroless `nonroot` image that already drops root still fires until the Dockerfile says
    /// so itself. A `USER` given by a variable only the build knows is not judged.
    ///
    /// ## Why it matters
    /// A process running as root in a container is root in the container's file system and,
    /// with one kernel or runtime flaw, root on the host. Anything that takes over the
    /// application inherits every permission root has. Setting the user in the image makes the
    /// safe default travel with the image to every runtime that starts it.
    ///
    /// ## Remediation
    /// Create an unprivileged user in the final stage and switch to it before `CMD`, for
    /// example `RUN useradd --uid 10001 --no-create-home app` followed by `USER 10001`. A
    /// numeric UID lets Kubernetes verify `runAsNonRoot`. Keep root only for the `RUN` steps
    /// that install packages, before the `USER` line.
    ///
    /// ## References
    /// Dockerfile reference, `USER` instruction.
    /// CIS Docker Benchmark, recommendation to create a user for the container.
    /// NIST SP 800-204B AHLC-SR-1 (do not run containers as root).
    pub struct RootUser;
    id: "DKR-0001",
    slug: "root-user",
    title: "Image runs as root",
    severity: High,
    target: Target::Dockerfile,
    controls: [A8_2, A8_9],
    strategies: [AhlcSr1],
    aliases: ["DL3002", "DS-0002", "CKV_DOCKER_8", "CKV_DOCKER_3"],
}

/// Whether a `USER` value names root: `root`, `0`, `root:root`, `0:0`.
fn is_root(args: &str) -> Option<bool> {
    let value = words(args).into_iter().next()?;
    let user = value.split(':').next().unwrap_or_default();
    if user.contains('$') {
        return None;
    }
    Some(user == "root" || !user.is_empty() && user.chars().all(|c| c == '0'))
}

impl Check for RootUser {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        let Some(last) = d.stages.last() else { return };
        let layout = Layout::new(d);
        match layout.last_in_final_chain(&["USER"]) {
            Some(user) => {
                if is_root(&user.args) == Some(true) {
                    let value = words(&user.args).into_iter().next().unwrap_or_default();
                    out.at(
                        &Self::META,
                        location(d, user.pos),
                        Some(resource(d)),
                        format!("the final image runs as `{value}`"),
                    );
                }
            }
            None => {
                let inherited = layout.final_chain().len() > 1;
                let message = if inherited {
                    format!("neither the final stage `FROM {}` nor the stages it builds on set a `USER`", last.image)
                } else {
                    format!("the final stage `FROM {}` sets no `USER`, so it runs as the base image's user", last.image)
                };
                out.at(&Self::META, location(d, last.pos), Some(resource(d)), message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::lines;

    #[test]
    fn a_missing_user_is_reported_at_the_final_from() {
        assert_eq!(lines(&RootUser, "FROM golang:1.22 AS build\nUSER app\nFROM alpine:3.20\nCMD [\"app\"]\n"), [3]);
        assert_eq!(lines(&RootUser, "FROM alpine:3.20 AS base\nUSER 10001\nFROM base\nCMD [\"app\"]\n"), [0u32; 0]);
        assert_eq!(lines(&RootUser, "FROM alpine:3.20 AS base\nFROM base\n"), [2]);
        assert_eq!(lines(&RootUser, "FROM alpine:3.20\nUSER app\nUSER 0:0\n"), [3]);
        assert_eq!(lines(&RootUser, "FROM alpine:3.20\nUSER root\nUSER app:app\n"), [0u32; 0]);
        assert_eq!(lines(&RootUser, "FROM alpine:3.20\nUSER ${APP_UID}\n"), [0u32; 0]);
        assert_eq!(lines(&RootUser, ""), [0u32; 0]);
    }
}
