//! Signed checkpoints in the C2SP formats (`c2sp.org/signed-note`, `c2sp.org/tlog-checkpoint`),
//! the ones the Go checksum database, Sigstore and Certificate Transparency's newer logs use:
//!
//! ```text
//! annexa.dev/ledger/3f2a9c01d4e5b6a7
//! 1000
//! 2Yt0aXvBH1eJ0d9tC3kE0ycqJgfQK2K6Vw9BdAWqV+c=
//!
//! — annexa.dev/ledger/3f2a9c01d4e5b6a7 q2Pk8U…base64(key id ‖ Ed25519 signature)…
//! ```
//!
//! Keys are written as Go's `golang.org/x/mod/sumdb/note` writes them (`name+keyid+base64`), so
//! `note.Open` there verifies annexa's checkpoints unchanged.

use crate::tree::Hash;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The algorithm byte of Ed25519 in signed notes.
const ED25519: u8 = 0x01;

/// A checkpoint: the tree's size and root, for one log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name, the first line.
    pub origin: String,
    /// The number of records.
    pub size: u64,
    /// The root hash of the tree over them.
    pub root: Hash,
}

/// A note or key could not be read, or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The key text is not in the `name+keyid+base64` form.
    #[error("malformed key: {0}")]
    BadKey(String),
    /// A key name must be non-empty, printable and free of `+` and spaces.
    #[error("`{0}` cannot be a key name")]
    BadName(String),
    /// The note is not text + blank line + signature lines.
    #[error("malformed signed note: {0}")]
    Malformed(String),
    /// No signature by the key.
    #[error("no signature by `{0}`")]
    Unsigned(String),
    /// A signature by the key that does not verify.
    #[error("the signature by `{0}` does not verify")]
    BadSignature(String),
    /// The note text is not a checkpoint.
    #[error("not a checkpoint: {0}")]
    NotCheckpoint(String),
}

fn check_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.contains('+') || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(NoteError::BadName(name.to_owned()));
    }
    Ok(())
}

/// The 4-byte key id: `SHA-256(name || "\n" || 0x01 || public key)[..4]`.
fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ED25519]);
    h.update(public);
    let d: [u8; 32] = h.finalize().into();
    [d[0], d[1], d[2], d[3]]
}

/// The key that signs checkpoints.
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private key never reaches a log line.
        f.debug_struct("NoteSigner").field("name", &self.name).finish_non_exhaustive()
    }
}

/// The key that checks checkpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key: VerifyingKey,
}

impl NoteSigner {
    /// A signer from a 32-byte seed (the caller draws it from the operating system).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<NoteSigner, NoteError> {
        check_name(name)?;
        Ok(NoteSigner { name: name.to_owned(), key: SigningKey::from_bytes(&seed) })
    }

    /// Reads `PRIVATE+KEY+name+keyid+base64(0x01 || seed)`.
    pub fn parse(text: &str) -> Result<NoteSigner, NoteError> {
        let text = text.trim();
        let rest = text
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| NoteError::BadKey("a private key starts with `PRIVATE+KEY+`".into()))?;
        let (name, id, key) = split_key(rest)?;
        let seed: [u8; 32] =
            key.try_into().map_err(|_| NoteError::BadKey("an Ed25519 private key has 32 bytes".into()))?;
        let signer = NoteSigner::from_seed(name, seed)?;
        if signer.verifier().id() != id {
            return Err(NoteError::BadKey("the key id does not match the key".into()));
        }
        Ok(signer)
    }

    /// The private key text; written to a file only the signer's owner can read.
    pub fn to_text(&self) -> String {
        let mut bytes = vec![ED25519];
        bytes.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{}+{}", self.name, hex4(self.verifier().id()), B64.encode(bytes))
    }

    /// The matching verifier.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier { name: self.name.clone(), key: self.key.verifying_key() }
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Signs note text (which must end in a newline) and returns the whole signed note.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        if !text.ends_with('\n') || text.contains("\n\n") {
            return Err(NoteError::Malformed("note text must end in a newline and hold no blank line".into()));
        }
        let signature = self.key.sign(text.as_bytes());
        let mut blob = self.verifier().id().to_vec();
        blob.extend_from_slice(&signature.to_bytes());
        Ok(format!("{text}\n\u{2014} {} {}\n", self.name, B64.encode(blob)))
    }
}

fn split_key(text: &str) -> Result<(&str, [u8; 4], Vec<u8>), NoteError> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::BadKey("expected `name+keyid+key`".into()));
    };
    check_name(name)?;
    let id = u32::from_str_radix(id, 16)
        .ok()
        .filter(|_| id.len() == 8)
        .ok_or_else(|| NoteError::BadKey(format!("`{id}` is not an 8-digit hexadecimal key id")))?
        .to_be_bytes();
    let bytes = B64.decode(key).map_err(|e| NoteError::BadKey(format!("the key is not base64: {e}")))?;
    match bytes.split_first() {
        Some((&ED25519, key)) => Ok((name, id, key.to_vec())),
        _ => Err(NoteError::BadKey("only Ed25519 keys (algorithm 1) are supported".into())),
    }
}

fn hex4(id: [u8; 4]) -> String {
    format!("{:08x}", u32::from_be_bytes(id))
}

impl NoteVerifier {
    /// Reads `name+keyid+base64(0x01 || public key)`.
    pub fn parse(text: &str) -> Result<NoteVerifier, NoteError> {
        let (name, id, key) = split_key(text.trim())?;
        let key: [u8; 32] =
            key.try_into().map_err(|_| NoteError::BadKey("an Ed25519 public key has 32 bytes".into()))?;
        let key = VerifyingKey::from_bytes(&key).map_err(|e| NoteError::BadKey(e.to_string()))?;
        let verifier = NoteVerifier { name: name.to_owned(), key };
        if verifier.id() != id {
            return Err(NoteError::BadKey("the key id does not match the key".into()));
        }
        Ok(verifier)
    }

    /// The public key text, committed to the ISMS repository.
    pub fn to_text(&self) -> String {
        let mut bytes = vec![ED25519];
        bytes.extend_from_slice(self.key.as_bytes());
        format!("{}+{}+{}", self.name, hex4(self.id()), B64.encode(bytes))
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn id(&self) -> [u8; 4] {
        key_id(&self.name, self.key.as_bytes())
    }

    /// Checks a signed note and returns its text.
    pub fn open<'n>(&self, note: &'n str) -> Result<&'n str, NoteError> {
        let split =
            note.rfind("\n\n").ok_or_else(|| NoteError::Malformed("no blank line before the signatures".into()))?;
        let (text, signatures) = (&note[..split + 1], &note[split + 2..]);
        if signatures.is_empty() || !signatures.ends_with('\n') {
            return Err(NoteError::Malformed("signature lines must end in a newline".into()));
        }
        let mut found = false;
        for line in signatures.lines() {
            let Some(rest) = line.strip_prefix("\u{2014} ") else {
                return Err(NoteError::Malformed(format!("`{line}` is not a signature line")));
            };
            let Some((name, blob)) = rest.split_once(' ') else {
                return Err(NoteError::Malformed(format!("`{line}` has no signature")));
            };
            if name != self.name {
                continue;
            }
            let blob = B64.decode(blob).map_err(|e| NoteError::Malformed(format!("signature is not base64: {e}")))?;
            let Some((id, sig)) = blob.split_first_chunk::<4>() else { continue };
            if *id != self.id() {
                continue;
            }
            found = true;
            let sig: [u8; 64] = sig.try_into().map_err(|_| NoteError::BadSignature(self.name.clone()))?;
            self.key
                .verify_strict(text.as_bytes(), &Signature::from_bytes(&sig))
                .map_err(|_| NoteError::BadSignature(self.name.clone()))?;
        }
        if found { Ok(text) } else { Err(NoteError::Unsigned(self.name.clone())) }
    }

    /// Checks a signed checkpoint and reads it.
    pub fn open_checkpoint(&self, note: &str) -> Result<Checkpoint, NoteError> {
        Checkpoint::parse(self.open(note)?)
    }
}

impl Checkpoint {
    /// The checkpoint's note text.
    pub fn to_text(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root))
    }

    /// Reads checkpoint note text (extension lines after the root are allowed and ignored).
    pub fn parse(text: &str) -> Result<Checkpoint, NoteError> {
        let mut lines = text.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next()) else {
            return Err(NoteError::NotCheckpoint("expected origin, size and root hash lines".into()));
        };
        if origin.is_empty() {
            return Err(NoteError::NotCheckpoint("the origin line is empty".into()));
        }
        let size = size
            .parse::<u64>()
            .ok()
            .filter(|_| !size.starts_with('+') && (size == "0" || !size.starts_with('0')))
            .ok_or_else(|| NoteError::NotCheckpoint(format!("`{size}` is not a tree size")))?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| NoteError::NotCheckpoint(format!("`{root}` is not a base64 SHA-256 root hash")))?;
        Ok(Checkpoint { origin: origin.to_owned(), size, root })
    }

    /// Signs the checkpoint.
    pub fn sign(&self, signer: &NoteSigner) -> Result<String, NoteError> {
        signer.sign(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::leaf_hash;

    fn signer() -> NoteSigner {
        NoteSigner::from_seed("annexa.dev/ledger/test", [7u8; 32]).unwrap()
    }

    #[test]
    fn keys_round_trip_their_text() {
        let s = signer();
        let back = NoteSigner::parse(&s.to_text()).unwrap();
        assert_eq!(back.verifier(), s.verifier());
        assert_eq!(NoteVerifier::parse(&s.verifier().to_text()).unwrap(), s.verifier());
        assert!(s.verifier().to_text().starts_with("annexa.dev/ledger/test+"));
        assert!(format!("{s:?}").find(&B64.encode([7u8; 32])).is_none(), "the seed must not show in Debug");
    }

    /// The verifier key and signed note of Go's `golang.org/x/mod/sumdb/note` documentation
    /// example (name `PeterNeumann`): an independent implementation's output must open here.
    #[test]
    fn opens_the_go_note_example() {
        let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let note = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n\
                    \n\
                    \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let v = NoteVerifier::parse(vkey).unwrap();
        assert_eq!(
            v.open(note).unwrap(),
            "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
        );
        // Ed25519 is deterministic: the example's private key signs to the same bytes.
        let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
        let signer = NoteSigner::parse(skey).unwrap();
        assert_eq!(signer.to_text(), skey);
        assert_eq!(signer.verifier().to_text(), vkey);
        assert_eq!(signer.sign(v.open(note).unwrap()).unwrap(), note);
        let tampered = note.replace("cryptography", "Cryptography");
        assert_eq!(v.open(&tampered), Err(NoteError::BadSignature("PeterNeumann".into())));
    }

    #[test]
    fn checkpoints_sign_and_verify() {
        let s = signer();
        let cp = Checkpoint { origin: "annexa.dev/ledger/test".into(), size: 3, root: leaf_hash(b"x") };
        let note = cp.sign(&s).unwrap();
        assert_eq!(s.verifier().open_checkpoint(&note).unwrap(), cp);
        let other = NoteSigner::from_seed("annexa.dev/ledger/test", [8u8; 32]).unwrap();
        assert!(other.verifier().open_checkpoint(&note).is_err());
        let forged = note.replacen("\n3\n", "\n4\n", 1);
        assert!(s.verifier().open_checkpoint(&forged).is_err());
        assert!(Checkpoint::parse("o\n01\nAA==\n").is_err());
    }
}
