//! Long-running containers with no readiness probe.

use super::support::report_missing_probe;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

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
        report_missing_probe(&Self::META, "readinessProbe", "readiness", o, w, out);
    }
}
