//! Golden vectors: a fixed ledger of eight records whose bytes, leaf hashes, root and signed
//! checkpoint are written here. Any change to the record encoding, the tree or the note format
//! fails this test; such a change would make every existing ledger unverifiable, so it needs a
//! new format version (`v`), never a silent edit of these values.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use annexa_ledger::{Checkpoint, Entry, Kind, NoteSigner, Period, Subject, tree};
use serde_json::json;

fn entries() -> Vec<Entry> {
    let t = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    let at = |s: &str| Period::at(t(s));
    let subject = |controls: &[&str], assets: &[&str]| Subject {
        controls: controls.iter().map(|c| (*c).to_owned()).collect(),
        assets: assets.iter().map(|a| (*a).to_owned()).collect(),
    };
    vec![
        Entry {
            kind: Kind::ScanRun,
            recorded_at: t("2026-01-05T09:00:00Z"),
            effective: at("2026-01-05T09:00:00Z"),
            subject: subject(&["A.8.9", "A.8.20"], &[]),
            artefact_sha256: Some("ab".repeat(32)),
            payload: json!({"run": "r1", "tool": "annexa", "trigger": "ci", "findings": 1}),
        },
        Entry {
            kind: Kind::ControlResult,
            recorded_at: t("2026-01-05T09:00:00Z"),
            effective: at("2026-01-05T09:00:00Z"),
            subject: subject(&["A.8.9"], &[]),
            artefact_sha256: None,
            payload: json!({"run": "r1", "control": "A.8.9", "result": "fail", "findings": 1}),
        },
        Entry {
            kind: Kind::ControlResult,
            recorded_at: t("2026-01-05T09:00:00Z"),
            effective: at("2026-01-05T09:00:00Z"),
            subject: subject(&["A.8.20"], &[]),
            artefact_sha256: None,
            payload: json!({"run": "r1", "control": "A.8.20", "result": "pass", "findings": 0}),
        },
        Entry {
            kind: Kind::Finding,
            recorded_at: t("2026-01-05T09:00:00Z"),
            effective: at("2026-01-05T09:00:00Z"),
            subject: subject(&["A.8.9"], &["Deployment shop/web"]),
            artefact_sha256: None,
            payload: json!({"run": "r1", "check": "K8S-0001", "message": "container `app` is privileged (é, \u{1F512})",
                            "location": {"file": "k8s/web.yaml", "line": 14, "col": 11}}),
        },
        Entry {
            kind: Kind::Decision,
            recorded_at: t("2026-01-06T10:30:00Z"),
            effective: Period { from: t("2025-10-01T00:00:00Z"), to: t("2025-12-31T23:59:59Z") },
            subject: subject(&["A.5.18"], &[]),
            artefact_sha256: None,
            payload: json!({"decision": "quarterly access review done", "by": "ciso@example.com"}),
        },
        Entry {
            kind: Kind::Exemption,
            recorded_at: t("2026-01-07T08:00:00Z"),
            effective: Period { from: t("2026-01-07T00:00:00Z"), to: t("2026-03-31T23:59:59Z") },
            subject: subject(&["A.8.9"], &["DaemonSet monitoring/node-exporter"]),
            artefact_sha256: None,
            payload: json!({"check": "K8S-0003", "owner": "platform", "reason": "needs host network"}),
        },
        Entry {
            kind: Kind::Document,
            recorded_at: t("2026-01-08T12:00:00Z"),
            effective: at("2026-01-08T12:00:00Z"),
            subject: subject(&["A.5.1"], &[]),
            artefact_sha256: Some("0f".repeat(32)),
            payload: json!({"document": "policies/access-control.md", "version": "1.2", "tabs\tand\nlines": true}),
        },
        Entry {
            kind: Kind::ScanRun,
            recorded_at: t("2026-01-12T09:00:00Z"),
            effective: at("2026-01-12T09:00:00Z"),
            subject: subject(&["A.8.9", "A.8.20"], &[]),
            artefact_sha256: None,
            payload: json!({"run": "r2", "tool": "annexa", "trigger": "manual", "findings": 0, "pass_rate": 0.5}),
        },
    ]
}

const RECORD_3: &str = r#"{"effective":{"from":"2026-01-05T09:00:00Z","to":"2026-01-05T09:00:00Z"},"kind":"finding","payload":{"check":"K8S-0001","location":{"col":11,"file":"k8s/web.yaml","line":14},"message":"container `app` is privileged (é, 🔒)","run":"r1"},"recorded_at":"2026-01-05T09:00:00Z","seq":3,"subject":{"assets":["Deployment shop/web"],"controls":["A.8.9"]},"v":1}"#;
const LEAVES: [&str; 8] = [
    "93dfb06bba7c98a403698ed728390e24ae9592df3cdcde0136a51b65a4f619e6",
    "8d4fe575a38308f3bd78e2ede0ca1d0ece16e76fd3aeb43280a3ca3627093036",
    "347788697f66024a9e27cf94e99de1902be6ebd09740893a8e00e083e84f8a5f",
    "ec9d9bc3512a1130cc08f34915801812a15275415236d9e713f1adff07481705",
    "c9c117f162a3ecfb551fba3eaa1f2e6adcdf208627802603c71cea9998a91ef0",
    "89f28b3b85f2fcfc57dcd06e2a2a1d7f9a850d7ab2ad32a42a3131b95318be5c",
    "ec596e1ed68d9922d43c839d010224deda4b20cd70772dc2ee792527ce061df4",
    "e996933cb913cace1ad4477877e71f60989022d14be9d50b8d0caf4cc4ebd4fb",
];
const ROOT: &str = "33d9aa0797e98480c355c010f48863b245210e9bf09796d7bef1b216815cb2ed";
const CHECKPOINT: &str = "annexa-ledger/golden\n8\nM9mqB5fphIDDVcAQ9IhjskUhDpvwl5bXvvGyFoFcsu0=\n\n\
— annexa-ledger/golden JKXbhQUTeAi++hqNxs2i3Tew7e/SEKVsoZuiVRz6ZsKRr0T95D4YVMY52roLnwCSnXHHBBuixPXqYj4lkOVvwQTpwAs=\n";

#[test]
fn the_encoding_never_changes_silently() {
    let sealed: Vec<_> = entries().into_iter().enumerate().map(|(i, e)| e.seal(i as u64).unwrap()).collect();
    let record_3 = String::from_utf8(sealed[3].bytes.clone()).unwrap();
    let leaves: Vec<String> = sealed.iter().map(|s| tree::hex(&s.leaf)).collect();
    let root = tree::root(&sealed.iter().map(|s| s.leaf).collect::<Vec<_>>());
    let signer = NoteSigner::from_seed("annexa-ledger/golden", [1u8; 32]).unwrap();
    let note = Checkpoint { origin: "annexa-ledger/golden".into(), size: 8, root }.sign(&signer).unwrap();
    assert_eq!(record_3, RECORD_3);
    assert_eq!(leaves, LEAVES);
    assert_eq!(tree::hex(&root), ROOT);
    assert_eq!(note, CHECKPOINT);
}

/// An independent encoder agrees: Python's `json.dumps(sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)` rewrites each record without floating-point numbers (all but the last)
/// to exactly the bytes annexa hashed, and `hashlib` gives the same leaf hashes.
#[test]
fn python_reproduces_the_bytes_and_leaf_hashes() {
    let sealed: Vec<_> = entries().into_iter().enumerate().map(|(i, e)| e.seal(i as u64).unwrap()).collect();
    let mut input = String::new();
    for s in &sealed[..7] {
        input.push_str(std::str::from_utf8(&s.bytes).unwrap());
        input.push('\n');
    }
    let script = r#"
import sys, json, hashlib
for line in sys.stdin.read().splitlines():
    b = json.dumps(json.loads(line), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    print(b == line.encode(), hashlib.sha256(b"\x00" + b).hexdigest())
"#;
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed for this test");
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect();
    let expected: Vec<String> = LEAVES[..7].iter().map(|l| format!("True {l}")).collect();
    assert_eq!(lines, expected);
}
