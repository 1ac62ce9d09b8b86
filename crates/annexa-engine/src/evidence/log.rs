//! `annexa evidence log`: the ledger's records, filtered by control, kind and window.

use super::{EvidenceError, EvidenceOptions, block_on, coverage::canonical_control, day_bounds, open};
use annexa_ledger::{Kind, Record};
use annexa_report::Table;
use annexa_store::{Query, Store};
use jiff::civil::Date;

/// Which records.
#[derive(Clone, Debug, Default)]
pub struct LogQuery {
    /// Records about this control.
    pub control: Option<String>,
    /// Records of these kinds (names as records write them).
    pub kinds: Vec<String>,
    /// Evidence for days from this one.
    pub from: Option<Date>,
    /// Evidence for days up to this one.
    pub to: Option<Date>,
    /// At most this many, the latest.
    pub limit: Option<u64>,
}

/// One line of the log.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LogRow {
    /// The sequence number.
    pub seq: u64,
    /// The kind.
    pub kind: String,
    /// When recorded.
    pub recorded_at: String,
    /// The controls it is about.
    pub controls: Vec<String>,
    /// One line saying what it is.
    pub summary: String,
    /// The whole record.
    pub record: serde_json::Value,
}

/// The log.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LogView {
    /// The records, in sequence order.
    pub records: Vec<LogRow>,
}

fn summary(r: &Record) -> String {
    let p = &r.entry.payload;
    let s = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
    match r.entry.kind {
        Kind::ScanRun => format!(
            "run {} ({}): {} checks, {} findings{}",
            s("run"),
            s("trigger"),
            p["checks_run"],
            p["findings"],
            p["git"]["commit"].as_str().map(|c| format!(", commit {}", &c[..c.len().min(12)])).unwrap_or_default()
        ),
        Kind::ControlResult => format!("{} {}: {} findings", s("control"), s("result"), p["findings"]),
        Kind::Finding => format!(
            "{} {} {}:{}{}",
            s("check"),
            s("severity"),
            p["location"]["file"].as_str().unwrap_or_default(),
            p["location"]["line"],
            if p.get("exempted").is_some() { " (exempted)" } else { "" }
        ),
        _ => p.to_string().chars().take(80).collect(),
    }
}

/// Lists records.
pub fn log(options: &EvidenceOptions, q: &LogQuery) -> Result<LogView, EvidenceError> {
    let kinds = q
        .kinds
        .iter()
        .map(|k| {
            Kind::parse(k).ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                EvidenceError::Input(format!("unknown record kind `{k}`; the kinds are {}", names.join(", ")))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let control = q.control.as_deref().map(canonical_control).transpose()?;
    let bounds = match (q.from, q.to) {
        (None, None) => (None, None),
        (from, to) => {
            let (a, b) = day_bounds(from.unwrap_or(Date::MIN), to.unwrap_or(Date::MAX));
            (from.map(|_| a), to.map(|_| b))
        }
    };
    let query = Query { kinds, control, from: bounds.0, to: bounds.1, ..Query::default() };
    let rows = block_on(async { Ok::<_, EvidenceError>(open(options).await?.records(&query).await?) })??;
    let skip = q.limit.map_or(0, |l| rows.len().saturating_sub(l as usize));
    let records = rows
        .into_iter()
        .skip(skip)
        .map(|row| {
            let record = Record::decode(&row.bytes)
                .map_err(|e| EvidenceError::Input(format!("record {}: {e}", row.index.seq)))?;
            Ok(LogRow {
                seq: record.seq,
                kind: record.entry.kind.to_string(),
                recorded_at: annexa_ledger::record::timestamp(record.entry.recorded_at),
                controls: record.entry.subject.controls.clone(),
                summary: summary(&record),
                record: serde_json::to_value(&record).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, EvidenceError>>()?;
    Ok(LogView { records })
}

impl LogView {
    fn table(&self) -> Table {
        let mut t = Table::new(["Seq", "Kind", "Recorded", "Controls", "Summary"]);
        for r in &self.records {
            let controls =
                if r.controls.len() > 3 { format!("{} controls", r.controls.len()) } else { r.controls.join(", ") };
            t.push([r.seq.to_string(), r.kind.clone(), r.recorded_at.clone(), controls, r.summary.clone()]);
        }
        t
    }

    /// The terminal table.
    pub fn to_text(&self) -> String {
        self.table().to_text()
    }

    /// Markdown.
    pub fn to_markdown(&self) -> String {
        self.table().to_markdown()
    }
}
