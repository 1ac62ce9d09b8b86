//! One evidence record: what it says, when, about what, and its canonical bytes.
//!
//! The bytes a leaf hashes are the RFC 8785 form of the record's JSON object:
//!
//! ```json
//! {"artefact_sha256":"…","effective":{"from":"…","to":"…"},"kind":"finding","payload":{…},
//!  "recorded_at":"2026-11-23T06:40:00Z","seq":41,"subject":{"assets":[…],"controls":["A.8.9"]},"v":1}
//! ```
//!
//! `artefact_sha256` is left out when there is no artefact. Timestamps are RFC 3339 in UTC with
//! whole seconds, so a string comparison orders them.

use crate::canonical;
use crate::tree::{Hash, leaf_hash};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The version of the record format written in every record's `v`.
pub const FORMAT: u32 = 1;

/// What a record is evidence of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// One run of a command that judges the estate (`annexa scan --record`).
    ScanRun,
    /// One control's result in a run.
    ControlResult,
    /// One finding of a run.
    Finding,
    /// A person's decision (applicability, risk acceptance, review).
    Decision,
    /// An approved exception to a check.
    Exemption,
    /// A document or artefact (policy version, review minutes, report).
    Document,
}

impl Kind {
    /// Every kind, in the order the format lists them.
    pub const ALL: [Kind; 6] =
        [Kind::ScanRun, Kind::ControlResult, Kind::Finding, Kind::Decision, Kind::Exemption, Kind::Document];

    /// The name records and the command line use.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ScanRun => "scan-run",
            Kind::ControlResult => "control-result",
            Kind::Finding => "finding",
            Kind::Decision => "decision",
            Kind::Exemption => "exemption",
            Kind::Document => "document",
        }
    }

    /// The kind with that name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The period the evidence speaks for, which may differ from when it was recorded (a review
/// recorded on Monday for the previous quarter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// The first instant.
    pub from: Timestamp,
    /// The last instant.
    pub to: Timestamp,
}

impl Period {
    /// A single instant.
    pub fn at(t: Timestamp) -> Period {
        Period { from: t, to: t }
    }
}

/// What the record is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Annex A (or other framework) control ids, `A.8.9`.
    #[serde(default)]
    pub controls: Vec<String>,
    /// Assets, `Deployment shop/web`.
    #[serde(default)]
    pub assets: Vec<String>,
}

/// A record before the ledger gives it its place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// What it is.
    pub kind: Kind,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// The period it speaks for.
    pub effective: Period,
    /// What it is about.
    pub subject: Subject,
    /// SHA-256 of an attached artefact, lowercase hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artefact_sha256: Option<String>,
    /// The evidence itself; never a secret value.
    pub payload: serde_json::Value,
}

/// A record in the ledger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The format version.
    pub v: u32,
    /// Its position, from 0: the leaf index in the tree.
    pub seq: u64,
    /// The rest.
    #[serde(flatten)]
    pub entry: Entry,
}

/// A record could not be encoded or read back.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The payload holds a value JCS cannot encode.
    #[error(transparent)]
    Canonical(#[from] canonical::CanonicalError),
    /// The bytes are not a record.
    #[error("not a ledger record: {0}")]
    Decode(String),
    /// A timestamp carries sub-second digits, which the format does not allow.
    #[error("`{0}` has fractions of a second; records use whole seconds")]
    SubSecond(Timestamp),
}

/// A record with its bytes and leaf hash, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// The columns stores index it by.
    pub index: Index,
    /// The canonical bytes.
    pub bytes: Vec<u8>,
    /// `SHA-256(0x00 || bytes)`.
    pub leaf: Hash,
}

/// The fields a store keeps beside the bytes so that it can filter without parsing; `verify`
/// checks them against the bytes, so they cannot drift silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// The position.
    pub seq: u64,
    /// The kind's name.
    pub kind: String,
    /// RFC 3339.
    pub recorded_at: String,
    /// RFC 3339.
    pub effective_from: String,
    /// RFC 3339.
    pub effective_to: String,
    /// The subject's controls joined as ` A.8.9 A.5.15 ` (spaces around each, for `LIKE '% A.8.9 %'`).
    pub controls: String,
}

/// The RFC 3339 form records use.
pub fn timestamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The index column holding a subject's controls.
pub fn controls_column(controls: &[String]) -> String {
    let mut s = String::from(" ");
    for c in controls {
        s.push_str(c);
        s.push(' ');
    }
    s
}

impl Entry {
    /// Gives the entry its place in the ledger and encodes it.
    pub fn seal(self, seq: u64) -> Result<Sealed, RecordError> {
        for t in [self.recorded_at, self.effective.from, self.effective.to] {
            if t.subsec_nanosecond() != 0 {
                return Err(RecordError::SubSecond(t));
            }
        }
        let index = Index {
            seq,
            kind: self.kind.as_str().to_owned(),
            recorded_at: timestamp(self.recorded_at),
            effective_from: timestamp(self.effective.from),
            effective_to: timestamp(self.effective.to),
            controls: controls_column(&self.subject.controls),
        };
        let record = Record { v: FORMAT, seq, entry: self };
        let value = serde_json::to_value(&record).map_err(|e| RecordError::Decode(e.to_string()))?;
        let bytes = canonical::to_vec(&value)?;
        let leaf = leaf_hash(&bytes);
        Ok(Sealed { index, bytes, leaf })
    }
}

impl Record {
    /// Reads a record from its bytes.
    pub fn decode(bytes: &[u8]) -> Result<Record, RecordError> {
        serde_json::from_slice(bytes).map_err(|e| RecordError::Decode(e.to_string()))
    }
}

/// The fields of a record's bytes that its index columns repeat, read without building the
/// payload; what `verify` compares with the columns.
#[derive(Debug, Deserialize)]
pub(crate) struct Head<'a> {
    pub(crate) v: u32,
    pub(crate) seq: u64,
    #[serde(borrow)]
    pub(crate) kind: &'a str,
    #[serde(borrow)]
    pub(crate) recorded_at: &'a str,
    #[serde(borrow)]
    pub(crate) effective: HeadPeriod<'a>,
    #[serde(borrow, default)]
    pub(crate) subject: HeadSubject<'a>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct HeadPeriod<'a> {
    #[serde(borrow)]
    pub(crate) from: &'a str,
    #[serde(borrow)]
    pub(crate) to: &'a str,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct HeadSubject<'a> {
    #[serde(borrow, default)]
    pub(crate) controls: Vec<&'a str>,
}

/// The sequence number a record in the current format gives itself, read from the end of its
/// canonical bytes without parsing the rest: keys are sorted, so every record ends
/// `,"seq":N,"subject":{…},"v":1}`, and `"seq":` cannot occur inside a string (its quote
/// would be escaped) nor in the subject (only lists of strings). `None` for anything else.
///
/// This is what lets verification skip the JSON parser where no index column needs comparing:
/// the bytes themselves are vouched for by the leaf hash and the signed roots over it, so the
/// number only has to find a record moved to another row.
pub(crate) fn trailing_seq(bytes: &[u8]) -> Option<u64> {
    const TAIL: &[u8] = b",\"v\":1}";
    const KEY: &[u8] = b",\"seq\":";
    const _: () = assert!(FORMAT == 1, "TAIL names the format");
    let body = bytes.strip_suffix(TAIL)?;
    // Backwards from comma to comma: the key is a few dozen bytes from the end.
    let mut end = body.len();
    let at = loop {
        let at = body[..end].iter().rposition(|&b| b == b',')?;
        if body[at..].starts_with(KEY) {
            break at;
        }
        end = at;
    };
    let digits = &body[at + KEY.len()..];
    let end = digits.iter().position(|b| !b.is_ascii_digit())?;
    // Canonical numbers have no leading zero; anything else is left to the full parse.
    if end == 0 || (end > 1 && digits[0] == b'0') || digits[end] != b',' {
        return None;
    }
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

impl Head<'_> {
    /// Whether the columns say what the bytes say.
    pub(crate) fn matches(&self, index: &Index) -> Option<&'static str> {
        if self.seq != index.seq {
            return Some("seq");
        }
        if self.kind != index.kind {
            return Some("kind");
        }
        if self.recorded_at != index.recorded_at {
            return Some("recorded_at");
        }
        if self.effective.from != index.effective_from {
            return Some("effective_from");
        }
        if self.effective.to != index.effective_to {
            return Some("effective_to");
        }
        let mut expected = index.controls.split(' ').filter(|c| !c.is_empty());
        let same = self.subject.controls.iter().all(|c| expected.next() == Some(c)) && expected.next().is_none();
        if !same || !index.controls.starts_with(' ') || !index.controls.ends_with(' ') || index.controls.contains("  ")
        {
            return Some("controls");
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        let t: Timestamp = "2026-11-23T06:40:00Z".parse().unwrap();
        Entry {
            kind: Kind::ControlResult,
            recorded_at: t,
            effective: Period::at(t),
            subject: Subject { controls: vec!["A.8.9".into()], assets: vec![] },
            artefact_sha256: None,
            payload: serde_json::json!({"result": "pass", "checks_run": 12}),
        }
    }

    #[test]
    fn sealing_is_canonical_and_round_trips() {
        let sealed = entry().seal(7).unwrap();
        assert_eq!(
            String::from_utf8(sealed.bytes.clone()).unwrap(),
            r#"{"effective":{"from":"2026-11-23T06:40:00Z","to":"2026-11-23T06:40:00Z"},"kind":"control-result","payload":{"checks_run":12,"result":"pass"},"recorded_at":"2026-11-23T06:40:00Z","seq":7,"subject":{"assets":[],"controls":["A.8.9"]},"v":1}"#
        );
        let back = Record::decode(&sealed.bytes).unwrap();
        assert_eq!(back.seq, 7);
        assert_eq!(back.entry, entry());
        let head: Head<'_> = serde_json::from_slice(&sealed.bytes).unwrap();
        assert_eq!(head.matches(&sealed.index), None);
        assert_eq!(sealed.index.controls, " A.8.9 ");
    }

    #[test]
    fn sub_second_timestamps_are_refused() {
        let mut e = entry();
        e.recorded_at = "2026-11-23T06:40:00.5Z".parse().unwrap();
        assert!(matches!(e.seal(0), Err(RecordError::SubSecond(_))));
    }

    #[test]
    fn kinds_round_trip_their_names() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.as_str().into()));
        }
    }

    #[test]
    fn the_trailing_seq_is_the_one_the_full_parse_reads() {
        // Strings that imitate the key, in the payload and in the subject, must not mislead it.
        let mut e = entry();
        e.subject.assets = vec![r#"x","seq":5,"v":1}"#.into(), ",\"seq\":9".into()];
        e.payload = serde_json::json!({"seq": 3, "note": r#","seq":4,"#, "nested": {"seq": 8}});
        for seq in [0, 7, 10, 1_000_000, u64::MAX] {
            let sealed = e.clone().seal(seq).unwrap();
            let head: Head<'_> = serde_json::from_slice(&sealed.bytes).unwrap();
            assert_eq!(trailing_seq(&sealed.bytes), Some(head.seq));
            assert_eq!(head.seq, seq);
        }
    }

    #[test]
    fn anything_but_a_canonical_tail_leaves_the_seq_to_the_full_parse() {
        for bytes in [
            &br#"{"seq":7,"v":1}"#[..],
            br#"{"a":1,"seq":07,"subject":{},"v":1}"#,
            br#"{"a":1,"seq":,"subject":{},"v":1}"#,
            br#"{"a":1,"seq":-7,"subject":{},"v":1}"#,
            br#"{"a":1,"seq":7,"subject":{},"v":2}"#,
            br#"{"a":1,"seq":7,"subject":{},"v":1} "#,
            br#"{"a":1,"seq":99999999999999999999,"subject":{},"v":1}"#,
            b"",
        ] {
            assert_eq!(trailing_seq(bytes), None, "{}", String::from_utf8_lossy(bytes));
        }
        assert_eq!(trailing_seq(br#"{"a":1,"seq":0,"subject":{},"v":1}"#), Some(0));
    }
}
