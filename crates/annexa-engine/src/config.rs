//! `annexa.toml`: the ISMS repository's configuration. This module reads the exemptions `annexa
//! scan` needs and the ISMS sections (organisation, scope, risk method, cadences, patch windows,
//! audit dates) the ISMS commands need; every error names the file, the line and the field.

use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// An approved exception to a check, reviewed like code: never an annotation a developer can
/// add unseen next to the resource.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// The check, by id or slug.
    pub check: String,
    /// Which resources: `Kind namespace/name`, each part may be `*` or end in `*`
    /// (`DaemonSet monitoring/*`). Absent means every resource of the files matched.
    #[serde(default)]
    pub resource: Option<String>,
    /// Which files: a path, or a prefix ending in `*`.
    #[serde(default)]
    pub file: Option<String>,
    /// Who answers for it.
    pub owner: String,
    /// Why the risk is accepted.
    pub reason: String,
    /// The last day it applies (`2027-03-31`); after it the exemption is itself a finding.
    #[serde(deserialize_with = "date")]
    pub expires: Date,
    /// Where it is written (filled in on reading).
    #[serde(skip_deserializing)]
    pub line: u32,
}

/// A TOML date (`2027-03-31`) or a quoted one.
fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    use serde::Deserialize as _;
    let text = match toml::Value::deserialize(d)? {
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s,
        other => return Err(serde::de::Error::custom(format!("expected a date like 2027-03-31, found `{other}`"))),
    };
    text.parse::<Date>().map_err(|_| serde::de::Error::custom(format!("`{text}` is not a date like 2027-03-31")))
}

/// The parts of `annexa.toml` the scan reads.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Config {
    /// Approved exceptions.
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
    /// `[scan]`: what the checks need to know about the organisation (`allowed_registries`).
    #[serde(default)]
    pub scan: annexa_checks::Settings,
    /// The ISMS sections, typed by `annexa-isms` (which also validates what a parser cannot).
    #[serde(skip)]
    pub isms: annexa_isms::Settings,
    /// Where it was read from.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// `annexa.toml` could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// The line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl Config {
    /// Reads a config file; a missing default file is an empty config.
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.display().to_string(),
            line: 1,
            message: format!("cannot read: {e}"),
        })?;
        Config::parse(&text, path)
    }

    /// Parses config text.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            ConfigError { path: path.display().to_string(), line, message: e.message().to_owned() }
        })?;
        if let Some((_, message)) = config.scan.problems().into_iter().next() {
            let line = text.lines().position(|l| l.trim_start().starts_with("allowed_registries")).map_or(1, |i| i + 1);
            return Err(ConfigError { path: path.display().to_string(), line, message });
        }
        // Each exemption's line: the n-th `[[exemptions]]` header.
        let headers: Vec<u32> =
            text.lines().enumerate().filter(|(_, l)| l.trim() == "[[exemptions]]").map(|(i, _)| i as u32 + 1).collect();
        for (e, line) in config.exemptions.iter_mut().zip(headers) {
            e.line = line;
        }
        // The ISMS sections are read by their own model so that a typo in `[risk]` is an error
        // with its line, here as in every ISMS command.
        config.isms = annexa_isms::Settings::parse(text, &path.display().to_string()).map_err(|p| ConfigError {
            path: path.display().to_string(),
            line: p.line as usize,
            message: if p.field.is_empty() { p.message } else { format!("`{}`: {}", p.field, p.message) },
        })?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }
}

/// Whether `pattern` (with `*` as a trailing or whole wildcard) matches `value`.
pub(crate) fn glob(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exemptions_with_their_lines() {
        let text = "# annexa\n\n[[exemptions]]\ncheck = \"privileged-container\"\nresource = \"DaemonSet monitoring/node-exporter\"\nowner = \"platform\"\nreason = \"needs host metrics\"\nexpires = 2027-03-31\n";
        let c = Config::parse(text, Path::new("annexa.toml")).map_err(|e| e.to_string());
        let c = c.as_ref().map(|c| c.exemptions.clone()).unwrap_or_default();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].line, c[0].expires.to_string().as_str()), (3, "2027-03-31"));
    }

    #[test]
    fn errors_name_the_line_and_field() {
        let text = "[[exemptions]]\ncheck = \"x\"\nowner = \"o\"\nreason = \"r\"\nexpires = \"soon\"\n";
        let e = Config::parse(text, Path::new("annexa.toml")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("annexa.toml:5:"), "{e}");
        let text =
            "[[exemptions]]\ncheck = \"x\"\nowner = \"o\"\nreason = \"r\"\nexpires = 2027-01-01\nreviewer = \"me\"\n";
        let e = Config::parse(text, Path::new("annexa.toml")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("reviewer"), "{e}");
    }

    #[test]
    fn isms_sections_are_read_beside_exemptions() {
        let text = "[organisation]\nname = \"Acme\"\n\n[cadence]\ninternal_audit_months = 3\n\n[[exemptions]]\ncheck = \"x\"\nowner = \"o\"\nreason = \"r\"\nexpires = 2027-01-01\n";
        let c = Config::parse(text, Path::new("annexa.toml")).map_err(|e| e.to_string());
        let c = c.as_ref().ok();
        assert_eq!(c.map(|c| c.exemptions.len()), Some(1));
        assert_eq!(c.map(|c| c.isms.cadence.internal_audit_months), Some(3));
        assert_eq!(c.and_then(|c| c.isms.organisation.as_ref()).map(|o| o.name.as_str()), Some("Acme"));
        let text = "[cadence]\ninternal_audit_months = 3\naccess_reviews = 4\n";
        let e = Config::parse(text, Path::new("annexa.toml")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("annexa.toml:3:") && e.contains("access_reviews"), "{e}");
    }

    #[test]
    fn globs() {
        assert!(glob("monitoring/*", "monitoring/node-exporter"));
        assert!(glob("*", "anything"));
        assert!(!glob("web", "web-2"));
    }
}
