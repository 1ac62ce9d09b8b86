//! Long-running containers with no liveness probe.

use super::support::report_missing_probe;
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::{Object, Workload};

check! {
    /// ## What it checks
    /// Containers (not init or ephemeral containers) of long-running workloads with no
    /// `livenessProbe`, or with one that names no handler (`exec`, `httpGet`, `tcpSocket` or
    /// `grpc`). Batch workloads are excluded: Jobs, CronJobs, and pods whose `restartPolicy` is
    /// `Never` or `OnFailure`, since they are meant to finish rather than stay up. Bare Pods
    /// that restart (`restartPolicy: Always`, the default) are included.
    ///
    /// ## Why it matters
    /// Without a liveness probe Kubernetes only notices a container that exits. A process that
    /// deadlocks, exhausts its threads or hangs on a dependency keeps its pod "Running" while
    /// serving nothing, and stays that way until a person notices. The probe turns that
    /// failure into an automatic restart and an event someone can alert on.
    ///
    /// ## Remediation
    /// Add a `livenessProbe` that checks the process itself, cheaply and without depending on
    /// downstream services (for example `httpGet` on a `/livez` endpoint), with a
    /// `failureThreshold` and `periodSeconds` that tolerate brief pauses. Use a `startupProbe`
    /// for slow starts rather than a long `initialDelaySeconds`.
    ///
    /// ## References
    /// Kubernetes documentation: Configure Liveness, Readiness and Startup Probes; Pod
    /// Lifecycle (container probes).
    pub struct LivenessProbeMissing;
    id: "K8S-0040",
    slug: "liveness-probe-missing",
    title: "Container has no liveness probe",
    severity: Low,
    target: Target::Workload,
    controls: [A8_16, A8_14],
    strategies: [],
    aliases: ["C-0056", "CKV_K8S_8", "require-probes", "K8sRequiredProbes", "livenessProbeMissing", "pod-probes", "no-liveness-probe"],
}

impl Check for LivenessProbeMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        report_missing_probe(&Self::META, "livenessProbe", "liveness", o, w, out);
    }
}
