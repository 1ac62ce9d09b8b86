//! Turning what a user typed (`8.9`, `A.12.6.1`, `soc2:CC6.1`, `backup`) into a catalogue entry.

use crate::types::*;
use crate::{annex_ref, clauses, hipaa, iso2013, mappings, natural_key, pci_dss, soc2, strategies, strategy};
use annexa_model::{AnnexA, Framework, Strategy};

/// A control, clause or criterion of any framework annexa knows.
#[derive(Clone, Copy, Debug)]
pub enum Entry {
    /// An ISO/IEC 27001:2022 Annex A control.
    Annex(AnnexA),
    /// An ISO/IEC 27001:2022 clause.
    Clause(&'static Clause),
    /// An ISO/IEC 27001:2013 Annex A control.
    Iso2013(&'static Iso2013Control),
    /// A SOC 2 criterion.
    Soc2(&'static Soc2Criterion),
    /// A PCI DSS v4.0 requirement.
    Pci(&'static PciRequirement),
    /// A HIPAA Security Rule standard or specification.
    Hipaa(&'static HipaaSpec),
    /// An SP 800-204 series strategy.
    Strategy(&'static StrategyInfo),
    /// An id of a pivot framework (SP 800-53r5, Adobe CCF) seen in crosswalk data.
    Pivot(Ref),
}

impl Entry {
    /// The framework and id, as crosswalk data writes them.
    pub fn reference(&self) -> Ref {
        match *self {
            Entry::Annex(c) => annex_ref(c),
            Entry::Clause(c) => Ref { framework: Framework::Iso27001_2022, id: c.id },
            Entry::Iso2013(c) => Ref { framework: Framework::Iso27001_2013, id: c.id },
            Entry::Soc2(c) => Ref { framework: Framework::Soc2, id: c.id },
            Entry::Pci(c) => Ref { framework: Framework::PciDss4, id: c.id },
            Entry::Hipaa(c) => Ref { framework: Framework::Hipaa, id: c.id },
            Entry::Strategy(s) => Ref { framework: Framework::Sp800_204, id: s.strategy.id() },
            Entry::Pivot(r) => r,
        }
    }

    /// The title, where the framework has titles (pivots have none).
    pub fn title(&self) -> Option<&'static str> {
        match *self {
            Entry::Annex(c) => Some(c.title()),
            Entry::Clause(c) => Some(c.title),
            Entry::Iso2013(c) => Some(c.title),
            Entry::Soc2(c) => Some(c.title),
            Entry::Pci(c) => Some(c.title),
            Entry::Hipaa(c) => Some(c.title),
            Entry::Strategy(s) => Some(s.title),
            Entry::Pivot(_) => None,
        }
    }

    /// Looks a reference back up; `None` if it names nothing in the catalogue.
    pub fn from_ref(r: Ref) -> Option<Entry> {
        lookup(r.framework, r.id)
    }
}

/// What went wrong resolving an id.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ResolveError {
    /// Nothing has that id.
    #[error("unknown control `{input}`{}", in_framework(*.framework))]
    Unknown {
        /// What the user typed.
        input: String,
        /// The framework searched, when one was given.
        framework: Option<Framework>,
        /// The closest ids, best first.
        suggestions: Vec<String>,
    },
    /// Several frameworks have that id.
    #[error("`{input}` is an id in several frameworks: {}", .candidates.join(", "))]
    Ambiguous {
        /// What the user typed.
        input: String,
        /// Each match written with its framework prefix.
        candidates: Vec<String>,
    },
}

fn in_framework(framework: Option<Framework>) -> String {
    framework.map(|f| format!(" in {}", f.name())).unwrap_or_default()
}

impl ResolveError {
    /// A line of help to print under the error.
    pub fn help(&self) -> String {
        match self {
            ResolveError::Unknown { suggestions, .. } if !suggestions.is_empty() => {
                format!(
                    "did you mean {}?",
                    suggestions.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ")
                )
            }
            ResolveError::Unknown { .. } => "list the ids with `annexa controls --framework FRAMEWORK`".to_owned(),
            ResolveError::Ambiguous { candidates, .. } => {
                format!("write it with its framework, for example `{}`", candidates.first().map_or("", String::as_str))
            }
        }
    }
}

/// Resolves an id typed by a user.
///
/// Accepts `8.9`, `A.8.9`, `a.8.9` (Annex A), `6.1.2` or `clause 6.1` (clauses), `A.12.6.1`
/// (2013), and any framework's id with or without a `framework:` prefix (`soc2:CC6.1`). Bare
/// ids are read as ISO/IEC 27001 first, as annexa's home framework; an id found in several
/// other frameworks is ambiguous and must be prefixed.
pub fn resolve(input: &str, framework: Option<Framework>) -> Result<Entry, ResolveError> {
    let input = input.trim();
    let (framework, id) = match split_prefix(input) {
        Some((f, id)) => (Some(f), id),
        None => (framework, input),
    };
    if let Some(f) = framework {
        return lookup(f, id).ok_or_else(|| unknown(input, Some(f)));
    }
    if let Some(c) = AnnexA::parse(id) {
        return Ok(Entry::Annex(c));
    }
    // A bare `6.1.2` is the 2022 clause; the 2013 control is written `A.6.1.2`.
    if let Some(e) = lookup(Framework::Iso27001_2022, id).or_else(|| lookup(Framework::Iso27001_2013, id)) {
        return Ok(e);
    }
    let found: Vec<Entry> = Framework::ALL[2..].iter().filter_map(|f| lookup(*f, id)).collect();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(unknown(input, None)),
        many => Err(ResolveError::Ambiguous {
            input: input.to_owned(),
            candidates: many.iter().map(|e| prefixed(e.reference())).collect(),
        }),
    }
}

/// `soc2:CC6.1` → (SOC 2, `CC6.1`); the prefix may be any name the framework answers to.
fn split_prefix(input: &str) -> Option<(Framework, &str)> {
    Framework::ALL.into_iter().find_map(|f| {
        f.names().chain([f.data_prefix()]).find_map(|name| {
            let head = input.get(..name.len())?;
            let rest = input.get(name.len()..)?.strip_prefix(':')?;
            head.eq_ignore_ascii_case(name).then_some((f, rest.trim()))
        })
    })
}

fn prefixed(r: Ref) -> String {
    format!("{}:{}", r.framework.key(), r.id)
}

fn clause(id: &str) -> Option<Entry> {
    let id = ["clause:", "clause "]
        .iter()
        .find_map(|p| id.get(..p.len()).filter(|h| h.eq_ignore_ascii_case(p)).map(|_| &id[p.len()..]));
    let id = id.map(str::trim)?;
    clauses().iter().find(|c| c.id == id).map(Entry::Clause)
}

fn lookup(framework: Framework, id: &str) -> Option<Entry> {
    let eq = |a: &str| a.eq_ignore_ascii_case(id);
    match framework {
        Framework::Iso27001_2022 => AnnexA::parse(id)
            .map(Entry::Annex)
            .or_else(|| clause(id))
            .or_else(|| clauses().iter().find(|c| c.id == id).map(Entry::Clause)),
        Framework::Iso27001_2013 => {
            let bare = id.strip_prefix("A.").or_else(|| id.strip_prefix("a.")).unwrap_or(id);
            iso2013().iter().find(|c| c.id.get(2..).is_some_and(|b| b == bare)).map(Entry::Iso2013)
        }
        Framework::Soc2 => soc2().iter().find(|c| eq(c.id)).map(Entry::Soc2),
        Framework::PciDss4 => {
            let id = id.strip_prefix("Req ").unwrap_or(id);
            pci_dss().iter().find(|c| c.id.eq_ignore_ascii_case(id)).map(Entry::Pci)
        }
        Framework::Hipaa => {
            let id: String = id.trim_start_matches('§').chars().filter(|c| !c.is_whitespace()).collect();
            hipaa()
                .iter()
                .find(|s| s.id.eq_ignore_ascii_case(&id) || s.cfr_alias.is_some_and(|a| a.eq_ignore_ascii_case(&id)))
                .map(Entry::Hipaa)
        }
        Framework::Sp800_204 => Strategy::parse(id).map(|s| Entry::Strategy(strategy(s))),
        Framework::Sp800_53r5 | Framework::AdobeCcfV5 => mappings()
            .iter()
            .flat_map(|m| [m.from, m.to])
            .find(|r| r.framework == framework && eq(r.id))
            .map(Entry::Pivot),
    }
}

fn unknown(input: &str, framework: Option<Framework>) -> ResolveError {
    ResolveError::Unknown { input: input.to_owned(), framework, suggestions: suggest(input, framework) }
}

/// Every id of a framework in display form, with its title where it has one.
fn ids(framework: Framework) -> Vec<(String, Option<&'static str>)> {
    match framework {
        Framework::Iso27001_2022 => AnnexA::ALL
            .iter()
            .map(|c| (c.to_string(), Some(c.title())))
            .chain(clauses().iter().map(|c| (format!("clause {}", c.id), Some(c.title))))
            .collect(),
        Framework::Iso27001_2013 => iso2013().iter().map(|c| (c.id.to_owned(), Some(c.title))).collect(),
        Framework::Soc2 => soc2().iter().map(|c| (c.id.to_owned(), Some(c.title))).collect(),
        Framework::PciDss4 => pci_dss().iter().map(|c| (c.id.to_owned(), Some(c.title))).collect(),
        Framework::Hipaa => hipaa().iter().map(|c| (c.id.to_owned(), Some(c.title))).collect(),
        Framework::Sp800_204 => strategies().iter().map(|s| (s.strategy.id().to_owned(), Some(s.title))).collect(),
        Framework::Sp800_53r5 | Framework::AdobeCcfV5 => {
            let mut ids: Vec<String> = mappings()
                .iter()
                .flat_map(|m| [m.from, m.to])
                .filter(|r| r.framework == framework)
                .map(|r| r.id.to_owned())
                .collect();
            ids.sort_by_key(|id| natural_key(id));
            ids.dedup();
            ids.into_iter().map(|id| (id, None)).collect()
        }
    }
}

/// An id that a suggestion may name.
struct Candidate {
    framework: Framework,
    id: String,
    title: Option<&'static str>,
}

/// The ids closest to `input`: by edit distance for things that look like ids, by title for words.
fn suggest(input: &str, framework: Option<Framework>) -> Vec<String> {
    let id = split_prefix(input).map_or(input, |(_, id)| id).trim();
    let frameworks: Vec<Framework> = framework.map_or_else(|| Framework::ALL.to_vec(), |f| vec![f]);
    let candidates: Vec<Candidate> = frameworks
        .iter()
        .flat_map(|f| ids(*f).into_iter().map(move |(id, title)| Candidate { framework: *f, id, title }))
        .collect();
    let show = |c: &Candidate| {
        let id = if c.framework == Framework::Iso27001_2022 || framework.is_some() {
            c.id.clone()
        } else {
            format!("{}:{}", c.framework.key(), c.id)
        };
        c.title.map_or_else(|| id.clone(), |t| format!("{id} ({t})"))
    };

    // A word: look for it in titles (`backup` → A.8.13 Information backup).
    if id.chars().any(char::is_alphabetic) && id.len() >= 4 && !id.chars().any(|c| c.is_ascii_digit()) {
        let needle = id.to_lowercase();
        return candidates
            .iter()
            .filter(|c| c.title.is_some_and(|t| t.to_lowercase().contains(&needle)))
            .take(3)
            .map(show)
            .collect();
    }
    let typed = normalise(id);
    // Among equally distant ids, the one sharing the longest prefix, then the closest length,
    // then the nearest trailing number is the likelier intent: `8.35` → `A.8.34`, not `A.5.35`.
    let trailing = |s: &str| natural_key(s).iter().rev().find(|(_, n)| *n > 0).map_or(0, |(_, n)| *n);
    let mut scored: Vec<(_, &Candidate)> = candidates
        .iter()
        .enumerate()
        .map(|(order, c)| {
            let other = normalise(&c.id);
            let shared = typed.chars().zip(other.chars()).take_while(|(a, b)| a == b).count();
            let gap = trailing(&typed).abs_diff(trailing(&other));
            ((distance(&typed, &other), usize::MAX - shared, typed.len().abs_diff(other.len()), gap, order), c)
        })
        .filter(|((d, ..), _)| *d <= (typed.len() / 3).max(1))
        .collect();
    scored.sort_by_key(|(score, _)| *score);
    scored.into_iter().take(3).map(|(_, c)| show(c)).collect()
}

fn normalise(id: &str) -> String {
    let id = id.trim();
    let id = id.strip_prefix("clause ").unwrap_or(id);
    let id = id.strip_prefix("A.").or_else(|| id.strip_prefix("a.")).unwrap_or(id);
    id.to_lowercase()
}

/// The candidates closest to `input` by edit distance (at most three, best first), for
/// "did you mean" help on any kind of id.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let typed = input.trim().to_lowercase();
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .map(|(order, c)| (distance(&typed, &c.to_lowercase()), order, c))
        .filter(|(d, _, _)| *d <= (typed.len() / 3).max(1))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, _, c)| c).collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_of(input: &str) -> Option<String> {
        resolve(input, None).ok().map(|e| format!("{}:{}", e.reference().framework, e.reference().id))
    }

    #[test]
    fn resolves_each_way_of_writing() {
        let cases = [
            ("8.9", "iso27001:2022:A.8.9"),
            ("A.8.9", "iso27001:2022:A.8.9"),
            ("a.8.9", "iso27001:2022:A.8.9"),
            ("A.12.6.1", "iso27001:2013:A.12.6.1"),
            ("12.6.1", "iso27001:2013:A.12.6.1"),
            ("6.1.2", "iso27001:2022:6.1.2"),
            ("A.6.1.2", "iso27001:2013:A.6.1.2"),
            ("clause 6.1", "iso27001:2022:6.1"),
            ("CC6.1", "soc2:CC6.1"),
            ("cc6.1", "soc2:CC6.1"),
            ("soc2:CC6.1", "soc2:CC6.1"),
            ("164.308(a)(1)(i)", "hipaa:164.308(a)(1)"),
            ("MS-SS-4", "sp800-204:MS-SS-4"),
            ("pci-dss-4:8.6.2", "pci-dss-4:8.6.2"),
            ("sp800-53r5:AC-2", "sp800-53r5:AC-2"),
            ("IAM-09", "adobe-ccf-v5:IAM-09"),
        ];
        for (input, want) in cases {
            assert_eq!(id_of(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn annex_a_wins_over_a_clause_with_the_same_number() {
        assert_eq!(id_of("5.1").as_deref(), Some("iso27001:2022:A.5.1"));
        assert_eq!(id_of("iso27001:2022:clause 5.1").as_deref(), Some("iso27001:2022:5.1"));
    }

    #[test]
    fn an_id_in_several_frameworks_is_ambiguous() {
        // `A1.2` is both a SOC 2 availability criterion and a PCI DSS appendix section.
        let err = resolve("A1.2", None).err();
        assert!(
            matches!(err, Some(ResolveError::Ambiguous { ref candidates, .. }) if candidates.len() >= 2),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_ids_come_with_the_closest_suggestion() {
        let err = resolve("8.35", None).err();
        let help = err.as_ref().map(ResolveError::help).unwrap_or_default();
        assert!(
            help.starts_with("did you mean `A.8.34 (Protection of information systems during audit testing)`"),
            "{help}"
        );
        let err = resolve("backup", None).err();
        assert!(err.as_ref().map(ResolveError::help).unwrap_or_default().contains("A.8.13 (Information backup)"));
        let err = resolve("CC6.99", Some(Framework::Soc2)).err();
        assert_eq!(
            err.as_ref().map(ToString::to_string).as_deref(),
            Some("unknown control `CC6.99` in SOC 2 (AICPA TSC 2017)")
        );
    }

    #[test]
    fn distance_is_levenshtein() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("8.35", "8.34"), 1);
    }
}
