//! Long-running containers with no readiness probe.

use super::support::{Probe, describe, is_batch, probe};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{ContainerKind, Object, Workload};

check! {
    /// ## What it checks
    /// Containers (not init or ephemeral containers) of long-running workloads with no
    /// `readinessProbe`, or with one that names no handler (`exec`, `httpGet`, `tcpSocket` or
    /// `grpc`). Batch workloads are excluded: Jobs, CronJobs, and pods whose `restartPolicy` is
    /// `Never` or `OnFailure`. Bare Pods that restart (`restartPolicy: Always`, the default)
    /// are included.
    ///
    /// ## Why it matters
    /// A pod without a readiness probe counts as ready as soon as its containers start. Services
    /// send it traffic before it has loaded its configuration or opened its connections, and
    /// keep sending traffic while it is overloaded or cut off from a dependency. Rolling
    /// updates also proceed on pods that cannot serve, so a bad release replaces a good one
    /// completely before anyone sees errors.
    ///
    /// ## Remediation
    /// Add a `readinessProbe` that answers whether this instance can serve requests now (for
    /// example `httpGet` on a `/readyz` endpoint that checks the dependencies it needs), and
    /// keep it distinct from the liveness probe so that a slow dependency removes the pod from
    /// load balancing without restarting it.
    ///
    /// ## References
    /// Kubernetes documentation: Configure Liveness, Readiness and Startup Probes; Pod
    /// Lifecycle (pod readiness); Deployments (rolling updates).
    pub struct ReadinessProbeMissing;
    id: "K8S-0041",
    slug: "readiness-probe-missing",
    title: "Container has no readiness probe",
    severity: Low,
    target: Target::Workload,
    controls: [A8_16, A8_14],
    strategies: [],
    aliases: ["C-0018", "CKV_K8S_9", "require-probes", "K8sRequiredProbes", "readinessProbeMissing", "pod-probes", "no-readiness-probe"],
}

impl Check for ReadinessProbeMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if is_batch(o, w) {
            return;
        }
        for c in w.containers.iter().filter(|c| c.kind == ContainerKind::Container) {
            match probe(o, c, "readinessProbe") {
                Probe::Present => {}
                Probe::Missing => {
                    out.object(&Self::META, o, &c.pointer, format!("{} has no readiness probe", describe(c)))
                        .container(&c.name);
                }
                Probe::NoHandler(at) => {
                    out.object(&Self::META, o, &at, format!("{} has a readiness probe with no handler", describe(c)))
                        .container(&c.name);
                }
            }
        }
    }
}
