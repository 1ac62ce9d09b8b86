//! SBOMs (CycloneDX 1.2–1.7 JSON, SPDX 2.2/2.3 JSON) and vulnerability reports (Trivy and
//! Grype JSON) read leniently: the fields annexa uses, whatever else the producer wrote.

use crate::detect::DocKind;
use crate::estate::Document;
use crate::pointer::At;
use crate::tree::Value;

/// A component an SBOM lists.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Component {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// Its package URL.
    pub purl: Option<String>,
    /// Licence ids, names or expressions.
    pub licenses: Vec<String>,
    /// `(algorithm, digest)` pairs.
    pub hashes: Vec<(String, String)>,
    /// Its pointer in the document.
    pub pointer: String,
}

/// What an SBOM says.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Sbom {
    /// `cyclonedx` or `spdx`.
    pub format: &'static str,
    /// `1.6`, `SPDX-2.3`.
    pub spec_version: String,
    /// What the SBOM describes (its main component or document name).
    pub subject: Option<String>,
    /// Every component, nested ones included.
    pub components: Vec<Component>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Reads an SBOM document; `None` if the document is not one.
pub fn sbom(doc: &Document) -> Option<Sbom> {
    match doc.kind {
        DocKind::CycloneDx => {
            let mut components = Vec::new();
            cyclonedx_components(doc.value.get("components"), "/components", &mut components);
            Some(Sbom {
                format: "cyclonedx",
                spec_version: text(&doc.value, "specVersion").unwrap_or_default(),
                subject: doc.value.at("/metadata/component/name").and_then(Value::as_str).map(str::to_owned),
                components,
            })
        }
        DocKind::Spdx => {
            let components = doc
                .value
                .get("packages")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, p)| Component {
                    name: text(p, "name").unwrap_or_default(),
                    version: text(p, "versionInfo"),
                    purl: p.get("externalRefs").and_then(Value::as_array).into_iter().flatten().find_map(|r| {
                        (r.get("referenceType").and_then(Value::as_str) == Some("purl"))
                            .then(|| text(r, "referenceLocator"))
                            .flatten()
                    }),
                    licenses: ["licenseConcluded", "licenseDeclared"]
                        .iter()
                        .filter_map(|k| text(p, k))
                        .filter(|l| l != "NOASSERTION" && l != "NONE")
                        .collect(),
                    hashes: p
                        .get("checksums")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|c| Some((text(c, "algorithm")?, text(c, "checksumValue")?)))
                        .collect(),
                    pointer: format!("/packages/{i}"),
                })
                .collect();
            Some(Sbom {
                format: "spdx",
                spec_version: text(&doc.value, "spdxVersion").unwrap_or_default(),
                subject: text(&doc.value, "name"),
                components,
            })
        }
        _ => None,
    }
}

fn cyclonedx_components(list: Option<&Value>, pointer: &str, out: &mut Vec<Component>) {
    for (i, c) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
        let here = format!("{pointer}/{i}");
        let licenses = c
            .get("licenses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| {
                text(l, "expression")
                    .or_else(|| l.get("license").and_then(|x| text(x, "id").or_else(|| text(x, "name"))))
            })
            .collect();
        let hashes = c
            .get("hashes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|h| Some((text(h, "alg")?, text(h, "content")?)))
            .collect();
        out.push(Component {
            name: text(c, "name").unwrap_or_default(),
            version: text(c, "version"),
            purl: text(c, "purl"),
            licenses,
            hashes,
            pointer: here.clone(),
        });
        cyclonedx_components(c.get("components"), &format!("{here}/components"), out);
    }
}

/// A vulnerability a scanner reported.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Vulnerability {
    /// `CVE-2024-3094`, `GHSA-...`.
    pub id: String,
    /// The affected package.
    pub package: String,
    /// The installed version.
    pub installed: Option<String>,
    /// The version that fixes it, when one exists.
    pub fixed: Option<String>,
    /// The scanner's severity, upper case (`CRITICAL`, `HIGH`...).
    pub severity: String,
    /// The highest CVSS base score given, when any.
    pub cvss: Option<f64>,
    /// What was scanned (an image, a lock file).
    pub target: String,
    /// Its pointer in the document.
    pub pointer: String,
}

/// A scanner's report.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Report {
    /// `trivy` or `grype`.
    pub tool: &'static str,
    /// What was scanned.
    pub artifact: Option<String>,
    /// Every vulnerability, in report order.
    pub vulnerabilities: Vec<Vulnerability>,
}

fn max_score(scores: impl Iterator<Item = f64>) -> Option<f64> {
    scores.fold(None, |m, s| Some(m.map_or(s, |m: f64| m.max(s))))
}

/// Reads a Trivy or Grype JSON report; `None` if the document is not one.
pub fn report(doc: &Document) -> Option<Report> {
    match doc.kind {
        DocKind::TrivyReport => {
            let mut vulnerabilities = Vec::new();
            for (i, r) in doc.value.get("Results").and_then(Value::as_array).into_iter().flatten().enumerate() {
                let target = text(r, "Target").unwrap_or_default();
                for (j, v) in r.get("Vulnerabilities").and_then(Value::as_array).into_iter().flatten().enumerate() {
                    let cvss = v.get("CVSS").and_then(Value::as_object).map(|m| {
                        max_score(
                            m.values()
                                .filter_map(|s| s.get("V3Score").or_else(|| s.get("V40Score")).and_then(Value::as_f64)),
                        )
                    });
                    vulnerabilities.push(Vulnerability {
                        id: text(v, "VulnerabilityID").unwrap_or_default(),
                        package: text(v, "PkgName").unwrap_or_default(),
                        installed: text(v, "InstalledVersion"),
                        fixed: text(v, "FixedVersion").filter(|f| !f.is_empty()),
                        severity: text(v, "Severity").unwrap_or_else(|| "UNKNOWN".to_owned()).to_ascii_uppercase(),
                        cvss: cvss.flatten(),
                        target: target.clone(),
                        pointer: format!("/Results/{i}/Vulnerabilities/{j}"),
                    });
                }
            }
            Some(Report { tool: "trivy", artifact: text(&doc.value, "ArtifactName"), vulnerabilities })
        }
        DocKind::GrypeReport => {
            let artifact = doc.value.at("/source/target/userInput").and_then(Value::as_str).map(str::to_owned);
            let vulnerabilities = doc
                .value
                .get("matches")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, m)| {
                    let v = m.get("vulnerability").unwrap_or(&Value::Null);
                    let a = m.get("artifact").unwrap_or(&Value::Null);
                    Vulnerability {
                        id: text(v, "id").unwrap_or_default(),
                        package: text(a, "name").unwrap_or_default(),
                        installed: text(a, "version"),
                        fixed: v
                            .at("/fix/versions")
                            .and_then(Value::as_array)
                            .and_then(|f| f.first())
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        severity: text(v, "severity").unwrap_or_else(|| "UNKNOWN".to_owned()).to_ascii_uppercase(),
                        cvss: max_score(
                            v.get("cvss")
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                                .filter_map(|c| c.at("/metrics/baseScore").and_then(Value::as_f64)),
                        ),
                        target: artifact.clone().unwrap_or_default(),
                        pointer: format!("/matches/{i}"),
                    }
                })
                .collect();
            Some(Report { tool: "grype", artifact, vulnerabilities })
        }
        _ => None,
    }
}
