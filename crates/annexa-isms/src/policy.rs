//! Policies: Markdown files under `policies/` with YAML front matter naming the owner, approver,
//! version, dates, and the controls and risks the policy answers for.

use crate::lint::{check_refs, prose};
use crate::yaml::{read, rows};
use crate::{Problem, opt_date};
use annexa_catalog::AnnexA;
use jiff::civil::Date;

/// A policy's front matter.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// `POL-AC`.
    pub id: String,
    /// The title.
    pub title: String,
    /// Who maintains it.
    pub owner: String,
    /// Who approved it.
    pub approver: String,
    /// Its version.
    pub version: String,
    /// When it took effect.
    #[serde(default, deserialize_with = "opt_date")]
    pub effective: Option<Date>,
    /// When it must be reviewed.
    #[serde(default, deserialize_with = "opt_date")]
    pub review_due: Option<Date>,
    /// The Annex A controls it sets rules for.
    #[serde(default)]
    pub controls: Vec<String>,
    /// The risks it treats, by register id.
    #[serde(default)]
    pub risks: Vec<String>,
}

/// A policy as read.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Policy {
    /// The file, relative to the ISMS repository.
    pub file: String,
    /// Its front matter.
    #[serde(flatten)]
    pub front: FrontMatter,
    /// The controls, typed.
    #[serde(skip)]
    pub controls: Vec<AnnexA>,
}

/// Reads one policy: front matter between `---` lines at the top, then the Markdown body, whose
/// control references are linted too.
pub fn read_policy(text: &str, file: &str) -> (Option<Policy>, Vec<Problem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let no_front = || {
        Problem::error(file, 1, "", "the policy has no front matter")
            .with_help("start the file with `---`, the fields `id`, `title`, `owner`, `approver`, `version`, `effective`, `review_due`, `controls`, `risks`, then `---`")
    };
    if lines.next().map(str::trim_end) != Some("---") {
        return (None, vec![no_front()]);
    }
    let mut front_len = 0usize;
    let mut front_lines = 0u32;
    let mut closed = false;
    for line in lines {
        front_lines += 1;
        if line.trim_end() == "---" {
            closed = true;
            break;
        }
        front_len += line.len();
    }
    if !closed {
        return (None, vec![no_front()]);
    }
    let start = text.find('\n').map_or(text.len(), |n| n + 1);
    let front = &text[start..start + front_len];
    let body = &text[(start + front_len).min(text.len())..];
    // The body starts after the closing `---`.
    let body = body.split_once('\n').map_or("", |(_, b)| b);
    let body_line = front_lines + 2;

    // Wrap the front matter as a one-row register so its errors name their lines like any other.
    // Lines in the wrapped text are one more than in the front matter, and the front matter
    // starts on line 2 of the file: the two cancel out.
    let wrapped: String = std::iter::once("policy:\n- ".to_owned())
        .chain(front.lines().enumerate().map(|(i, l)| if i == 0 { format!("{l}\n") } else { format!("  {l}\n") }))
        .collect();
    let mut problems = Vec::new();
    let doc = match read(&wrapped, file) {
        Ok(doc) => doc,
        Err(p) => return (None, p),
    };
    let (mut rows, p) = rows::<FrontMatter>(&doc, "policy", file);
    problems.extend(p.into_iter().map(|mut p| {
        p.field = p.field.trim_start_matches("policy[0].").to_owned();
        p
    }));
    let Some(row) = rows.pop() else { return (None, problems) };
    let front = row.value;
    let (controls, p) = check_refs(&front.controls, file, "controls", |i| doc.line(&format!("/policy/0/controls/{i}")));
    problems.extend(p);
    for (field, value) in [("owner", &front.owner), ("approver", &front.approver), ("version", &front.version)] {
        if value.trim().is_empty() {
            problems.push(
                Problem::error(file, doc.line(&format!("/policy/0/{field}")), field, format!("`{field}` is empty"))
                    .with_help("every policy names its owner, approver and version"),
            );
        }
    }
    if front.review_due.is_none() {
        problems.push(
            Problem::error(file, 1, "review_due", "the policy has no review date")
                .with_help("add `review_due: YYYY-MM-DD`; policies are reviewed at least yearly"),
        );
    }
    problems.extend(prose(body, file, body_line, ""));
    (Some(Policy { file: file.to_owned(), front, controls }), problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\nid: POL-AC\ntitle: Access control\nowner: Head of Platform\napprover: CISO\nversion: \"1.0\"\neffective: 2026-01-01\nreview_due: 2027-01-01\ncontrols: [A.5.15, A.5.18]\nrisks: []\n---\n# Access control\n\nAccess rights (A.5.18 Access rights) are reviewed quarterly.\n";

    #[test]
    fn reads_front_matter_and_lints_the_body() {
        let (policy, problems) = read_policy(GOOD, "policies/access-control.md");
        assert!(problems.is_empty(), "{problems:#?}");
        let policy = policy.unwrap();
        assert_eq!(policy.controls, [AnnexA::A5_15, AnnexA::A5_18]);
        assert_eq!(policy.front.review_due.map(|d| d.to_string()).as_deref(), Some("2027-01-01"));

        let bad = GOOD
            .replace("[A.5.15, A.5.18]", "[A.5.15, A.9.2.6]")
            .replace("(A.5.18 Access rights)", "(A.8.13 removal of access rights)");
        let (_, problems) = read_policy(&bad, "policies/access-control.md");
        let got: Vec<(u32, &str)> = problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(got, [(9, "controls[1]"), (14, "")], "{problems:#?}");
    }

    #[test]
    fn front_matter_errors_name_the_line() {
        let bad = GOOD.replace("review_due: 2027-01-01", "review_due: next year");
        let (_, problems) = read_policy(&bad, "p.md");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!((problems[0].line, problems[0].field.as_str()), (8, "review_due"));
        let (_, problems) = read_policy("# no front matter\n", "p.md");
        assert_eq!(problems[0].message, "the policy has no front matter");
    }
}
