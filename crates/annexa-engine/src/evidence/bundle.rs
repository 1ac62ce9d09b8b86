//! `annexa evidence export` and `annexa evidence verify --bundle`: the records of a window with
//! their inclusion proofs, the latest signed checkpoint, consistency proofs from the earlier
//! checkpoints, the public key, a README and a standard-library Python verifier, so that an
//! auditor checks the samples offline without the rest of the ledger.

use super::{EvidenceError, EvidenceOptions, block_on, day_bounds, io, keys, open};
use annexa_ledger::{NoteVerifier, Problem, Record, tree};
use annexa_store::{Query, Store};
use jiff::civil::Date;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::Path;

const SCRIPT: &str = include_str!("verify.py");

/// What an export wrote.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ExportView {
    /// The bundle's folder.
    pub out: String,
    /// Records in the window.
    pub records: u64,
    /// The size of the checkpoint they are proven against.
    pub tree_size: u64,
    /// Its root.
    pub root_hash: String,
    /// Earlier checkpoints with consistency proofs.
    pub consistency_proofs: u64,
    /// The files written.
    pub files: Vec<String>,
}

impl ExportView {
    /// A short report.
    pub fn to_text(&self) -> String {
        format!(
            "{} records exported to {} with inclusion proofs against the checkpoint of size {} (root {})\n  verify: annexa evidence verify --bundle {} (or python3 {}/verify.py)\n",
            self.records, self.out, self.tree_size, self.root_hash, self.out, self.out
        )
    }
}

fn readme(from: Date, to: Date, origin: &str, size: u64, root: &str) -> String {
    format!(
        r#"# annexa evidence bundle: {from} to {to}

Records of the evidence ledger `{origin}` whose effective period falls in the window, each with
the proof that it is in the ledger's Merkle tree as signed at size {size} (root `{root}`).

| file | what it holds |
|---|---|
| `records.jsonl` | one record per line: its exact bytes, RFC 8785 canonical JSON |
| `proofs.jsonl` | per record, line for line: `leaf_index`, `leaf_hash`, `path` (RFC 9162 audit path, hex) |
| `checkpoint.note` | the signed checkpoint (C2SP signed note: origin, size, base64 root, Ed25519 signature) |
| `consistency.jsonl` | earlier signed checkpoints, each with the proof that the tree above extends it |
| `ledger.pub` | the signing key as the bundle carries it (`name+keyid+base64`) |
| `verify.py` | a verifier using nothing but Python's standard library |
| `SHA256SUMS` | checksums of the files above |

## Verifying

1. Compare `ledger.pub` with the public key the organisation published (for example
   `.annexa/ledger.pub` in its ISMS repository). A bundle's own copy proves nothing by itself.
2. `sha256sum -c SHA256SUMS` checks that no file changed in transit.
3. `python3 verify.py . --public-key PUBLISHED_KEY` checks the checkpoint's signature, every
   record against its proof and the checkpoint's root, and every earlier checkpoint's
   consistency; `annexa evidence verify --bundle . --public-key PUBLISHED_KEY` does the same.

A leaf hash is SHA-256 over a zero byte followed by the record's line (without its newline):

    (printf '\000'; sed -n '1p' records.jsonl | tr -d '\n') | sha256sum

which must equal the first line's `leaf_hash` in `proofs.jsonl`. Interior nodes are SHA-256 over
a one byte, the left hash and the right hash (RFC 6962). Each record also names its `seq`, its
`kind`, when it was recorded, the period it speaks for, the controls and assets it concerns, and
its payload; secret values are never recorded.
"#
    )
}

/// Writes the bundle of records whose evidence falls between `from` and `to`.
pub fn export(options: &EvidenceOptions, from: Date, to: Date, out: &Path) -> Result<ExportView, EvidenceError> {
    let key = keys::required_verifier(options)?;
    let (start, end) = day_bounds(from, to);
    let (records, note, leaves, earlier) = block_on(async {
        let store = open(options).await?;
        let checkpoints = store.checkpoints().await?;
        let latest = checkpoints.last().cloned().ok_or_else(|| EvidenceError::Empty(options.url()))?;
        let query = Query { from: Some(start), to: Some(end), ..Query::default() };
        let records: Vec<_> = store.records(&query).await?.into_iter().filter(|r| r.index.seq < latest.size).collect();
        let leaves = store.leaves(latest.size).await?;
        let first = records.first().map_or(latest.size, |r| r.index.seq);
        // The checkpoints signed while the window's records were being written.
        let earlier: Vec<String> =
            checkpoints.iter().filter(|c| c.size > first && c.size < latest.size).map(|c| c.note.clone()).collect();
        Ok::<_, EvidenceError>((records, latest.note, leaves, earlier))
    })??;
    let cp = key.open_checkpoint(&note).map_err(|e| EvidenceError::Input(format!("the latest checkpoint: {e}")))?;
    let mut record_lines = Vec::new();
    let mut proof_lines = Vec::new();
    for r in &records {
        let path = tree::inclusion_proof(r.index.seq, &leaves).map_err(|e| EvidenceError::Input(e.to_string()))?;
        record_lines.extend_from_slice(&r.bytes);
        record_lines.push(b'\n');
        let line = json!({
            "leaf_index": r.index.seq,
            "leaf_hash": tree::hex(&tree::leaf_hash(&r.bytes)),
            "path": path.iter().map(tree::hex).collect::<Vec<_>>(),
        });
        proof_lines.push(line.to_string());
    }
    let mut consistency_lines = Vec::new();
    for from_note in &earlier {
        let from_cp = key.open_checkpoint(from_note).map_err(|e| EvidenceError::Input(e.to_string()))?;
        let proof =
            tree::consistency_proof(from_cp.size, cp.size, &leaves).map_err(|e| EvidenceError::Input(e.to_string()))?;
        consistency_lines
            .push(json!({"from": from_note, "path": proof.iter().map(tree::hex).collect::<Vec<_>>()}).to_string());
    }
    let lines = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
    let root = tree::hex(&cp.root);
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("records.jsonl", record_lines),
        ("proofs.jsonl", lines(&proof_lines).into_bytes()),
        ("checkpoint.note", note.into_bytes()),
        ("consistency.jsonl", lines(&consistency_lines).into_bytes()),
        ("ledger.pub", format!("{}\n", key.to_text()).into_bytes()),
        ("verify.py", SCRIPT.as_bytes().to_vec()),
        ("README.md", readme(from, to, &cp.origin, cp.size, &root).into_bytes()),
    ];
    std::fs::create_dir_all(out).map_err(io("write", out))?;
    let mut sums = String::new();
    for (name, bytes) in &files {
        let path = out.join(name);
        std::fs::write(&path, bytes).map_err(io("write", &path))?;
        sums.push_str(&format!("{}  {name}\n", tree::hex(&Sha256::digest(bytes).into())));
    }
    let path = out.join("SHA256SUMS");
    std::fs::write(&path, sums).map_err(io("write", &path))?;
    Ok(ExportView {
        out: out.display().to_string(),
        records: records.len() as u64,
        tree_size: cp.size,
        root_hash: root,
        consistency_proofs: earlier.len() as u64,
        files: files.iter().map(|(n, _)| (*n).to_owned()).chain(["SHA256SUMS".to_owned()]).collect(),
    })
}

/// The outcome of verifying a bundle.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BundleView {
    /// Whether everything verified.
    pub ok: bool,
    /// The ledger's name.
    pub origin: String,
    /// Records verified.
    pub records: u64,
    /// The checkpoint's size.
    pub tree_size: u64,
    /// Its root.
    pub root_hash: String,
    /// Earlier checkpoints shown consistent.
    pub consistency_proofs: u64,
    /// Where the key came from.
    pub key: String,
    /// The first problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

impl BundleView {
    /// A short report.
    pub fn to_text(&self) -> String {
        match &self.problem {
            Some(p) if self.origin.is_empty() => format!("bundle: NOT VERIFIED\n  {p}\n"),
            Some(p) => format!("bundle of `{}`: NOT VERIFIED\n  {p}\n", self.origin),
            None => format!(
                "bundle of `{}`: {} records verified against the checkpoint of size {}, {} earlier checkpoints consistent\n  root {}\n  key {}\n",
                self.origin, self.records, self.tree_size, self.consistency_proofs, self.root_hash, self.key
            ),
        }
    }
}

/// Verifies an exported bundle offline.
pub fn verify_bundle(dir: &Path, public_key: Option<&Path>) -> Result<BundleView, EvidenceError> {
    let read = |name: &str| -> Result<Vec<u8>, EvidenceError> {
        let p = dir.join(name);
        std::fs::read(&p).map_err(io("read", &p))
    };
    let text = |name: &str| -> Result<String, EvidenceError> {
        String::from_utf8(read(name)?).map_err(|_| EvidenceError::Input(format!("`{name}` is not UTF-8")))
    };
    let (key_text, key_source) = match public_key {
        Some(p) => (std::fs::read_to_string(p).map_err(io("read", p))?, p.display().to_string()),
        None => (
            text("ledger.pub")?,
            "the bundle's own ledger.pub: compare it with the organisation's published key".to_owned(),
        ),
    };
    let key = NoteVerifier::parse(&key_text).map_err(|e| EvidenceError::Key(e.to_string()))?;
    let mut view = BundleView {
        ok: false,
        origin: String::new(),
        records: 0,
        tree_size: 0,
        root_hash: String::new(),
        consistency_proofs: 0,
        key: key_source,
        problem: None,
    };
    let fail = |view: &mut BundleView, seq: Option<u64>, message: String| {
        view.problem = Some(Problem { seq, checkpoint: None, message });
    };
    let cp = match key.open_checkpoint(&text("checkpoint.note")?) {
        Ok(cp) => cp,
        Err(e) => {
            fail(&mut view, None, format!("checkpoint.note: {e}"));
            return Ok(view);
        }
    };
    view.origin.clone_from(&cp.origin);
    view.tree_size = cp.size;
    view.root_hash = tree::hex(&cp.root);
    let records = read("records.jsonl")?;
    let proofs = text("proofs.jsonl")?;
    let record_lines: Vec<&[u8]> = records.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
    let proof_lines: Vec<&str> = proofs.lines().filter(|l| !l.is_empty()).collect();
    if record_lines.len() != proof_lines.len() {
        fail(&mut view, None, format!("{} records but {} proofs", record_lines.len(), proof_lines.len()));
        return Ok(view);
    }
    for (i, (line, proof)) in record_lines.iter().zip(&proof_lines).enumerate() {
        let proof: serde_json::Value = serde_json::from_str(proof)
            .map_err(|e| EvidenceError::Input(format!("proofs.jsonl line {}: {e}", i + 1)))?;
        let index = proof["leaf_index"].as_u64().unwrap_or(u64::MAX);
        let path: Option<Vec<tree::Hash>> =
            proof["path"].as_array().map(|a| a.iter().filter_map(|h| h.as_str().and_then(tree::from_hex)).collect());
        let leaf = tree::leaf_hash(line);
        let seq = Record::decode(line).map(|r| r.seq).ok();
        let problem = if seq != Some(index) {
            Some(format!("records.jsonl line {} is not record {index}", i + 1))
        } else if let Some(path) = path {
            tree::verify_inclusion(index, cp.size, &leaf, &path, &cp.root).err().map(|e| e.to_string())
        } else {
            Some(format!("proofs.jsonl line {} has no path", i + 1))
        };
        if let Some(message) = problem {
            fail(&mut view, Some(index.min(seq.unwrap_or(index))), message);
            return Ok(view);
        }
        view.records += 1;
    }
    for (i, line) in text("consistency.jsonl")?.lines().filter(|l| !l.is_empty()).enumerate() {
        let c: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| EvidenceError::Input(format!("consistency.jsonl line {}: {e}", i + 1)))?;
        let result =
            key.open_checkpoint(c["from"].as_str().unwrap_or_default()).map_err(|e| e.to_string()).and_then(|from| {
                let path: Vec<tree::Hash> = c["path"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|h| h.as_str().and_then(tree::from_hex)).collect())
                    .unwrap_or_default();
                tree::verify_consistency(from.size, cp.size, &from.root, &cp.root, &path).map_err(|e| e.to_string())
            });
        if let Err(e) = result {
            fail(&mut view, None, format!("consistency.jsonl line {}: {e}", i + 1));
            return Ok(view);
        }
        view.consistency_proofs += 1;
    }
    // Checksums last: a tampered record is better reported by its number than by its file.
    if let Ok(sums) = text("SHA256SUMS") {
        for line in sums.lines() {
            let Some((sum, name)) = line.split_once("  ") else { continue };
            if tree::hex(&Sha256::digest(read(name)?).into()) != sum {
                fail(&mut view, None, format!("`{name}` does not match its checksum in SHA256SUMS"));
                return Ok(view);
            }
        }
    }
    view.ok = true;
    Ok(view)
}
