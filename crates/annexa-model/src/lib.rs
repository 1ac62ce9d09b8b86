//! annexa's vocabulary: the typed identifiers every other crate speaks in.
//!
//! Nothing here reads files, the clock or the environment. Control and strategy ids are
//! generated from the catalogue's data files at build time, so a reference to a control
//! that does not exist is a compile error:
//!
//! ```compile_fail
//! let _ = annexa_model::AnnexA::A8_35; // Annex A ends at 8.34
//! ```
//!
//! ```
//! use annexa_model::{AnnexA, Theme};
//! assert_eq!(AnnexA::A8_13.title(), "Information backup");
//! assert_eq!(AnnexA::A8_13.theme(), Theme::Technological);
//! assert_eq!(AnnexA::A8_13.to_string(), "A.8.13");
//! ```

mod framework;
mod severity;

pub use framework::{Framework, UnknownFramework};
pub use severity::Severity;

use std::fmt;

include!(concat!(env!("OUT_DIR"), "/annex_a.rs"));
include!(concat!(env!("OUT_DIR"), "/strategies.rs"));

/// The four themes Annex A groups its controls into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Controls 5.1–5.37.
    Organizational,
    /// Controls 6.1–6.8.
    People,
    /// Controls 7.1–7.14.
    Physical,
    /// Controls 8.1–8.34.
    Technological,
}

impl Theme {
    /// Every theme, in the standard's order.
    pub const ALL: [Theme; 4] = [Theme::Organizational, Theme::People, Theme::Physical, Theme::Technological];

    /// The lowercase name used on the command line and in JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Theme::Organizational => "organizational",
            Theme::People => "people",
            Theme::Physical => "physical",
            Theme::Technological => "technological",
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AnnexA {
    /// The id without the `A.` prefix, as in the standard's Table A.1: `8.9`.
    pub fn bare(self) -> String {
        let (major, minor) = self.number();
        format!("{major}.{minor}")
    }

    /// Parses `8.9`, `A.8.9` or `a.8.9` (surrounding whitespace ignored).
    pub fn parse(input: &str) -> Option<AnnexA> {
        let s = input.trim();
        let s = s.strip_prefix("A.").or_else(|| s.strip_prefix("a.")).unwrap_or(s);
        let (major, minor) = s.split_once('.')?;
        // Leading zeros and signs are not how anyone writes a control id.
        if [major, minor].iter().any(|p| p.is_empty() || p.starts_with('0') || !p.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let wanted = (major.parse().ok()?, minor.parse().ok()?);
        AnnexA::ALL.into_iter().find(|c| c.number() == wanted)
    }

    /// Position in [`AnnexA::ALL`], for tables indexed by control.
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for AnnexA {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (major, minor) = self.number();
        write!(f, "A.{major}.{minor}")
    }
}

impl serde::Serialize for AnnexA {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for AnnexA {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        AnnexA::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not an ISO/IEC 27001:2022 Annex A control")))
    }
}

impl Strategy {
    /// Looks a strategy up by its identifier, ignoring case.
    pub fn parse(input: &str) -> Option<Strategy> {
        let s = input.trim();
        Strategy::ALL.into_iter().find(|st| st.id().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for Strategy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annex_a_has_93_controls_in_four_themes() {
        let count = |t| AnnexA::ALL.iter().filter(|c| c.theme() == t).count();
        assert_eq!(AnnexA::ALL.len(), 93);
        assert_eq!(
            [count(Theme::Organizational), count(Theme::People), count(Theme::Physical), count(Theme::Technological)],
            [37, 8, 14, 34]
        );
    }

    #[test]
    fn parse_accepts_the_ways_people_write_ids() {
        for input in ["8.9", "A.8.9", "a.8.9", " A.8.9 "] {
            assert_eq!(AnnexA::parse(input), Some(AnnexA::A8_9), "{input}");
        }
        for input in ["8.35", "A.8", "08.9", "8.09", "A.12.6.1", "", "A..9", "+8.9"] {
            assert_eq!(AnnexA::parse(input), None, "{input}");
        }
    }

    #[test]
    fn every_control_round_trips_through_display_and_index() {
        for (i, c) in AnnexA::ALL.into_iter().enumerate() {
            assert_eq!(AnnexA::parse(&c.to_string()), Some(c));
            assert_eq!(AnnexA::parse(&c.bare()), Some(c));
            assert_eq!(c.index(), i);
        }
    }

    #[test]
    fn serde_uses_the_prefixed_id() {
        assert_eq!(serde_json::to_string(&AnnexA::A5_15).ok().as_deref(), Some("\"A.5.15\""));
        let back: Result<AnnexA, _> = serde_json::from_str("\"5.15\"");
        assert_eq!(back.ok(), Some(AnnexA::A5_15));
        assert!(serde_json::from_str::<AnnexA>("\"5.38\"").is_err());
    }

    #[test]
    fn strategy_ids_are_unique_and_parse_back() {
        for s in Strategy::ALL {
            assert_eq!(Strategy::parse(s.id()), Some(s));
            assert_eq!(Strategy::parse(&s.id().to_lowercase()), Some(s));
        }
        assert_eq!(Strategy::parse("MS-SS-4").map(|s| s.id()), Some("MS-SS-4"));
    }
}
