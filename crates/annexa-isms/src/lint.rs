//! The catalogue lint: control references in ISMS files checked against the catalogue, because
//! the field gets them wrong. A 2013 id is flagged with its 2022 replacement, an id written next
//! to another control's title is flagged with the control that title belongs to, an unknown id
//! gets a did-you-mean, and a count of Annex A controls other than 93 (or 114 for 2013) is
//! flagged.

use crate::Problem;
use annexa_catalog::{AnnexA, Framework, Iso2013Control, iso2013};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What a structured control reference (`A.5.15`, `5.15`, `A.8.13 Information backup`) is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefCheck {
    /// A 2022 control, written with its own title or none.
    Ok(AnnexA),
    /// Something is wrong; the message and help say what.
    Wrong {
        /// What is wrong, input in backticks.
        message: String,
        /// What to write instead.
        help: String,
    },
}

fn describe(c: AnnexA) -> String {
    format!("`{c}` ({})", c.title())
}

fn replacements(c: &Iso2013Control) -> String {
    c.replaced_by.iter().map(|r| describe(*r)).collect::<Vec<_>>().join(" and ")
}

/// Whose title a phrase is.
#[derive(Clone, Copy)]
enum TitleOwner {
    /// A 2022 control's title.
    Annex(AnnexA),
    /// A 2013 control's title.
    Iso2013(&'static Iso2013Control),
}

/// A catalogue title as words.
struct Title {
    words: Vec<String>,
    content: BTreeSet<String>,
    owner: TitleOwner,
}

/// Words that say nothing about which control a title names.
const STOPWORDS: [&str; 14] =
    ["a", "an", "and", "by", "during", "for", "in", "its", "of", "on", "or", "the", "to", "with"];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

fn content(words: &[String]) -> BTreeSet<String> {
    words.iter().filter(|w| !STOPWORDS.contains(&w.as_str())).cloned().collect()
}

fn titles() -> &'static [Title] {
    static TITLES: OnceLock<Vec<Title>> = OnceLock::new();
    TITLES.get_or_init(|| {
        let title = |text: &str, owner| {
            let words = words(text);
            Title { content: content(&words), words, owner }
        };
        AnnexA::ALL
            .into_iter()
            .map(|c| title(c.title(), TitleOwner::Annex(c)))
            .chain(iso2013().iter().map(|c| title(c.title, TitleOwner::Iso2013(c))))
            .collect()
    })
}

/// Whether the words written after an id name this title: exactly, or (for two content words
/// or more) as a subset covering at least two thirds of the title's content words, which is
/// how people shorten titles ("removal of access rights").
fn names(phrase: &[String], t: &Title) -> bool {
    if phrase == t.words.as_slice() {
        return true;
    }
    let c = content(phrase);
    c.len() >= 2 && c.is_subset(&t.content) && c.len() * 3 >= t.content.len() * 2
}

/// The words of the phrase after an id: up to the end of the clause (a soft line break of
/// wrapped Markdown does not end it), twelve at most.
fn phrase(after: &str) -> Vec<String> {
    let paragraph = after.find("\n\n").unwrap_or(after.len());
    let after = &after[..paragraph];
    let end = after.find(['.', ',', ';', ')', '[', '|']).unwrap_or(after.len());
    words(&after[..end]).into_iter().take(12).collect()
}

fn owns(c: AnnexA, owner: TitleOwner) -> bool {
    match owner {
        TitleOwner::Annex(o) => o == c,
        TitleOwner::Iso2013(old) => old.replaced_by.contains(&c),
    }
}

/// Checks the title written right after a 2022 id: `None` when it is the control's own (or a
/// predecessor's) or no catalogue title at all, since prose may follow an id.
fn check_title(c: AnnexA, after: &str) -> Option<(String, String)> {
    let phrase = phrase(after);
    let prefixes = || (1..=phrase.len()).rev().map(|n| &phrase[..n]);
    // The own title, or a cut-short start of it, is fine.
    let own = |p: &[String], t: &Title| names(p, t) || (p.len() >= 2 && t.words.starts_with(p));
    if prefixes().any(|p| titles().iter().any(|t| owns(c, t.owner) && own(p, t))) {
        return None;
    }
    let (written, owner) =
        prefixes().find_map(|p| titles().iter().find(|t| names(p, t)).map(|t| (p.join(" "), t.owner)))?;
    let (whose, help) = match owner {
        TitleOwner::Annex(other) => {
            (format!("the title of {}", describe(other)), format!("write `{other}`, or the title `{}`", c.title()))
        }
        TitleOwner::Iso2013(old) => (
            format!("the ISO/IEC 27001:2013 title of `{}` ({}), now {}", old.id, old.title, replacements(old)),
            format!("write {}, or the title `{}`", replacements(old), c.title()),
        ),
    };
    Some((format!("`{c}` is {}, but it is written next to `{written}`, {whose}", c.title()), help))
}

/// Checks one structured reference: an id, optionally followed by a title.
pub fn check_ref(input: &str) -> RefCheck {
    let input = input.trim();
    let (id, rest) = input.split_once(char::is_whitespace).unwrap_or((input, ""));
    let id = id.trim_end_matches(':');
    let rest = rest.trim_start_matches([' ', ':', '-', '–', '—', '(']).trim_end_matches(')');
    if let Some(c) = AnnexA::parse(id) {
        return match check_title(c, rest) {
            Some((message, help)) => RefCheck::Wrong { message, help },
            None => RefCheck::Ok(c),
        };
    }
    if let Ok(annexa_catalog::Entry::Iso2013(old)) = annexa_catalog::resolve(id, Some(Framework::Iso27001_2013))
        && id.matches('.').count() >= 2
    {
        return RefCheck::Wrong {
            message: format!("`{id}` is ISO/IEC 27001:2013 numbering ({})", old.title),
            help: format!("write its 2022 replacement {}", replacements(old)),
        };
    }
    match annexa_catalog::resolve(id, Some(Framework::Iso27001_2022)) {
        Ok(_) => RefCheck::Wrong {
            message: format!("`{id}` is a clause, not an Annex A control"),
            help: "list Annex A controls here (`A.5.1` to `A.8.34`); clauses go in `clause`".to_owned(),
        },
        Err(e) => {
            RefCheck::Wrong { message: format!("`{id}` is not an ISO/IEC 27001:2022 Annex A control"), help: e.help() }
        }
    }
}

/// Checks a list of structured references; problems carry `field[i]` and the line `line_of(i)`.
pub fn check_refs(
    refs: &[String],
    file: &str,
    field: &str,
    line_of: impl Fn(usize) -> u32,
) -> (Vec<AnnexA>, Vec<Problem>) {
    let mut ok = Vec::new();
    let mut problems = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        match check_ref(r) {
            RefCheck::Ok(c) => ok.push(c),
            RefCheck::Wrong { message, help } => {
                problems.push(Problem::error(file, line_of(i), format!("{field}[{i}]"), message).with_help(help));
            }
        }
    }
    (ok, problems)
}

/// Lints prose (a policy's body, a description): every `A.x.y` or `A.x.y.z` id, the title
/// written after it, and claims of how many controls Annex A has. `first_line` is the line the
/// text starts on in its file.
pub fn prose(text: &str, file: &str, first_line: u32, field: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let line = |at: usize| first_line + text.get(..at).map_or(0, |t| t.matches('\n').count()) as u32;
    let mut i = 0;
    while i + 2 < bytes.len() {
        let boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        if boundary && bytes[i] == b'A' && bytes[i + 1] == b'.' && bytes[i + 2].is_ascii_digit() {
            let mut end = i + 2;
            while end < bytes.len()
                && (bytes[end].is_ascii_digit()
                    || (bytes[end] == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
            {
                end += 1;
            }
            let id = &text[i..end];
            let rest = &text[end..];
            let after = &rest[..rest.char_indices().nth(300).map_or(rest.len(), |(n, _)| n)];
            let after = after.trim_start_matches([' ', ':', '-', '–', '—', '(', '"', '“', '*', '_']);
            match id.matches('.').count() {
                2 => match AnnexA::parse(id) {
                    Some(c) => {
                        if let Some((message, help)) = check_title(c, after) {
                            out.push(Problem::error(file, line(i), field, message).with_help(help));
                        }
                    }
                    None => out.push(unknown(id, file, line(i), field)),
                },
                3 => match annexa_catalog::resolve(id, Some(Framework::Iso27001_2013)) {
                    Ok(annexa_catalog::Entry::Iso2013(old)) => out.push(
                        Problem::warning(
                            file,
                            line(i),
                            field,
                            format!("`{id}` is ISO/IEC 27001:2013 numbering ({})", old.title),
                        )
                        .with_help(format!("the 2022 control is {}", replacements(old))),
                    ),
                    _ => out.push(unknown(id, file, line(i), field)),
                },
                _ => {}
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out.extend(count_claims(text, file, &line, field));
    out
}

fn unknown(id: &str, file: &str, line: u32, field: &str) -> Problem {
    let help = match annexa_catalog::resolve(id, None) {
        Err(e) => e.help(),
        Ok(_) => "list the controls with `annexa controls`".to_owned(),
    };
    Problem::error(file, line, field, format!("`{id}` is not an Annex A control")).with_help(help)
}

/// `48 Annex A controls`: the number within three words before `Annex A control`.
fn count_claims(text: &str, file: &str, line: &dyn Fn(usize) -> u32, field: &str) -> Vec<Problem> {
    // ASCII lowercase keeps byte offsets, so positions found in it are positions in `text`.
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("annex a control").map(|p| p + from) {
        from = at + 1;
        let before: Vec<&str> = lower[..at].split_whitespace().rev().take(3).collect();
        let count = before.iter().find_map(|w| {
            let w = w.trim_matches(|c: char| !c.is_ascii_digit());
            w.parse::<u32>().ok().filter(|n| *n < 1000 && !w.is_empty())
        });
        if let Some(n) = count
            && n != 93
            && n != 114
        {
            out.push(
                Problem::error(file, line(at), field, format!("ISO/IEC 27001:2022 Annex A has 93 controls, not {n}"))
                    .with_help("write 93 (the 2013 edition had 114); list them with `annexa controls`"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrong(input: &str) -> (String, String) {
        match check_ref(input) {
            RefCheck::Wrong { message, help } => (message, help),
            RefCheck::Ok(c) => panic!("{input} read as {c}"),
        }
    }

    #[test]
    fn a_2022_id_with_or_without_its_own_title_is_fine() {
        for input in ["A.8.13", "8.13", "A.8.13 Information backup", "A.8.13: information  backup"] {
            assert_eq!(check_ref(input), RefCheck::Ok(AnnexA::A8_13), "{input}");
        }
        assert_eq!(check_ref("A.5.15 (Access control)"), RefCheck::Ok(AnnexA::A5_15));
        assert_eq!(check_ref("A.8.2 Privileged access rights"), RefCheck::Ok(AnnexA::A8_2));
    }

    #[test]
    fn a_2013_id_names_its_2022_replacement() {
        let (message, help) = wrong("A.9.2.6");
        assert_eq!(message, "`A.9.2.6` is ISO/IEC 27001:2013 numbering (Removal or adjustment of access rights)");
        assert_eq!(help, "write its 2022 replacement `A.5.18` (Access rights)");
        let (_, help) = wrong("A.12.6.1");
        assert!(help.contains("`A.8.8` (Management of technical vulnerabilities)"), "{help}");
    }

    #[test]
    fn an_id_next_to_another_controls_title_names_that_control() {
        // The field's favourite: 8.13 is backup, access rights are 5.18 (2013: A.9.2.6).
        let (message, help) = wrong("A.8.13 removal of access rights");
        assert!(message.starts_with("`A.8.13` is Information backup, but it is written next to"), "{message}");
        assert!(message.contains("A.9.2.6") && message.contains("`A.5.18` (Access rights)"), "{message}");
        assert!(help.contains("`A.5.18`"), "{help}");
        let (message, _) = wrong("A.8.13 Access rights");
        assert!(message.contains("the title of `A.5.18` (Access rights)"), "{message}");
    }

    #[test]
    fn unknown_ids_get_a_suggestion() {
        let (message, help) = wrong("A.8.35");
        assert_eq!(message, "`A.8.35` is not an ISO/IEC 27001:2022 Annex A control");
        assert!(help.starts_with("did you mean `A.8.34"), "{help}");
    }

    #[test]
    fn prose_flags_ids_titles_and_counts_with_their_lines() {
        let text = "# Access\n\nWe follow all 48 Annex A controls.\nBackups: A.8.13 removal of access rights.\nSee A.9.2.6 too, and A.5.15 Access control.\nISO 27001 has 93 Annex A controls.\n";
        let p = prose(text, "policies/x.md", 10, "");
        let lines: Vec<(u32, &str)> = p.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(p.len(), 3, "{lines:?}");
        assert_eq!(p[0].line, 13);
        assert!(p[0].message.contains("A.8.13"));
        assert_eq!((p[1].line, p[1].level), (14, crate::Level::Warning));
        assert_eq!(p[2].line, 12);
        assert!(p[2].message.contains("not 48"));
    }
}
