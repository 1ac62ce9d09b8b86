//! The audit calendar: certification milestones from the certificate's issue date (or the
//! planned stage 1), recurring audits and reviews from the cadences, and the due dates written in
//! the registers and policies; overdue items flagged. Written as a table, JSON or iCalendar
//! (RFC 5545).

use crate::repo::Repo;
use crate::{add_days, add_months};
use jiff::civil::Date;
use std::fmt::Write as _;

/// One dated item of the calendar.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    /// The day.
    pub date: Date,
    /// `stage-1`, `stage-2`, `surveillance`, `recertification`, `certificate-expiry`,
    /// `internal-audit`, `management-review`, `access-review`, `policy-review`, `soc2-renewal`,
    /// `risk-review`, `treatment-deadline`, `supplier-review`, `nonconformity-due`.
    pub kind: &'static str,
    /// What happens.
    pub summary: String,
    /// What it is about (a policy id, a risk id), when it is about one thing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Whether the day has passed without the item being recorded as done.
    pub overdue: bool,
}

impl Event {
    /// A UID that stays the same across runs as long as the item does, so calendar apps update
    /// the event instead of adding a copy.
    pub fn uid(&self) -> String {
        let subject: String = self
            .subject
            .as_deref()
            .unwrap_or("")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c.to_ascii_lowercase() } else { '-' })
            .collect();
        let subject = if subject.is_empty() { String::new() } else { format!("{subject}-") };
        format!("{}-{subject}{}@annexa", self.kind, self.date.strftime("%Y%m%d"))
    }
}

/// Builds the calendar as of `today`, sorted by date.
///
/// Recurring items run from the last recorded occurrence (or the first certificate milestone)
/// to the end of the certificate cycle, or three years from today where no cycle is known.
pub fn calendar(repo: &Repo, today: Date) -> Vec<Event> {
    let s = &repo.settings;
    let c = &s.cadence;
    let mut out = Vec::new();
    let mut push = |date: Date, kind: &'static str, summary: String, subject: Option<String>, done: bool| {
        out.push(Event { date, kind, summary, subject, overdue: !done && date < today });
    };

    let cycle = i64::from(c.certificate_years) * 12;
    // The certificate cycle: issued, or expected on the day of stage 2.
    let issue = match (s.audit.certificate_issued, s.audit.stage1_planned) {
        (Some(issued), _) => Some(issued),
        (None, Some(stage1)) => {
            let stage2 = s.audit.stage2_planned.unwrap_or_else(|| add_months(stage1, 1));
            push(stage1, "stage-1", "Stage 1 audit (documentation review)".to_owned(), None, false);
            push(stage2, "stage-2", "Stage 2 audit (certification audit)".to_owned(), None, false);
            Some(stage2)
        }
        (None, None) => None,
    };
    let horizon = issue.map_or_else(|| add_months(today, 36), |i| add_months(i, cycle));
    if let Some(issue) = issue {
        let surveillance = i64::from(c.surveillance_months);
        let mut n = 1;
        let mut at = add_months(issue, surveillance);
        while at < add_days(add_months(issue, cycle), -60) && surveillance > 0 {
            push(at, "surveillance", format!("Surveillance audit {n}"), None, false);
            n += 1;
            at = add_months(issue, surveillance * n);
        }
        // The recertification audit must finish before the certificate lapses: plan it three
        // months ahead.
        push(add_months(issue, cycle - 3), "recertification", "Recertification audit".to_owned(), None, false);
        push(add_months(issue, cycle), "certificate-expiry", "Certificate expires".to_owned(), None, true);
    }

    let start = issue.unwrap_or(today);
    let mut recurring = |kind: &'static str, summary: &str, last: Option<Date>, months: u32| {
        if months == 0 {
            return;
        }
        let mut at = last.map_or(start, |l| add_months(l, i64::from(months)));
        while at <= horizon {
            push(at, kind, summary.to_owned(), None, false);
            at = add_months(at, i64::from(months));
        }
    };
    recurring("internal-audit", "Internal audit", s.audit.last_internal_audit, c.internal_audit_months);
    recurring("management-review", "Management review", s.audit.last_management_review, c.management_review_months);
    recurring("access-review", "Access review", s.audit.last_access_review, c.access_review_months);
    if let Some(report) = s.audit.soc2_report_issued {
        recurring("soc2-renewal", "SOC 2 report renewal due", Some(report), c.soc2_report_months);
    }

    for p in &repo.policies {
        if let Some(due) = p.front.review_due {
            push(
                due,
                "policy-review",
                format!("Review policy {} ({})", p.front.id, p.front.title),
                Some(p.front.id.clone()),
                false,
            );
        }
    }
    for r in &repo.risks {
        if let Some(due) = r.risk.review_due {
            push(
                due,
                "risk-review",
                format!("Review risk {} ({})", r.risk.id, r.risk.title),
                Some(r.risk.id.clone()),
                false,
            );
        }
        if let (Some(due), false) = (r.risk.treatment_due, r.planned.is_empty()) {
            let controls: Vec<String> = r.planned.iter().map(ToString::to_string).collect();
            push(
                due,
                "treatment-deadline",
                format!("Treatment of risk {} due: {}", r.risk.id, controls.join(", ")),
                Some(r.risk.id.clone()),
                false,
            );
        }
        if let Some(expiry) = r.risk.acceptance.as_ref().and_then(|a| a.expiry) {
            push(
                expiry,
                "risk-review",
                format!("Acceptance of risk {} lapses", r.risk.id),
                Some(format!("{}-acceptance", r.risk.id)),
                false,
            );
        }
    }
    for sup in &repo.suppliers {
        if let Some(due) = sup.review_due {
            push(due, "supplier-review", format!("Review supplier {}", sup.name), Some(sup.name.clone()), false);
        }
    }
    for nc in &repo.nonconformities {
        if let Some(due) = nc.nc.due {
            let done = !nc.nc.status.is_open();
            push(
                due,
                "nonconformity-due",
                format!("Corrective action for {} due", nc.nc.id),
                Some(nc.nc.id.clone()),
                done,
            );
        }
    }
    out.sort_by(|a, b| (a.date, a.kind, &a.subject).cmp(&(b.date, b.kind, &b.subject)));
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded at 75 octets without splitting a character (§3.1).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            // The leading space of a continuation line counts towards its 75 octets.
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// The calendar as an iCalendar stream. `stamp` is the DTSTAMP of every event, passed in so the
/// output is a function of its inputs.
pub fn to_ics(events: &[Event], organisation: &str, stamp: jiff::Timestamp) -> String {
    let mut out = String::new();
    let stamp = stamp.strftime("%Y%m%dT%H%M%SZ").to_string();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//annexa//audit calendar//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    let name = if organisation.is_empty() {
        "ISMS audit calendar".to_owned()
    } else {
        format!("{organisation} ISMS audit calendar")
    };
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(&name)));
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", e.uid()));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{}", e.date.strftime("%Y%m%d")));
        line(&mut out, &format!("DTEND;VALUE=DATE:{}", add_days(e.date, 1).strftime("%Y%m%d")));
        let summary = if e.overdue { format!("OVERDUE: {}", e.summary) } else { e.summary.clone() };
        line(&mut out, &format!("SUMMARY:{}", escape(&summary)));
        let mut description = format!("{} ({})", e.summary, e.kind);
        if e.overdue {
            let _ = write!(description, "\nOverdue since {}.", e.date);
        }
        line(&mut out, &format!("DESCRIPTION:{}", escape(&description)));
        line(&mut out, &format!("CATEGORIES:{}", escape(e.kind)));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::Files;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let text = format!("SUMMARY:{}", "é".repeat(60));
        line(&mut out, &text);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{text}\r\n"));
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn milestones_follow_the_planned_stage_1_and_overdue_items_are_flagged() {
        let files = Files {
            config: Some("[audit]\nstage1_planned = 2026-09-01\nlast_internal_audit = 2025-06-30\n".into()),
            ..Files::default()
        };
        let (repo, problems) = crate::repo::Repo::read(&files);
        assert!(problems.is_empty(), "{problems:?}");
        let events = calendar(&repo, d("2026-03-01"));
        let find =
            |kind: &str| events.iter().filter(|e| e.kind == kind).map(|e| e.date.to_string()).collect::<Vec<_>>();
        assert_eq!(find("stage-1"), ["2026-09-01"]);
        assert_eq!(find("stage-2"), ["2026-10-01"]);
        assert_eq!(find("surveillance"), ["2027-10-01", "2028-10-01"]);
        assert_eq!(find("recertification"), ["2029-07-01"]);
        assert_eq!(find("certificate-expiry"), ["2029-10-01"]);
        let audits = events.iter().filter(|e| e.kind == "internal-audit").collect::<Vec<_>>();
        assert_eq!(audits[0].date, d("2025-12-30"));
        assert!(audits[0].overdue);
        assert!(!audits[1].overdue);
        // UIDs are stable and unique.
        let mut uids: Vec<String> = events.iter().map(Event::uid).collect();
        let n = uids.len();
        uids.sort();
        uids.dedup();
        assert_eq!(uids.len(), n);
    }

    #[test]
    fn ics_parses_with_an_independent_parser() {
        use icalendar::Component as _;
        let files = Files {
            config: Some(
                "[organisation]\nname = \"Acme, Inc; shop\"\n[audit]\ncertificate_issued = 2025-05-20\n".into(),
            ),
            ..Files::default()
        };
        let (repo, _) = crate::repo::Repo::read(&files);
        let events = calendar(&repo, d("2026-03-01"));
        let stamp: jiff::Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        let ics = to_ics(&events, "Acme, Inc; shop", stamp);
        assert!(ics.lines().all(|l| l.len() <= 76), "a line longer than 75 octets");
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
        let parsed: icalendar::Calendar = ics.parse().unwrap();
        let vevents: Vec<&icalendar::Event> = parsed.components.iter().filter_map(|c| c.as_event()).collect();
        assert_eq!(vevents.len(), events.len());
        assert_eq!(vevents[0].get_uid(), Some(events[0].uid().as_str()));
        assert!(vevents.iter().all(|e| e.get_timestamp().is_some() && e.get_start().is_some()));
    }
}
