//! Images that tell the runtime nothing about their health.

use super::common::{Layout, location, resource, words};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// Whether the shipped image defines a health check: the last `HEALTHCHECK` of the final
    /// stage, or of the stage it builds on when it names an earlier stage. It fires when there
    /// is none, at the `CMD` or `ENTRYPOINT` that starts the process (at the final `FROM` when
    /// the image inherits its command), and when the last one is `HEALTHCHECK NONE`, at that
    /// line. A `HEALTHCHECK` defined by the base image cannot be seen from the Dockerfile and
    /// does not count. Kubernetes ignores `HEALTHCHECK` and uses probes instead (see the
    /// probe checks); this check is about images run by Docker, Compose or Swarm.
    ///
    /// ## Why it matters
    /// Without a health check the runtime only knows whether the process exists, not whether it
    /// serves. A hung or deadlocked service keeps receiving traffic, is never restarted, and
    /// shows as running in every dashboard, so an outage goes unmonitored until users report
    /// it.
    ///
    /// ## Remediation
    /// Add a `HEALTHCHECK` to the final stage that exercises the service cheaply, for example
    /// `HEALTHCHECK --interval=30s --timeout=3s CMD ["/app/healthcheck"]` or a `curl -f` of a
    /// health endpoint when the image has `curl`. Remove `HEALTHCHECK NONE` unless the image is
    /// only ever run by Kubernetes, and record that decision as an exemption.
    ///
    /// ## References
    /// Dockerfile reference, `HEALTHCHECK` instruction.
    /// CIS Docker Benchmark, recommendation to add a `HEALTHCHECK` to container images.
    pub struct HealthcheckMissing;
    id: "DKR-0007",
    slug: "healthcheck-missing",
    title: "Image defines no health check",
    severity: Low,
    target: Target::Dockerfile,
    controls: [A8_16, A8_14],
    strategies: [],
    aliases: ["DS-0026", "CKV_DOCKER_2"],
}

impl Check for HealthcheckMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        let Some(last) = d.stages.last() else { return };
        let layout = Layout::new(d);
        match layout.last_in_final_chain(&["HEALTHCHECK"]) {
            Some(h) => {
                let first = words(&h.args).into_iter().next().unwrap_or_default();
                if first.eq_ignore_ascii_case("NONE") {
                    out.at(
                        &Self::META,
                        location(d, h.pos),
                        Some(resource(d)),
                        "`HEALTHCHECK NONE` turns off the final image's health check".to_owned(),
                    );
                }
            }
            None => {
                match layout.last_in_final_chain(&["CMD", "ENTRYPOINT"]) {
                    Some(c) => out.at(
                        &Self::META,
                        location(d, c.pos),
                        Some(resource(d)),
                        format!("the process the final image starts with `{}` has no `HEALTHCHECK`", c.keyword),
                    ),
                    None => out.at(
                        &Self::META,
                        location(d, last.pos),
                        Some(resource(d)),
                        format!("the final stage `FROM {}` defines no `HEALTHCHECK`", last.image),
                    ),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::lines;

    #[test]
    fn missing_none_and_inherited() {
        assert_eq!(lines(&HealthcheckMissing, "FROM alpine:3.20\nCMD [\"app\"]\n"), [2]);
        assert_eq!(lines(&HealthcheckMissing, "FROM alpine:3.20 AS a\nHEALTHCHECK CMD true\nFROM nginx:1.27\n"), [3]);
        assert_eq!(
            lines(&HealthcheckMissing, "FROM alpine:3.20 AS a\nHEALTHCHECK CMD true\nFROM a\nCMD x\n"),
            [0u32; 0]
        );
        assert_eq!(
            lines(&HealthcheckMissing, "FROM alpine:3.20 AS a\nHEALTHCHECK CMD true\nFROM a\nHEALTHCHECK NONE\n"),
            [4]
        );
        assert_eq!(
            lines(
                &HealthcheckMissing,
                "FROM alpine:3.20\nHEALTHCHECK --interval=5s CMD wget -q -O- http://localhost/\n"
            ),
            [0u32; 0]
        );
    }
}
