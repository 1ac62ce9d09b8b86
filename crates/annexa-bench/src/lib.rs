//! A deterministic generator of realistic estates for benchmarks: Kubernetes resources as
//! multi-document files (workloads with varied securityContext, Services, ConfigMaps, Secrets,
//! RBAC, NetworkPolicies, Istio objects, Ingresses, CronJobs), plus Dockerfiles and CI files in
//! proportion. The same `--resources N` and seed always write the same bytes.

use std::fmt::Write as _;

/// A small, fast, deterministic generator (xorshift64*): benchmarks need repeatable input,
/// not cryptographic randomness.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced, xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 { 0x9E37_79B9_7F4A_7C15 } else { seed })
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value below `n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len() as u64) as usize).copied().unwrap_or_default()
    }
}

/// One generated file: a relative path and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// Path relative to the estate root.
    pub path: String,
    /// Content.
    pub text: String,
}

const IMAGES: [&str; 8] = [
    "ghcr.io/acme/{svc}:1.{n}.0",
    "ghcr.io/acme/{svc}:1.{n}.2@sha256:4f1c8e0d5a7b9c2e1f3a5b7c9d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e",
    "docker.io/acme/{svc}:latest",
    "{svc}:2.{n}",
    "registry.acme.internal/{svc}:3.{n}.1",
    "postgres:16.{n}",
    "redis:7.{n}",
    "nginx:1.27",
];

/// Writes an estate of about `resources` Kubernetes resources.
pub fn estate(resources: usize, seed: u64) -> Vec<File> {
    let mut rng = Rng::new(seed);
    let mut files = Vec::new();
    let namespaces = (resources / 400).clamp(2, 200);
    let mut written = 0usize;
    let mut service = 0usize;
    while written < resources {
        let ns = format!("team-{:03}", service % namespaces);
        let name = format!("svc-{service:05}");
        // One file per service: its workload and what comes with it, like a real repository.
        let mut text = String::new();
        let docs = service_documents(&mut rng, &ns, &name, service);
        for doc in docs.iter().take(resources - written) {
            text.push_str("---\n");
            text.push_str(doc);
            written += 1;
        }
        files.push(File { path: format!("k8s/{ns}/{name}.yaml"), text });
        if service.is_multiple_of(10) {
            files.push(File { path: format!("services/{name}/Dockerfile"), text: dockerfile(&mut rng, &name) });
        }
        if service.is_multiple_of(25) {
            files.push(File { path: format!(".github/workflows/{name}.yaml"), text: workflow(&mut rng, &name) });
        }
        service += 1;
    }
    // Namespace-wide objects close each namespace's folder.
    for i in 0..namespaces {
        let ns = format!("team-{i:03}");
        let mut text = String::new();
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n    istio-injection: enabled\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: {ns}\nspec:\n  podSelector: {{}}\n  policyTypes: [Ingress, Egress]\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: {ns}\nspec:\n  mtls:\n    mode: {}\n",
            if rng.chance(70) { "STRICT" } else { "PERMISSIVE" }
        );
        files.push(File { path: format!("k8s/{ns}/namespace.yaml"), text });
    }
    files
}

fn service_documents(rng: &mut Rng, ns: &str, name: &str, n: usize) -> Vec<String> {
    let image = rng.pick(&IMAGES).replace("{svc}", name).replace("{n}", &(n % 30).to_string());
    let kind = match rng.below(10) {
        0 => "StatefulSet",
        1 => "DaemonSet",
        _ => "Deployment",
    };
    let owner = rng.pick(&["payments-team", "shop-team", "platform-team", "data-team"]);
    let class = rng.pick(&["public", "internal", "pii", "pci"]);
    let run_as_non_root = if rng.chance(60) { "\n        runAsNonRoot: true\n        runAsUser: 10001" } else { "" };
    let seccomp = if rng.chance(70) { "\n        seccompProfile:\n          type: RuntimeDefault" } else { "" };
    let privileged = if rng.chance(5) { "\n            privileged: true" } else { "" };
    let escalation = if rng.chance(70) { "\n            allowPrivilegeEscalation: false" } else { "" };
    let read_only = if rng.chance(60) { "\n            readOnlyRootFilesystem: true" } else { "" };
    let drop = if rng.chance(65) { "\n            capabilities:\n              drop: [ALL]" } else { "" };
    let limits =
        if rng.chance(75) { "\n            limits:\n              cpu: 500m\n              memory: 256Mi" } else { "" };
    let probes = if rng.chance(70) {
        "\n          livenessProbe:\n            httpGet: {path: /healthz, port: 8080}\n          readinessProbe:\n            httpGet: {path: /ready, port: 8080}"
    } else {
        ""
    };
    let host = if rng.chance(3) { "\n      hostNetwork: true" } else { "" };
    let secret_env = if rng.chance(8) {
        "\n          - name: API_TOKEN\n            value: tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    } else {
        ""
    };
    let peer = format!("svc-{:05}", n.saturating_sub(1));
    let mut docs = vec![format!(
        "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: {name}\n    app.kubernetes.io/part-of: acme-shop\n    app.kubernetes.io/version: \"1.{n}.0\"\n    app.kubernetes.io/managed-by: argocd\n    annexa.io/owner: {owner}\n    annexa.io/data-classification: {class}\n  annotations:\n    description: \"{name} serves the {ns} team's part of the shop: catalogue, carts and orders\"\n    prometheus.io/scrape: \"true\"\n    prometheus.io/port: \"9090\"\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      serviceAccountName: {name}\n      automountServiceAccountToken: false{host}\n      securityContext:{run_as_non_root}{seccomp}\n        fsGroup: 10001\n      containers:\n        - name: app\n          image: {image}\n          ports:\n            - containerPort: 8080\n          env:\n          - name: PEER_URL\n            value: http://{peer}.{ns}.svc.cluster.local:8080\n          - name: LOG_LEVEL\n            value: info\n          - name: OTEL_EXPORTER_OTLP_ENDPOINT\n            value: http://otel-collector.observability.svc.cluster.local:4317\n          - name: POD_NAME\n            valueFrom:\n              fieldRef:\n                fieldPath: metadata.name\n          - name: DB_PASSWORD\n            valueFrom:\n              secretKeyRef:\n                name: {name}-db\n                key: password{secret_env}\n          envFrom:\n          - configMapRef:\n              name: {name}-config\n          securityContext:{privileged}{escalation}{read_only}{drop}\n          resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi{limits}{probes}\n          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n      volumes:\n        - name: tmp\n          emptyDir: {{}}\n      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n            - weight: 100\n              podAffinityTerm:\n                topologyKey: kubernetes.io/hostname\n                labelSelector:\n                  matchLabels:\n                    app: {name}\n      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: topology.kubernetes.io/zone\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels:\n              app: {name}\n      tolerations:\n        - key: workload\n          operator: Equal\n          value: general\n          effect: NoSchedule\n"
    )];
    docs.push(format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: {name}\n    app.kubernetes.io/part-of: acme-shop\n  annotations:\n    prometheus.io/scrape: \"true\"\n    service.kubernetes.io/topology-mode: Auto\nspec:\n  type: {}\n  selector:\n    app: {name}\n  ports:\n    - name: http\n      port: 8080\n      targetPort: 8080\n",
        if rng.chance(5) { "LoadBalancer" } else { "ClusterIP" }
    ));
    docs.push(format!("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: {ns}\nautomountServiceAccountToken: false\n"));
    docs.push(format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: {name}\ndata:\n  FEATURE_FLAGS: \"checkout,search\"\n  TIMEOUT_MS: \"2500\"\n  UPSTREAM: http://{peer}:8080\n  application.yaml: |\n    server:\n      port: 8080\n      shutdown: graceful\n    cache:\n      ttl: 300s\n      size: 10000\n    retry:\n      attempts: 3\n      backoff: 200ms\n    logging:\n      level: info\n      format: json\n"
    ));
    docs.push(format!(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}-ingress\n  namespace: {ns}\nspec:\n  podSelector:\n    matchLabels:\n      app: {name}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n              app: {peer}\n      ports:\n        - port: 8080\n"
    ));
    let resources = if rng.chance(10) { "\"*\"" } else { "configmaps" };
    docs.push(format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}-reader\n  namespace: {ns}\nrules:\n  - apiGroups: [\"\"]\n    resources: [{resources}]\n    verbs: [get, list]\n"
    ));
    docs.push(format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {name}-reader\n  namespace: {ns}\nsubjects:\n  - kind: ServiceAccount\n    name: {name}\n    namespace: {ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: {name}-reader\n"
    ));
    match n % 4 {
        0 => docs.push(format!(
            "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  host: {name}.{ns}.svc.cluster.local\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n"
        )),
        1 => docs.push(format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  tls:\n    - hosts: [{name}.acme.example]\n      secretName: {name}-tls\n  rules:\n    - host: {name}.acme.example\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: {name}\n                port:\n                  number: 8080\n"
        )),
        2 => docs.push(format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}-report\n  namespace: {ns}\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: {image}\n              args: [report]\n"
        )),
        _ => docs.push(format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}-db\n  namespace: {ns}\ntype: Opaque\ndata:\n  username: YXBw\n  password: c2VjcmV0LWZvci1iZW5jaG1hcmtz\n"
        )),
    }
    docs
}

fn dockerfile(rng: &mut Rng, name: &str) -> String {
    let base = rng.pick(&["node:22-bookworm-slim", "golang:1.23 AS build", "python:3.12-slim", "ubuntu:latest"]);
    let user = if rng.chance(70) { "USER 10001\n" } else { "" };
    format!(
        "# syntax=docker/dockerfile:1.7\nFROM {base}\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*\nRUN make build-{name}\nEXPOSE 8080\n{user}HEALTHCHECK CMD curl -f http://localhost:8080/healthz || exit 1\nCMD [\"/app/{name}\"]\n"
    )
}

fn workflow(rng: &mut Rng, name: &str) -> String {
    let pinned = if rng.chance(50) {
        "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
    } else {
        "actions/checkout@v4"
    };
    format!(
        "name: {name}\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: {pinned}\n      - run: make test\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/{name}:${{{{ github.sha }}}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_estate() {
        assert_eq!(estate(500, 7), estate(500, 7));
        assert_ne!(estate(500, 7), estate(500, 8));
    }

    #[test]
    fn it_writes_the_number_of_resources_asked_for() {
        for n in [1, 10, 999, 2_000] {
            let docs: usize = estate(n, 1)
                .iter()
                .filter(|f| f.path.starts_with("k8s/") && !f.path.ends_with("namespace.yaml"))
                .map(|f| f.text.matches("\n---\n").count() + 1)
                .sum();
            assert_eq!(docs, n, "{n}");
        }
    }
}
