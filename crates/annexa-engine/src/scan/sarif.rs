//! SARIF 2.1.0, as GitHub code scanning reads it: rule metadata with help and a security
//! severity, results with physical locations and regions, exempted findings as suppressions.

use super::ScanView;
use annexa_model::Severity;
use serde_json::{Value, json};

/// GitHub's `security-severity` scale.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// A stable fingerprint of a finding, so code scanning tracks it across commits.
fn fingerprint(parts: &[&str]) -> String {
    // FNV-1a, 64 bits: stable across platforms and releases, no dependency.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

impl ScanView {
    /// The SARIF log.
    pub fn to_sarif(&self) -> Value {
        let rules: Vec<Value> = self
            .checks
            .iter()
            .map(|m| {
                let mut tags: Vec<String> = vec!["security".to_owned()];
                tags.extend(m.controls.iter().map(|c| format!("ISO27001:2022/{c}")));
                json!({
                    "id": m.id,
                    "name": m.slug,
                    "shortDescription": {"text": m.title},
                    "fullDescription": {"text": super::doc_section(m.doc, "What it checks")},
                    "help": {"text": m.documentation(), "markdown": m.documentation()},
                    "defaultConfiguration": {"level": level(m.severity)},
                    "properties": {
                        "tags": tags,
                        "security-severity": security_severity(m.severity),
                        "precision": "high",
                        "problem.severity": match m.severity { Severity::Critical | Severity::High => "error", Severity::Medium => "warning", _ => "recommendation" },
                        "aliases": m.aliases,
                        "strategies": m.strategies.iter().map(|s| s.id()).collect::<Vec<_>>(),
                    }
                })
            })
            .collect();
        let results: Vec<Value> = self
            .findings
            .iter()
            .map(|f| {
                let index = self.checks.iter().position(|m| m.id == f.check).unwrap_or(0);
                let resource = f.resource.as_ref().map(|r| r.display()).unwrap_or_default();
                let mut result = json!({
                    "ruleId": f.check,
                    "ruleIndex": index,
                    "level": level(f.severity),
                    "message": {"text": format!("{} ({})", f.message, f.controls.join(", "))},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.location.file.trim_start_matches("./"), "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": f.location.line.max(1), "startColumn": f.location.col.max(1)}
                        }
                    }],
                    "partialFingerprints": {"annexa/v1": fingerprint(&[f.check, &f.location.file, &resource, &f.message])},
                    "properties": {"controls": f.controls, "remediation": f.remediation}
                });
                if !resource.is_empty() {
                    result["locations"][0]["logicalLocations"] = json!([{"fullyQualifiedName": resource, "kind": "resource"}]);
                }
                if let Some(fix) = &f.fix {
                    result["properties"]["fix"] = json!({"pointer": fix.pointer, "value": fix.value});
                }
                if let Some(e) = &f.exempted {
                    result["suppressions"] = json!([{"kind": "external", "status": "accepted", "justification": format!("{} (owner {}, until {}, {})", e.reason, e.owner, e.expires, e.source)}]);
                }
                result
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "annexa",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/annexa-dev/annexa",
                    "rules": rules
                }},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file:///"}},
                "results": results,
                "columnKind": "unicodeCodePoints"
            }]
        })
    }
}
