//! Credentials baked into container images by their Dockerfile.

use super::detect::{in_text, is_reference, is_secret_file, is_secret_name, named};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Resource, Target, check};
use annexa_load::dockerfile::Instruction;
use annexa_load::{Dockerfile, Location};

check! {
    /// ## What it checks
    /// Dockerfile instructions that put a credential into the image or its metadata:
    /// `ENV` setting a credential-named variable (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`,
    /// `*API_KEY*`...) to a literal or to a build argument, or setting any variable to a value
    /// in a known credential format; `ARG` declaring a credential-named build argument (with
    /// or without a default) or a default in a known credential format; `COPY`/`ADD` of
    /// credential files (`id_rsa` and other SSH keys, `.env`, `*.pem` private keys, `*.key`,
    /// `*.p12`, `*.jks`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, kubeconfigs); and
    /// `RUN` commands with a literal credential on their command line. One finding per
    /// instruction; values are always shown masked.
    ///
    /// ## Why it matters
    /// Everything an image is built with stays inspectable: `ENV` values appear in
    /// `docker inspect` and in every container, build arguments are recorded in the image
    /// history and build provenance, and a copied file survives in its layer even if a later
    /// step deletes it. Anyone who can pull the image gets the credential.
    ///
    /// ## Remediation
    /// Pass build-time credentials with BuildKit secret mounts
    /// (`RUN --mount=type=secret,id=npm_token ...`) or SSH mounts (`--mount=type=ssh`), and
    /// give runtime credentials to the container at run time (Kubernetes Secrets, a secret
    /// manager). Exclude key and `.env` files with `.dockerignore`. Rotate any credential
    /// that was built into a published image.
    ///
    /// ## References
    /// Docker documentation, Build secrets. OWASP Docker Security Cheat Sheet.
    /// CIS Docker Benchmark 4.10 (do not store secrets in Dockerfiles).
    pub struct SecretInDockerfile;
    id: "SEC-0003",
    slug: "secret-in-dockerfile",
    title: "Credential built into a container image",
    severity: High,
    target: Target::Dockerfile,
    controls: [A5_17, A8_12, A8_25],
    strategies: [],
    aliases: ["DS-0031", "DS031"],
}

/// Words of an instruction's arguments: whitespace outside quotes separates, quotes are
/// removed, line continuations are spaces, and a word starting with `#` ends the list.
fn words(text: &str) -> Vec<String> {
    let text = text.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut out = Vec::new();
    let mut word = String::new();
    let mut started = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            // An inline `#` comment (not Dockerfile syntax, but written anyway) ends the words.
            (None, '#') if !started => break,
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (_, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

/// `ENV`/`ARG` pairs: `NAME=value` words, or the legacy `ENV NAME value` form.
fn pairs(i: &Instruction) -> Vec<(String, Option<String>)> {
    let w = words(&i.args);
    if i.keyword == "ENV" && w.first().is_some_and(|f| !f.contains('=')) {
        let name = w.first().cloned().unwrap_or_default();
        let value = w.get(1..).map(|rest| rest.join(" ")).unwrap_or_default();
        return vec![(name, Some(value))];
    }
    w.into_iter()
        .map(|word| match word.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (word, None),
        })
        .collect()
}

/// What is wrong with one instruction, if anything.
fn judge(i: &Instruction) -> Option<String> {
    match i.keyword.as_str() {
        "ENV" | "ARG" => {
            for (name, value) in pairs(i) {
                let value = value.unwrap_or_default();
                if let Some(hit) = named(&name, &value) {
                    return Some(format!("`{} {name}` puts {} into the image", i.keyword, hit.describe()));
                }
                if !is_secret_name(&name) {
                    continue;
                }
                if i.keyword == "ARG" {
                    return Some(format!(
                        "build argument `{name}` carries a credential through the build, where it is recorded in the image history"
                    ));
                }
                if is_reference(&value) {
                    return Some(format!(
                        "`ENV {name}` copies a credential from the build into the image's configuration"
                    ));
                }
            }
            None
        }
        "COPY" | "ADD" => {
            let w = words(&i.args);
            let args = i.args.trim();
            let sources: Vec<String> = if args.starts_with('[') {
                let array = args.rfind(']').and_then(|end| args.get(..=end)).unwrap_or(args);
                serde_json::from_str::<Vec<String>>(array).unwrap_or_default()
            } else {
                w
            };
            let count = sources.len();
            let file = sources.into_iter().take(count.saturating_sub(1)).find(|s| is_secret_file(s))?;
            Some(format!("`{}` puts the credential file `{file}` into the image", i.keyword))
        }
        "RUN" => {
            let (_, hit) = in_text(&i.args).into_iter().next()?;
            Some(format!("`RUN` has {} on its command line, which is kept in the image history", hit.describe()))
        }
        _ => None,
    }
}

impl Check for SecretInDockerfile {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        for i in &d.instructions {
            let Some(message) = judge(i) else { continue };
            let location = Location { file: d.file.clone(), line: i.pos.line, col: i.pos.col, pointer: String::new() };
            let resource =
                Resource { kind: "Dockerfile".to_owned(), namespace: None, name: d.file.to_string(), container: None };
            out.at(&Self::META, location, Some(resource), message);
        }
    }
}
