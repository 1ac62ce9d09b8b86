//! The ISMS itself as pure functions: the models of the ISMS repository's files and their
//! validation, the catalogue lint, risk levels, risk suggestions from the estate, the Statement of
//! Applicability, the gap assessment, the risk treatment plan, nonconformity proposals and the
//! audit calendar.
//!
//! Pure: no IO, no clock, no environment, no randomness. Files arrive as text with the name to
//! report them by, today arrives as a [`jiff::civil::Date`], and evidence arrives as
//! [`ControlEvidence`] values (from a fresh scan, or from a run recorded in the evidence store).

pub mod calendar;
pub mod gap;
pub mod heatmap;
pub mod lint;
pub mod nc;
pub mod plan;
pub mod policy;
pub mod registers;
pub mod repo;
pub mod settings;
pub mod soa;
pub mod suggest;
pub mod templates;
mod toml_lines;
mod yaml;

pub use registers::{Nonconformity, Risk, SoaDecision, Supplier};
pub use settings::Settings;
pub use soa::{ControlEvidence, FailingCheck, Status};

use jiff::civil::Date;
use std::fmt;

/// How serious a problem in an ISMS file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth fixing; nothing derived from the file is wrong because of it.
    Warning,
    /// The file says something wrong or unreadable; what is derived from it cannot be trusted.
    Error,
}

impl Level {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One problem in an ISMS file, with the file, line and field it is about and what to do.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Error or warning.
    pub level: Level,
    /// The file, relative to the ISMS repository.
    pub file: String,
    /// The line, from 1.
    pub line: u32,
    /// The field (`risks[2].likelihood`, `controls`, `risk.appetite`); empty for prose.
    pub field: String,
    /// What is wrong, lowercase, input in backticks.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Problem {
    /// An error.
    pub fn error(file: &str, line: u32, field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            level: Level::Error,
            file: file.to_owned(),
            line: line.max(1),
            field: field.into(),
            message: message.into(),
            help: None,
        }
    }

    /// A warning.
    pub fn warning(file: &str, line: u32, field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { level: Level::Warning, ..Problem::error(file, line, field, message) }
    }

    /// The same problem with a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\n  --> {}:{}", self.level.as_str(), self.message, self.file, self.line)?;
        if !self.field.is_empty() {
            write!(f, "  field `{}`", self.field)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Sorts problems by file, line and message, the order every command prints them in.
pub fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by(|a, b| (&a.file, a.line, &a.field, &a.message).cmp(&(&b.file, b.line, &b.field, &b.message)));
}

/// A date `months` months after `date` (the 31st clamps to the month's last day).
pub fn add_months(date: Date, months: i64) -> Date {
    use jiff::ToSpan as _;
    date.checked_add(months.months()).unwrap_or(date)
}

/// A date `days` days after `date`.
pub fn add_days(date: Date, days: i64) -> Date {
    use jiff::ToSpan as _;
    date.checked_add(days.days()).unwrap_or(date)
}

/// Deserialises a date written as a TOML date (`2027-03-31`) or a string (YAML, quoted TOML).
pub(crate) fn date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    use serde::Deserialize as _;
    let text = match toml::Value::deserialize(d)? {
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s,
        other => return Err(serde::de::Error::custom(format!("expected a date like 2027-03-31, found `{other}`"))),
    };
    text.trim().parse::<Date>().map_err(|_| serde::de::Error::custom(format!("`{text}` is not a date like 2027-03-31")))
}

/// [`date`] for optional fields.
pub(crate) fn opt_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    date(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_file_line_field_and_help() {
        let p = Problem::error("registers/risks.yaml", 7, "risks[0].likelihood", "`9` is not on the likelihood scale")
            .with_help("use 1 to 5");
        assert_eq!(
            p.to_string(),
            "error: `9` is not on the likelihood scale\n  --> registers/risks.yaml:7  field `risks[0].likelihood`\n  help: use 1 to 5"
        );
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        let d: Date = "2026-01-31".parse().unwrap_or_default();
        assert_eq!(add_months(d, 1).to_string(), "2026-02-28");
        assert_eq!(add_months(d, 36).to_string(), "2029-01-31");
        assert_eq!(add_days(d, 7).to_string(), "2026-02-07");
    }
}
