//! The ledger's keys: the public key committed at `.annexa/ledger.pub`, the private key kept
//! outside the repository (`$XDG_CONFIG_HOME/annexa/keys/<id>.key`, or `--signing-key`), both
//! in the signed-note key formats.

use super::{EvidenceError, EvidenceOptions, io};
use annexa_ledger::{NoteSigner, NoteVerifier};
use std::path::{Path, PathBuf};

/// The trusted public key, when the ISMS repository has one.
pub(crate) fn verifier(options: &EvidenceOptions) -> Result<Option<NoteVerifier>, EvidenceError> {
    let path = options.public_key_path();
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(io("read", &path))?;
    NoteVerifier::parse(&text).map(Some).map_err(|e| EvidenceError::Key(format!("`{}`: {e}", path.display())))
}

/// The trusted public key, which commands that check evidence cannot do without.
pub(crate) fn required_verifier(options: &EvidenceOptions) -> Result<NoteVerifier, EvidenceError> {
    verifier(options)?.ok_or_else(|| {
        EvidenceError::Key(format!(
            "no public key at `{}`: the ledger cannot be checked without it",
            options.public_key_path().display()
        ))
    })
}

/// Where a key named `name` is kept by default.
fn default_key_path(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let id = name.rsplit('/').next().unwrap_or(name);
    Some(base.join("annexa").join("keys").join(format!("{id}.key")))
}

/// The private key for the ledger named `name`.
pub(crate) fn signer(options: &EvidenceOptions, name: &str) -> Result<NoteSigner, EvidenceError> {
    let (text, from) = match &options.signing_key {
        // CI secrets are text: the key itself may stand in the variable.
        Some(k) if k.trim_start().starts_with("PRIVATE+KEY+") => (k.clone(), "--signing-key".to_owned()),
        Some(path) => {
            let p = Path::new(path);
            (std::fs::read_to_string(p).map_err(io("read", p))?, path.clone())
        }
        None => {
            let p = default_key_path(name)
                .ok_or_else(|| EvidenceError::Key("no home directory to find the signing key in".into()))?;
            if !p.exists() {
                return Err(EvidenceError::Key(format!(
                    "the signing key of ledger `{name}` is not at `{}`; give it with `--signing-key` or `ANNEXA_SIGNING_KEY`",
                    p.display()
                )));
            }
            (std::fs::read_to_string(&p).map_err(io("read", &p))?, p.display().to_string())
        }
    };
    let signer = NoteSigner::parse(&text).map_err(|e| EvidenceError::Key(format!("`{from}`: {e}")))?;
    if signer.name() != name {
        return Err(EvidenceError::Key(format!("`{from}` is the key of `{}`, not of ledger `{name}`", signer.name())));
    }
    Ok(signer)
}

/// A new key pair for a new ledger: the public key written to the repository, the private key
/// to the user's configuration (or to `--signing-key` when that names a file that does not
/// exist yet). Returns the signer and where its private key went.
pub(crate) fn create(options: &EvidenceOptions) -> Result<(NoteSigner, PathBuf), EvidenceError> {
    let mut random = [0u8; 40];
    getrandom::fill(&mut random).map_err(|e| EvidenceError::Key(format!("no randomness for a key: {e}")))?;
    let id: String = random[32..].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("annexa-ledger/{id}");
    let mut seed = [0u8; 32];
    seed.copy_from_slice(&random[..32]);
    let signer = NoteSigner::from_seed(&name, seed).map_err(|e| EvidenceError::Key(e.to_string()))?;
    let private = match &options.signing_key {
        Some(path) if !path.trim_start().starts_with("PRIVATE+KEY+") => PathBuf::from(path),
        _ => {
            default_key_path(&name).ok_or_else(|| EvidenceError::Key("no home directory to keep the key in".into()))?
        }
    };
    write_private(&private, &signer.to_text())?;
    let public = options.public_key_path();
    if let Some(parent) = public.parent() {
        std::fs::create_dir_all(parent).map_err(io("write", parent))?;
    }
    std::fs::write(&public, format!("{}\n", signer.verifier().to_text())).map_err(io("write", &public))?;
    Ok((signer, private))
}

/// Writes a private key readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), EvidenceError> {
    use std::io::Write as _;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io("write", parent))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io("write", path))?;
    file.write_all(format!("{text}\n").as_bytes()).map_err(io("write", path))
}
