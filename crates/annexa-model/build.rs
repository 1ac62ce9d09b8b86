//! Generates the typed Annex A and SP 800-204 identifiers from the catalogue's data files.
//!
//! The ids are enum variants so that a check naming a control that does not exist fails to
//! compile. The data files stay the single source: the catalogue crate reads the same files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const ANNEX_A: &str = "../annexa-catalog/data/iso27001-2022/annex-a.csv";
const STRATEGIES: &str = "../annexa-catalog/data/sp800-204/strategies.toml";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo::rerun-if-changed={ANNEX_A}");
    println!("cargo::rerun-if-changed={STRATEGIES}");
    std::fs::write(out.join("annex_a.rs"), annex_a(&dir.join(ANNEX_A))?)?;
    std::fs::write(out.join("strategies.rs"), strategies(&dir.join(STRATEGIES))?)?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct Row {
    id: String,
    theme: String,
    title: String,
}

fn annex_a(path: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let mut rows = Vec::new();
    for row in csv::Reader::from_path(path)?.deserialize() {
        let row: Row = row?;
        let (major, minor) = row
            .id
            .split_once('.')
            .ok_or_else(|| format!("{}: control id `{}` is not `N.M`", path.display(), row.id))?;
        let (major, minor): (u8, u8) = (major.parse()?, minor.parse()?);
        rows.push((major, minor, row));
    }
    let mut src = String::new();
    writeln!(
        src,
        "/// An ISO/IEC 27001:2022 Annex A control; one variant per control, so an unknown control does not compile."
    )?;
    writeln!(src, "#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]")?;
    writeln!(src, "pub enum AnnexA {{")?;
    for (major, minor, row) in &rows {
        writeln!(src, "    /// {} — {}", row.id, row.title)?;
        writeln!(src, "    A{major}_{minor},")?;
    }
    writeln!(src, "}}\n\nimpl AnnexA {{")?;
    writeln!(src, "    /// Every Annex A control, in the standard's order.")?;
    writeln!(src, "    pub const ALL: [AnnexA; {}] = [", rows.len())?;
    for (major, minor, _) in &rows {
        writeln!(src, "        AnnexA::A{major}_{minor},")?;
    }
    writeln!(src, "    ];\n")?;
    writeln!(src, "    /// The clause and control number, `(8, 9)` for 8.9.")?;
    writeln!(src, "    pub const fn number(self) -> (u8, u8) {{\n        match self {{")?;
    for (major, minor, _) in &rows {
        writeln!(src, "            AnnexA::A{major}_{minor} => ({major}, {minor}),")?;
    }
    writeln!(src, "        }}\n    }}\n")?;
    writeln!(src, "    /// The short title, as Table A.1 of the standard gives it.")?;
    writeln!(src, "    pub const fn title(self) -> &'static str {{\n        match self {{")?;
    for (major, minor, row) in &rows {
        writeln!(src, "            AnnexA::A{major}_{minor} => {:?},", row.title)?;
    }
    writeln!(src, "        }}\n    }}\n")?;
    writeln!(src, "    /// The theme the control belongs to.")?;
    writeln!(src, "    pub const fn theme(self) -> Theme {{\n        match self {{")?;
    for (major, minor, row) in &rows {
        let theme = match row.theme.as_str() {
            "Organizational" | "People" | "Physical" | "Technological" => row.theme.as_str(),
            other => return Err(format!("{}: unknown theme `{other}` for {}", path.display(), row.id).into()),
        };
        writeln!(src, "            AnnexA::A{major}_{minor} => Theme::{theme},")?;
    }
    writeln!(src, "        }}\n    }}\n}}")?;
    Ok(src)
}

#[derive(serde::Deserialize)]
struct StrategyFile {
    strategy: Vec<StrategyRow>,
}

#[derive(serde::Deserialize)]
struct StrategyRow {
    id: String,
    title: String,
}

/// `MS-SS-1` → `MsSs1`, `SM-DR13` → `SmDr13`, `AHLC-SR-1` → `AhlcSr1`, `204C-4.8.1` → `C204_4_8_1`.
fn variant(id: &str) -> Result<String, String> {
    if let Some((publication, section)) = id.split_once('-').filter(|(p, _)| p.starts_with("204")) {
        let letter = publication.trim_start_matches("204");
        if letter.len() != 1 || section.is_empty() || !section.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(format!("strategy id `{id}` is not `204X-N.N`"));
        }
        return Ok(format!("{letter}204_{}", section.replace('.', "_")));
    }
    let mut name = String::new();
    for part in id.split('-') {
        let mut chars = part.chars();
        let first = chars.next().ok_or_else(|| format!("strategy id `{id}` has an empty part"))?;
        if !first.is_ascii_alphanumeric() || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("strategy id `{id}` has an unexpected part `{part}`"));
        }
        name.push(first);
        name.extend(chars.map(|c| c.to_ascii_lowercase()));
    }
    Ok(name)
}

fn strategies(path: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let file: StrategyFile = toml::from_str(&std::fs::read_to_string(path)?)?;
    let mut src = String::new();
    writeln!(src, "/// A NIST SP 800-204 series strategy or recommendation; one variant per identifier.")?;
    writeln!(src, "#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]")?;
    writeln!(src, "pub enum Strategy {{")?;
    let mut names = Vec::new();
    for row in &file.strategy {
        let name = variant(&row.id)?;
        writeln!(src, "    /// {} — {}", row.id, row.title)?;
        writeln!(src, "    {name},")?;
        names.push((name, row.id.as_str()));
    }
    writeln!(src, "}}\n\nimpl Strategy {{")?;
    writeln!(src, "    /// Every strategy, in catalogue order.")?;
    writeln!(src, "    pub const ALL: [Strategy; {}] = [", names.len())?;
    for (name, _) in &names {
        writeln!(src, "        Strategy::{name},")?;
    }
    writeln!(src, "    ];\n")?;
    writeln!(src, "    /// The identifier as written in the publication (or annexa's label where NIST gives none).")?;
    writeln!(src, "    pub const fn id(self) -> &'static str {{\n        match self {{")?;
    for (name, id) in &names {
        writeln!(src, "            Strategy::{name} => {id:?},")?;
    }
    writeln!(src, "        }}\n    }}\n}}")?;
    Ok(src)
}
