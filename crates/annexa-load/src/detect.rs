//! What a file is, from its name and, above all, its content.

use crate::tree::Value;

/// The kind of one YAML or JSON document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    /// A Kubernetes object (or a List of them), Istio, Gateway API and Cilium included.
    Kubernetes,
    /// A kustomization (`kustomization.yaml`, or `kind: Kustomization`/`Component`).
    Kustomization,
    /// A Helm chart's `Chart.yaml`.
    HelmChart,
    /// A docker-compose file.
    Compose,
    /// A GitHub Actions workflow.
    GithubWorkflow,
    /// A GitLab CI pipeline.
    GitlabCi,
    /// An OpenAPI 3.x (or Swagger 2) document.
    OpenApi,
    /// A CycloneDX SBOM.
    CycloneDx,
    /// An SPDX SBOM.
    Spdx,
    /// A Trivy JSON report.
    TrivyReport,
    /// A Grype JSON report.
    GrypeReport,
    /// YAML or JSON of no kind annexa reads.
    Other,
}

impl DocKind {
    /// The kebab-case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Kubernetes => "kubernetes",
            DocKind::Kustomization => "kustomization",
            DocKind::HelmChart => "helm-chart",
            DocKind::Compose => "compose",
            DocKind::GithubWorkflow => "github-workflow",
            DocKind::GitlabCi => "gitlab-ci",
            DocKind::OpenApi => "openapi",
            DocKind::CycloneDx => "cyclonedx",
            DocKind::Spdx => "spdx",
            DocKind::TrivyReport => "trivy-report",
            DocKind::GrypeReport => "grype-report",
            DocKind::Other => "other",
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Whether the name says kustomization.
pub fn is_kustomization_name(path: &str) -> bool {
    matches!(file_name(path), "kustomization.yaml" | "kustomization.yml" | "Kustomization")
}

/// Classifies one document; `path` only breaks ties the content leaves open.
pub fn classify(path: &str, value: &Value) -> DocKind {
    let Some(map) = value.as_object() else { return DocKind::Other };
    let has = |k: &str| map.contains_key(k);
    let text = |k: &str| map.get(k).and_then(Value::as_str);
    let name = file_name(path).to_ascii_lowercase();
    if let (Some(api), Some(kind)) = (text("apiVersion"), text("kind")) {
        if api.starts_with("kustomize.config.k8s.io/")
            || is_kustomization_name(path) && matches!(kind, "Kustomization" | "Component")
        {
            return DocKind::Kustomization;
        }
        return DocKind::Kubernetes;
    }
    if is_kustomization_name(path)
        || has("resources")
            && (has("namePrefix") || has("patches") || has("bases") || has("components"))
            && !has("kind")
    {
        return DocKind::Kustomization;
    }
    if name == "chart.yaml" && has("name") && has("version") {
        return DocKind::HelmChart;
    }
    if has("openapi") || has("swagger") && has("paths") {
        return DocKind::OpenApi;
    }
    if text("bomFormat") == Some("CycloneDX") {
        return DocKind::CycloneDx;
    }
    if has("spdxVersion") && has("SPDXID") {
        return DocKind::Spdx;
    }
    if has("SchemaVersion") && (has("Results") || has("ArtifactName")) {
        return DocKind::TrivyReport;
    }
    if has("matches") && map.get("descriptor").and_then(|d| d.get("name")).and_then(Value::as_str) == Some("grype") {
        return DocKind::GrypeReport;
    }
    let jobs = map.get("jobs").and_then(Value::as_object);
    let workflow_path = path.replace('\\', "/").contains(".github/workflows/");
    if let Some(jobs) = jobs
        && (workflow_path || has("on") && jobs.values().all(|j| j.get("runs-on").is_some() || j.get("uses").is_some()))
    {
        return DocKind::GithubWorkflow;
    }
    if name.starts_with(".gitlab-ci") || has("stages") && map.values().any(|v| v.get("script").is_some()) {
        return DocKind::GitlabCi;
    }
    let compose_name = name.contains("compose") && (name.ends_with(".yml") || name.ends_with(".yaml"));
    if let Some(services) = map.get("services").and_then(Value::as_object)
        && (compose_name
            || !services.is_empty() && services.values().all(|s| s.get("image").is_some() || s.get("build").is_some()))
    {
        return DocKind::Compose;
    }
    DocKind::Other
}

/// How a file should be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reader {
    /// YAML or JSON.
    Structured,
    /// A Dockerfile.
    Dockerfile,
    /// Nothing annexa reads.
    None,
}

/// Decides how to read a file: by name first, then by sniffing the text for files whose name
/// says nothing (`Containerfile.prod`, an extension-less manifest piped in).
pub(crate) fn reader(path: &str, text: &str) -> Reader {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
    let instruction = first.is_none_or(|l| {
        let word = l.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        DOCKERFILE_KEYWORDS.contains(&word.as_str())
    });
    let dockerfile_name = lower == "dockerfile"
        || lower.ends_with(".dockerfile")
        || lower.starts_with("containerfile")
        || lower
            .strip_prefix("dockerfile.")
            .is_some_and(|suffix| !suffix.contains('.') && !["json", "yaml", "yml"].contains(&suffix));
    if dockerfile_name && instruction {
        return Reader::Dockerfile;
    }
    if [".yaml", ".yml", ".json"].iter().any(|e| lower.ends_with(e)) || name == "Kustomization" {
        return Reader::Structured;
    }
    let extension =
        lower.rsplit_once('.').map(|(_, e)| e).filter(|_| !lower.starts_with('.') || lower.matches('.').count() > 1);
    if extension.is_some_and(|e| NOT_DATA.contains(&e)) {
        return Reader::None;
    }
    // Anything else is judged by its content: golden files, extension-less manifests, stdin.
    match first {
        Some(l) if l.starts_with('{') || l.starts_with('[') || l.starts_with("---") => Reader::Structured,
        Some(l) if l.starts_with("apiVersion:") || l.starts_with("kind:") => Reader::Structured,
        Some(_) if text.contains("\napiVersion:") && text.contains("\nkind:") => Reader::Structured,
        Some(l) if l.to_ascii_uppercase().starts_with("FROM ") || l.to_ascii_uppercase().starts_with("ARG ") => {
            if text.lines().any(|l| l.trim_start().to_ascii_uppercase().starts_with("FROM ")) {
                Reader::Dockerfile
            } else {
                Reader::None
            }
        }
        _ => Reader::None,
    }
}

/// Extensions of files that are never manifests, whatever their first line says.
const NOT_DATA: [&str; 48] = [
    "md", "markdown", "rst", "txt", "adoc", "go", "py", "js", "mjs", "ts", "rs", "java", "kt", "rb", "php", "c", "h",
    "cc", "cpp", "cs", "sh", "bash", "ps1", "html", "css", "scss", "svg", "xml", "toml", "ini", "cfg", "conf", "lock",
    "sum", "mod", "tf", "hcl", "rego", "proto", "sql", "csv", "tsv", "png", "jpg", "gif", "pdf", "zip", "gz",
];

/// Every Dockerfile instruction keyword, for telling a Dockerfile from a file that only has the name.
const DOCKERFILE_KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value as json;

    #[test]
    fn documents_are_classified_by_content() {
        let cases = [
            ("x.yaml", json!({"apiVersion": "apps/v1", "kind": "Deployment"}), DocKind::Kubernetes),
            (
                "x.yaml",
                json!({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication"}),
                DocKind::Kubernetes,
            ),
            ("kustomization.yaml", json!({"resources": ["a.yaml"]}), DocKind::Kustomization),
            (
                "k.yaml",
                json!({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}),
                DocKind::Kustomization,
            ),
            ("Chart.yaml", json!({"apiVersion": "v2", "name": "c", "version": "1.0.0"}), DocKind::HelmChart),
            ("api.json", json!({"openapi": "3.1.0", "paths": {}}), DocKind::OpenApi),
            ("bom.json", json!({"bomFormat": "CycloneDX", "specVersion": "1.6"}), DocKind::CycloneDx),
            ("s.json", json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}), DocKind::Spdx),
            ("r.json", json!({"SchemaVersion": 2, "ArtifactName": "x", "Results": []}), DocKind::TrivyReport),
            ("g.json", json!({"matches": [], "descriptor": {"name": "grype"}}), DocKind::GrypeReport),
            (
                ".github/workflows/ci.yml",
                json!({"on": "push", "jobs": {"b": {"runs-on": "ubuntu-latest"}}}),
                DocKind::GithubWorkflow,
            ),
            ("any.yml", json!({"on": {"push": null}, "jobs": {"b": {"runs-on": "x"}}}), DocKind::GithubWorkflow),
            (".gitlab-ci.yml", json!({"build": {"script": ["make"]}}), DocKind::GitlabCi),
            ("pipeline.yml", json!({"stages": ["b"], "b": {"script": ["make"]}}), DocKind::GitlabCi),
            ("docker-compose.yml", json!({"services": {"web": {"image": "nginx"}}}), DocKind::Compose),
            ("stack.yml", json!({"services": {"web": {"build": "."}}}), DocKind::Compose),
            ("values.yaml", json!({"replicaCount": 1}), DocKind::Other),
        ];
        for (path, value, want) in cases {
            assert_eq!(classify(path, &value), want, "{path}: {value}");
        }
    }

    #[test]
    fn readers_by_name_then_content() {
        assert_eq!(reader("src/Dockerfile", ""), Reader::Dockerfile);
        assert_eq!(reader("src/Dockerfile", "# syntax=docker/dockerfile:1\nFROM alpine\n"), Reader::Dockerfile);
        assert_eq!(reader("build/app.dockerfile", "from alpine"), Reader::Dockerfile);
        assert_eq!(reader("Dockerfile", "{\"not\": \"a dockerfile\"}"), Reader::Structured);
        assert_eq!(reader("Containerfile", ""), Reader::Dockerfile);
        assert_eq!(reader("k8s/app.yml", ""), Reader::Structured);
        assert_eq!(reader("README.md", "FROM x"), Reader::None);
        assert_eq!(reader("testdata/dockerfile.json.golden", "{\"SchemaVersion\": 2}"), Reader::Structured);
        assert_eq!(reader("report.golden", "[\n]"), Reader::Structured);
        assert_eq!(reader("table.txt", "Summary Report\n"), Reader::None);
        assert_eq!(reader("-", "# comment\nFROM alpine\n"), Reader::Dockerfile);
        assert_eq!(reader("manifest", "apiVersion: v1\nkind: Pod\n"), Reader::Structured);
        assert_eq!(reader("notes", "hello"), Reader::None);
        assert_eq!(reader(".gitlab-ci.yml", ""), Reader::Structured);
    }
}
