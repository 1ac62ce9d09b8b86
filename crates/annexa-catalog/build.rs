//! Compiles the catalogue's data files into static tables, checking them as it goes.
//!
//! Every id a data file names is checked against the catalogue it belongs to, so a typo in a
//! crosswalk or a guidance file fails the build with the file and row instead of shipping.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

type Error = Box<dyn std::error::Error>;

/// Turns one CSV row into `(id, Rust literal of the entry)`.
type RowFn = fn(&BTreeMap<String, String>, &Path) -> Result<(String, String), Error>;

fn main() -> Result<(), Error> {
    let data = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("data");
    println!("cargo::rerun-if-changed=data");
    let mut out = Gen::default();
    let annex = annex_a(&data)?;
    out.guidance(&data, &annex)?;
    let clauses = out.clauses(&data)?;
    out.iso2013(&data, &annex)?;
    let soc2 = out.ids_table(&data.join("soc2/tsc-2017.csv"), "SOC2", "Soc2Criterion", soc2_row)?;
    let pci = out.ids_table(&data.join("pci-dss/v4.csv"), "PCI", "PciRequirement", pci_row)?;
    let hipaa = out.ids_table(&data.join("hipaa/security-rule.csv"), "HIPAA", "HipaaSpec", hipaa_row)?;
    let strategies = out.strategies(&data, &annex)?;
    out.frameworks(&data)?;
    let known = Known { annex, clauses, soc2, pci, hipaa, strategies };
    out.mappings(&data, &known)?;
    std::fs::write(PathBuf::from(std::env::var("OUT_DIR")?).join("catalog.rs"), out.src)?;
    Ok(())
}

#[derive(Default)]
struct Gen {
    src: String,
}

/// The ids each catalogue holds, for checking references between data files.
struct Known {
    annex: Vec<(String, String)>,
    clauses: BTreeSet<String>,
    soc2: BTreeSet<String>,
    pci: BTreeSet<String>,
    hipaa: BTreeSet<String>,
    strategies: BTreeSet<String>,
}

fn read_csv(path: &Path) -> Result<Vec<BTreeMap<String, String>>, Error> {
    let mut rows = Vec::new();
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    for row in reader.deserialize() {
        rows.push(row.map_err(|e| format!("{}: {e}", path.display()))?);
    }
    Ok(rows)
}

fn field<'a>(row: &'a BTreeMap<String, String>, name: &str, path: &Path) -> Result<&'a str, Error> {
    row.get(name).map(String::as_str).ok_or_else(|| format!("{}: missing column `{name}`", path.display()).into())
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// `8.9` → `AnnexA::A8_9`.
fn variant(id: &str) -> String {
    format!("AnnexA::A{}", id.replace('.', "_"))
}

/// `(id, theme)` of every Annex A control; the titles and themes themselves are compiled
/// into annexa-model from the same file.
fn annex_a(data: &Path) -> Result<Vec<(String, String)>, Error> {
    let path = data.join("iso27001-2022/annex-a.csv");
    read_csv(&path)?
        .iter()
        .map(|r| Ok((field(r, "id", &path)?.to_owned(), field(r, "theme", &path)?.to_owned())))
        .collect()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GuidanceFile {
    controls: BTreeMap<String, GuidanceRow>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct GuidanceRow {
    meaning: String,
    automated: String,
    evidence: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClauseFile {
    clauses: BTreeMap<String, ClauseRow>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClauseRow {
    summary: String,
    annexa: String,
}

impl Gen {
    fn guidance(&mut self, data: &Path, annex: &[(String, String)]) -> Result<(), Error> {
        let mut all = BTreeMap::new();
        for theme in ["organizational", "people", "physical", "technological"] {
            let path = data.join(format!("iso27001-2022/guidance/{theme}.toml"));
            let file: GuidanceFile = read_toml(&path)?;
            for (id, row) in file.controls {
                let known = annex.iter().find(|(a, _)| *a == id);
                match known {
                    Some((_, t)) if t.eq_ignore_ascii_case(theme) => {}
                    Some((_, t)) => return Err(format!("{}: control {id} is {t}, not {theme}", path.display()).into()),
                    None => return Err(format!("{}: `{id}` is not an Annex A control", path.display()).into()),
                }
                for (name, text) in
                    [("meaning", &row.meaning), ("automated", &row.automated), ("evidence", &row.evidence)]
                {
                    if text.trim().is_empty() {
                        return Err(format!("{}: control {id} has an empty `{name}`", path.display()).into());
                    }
                }
                all.insert(id, row);
            }
        }
        writeln!(self.src, "pub(crate) static GUIDANCE: [Guidance; {}] = [", annex.len())?;
        for (id, _) in annex {
            let g = all.get(id).ok_or_else(|| format!("no guidance for Annex A control {id}"))?;
            writeln!(
                self.src,
                "    Guidance {{ meaning: {:?}, automated: {:?}, evidence: {:?} }},",
                g.meaning.trim(),
                g.automated.trim(),
                g.evidence.trim()
            )?;
        }
        writeln!(self.src, "];")?;
        Ok(())
    }

    fn clauses(&mut self, data: &Path) -> Result<BTreeSet<String>, Error> {
        let path = data.join("iso27001-2022/clauses.csv");
        let gpath = data.join("iso27001-2022/guidance/clauses.toml");
        let guidance: ClauseFile = read_toml(&gpath)?;
        let rows = read_csv(&path)?;
        let mut ids = BTreeSet::new();
        writeln!(self.src, "pub(crate) static CLAUSES: [Clause; {}] = [", rows.len())?;
        for r in &rows {
            let id = field(r, "id", &path)?;
            let g =
                guidance.clauses.get(id).ok_or_else(|| format!("{}: no guidance for clause {id}", gpath.display()))?;
            writeln!(
                self.src,
                "    Clause {{ id: {id:?}, title: {:?}, summary: {:?}, annexa: {:?} }},",
                field(r, "title", &path)?,
                g.summary.trim(),
                g.annexa.trim()
            )?;
            ids.insert(id.to_owned());
        }
        writeln!(self.src, "];")?;
        if let Some(extra) = guidance.clauses.keys().find(|k| !ids.contains(*k)) {
            return Err(format!("{}: `{extra}` is not a clause", gpath.display()).into());
        }
        Ok(ids)
    }

    fn iso2013(&mut self, data: &Path, annex: &[(String, String)]) -> Result<(), Error> {
        let path = data.join("iso27001-2013/to-2022.csv");
        // Rows arrive one per (2013, 2022) pair; a 2013 control split in two has two rows.
        let mut controls: Vec<(String, String, Vec<String>)> = Vec::new();
        for r in read_csv(&path)? {
            let (id, title, to) =
                (field(&r, "iso2013_id", &path)?, field(&r, "iso2013_title", &path)?, field(&r, "iso2022_id", &path)?);
            if !annex.iter().any(|(a, _)| a == to) {
                return Err(
                    format!("{}: {id} maps to `{to}`, which is not an Annex A 2022 control", path.display()).into()
                );
            }
            match controls.iter_mut().find(|(i, _, _)| i == id) {
                Some((_, _, targets)) => targets.push(to.to_owned()),
                None => controls.push((id.to_owned(), title.to_owned(), vec![to.to_owned()])),
            }
        }
        writeln!(self.src, "pub(crate) static ISO2013: [Iso2013Control; {}] = [", controls.len())?;
        for (id, title, to) in &controls {
            let to: Vec<String> = to.iter().map(|t| variant(t)).collect();
            writeln!(
                self.src,
                "    Iso2013Control {{ id: {id:?}, title: {title:?}, replaced_by: &[{}] }},",
                to.join(", ")
            )?;
        }
        writeln!(self.src, "];")?;
        Ok(())
    }

    /// Emits a static table of one framework's entries, one `row` per CSV line.
    fn ids_table(&mut self, path: &Path, name: &str, ty: &str, row: RowFn) -> Result<BTreeSet<String>, Error> {
        let rows = read_csv(path)?;
        let mut ids = BTreeSet::new();
        writeln!(self.src, "pub(crate) static {name}: [{ty}; {}] = [", rows.len())?;
        for r in &rows {
            let (id, literal) = row(r, path)?;
            if !ids.insert(id.clone()) {
                return Err(format!("{}: duplicate id `{id}`", path.display()).into());
            }
            writeln!(self.src, "    {literal},")?;
        }
        writeln!(self.src, "];")?;
        Ok(ids)
    }

    fn strategies(&mut self, data: &Path, annex: &[(String, String)]) -> Result<BTreeSet<String>, Error> {
        let path = data.join("sp800-204/strategies.toml");
        let file: StrategyFile = read_toml(&path)?;
        writeln!(self.src, "pub(crate) static PUBLICATIONS: [Publication; {}] = [", file.publication.len())?;
        for p in &file.publication {
            writeln!(
                self.src,
                "    Publication {{ id: {:?}, title: {:?}, published: {:?}, authors: {:?}, doi: {:?} }},",
                p.id, p.title, p.published, p.authors, p.doi
            )?;
        }
        writeln!(self.src, "];")?;
        let mut ids = BTreeSet::new();
        writeln!(self.src, "pub(crate) static STRATEGIES: [StrategyInfo; {}] = [", file.strategy.len())?;
        for (i, s) in file.strategy.iter().enumerate() {
            if !file.publication.iter().any(|p| p.id == s.publication) {
                return Err(format!(
                    "{}: strategy {} names unknown publication `{}`",
                    path.display(),
                    s.id,
                    s.publication
                )
                .into());
            }
            let confidence = match s.confidence.as_str() {
                "verified" => "Verified",
                "verified-quote" => "VerifiedQuote",
                "likely" => "Likely",
                "unverified" => "Unverified",
                other => {
                    return Err(
                        format!("{}: strategy {} has unknown confidence `{other}`", path.display(), s.id).into()
                    );
                }
            };
            // The model crate generates `Strategy::ALL` from this same file in this order.
            writeln!(
                self.src,
                "    StrategyInfo {{ strategy: Strategy::ALL[{i}], publication: {:?}, area: {:?}, title: {:?}, gist: {:?}, confidence: Confidence::{confidence}, official_id: {} }},",
                s.publication,
                s.area,
                s.title,
                s.gist.trim(),
                s.official_id
            )?;
            ids.insert(s.id.clone());
        }
        writeln!(self.src, "];")?;

        let mpath = data.join("sp800-204/annex-a.csv");
        let rows = read_csv(&mpath)?;
        writeln!(self.src, "pub(crate) static STRATEGY_MAPPINGS: [StrategyMapping; {}] = [", rows.len())?;
        for r in &rows {
            let (strategy, control, rationale) =
                (field(r, "strategy", &mpath)?, field(r, "control", &mpath)?, field(r, "rationale", &mpath)?);
            let index = file
                .strategy
                .iter()
                .position(|s| s.id == strategy)
                .ok_or_else(|| format!("{}: unknown strategy `{strategy}`", mpath.display()))?;
            if !annex.iter().any(|(a, _)| a == control) {
                return Err(format!("{}: `{control}` is not an Annex A control", mpath.display()).into());
            }
            writeln!(
                self.src,
                "    StrategyMapping {{ strategy: Strategy::ALL[{index}], control: {}, rationale: {rationale:?} }},",
                variant(control)
            )?;
        }
        writeln!(self.src, "];")?;
        if let Some(s) = file.strategy.iter().find(|s| !rows.iter().any(|r| r.get("strategy") == Some(&s.id))) {
            return Err(format!("{}: strategy {} maps to no Annex A control", mpath.display(), s.id).into());
        }
        Ok(ids)
    }

    fn frameworks(&mut self, data: &Path) -> Result<(), Error> {
        let path = data.join("frameworks.toml");
        let file: FrameworkFile = read_toml(&path)?;
        writeln!(self.src, "pub(crate) static FRAMEWORKS: [FrameworkInfo; {}] = [", file.framework.len())?;
        for (key, f) in &file.framework {
            writeln!(
                self.src,
                "    FrameworkInfo {{ key: {key:?}, version: {:?}, publisher: {:?}, source: {:?}, licence: {:?} }},",
                f.version, f.publisher, f.source, f.licence
            )?;
        }
        writeln!(self.src, "];")?;
        Ok(())
    }

    fn mappings(&mut self, data: &Path, known: &Known) -> Result<(), Error> {
        let dpath = data.join("crosswalks/datasets.toml");
        let datasets: DatasetFile = read_toml(&dpath)?;
        let sources: Vec<&String> = datasets.dataset.keys().collect();
        writeln!(self.src, "pub(crate) static DATASETS: [Dataset; {}] = [", sources.len())?;
        for (source, d) in &datasets.dataset {
            writeln!(
                self.src,
                "    Dataset {{ source: {source:?}, name: {:?}, publisher: {:?}, licence: {:?}, note: {:?} }},",
                d.name, d.publisher, d.licence, d.note
            )?;
        }
        writeln!(self.src, "];")?;

        let path = data.join("crosswalks/mappings.csv");
        let rows = read_csv(&path)?;
        writeln!(self.src, "pub(crate) static MAPPINGS: [Mapping; {}] = [", rows.len())?;
        for (line, r) in rows.iter().enumerate() {
            let at = || format!("{}:{}", path.display(), line + 2);
            let source = field(r, "source", &path)?;
            let dataset = sources
                .iter()
                .position(|s| *s == source)
                .ok_or_else(|| format!("{}: source not in datasets.toml", at()))?;
            let relationship = match field(r, "relationship", &path)? {
                "equal" => "Equal",
                "subset" => "Subset",
                "superset" => "Superset",
                "intersect" => "Intersect",
                other => return Err(format!("{}: unknown relationship `{other}`", at()).into()),
            };
            let from = reference(field(r, "from", &path)?, known).map_err(|e| format!("{}: {e}", at()))?;
            let to = reference(field(r, "to", &path)?, known).map_err(|e| format!("{}: {e}", at()))?;
            writeln!(
                self.src,
                "    Mapping {{ from: {from}, to: {to}, dataset: {dataset}, relationship: Relationship::{relationship} }},"
            )?;
        }
        writeln!(self.src, "];")?;
        Ok(())
    }
}

/// Turns `iso27001-2022:A.5.15` into a `Ref` literal, checking the id exists.
fn reference(text: &str, known: &Known) -> Result<String, String> {
    let (prefix, id) = text.split_once(':').ok_or_else(|| format!("`{text}` has no framework prefix"))?;
    let (framework, exists) = match prefix {
        "iso27001-2022" => (
            "Iso27001_2022",
            match id.strip_prefix("A.") {
                Some(a) => known.annex.iter().any(|(k, _)| k == a),
                None => known.clauses.contains(id),
            },
        ),
        "aicpa-tsc-2017" => ("Soc2", known.soc2.contains(id)),
        "pci-dss-4.0" => ("PciDss4", known.pci.contains(id)),
        "hipaa-45cfr" => ("Hipaa", known.hipaa.contains(id)),
        "nist-sp800-204" => ("Sp800_204", known.strategies.contains(id)),
        // Pivots have no catalogue of their own here: any well-formed id is taken as given.
        "nist-sp800-53r5" | "adobe-ccf-v5" => {
            (if prefix == "adobe-ccf-v5" { "AdobeCcfV5" } else { "Sp800_53r5" }, !id.is_empty())
        }
        other => return Err(format!("unknown framework prefix `{other}`")),
    };
    if !exists {
        return Err(format!("`{text}` is not in its framework's catalogue"));
    }
    Ok(format!("Ref {{ framework: Framework::{framework}, id: {id:?} }}"))
}

fn soc2_row(r: &BTreeMap<String, String>, path: &Path) -> Result<(String, String), Error> {
    let id = field(r, "id", path)?;
    Ok((
        id.to_owned(),
        format!(
            "Soc2Criterion {{ id: {id:?}, category: {:?}, title: {:?} }}",
            field(r, "category", path)?,
            field(r, "title", path)?
        ),
    ))
}

fn pci_row(r: &BTreeMap<String, String>, path: &Path) -> Result<(String, String), Error> {
    let id = field(r, "id", path)?;
    let level = match field(r, "level", path)? {
        "requirement" => "Requirement",
        "section" => "Section",
        "sub-requirement" => "SubRequirement",
        "appendix" => "Appendix",
        other => return Err(format!("{}: {id} has unknown level `{other}`", path.display()).into()),
    };
    let official = field(r, "title_kind", path)? == "official";
    Ok((
        id.to_owned(),
        format!(
            "PciRequirement {{ id: {id:?}, level: PciLevel::{level}, title: {:?}, official_title: {official} }}",
            field(r, "title", path)?
        ),
    ))
}

fn hipaa_row(r: &BTreeMap<String, String>, path: &Path) -> Result<(String, String), Error> {
    let id = field(r, "id", path)?;
    let kind = match field(r, "kind", path)? {
        "standard" => "Standard",
        "implementation specification" => "ImplementationSpecification",
        other => return Err(format!("{}: {id} has unknown kind `{other}`", path.display()).into()),
    };
    let required = match field(r, "required_addressable", path)? {
        "A" => "Addressable",
        ra if ra.starts_with('R') => "Required",
        other => return Err(format!("{}: {id} is neither R nor A: `{other}`", path.display()).into()),
    };
    let alias = field(r, "cfr_paragraph_alias", path)?;
    let alias = if alias.is_empty() { "None".to_owned() } else { format!("Some({alias:?})") };
    Ok((
        id.to_owned(),
        format!(
            "HipaaSpec {{ id: {id:?}, section: {:?}, kind: HipaaKind::{kind}, title: {:?}, requirement: HipaaRequirement::{required}, cfr_alias: {alias} }}",
            field(r, "section", path)?,
            field(r, "title", path)?
        ),
    ))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyFile {
    publication: Vec<PublicationRow>,
    strategy: Vec<StrategyRow>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicationRow {
    id: String,
    title: String,
    published: String,
    authors: String,
    doi: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyRow {
    id: String,
    publication: String,
    area: String,
    title: String,
    gist: String,
    confidence: String,
    official_id: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkFile {
    framework: BTreeMap<String, FrameworkRow>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkRow {
    version: String,
    publisher: String,
    source: String,
    licence: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetFile {
    dataset: BTreeMap<String, DatasetRow>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetRow {
    name: String,
    publisher: String,
    licence: String,
    note: String,
}
