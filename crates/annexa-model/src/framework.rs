//! The frameworks annexa knows, with the names users type and the prefixes the data files use.

use std::fmt;

/// A control framework or catalogue that annexa holds data for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    /// ISO/IEC 27001:2022 (Annex A and clauses 4–10).
    Iso27001_2022,
    /// ISO/IEC 27001:2013 Annex A, kept for its mapping to 2022.
    Iso27001_2013,
    /// AICPA Trust Services Criteria 2017 (SOC 2).
    Soc2,
    /// PCI DSS v4.0.
    PciDss4,
    /// HIPAA Security Rule (45 CFR Part 164 Subpart C).
    Hipaa,
    /// NIST SP 800-204 series strategies for microservices.
    Sp800_204,
    /// NIST SP 800-53 Rev. 5: known only as a crosswalk pivot (ids, no titles).
    Sp800_53r5,
    /// Adobe Common Controls Framework v5: known only as a crosswalk pivot.
    AdobeCcfV5,
}

/// The user typed a framework name annexa does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFramework(pub String);

impl fmt::Display for UnknownFramework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown framework `{}`", self.0)
    }
}

impl std::error::Error for UnknownFramework {}

impl Framework {
    /// Every framework, catalogues first, pivots last.
    pub const ALL: [Framework; 8] = [
        Framework::Iso27001_2022,
        Framework::Iso27001_2013,
        Framework::Soc2,
        Framework::PciDss4,
        Framework::Hipaa,
        Framework::Sp800_204,
        Framework::Sp800_53r5,
        Framework::AdobeCcfV5,
    ];

    /// The name used on the command line and in JSON (`--framework`, `--to`).
    pub const fn key(self) -> &'static str {
        match self {
            Framework::Iso27001_2022 => "iso27001:2022",
            Framework::Iso27001_2013 => "iso27001:2013",
            Framework::Soc2 => "soc2",
            Framework::PciDss4 => "pci-dss-4",
            Framework::Hipaa => "hipaa",
            Framework::Sp800_204 => "sp800-204",
            Framework::Sp800_53r5 => "sp800-53r5",
            Framework::AdobeCcfV5 => "adobe-ccf-v5",
        }
    }

    /// The name a person reads.
    pub const fn name(self) -> &'static str {
        match self {
            Framework::Iso27001_2022 => "ISO/IEC 27001:2022",
            Framework::Iso27001_2013 => "ISO/IEC 27001:2013",
            Framework::Soc2 => "SOC 2 (AICPA TSC 2017)",
            Framework::PciDss4 => "PCI DSS v4.0",
            Framework::Hipaa => "HIPAA Security Rule",
            Framework::Sp800_204 => "NIST SP 800-204 series",
            Framework::Sp800_53r5 => "NIST SP 800-53 Rev. 5",
            Framework::AdobeCcfV5 => "Adobe CCF v5",
        }
    }

    /// The prefix of ids in the crosswalk data (`iso27001-2022:A.5.15`), where the framework has rows.
    pub const fn data_prefix(self) -> &'static str {
        match self {
            Framework::Iso27001_2022 => "iso27001-2022",
            Framework::Iso27001_2013 => "iso27001-2013",
            Framework::Soc2 => "aicpa-tsc-2017",
            Framework::PciDss4 => "pci-dss-4.0",
            Framework::Hipaa => "hipaa-45cfr",
            Framework::Sp800_204 => "nist-sp800-204",
            Framework::Sp800_53r5 => "nist-sp800-53r5",
            Framework::AdobeCcfV5 => "adobe-ccf-v5",
        }
    }

    /// Names people also type for the framework, beside [`Framework::key`].
    const fn aliases(self) -> &'static [&'static str] {
        match self {
            Framework::Iso27001_2022 => &["iso27001", "iso27001-2022", "iso-27001:2022", "iso"],
            Framework::Iso27001_2013 => &["iso27001-2013", "iso-27001:2013", "iso2013"],
            Framework::Soc2 => &["soc2-2017", "tsc", "aicpa-tsc-2017", "soc-2"],
            Framework::PciDss4 => &["pci", "pci-dss", "pci-dss-4.0", "pcidss4", "pci-dss-v4"],
            Framework::Hipaa => &["hipaa-45cfr", "hipaa-security-rule"],
            Framework::Sp800_204 => &["nist-sp800-204", "800-204", "sp-800-204"],
            Framework::Sp800_53r5 => &["nist-sp800-53r5", "800-53", "sp800-53", "nist-800-53"],
            Framework::AdobeCcfV5 => &["adobe-ccf", "ccf", "ccf-v5"],
        }
    }

    /// Every name this framework answers to, the canonical key first.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.key()).chain(self.aliases().iter().copied())
    }

    /// Parses a framework name (the key or a common alias), ignoring case.
    pub fn parse(input: &str) -> Result<Framework, UnknownFramework> {
        let s = input.trim();
        Framework::ALL
            .into_iter()
            .find(|f| f.names().any(|n| n.eq_ignore_ascii_case(s)))
            .ok_or_else(|| UnknownFramework(s.to_owned()))
    }

    /// Finds the framework whose crosswalk-data prefix is `prefix`.
    pub fn from_data_prefix(prefix: &str) -> Option<Framework> {
        Framework::ALL.into_iter().find(|f| f.data_prefix() == prefix)
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl serde::Serialize for Framework {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_to_its_framework() {
        for f in Framework::ALL {
            for n in f.names() {
                assert_eq!(Framework::parse(n), Ok(f), "{n}");
                assert_eq!(Framework::parse(&n.to_uppercase()), Ok(f), "{n}");
            }
            assert_eq!(Framework::from_data_prefix(f.data_prefix()), Some(f));
        }
        assert_eq!(Framework::parse("cobit"), Err(UnknownFramework("cobit".into())));
    }
}
