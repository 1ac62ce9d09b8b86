//! Credential detection shared by every secret check: pure functions over names and strings.
//!
//! Two kinds of evidence. *Patterns* are formats that are credentials wherever they appear (AWS
//! access key ids, GitHub, Slack, Stripe and Google API keys, PEM private keys, JWTs, literal
//! `Bearer` tokens, URLs with an embedded password). *Named literals* are values of variables or keys whose name says
//! credential (`password`, `secret`, `token`, `api_key`...) when the value is a literal of at
//! least 8 characters with a Shannon entropy of at least 3 bits per character.
//!
//! Only empty values and references are excluded: `$VAR`, `${VAR}`, `$(command)`, `{{ }}` and
//! `${{ }}` templating (a `valueFrom` is not a value at all). Values that merely look fake
//! (`EXAMPLE`, `FAKE`, `changeme`) are *not* excluded: test estates plant such values and they
//! must be found. A hit never carries its value into a message unmasked: [`Hit::describe`]
//! goes through [`crate::mask`].

use crate::mask;

/// One credential found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    /// What it looks like, for messages: `an AWS access key id`.
    pub(crate) kind: &'static str,
    /// The credential itself. Never put in a message: use [`Hit::describe`].
    pub(crate) secret: String,
}

impl Hit {
    /// `a Stripe live key (`sk_l**** (26 characters)`)`: what it is, masked.
    pub(crate) fn describe(&self) -> String {
        format!("{} (`{}`)", self.kind, mask(&self.secret))
    }
}

/// Name fragments that say credential.
const SECRET_WORDS: [&str; 14] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "access_key",
    "private_key",
    "privatekey",
    "credential",
    "auth_key",
    "client_key",
    "signing_key",
];

/// Name endings that say the value is not the credential but where to find it or about it.
const NOT_SECRET_SUFFIXES: [&str; 15] = [
    "_file",
    "_path",
    "_dir",
    "_name",
    "_ref",
    "_url",
    "_uri",
    "_endpoint",
    "_id",
    "_type",
    "_length",
    "_ttl",
    "_expiry",
    "_expires",
    "_policy",
];

/// Whether a variable or key name says it holds a credential (`DB_PASSWORD`, `apiKey`,
/// `stripe.secret-key`), and not a pointer to one (`PASSWORD_FILE`, `SECRET_NAME`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let n = normalise_name(name);
    if n.is_empty() || NOT_SECRET_SUFFIXES.iter().any(|s| n.ends_with(s)) {
        return false;
    }
    // `pwd` and `pass` only as whole words: `PWD` the working directory is not one.
    let words: Vec<&str> = n.split('_').filter(|w| !w.is_empty()).collect();
    let last = words.last().copied().unwrap_or_default();
    let before_last = words.len().checked_sub(2).and_then(|i| words.get(i)).copied().unwrap_or_default();
    // `*_KEY` is a key (`AZURE_BATCH_KEY`, `ENCRYPTION_KEY`) unless it names a public or a
    // lookup key.
    let key = last == "key"
        && words.len() > 1
        && !matches!(
            before_last,
            "public"
                | "pub"
                | "cache"
                | "sort"
                | "partition"
                | "primary"
                | "foreign"
                | "routing"
                | "idempotency"
                | "s3"
                | "object"
        );
    SECRET_WORDS.iter().any(|w| n.contains(w))
        || words.iter().any(|w| matches!(*w, "pass" | "pw" | "psk" | "dbpass"))
        || last == "pwd" && words.len() > 1
        || key
}

/// `apiKey`, `api-key`, `API.KEY` → `api_key`.
fn normalise_name(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.trim().chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' });
    }
    out
}

/// Whether a value is a reference or templating rather than a literal: `$VAR`, `${VAR}`,
/// `$(cmd)`, `{{ .Values.x }}`, `${{ secrets.X }}`, `#{X}#`. Literal text around a reference
/// does not make it a literal credential either (`Bearer ${TOKEN}`).
pub(crate) fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.contains("${") || v.contains("$(") || v.contains("{{") || v.contains("#{") || is_shell_variable(v)
}

fn is_shell_variable(v: &str) -> bool {
    v.strip_prefix('$').is_some_and(|rest| {
        rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Shannon entropy in bits per character.
pub(crate) fn entropy(value: &str) -> f64 {
    let mut counts: std::collections::BTreeMap<char, usize> = std::collections::BTreeMap::new();
    let mut total = 0usize;
    for c in value.chars() {
        *counts.entry(c).or_default() += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let n = total as f64;
    counts.values().map(|&k| k as f64 / n).map(|p| -p * p.log2()).sum()
}

/// Whether a value of a credential-named variable is a literal credential: at least 8
/// characters, entropy of at least 3 bits per character, not a reference, and not something
/// that is plainly no credential (a file path, a URL without a password, a number, prose).
pub(crate) fn is_literal_credential(value: &str) -> bool {
    let v = value.trim();
    if v.chars().count() < 8 || is_reference(v) || entropy(v) < 3.0 {
        return false;
    }
    let path =
        v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/") || relative_file(v);
    let url = v.contains("://") && userinfo_password(v).is_none();
    let number = v.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    let prose = v.split_whitespace().count() > 2;
    !(path || url || number || prose)
}

/// `certs/server.key`: a relative path ending in a file name with an extension.
fn relative_file(v: &str) -> bool {
    let Some((dir, file)) = v.rsplit_once('/') else { return false };
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
    !dir.is_empty()
        && !v.contains(char::is_whitespace)
        && (2..=5).contains(&ext.len())
        && ext.chars().all(|c| c.is_ascii_alphabetic())
        && file.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A credential in a named setting: a known pattern anywhere in the value, else the whole
/// value when the name says credential and the value is a literal credential.
pub(crate) fn named(name: &str, value: &str) -> Option<Hit> {
    if let Some(hit) = patterns(value).into_iter().next() {
        return Some(hit);
    }
    (is_secret_name(name) && is_literal_credential(value))
        .then(|| Hit { kind: "a literal credential", secret: value.trim().to_owned() })
}

/// The bytes a pattern can start with: `AKIA`, `ASIA`, `AIza`, `gh?_`, `github_pat_`, `xox?-`,
/// `sk_live_`, `rk_live_`, `eyJ`, `Bearer ` in any case, and the dashes of a PEM header.
const PATTERN_START: [bool; 256] = {
    let mut t = [false; 256];
    let starts = b"AgxsreBb-";
    let mut i = 0;
    while i < starts.len() {
        t[starts[i] as usize] = true;
        i += 1;
    }
    t
};

/// Every known credential pattern in a text, in order of appearance.
pub(crate) fn patterns(text: &str) -> Vec<Hit> {
    let mut hits: Vec<(usize, Hit)> = Vec::new();
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric();
    let run = |from: usize, ok: &dyn Fn(u8) -> bool| b.iter().skip(from).take_while(|c| ok(**c)).count();
    let mut i = 0;
    while let Some(&first) = b.get(i) {
        // Most bytes start no pattern: they are stepped over without a look at what follows.
        // Every starting byte is ASCII, so `i` is on a character boundary whenever one is found.
        if !PATTERN_START[usize::from(first)] {
            i += 1;
            continue;
        }
        let rest = text.get(i..).unwrap_or_default();
        let boundary = i == 0 || b.get(i - 1).is_some_and(|c| !word(*c) && *c != b'_' && *c != b'-');
        let mut found: Option<(usize, &'static str)> = None;
        if boundary {
            if rest.starts_with("AKIA") || rest.starts_with("ASIA") {
                let n = run(i + 4, &|c| c.is_ascii_uppercase() || c.is_ascii_digit());
                if n == 16 {
                    found = Some((20, "an AWS access key id"));
                }
            } else if ["ghp_", "gho_", "ghs_", "ghu_", "ghr_"].iter().any(|p| rest.starts_with(p)) {
                let n = run(i + 4, &|c| c.is_ascii_alphanumeric());
                if n >= 30 {
                    found = Some((4 + n, "a GitHub token"));
                }
            } else if rest.starts_with("github_pat_") {
                let n = run(i + 11, &|c| c.is_ascii_alphanumeric() || c == b'_');
                if n >= 22 {
                    found = Some((11 + n, "a GitHub fine-grained token"));
                }
            } else if rest.starts_with("xox")
                && b.get(i + 3).is_some_and(|c| b"baprs".contains(c))
                && b.get(i + 4) == Some(&b'-')
            {
                let n = run(i + 5, &|c| c.is_ascii_alphanumeric() || c == b'-');
                if n >= 10 {
                    found = Some((5 + n, "a Slack token"));
                }
            } else if rest.starts_with("sk_live_") || rest.starts_with("rk_live_") {
                let n = run(i + 8, &|c| c.is_ascii_alphanumeric());
                if n >= 10 {
                    found = Some((8 + n, "a Stripe live key"));
                }
            } else if rest.starts_with("AIza") {
                let n = run(i + 4, &|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
                if n >= 35 {
                    found = Some((4 + n, "a Google API key"));
                }
            } else if rest.starts_with("eyJ") {
                found = jwt(rest).map(|n| (n, "a JSON Web Token"));
            } else if rest.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("bearer ")) {
                found = bearer(rest).map(|n| (n, "a bearer token"));
            }
        }
        if found.is_none() && rest.starts_with("---") && (i == 0 || b.get(i - 1) != Some(&b'-')) {
            found = private_key(rest).map(|n| (n, "a private key"));
        }
        if let Some((len, kind)) = found {
            let secret = text.get(i..i + len).unwrap_or_default().to_owned();
            hits.push((i, Hit { kind, secret }));
            i += len.max(1);
            continue;
        }
        i += 1;
    }
    if let Some(password) = userinfo_password(text) {
        let at = text.find(&password).unwrap_or(usize::MAX);
        hits.push((at, Hit { kind: "a password embedded in a URL", secret: password }));
        hits.sort_by_key(|(at, _)| *at);
    }
    hits.into_iter().map(|(_, h)| h).collect()
}

/// Length of `Bearer <token>` at the start of `text` when the token is a literal of at least 8
/// characters and 3 bits of entropy per character (so `Bearer $TOKEN` and prose do not match).
fn bearer(text: &str) -> Option<usize> {
    let token_start = 7 + text.get(7..)?.chars().take_while(|c| *c == ' ').count();
    let token: String = text
        .get(token_start..)?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '+' | '/' | '-' | '='))
        .collect();
    let next = text.get(token_start + token.len()..)?.chars().next();
    let ends_cleanly = next.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'));
    (token.len() >= 8 && ends_cleanly && entropy(&token) >= 3.0).then_some(token_start + token.len())
}

/// Length of a JWT (`eyJ<header>.eyJ<payload>.<signature>`) at the start of `text`.
fn jwt(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let part = |from: usize| {
        b.iter().skip(from).take_while(|c| c.is_ascii_alphanumeric() || **c == b'_' || **c == b'-').count()
    };
    let header = part(0);
    if header < 10 || b.get(header) != Some(&b'.') || !text.get(header + 1..)?.starts_with("eyJ") {
        return None;
    }
    let payload = part(header + 1);
    if payload < 10 || b.get(header + 1 + payload) != Some(&b'.') {
        return None;
    }
    let signature = part(header + payload + 2);
    Some(header + payload + 2 + signature)
}

/// Length of a PEM private key block at the start of `text` (to its END line, or its header
/// line when the block is cut short). Hand-edited keys with three or four dashes count too.
fn private_key(text: &str) -> Option<usize> {
    let header_end = text.find('\n').unwrap_or(text.len());
    let header = text.get(..header_end)?.trim_end();
    let dashes = header.chars().take_while(|c| *c == '-').count();
    let label = header.get(dashes..)?.strip_prefix("BEGIN ")?;
    let trailing = label.chars().rev().take_while(|c| *c == '-').count();
    let label = label.get(..label.len() - trailing)?.trim_end();
    if dashes < 3 || trailing < 3 || !label.ends_with("PRIVATE KEY") && label != "PGP PRIVATE KEY BLOCK" {
        return None;
    }
    let end = text.find("END ").and_then(|at| {
        let after = text.get(at..)?;
        let line_end = after.find('\n').unwrap_or(after.len());
        let line = after.get(..line_end)?;
        line.contains("PRIVATE KEY").then(|| at + line.trim_end().len())
    });
    Some(end.unwrap_or(header_end))
}

/// The literal password of a `scheme://user:password@host` URL in the text.
fn userinfo_password(text: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = text.get(from..)?.find("://") {
        let start = from + at + 3;
        let tail = text.get(start..)?;
        let end = tail.find(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'').unwrap_or(tail.len());
        let authority = tail.get(..end)?;
        if let Some((userinfo, _host)) = authority.rsplit_once('@')
            && let Some((_user, password)) = userinfo.split_once(':')
            && !password.is_empty()
            && !is_reference(password)
            && !password.starts_with('$')
            && !password.chars().all(|c| c == '*' || c == 'x' || c == 'X')
        {
            return Some(password.to_owned());
        }
        from = start;
    }
    None
}

/// `NAME=value`, `name: value`, `"name": "value"` and `name = "value"` assignments in a
/// configuration file or script, one per line: `(0-based line, name, value)`. Shell `export`
/// and `--build-arg` prefixes are dropped.
pub(crate) fn assignments(text: &str) -> Vec<(usize, &str, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim().trim_start_matches("- ").trim();
        if l.starts_with('#') || l.starts_with("//") || l.is_empty() {
            continue;
        }
        let l = l.strip_prefix("export ").unwrap_or(l).trim();
        let split = [l.find('='), l.find(':')].into_iter().flatten().min();
        let Some(at) = split else { continue };
        let (name, value) = (l.get(..at).unwrap_or_default(), l.get(at + 1..).unwrap_or_default());
        // `=` right after `:` or a `::` is not an assignment, nor a URL's `://`.
        if value.starts_with('/') || value.starts_with(':') || value.starts_with('=') {
            continue;
        }
        let name = name.trim().trim_matches(|c| c == '"' || c == '\'');
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        let value = value.trim().trim_end_matches(',').trim();
        let value = value.split(" #").next().unwrap_or(value).trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        out.push((i, name, value));
    }
    out
}

/// Credentials in free text (a script, a configuration file): patterns anywhere, and
/// credential-named assignments with literal values, each with its 0-based line; one hit per
/// line.
pub(crate) fn in_text(text: &str) -> Vec<(usize, Hit)> {
    let mut out: Vec<(usize, Hit)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(hit) = patterns(line).into_iter().next() {
            out.push((i, hit));
        }
    }
    for (i, name, value) in assignments(text) {
        if out.iter().any(|(l, _)| *l == i) {
            continue;
        }
        if is_secret_name(name) && is_literal_credential(value) {
            out.push((i, Hit { kind: "a literal credential", secret: value.to_owned() }));
        }
    }
    // Command-line credentials: `--password value`, `-p value` after `login`.
    for (i, line) in text.lines().enumerate() {
        // Every flag looked for starts with `--` or is `-p`: other lines need no splitting.
        if (!line.contains("--") && !line.contains("-p")) || out.iter().any(|(l, _)| *l == i) {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        for (j, w) in words.iter().enumerate() {
            let value = match w.split_once('=') {
                Some((flag, v)) if is_password_flag(flag) => Some(v),
                None if is_password_flag(w) || *w == "-p" && words.iter().take(j).any(|x| *x == "login") => {
                    words.get(j + 1).copied()
                }
                _ => None,
            };
            let Some(v) = value.map(|v| v.trim_matches(|c| c == '"' || c == '\'')) else { continue };
            if is_literal_credential(v) {
                out.push((i, Hit { kind: "a literal credential on a command line", secret: v.to_owned() }));
                break;
            }
        }
    }
    out.sort_by_key(|(l, _)| *l);
    out
}

fn is_password_flag(flag: &str) -> bool {
    matches!(flag, "--password" | "--token" | "--api-key" | "--apikey" | "--secret" | "--client-secret")
}

/// Decodes standard or URL-safe base64 (padding optional, whitespace ignored).
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0u32;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// File names that hold credentials when copied into an image or mounted from configuration:
/// SSH and TLS private keys, key stores, `.env` files, registry and package-manager
/// credentials, kubeconfigs.
pub(crate) fn is_secret_file(path: &str) -> bool {
    let name = path.trim_end_matches('/').rsplit(['/', '\\']).next().unwrap_or(path).to_ascii_lowercase();
    let templated = [".example", ".sample", ".template", ".dist", ".tmpl"].iter().any(|s| name.ends_with(s));
    if templated {
        return false;
    }
    let exact = [
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        ".env",
        ".npmrc",
        ".pypirc",
        ".netrc",
        ".git-credentials",
        ".dockercfg",
        "credentials",
        "kubeconfig",
        ".htpasswd",
        "secrets.yaml",
        "secrets.yml",
        "secrets.json",
    ];
    let public_pem = ["cert", "ca.", "-ca", "_ca", "chain", "bundle", "pub"].iter().any(|m| name.contains(m));
    exact.contains(&name.as_str())
        || name.starts_with(".env.")
        || name.ends_with(".pem") && !public_pem
        || [".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk"].iter().any(|e| name.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use annexa_load::{Options, load_bytes};

    /// Fake credentials, one per pattern (none of them works anywhere).
    const FAKES: [&str; 9] = [
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_FAKEEXAMPLE0123456789abcdefghijklmnopq",
        "xoxb-000000000000-FAKEEXAMPLEtoken",
        "sk_live_51FAKEEXAMPLEKEYDONOTUSE00",
        "AIzaSyFAKEEXAMPLE-0123456789abcdefghijkl",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmYWtlLWV4YW1wbGUifQ.ZmFrZS1zaWduYXR1cmU",
        "github_pat_11FAKEEXAMPLE0000000000_abcdefghijklmnop",
        "rk_live_FAKEEXAMPLE0000",
        "ASIAFAKEEXAMPLE00000",
    ];

    #[test]
    fn every_pattern_is_found_with_its_exact_extent() {
        for fake in FAKES {
            let text = format!("export X=\"{fake}\"");
            let hits = patterns(&text);
            assert_eq!(hits.len(), 1, "{fake}: {hits:?}");
            assert_eq!(hits[0].secret, fake);
        }
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAFAKEEXAMPLE\n-----END OPENSSH PRIVATE KEY-----";
        assert_eq!(patterns(key)[0].kind, "a private key");
        assert_eq!(patterns(key)[0].secret, key);
        assert!(patterns("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").is_empty());
        assert_eq!(
            patterns("---BEGIN OPENSSH PRIVATE KEY---\nxxxxx\n---END  OPENSSH PRIVATE KEY---")[0].kind,
            "a private key"
        );
        assert!(patterns("--BEGIN PRIVATE KEY--").is_empty());
        assert_eq!(patterns("Authorization: bearer abc123def")[0].secret, "bearer abc123def");
        assert!(patterns("Authorization: Bearer $TOKEN").is_empty());
        assert!(patterns("Authorization: Bearer ${{ secrets.TOKEN }}").is_empty());
        assert_eq!(patterns("postgres://orders:s3cr3t-FAKE@db:5432/orders")[0].secret, "s3cr3t-FAKE");
        assert!(patterns("postgres://orders:${DB_PASSWORD}@db/orders").is_empty());
        assert!(patterns("XAKIAIOSFODNN7EXAMPLE").is_empty(), "inside a word");
        assert!(patterns("AKIAIOSFODNN7EXAMPL").is_empty(), "too short");
        // Bytes are skipped one at a time up to a possible start: patterns behind multi-byte
        // characters are found whole, and characters that merely contain a starting byte's
        // value in their encoding start nothing.
        for fake in FAKES {
            let text = format!("clé → «{fake}» ü");
            assert_eq!(patterns(&text).first().map(|h| h.secret.as_str()), Some(fake), "{text}");
        }
        assert!(patterns("ĀĂĄ ġĢ ſ ėę ΑΒΓ 𝐀𝐁").is_empty());
    }

    #[test]
    fn names_and_values() {
        for name in
            ["DB_PASSWORD", "apiKey", "client-secret", "GITHUB_TOKEN", "SMTP_PASSWORD", "db.pass", "MYSQL_ROOT_PWD"]
        {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "SECRET_NAME",
            "PWD",
            "TOKEN_URL",
            "LOG_LEVEL",
            "PASSWORD_MIN_LENGTH",
            "bypass",
            "PUBLIC_KEY",
            "cacheKey",
            "KEY",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
        assert!(is_literal_credential("hunter2-example"));
        assert!(is_literal_credential("example-password-123"));
        assert!(is_literal_credential("abcd1234"));
        assert!(!is_literal_credential("supersecret"), "entropy below 3 bits");
        assert!(!is_literal_credential("short"));
        for reference in
            ["$DB_PASSWORD", "${DB_PASSWORD}", "$(cat /run/secrets/x)", "{{ .Values.pw }}", "${{ secrets.X }}"]
        {
            assert!(!is_literal_credential(reference), "{reference}");
        }
        assert!(!is_literal_credential("/run/secrets/postgres_password"));
        assert!(!is_literal_credential("certs/server.key"));
        assert!(!is_literal_credential("https://vault.example.com/v1"));
        assert!(named("STRIPE_KEY_NAME", "sk_live_51FAKEEXAMPLEKEYDONOTUSE00").is_some(), "patterns win over names");
        assert!(named("COLOR", "a8F3kd9Qx2").is_none());
    }

    #[test]
    fn assignments_and_free_text() {
        let a = assignments("REDIS_PASSWORD=abcd1234\n  \"token\": \"x9Fk2LmQ7p\",\nurl: https://x\n# password=nope");
        assert_eq!(a.len(), 3, "{a:?}");
        assert_eq!(a[2], (2, "url", "https://x"));
        assert_eq!(a[0], (0, "REDIS_PASSWORD", "abcd1234"));
        assert_eq!(a[1].1, "token");
        let t = in_text(
            "set -e\nexport API_TOKEN=Zx8-FAKE-q2LmNp7\ndocker login -u ci -p Qw3rty-FAKE-99 registry\necho $TOKEN",
        );
        let lines: Vec<usize> = t.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 2]);
    }

    #[test]
    fn secret_files() {
        for f in
            ["id_rsa", "/root/.ssh/id_ed25519", ".env", "config/.env.production", "tls.key", "server.pem", "app.p12"]
        {
            assert!(is_secret_file(f), "{f}");
        }
        for f in [".env.example", "ca.pem", "fullchain.pem", "cert.pem", "package.json", "src/"] {
            assert!(!is_secret_file(f), "{f}");
        }
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_decode("b3JkZXJz").as_deref(), Some(&b"orders"[..]));
        assert_eq!(base64_decode("aGk=").as_deref(), Some(&b"hi"[..]));
        assert!(base64_decode("not base64!").is_none());
    }

    #[test]
    fn entropy_is_bits_per_character() {
        assert!((entropy("abcd1234") - 3.0).abs() < 1e-9);
        assert_eq!(entropy(""), 0.0);
        assert_eq!(entropy("aaaa"), 0.0);
    }

    /// The promise every secret check makes: a finding names the credential, never shows it.
    #[test]
    fn no_message_contains_a_raw_value() {
        let fakes: Vec<&str> = FAKES.iter().copied().chain(["hunter2-EXAMPLE-pw", "Qw3rty-FAKE-99x"]).collect();
        let files = [
            (
                "k8s.yaml",
                format!(
                    "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - name: a\n      image: x\n      env:\n{}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n{}---\napiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nstringData:\n  password: {}\n",
                    fakes
                        .iter()
                        .enumerate()
                        .map(|(i, f)| format!("        - name: API_TOKEN_{i}\n          value: \"{f}\"\n"))
                        .collect::<String>(),
                    fakes.iter().enumerate().map(|(i, f)| format!("  secret_{i}: \"{f}\"\n")).collect::<String>(),
                    fakes[0]
                ),
            ),
            (
                "Dockerfile",
                format!(
                    "FROM alpine:3.20\n{}",
                    fakes
                        .iter()
                        .enumerate()
                        .map(|(i, f)| format!("ENV API_TOKEN_{i}={f}\nARG PASSWORD_{i}={f}\n"))
                        .collect::<String>()
                ),
            ),
            (
                "docker-compose.yaml",
                format!(
                    "services:\n  a:\n    image: x\n    environment:\n{}",
                    fakes
                        .iter()
                        .enumerate()
                        .map(|(i, f)| format!("      DB_PASSWORD_{i}: \"{f}\"\n"))
                        .collect::<String>()
                ),
            ),
            (
                ".github/workflows/ci.yaml",
                format!(
                    "on: push\npermissions: {{}}\njobs:\n  b:\n    runs-on: ubuntu-latest\n    env:\n{}    steps:\n      - run: |\n{}",
                    fakes.iter().enumerate().map(|(i, f)| format!("      TOKEN_{i}: \"{f}\"\n")).collect::<String>(),
                    fakes
                        .iter()
                        .map(|f| format!(
                            "          curl -H \"Authorization: Bearer {f}\" https://x\n          echo {f}\n"
                        ))
                        .collect::<String>()
                ),
            ),
            (
                ".gitlab-ci.yml",
                format!(
                    "variables:\n{}build:\n  script:\n{}",
                    fakes.iter().enumerate().map(|(i, f)| format!("  PASSWORD_{i}: \"{f}\"\n")).collect::<String>(),
                    fakes.iter().map(|f| format!("    - export API_KEY={f}\n")).collect::<String>()
                ),
            ),
        ];
        let mut seen = 0;
        for (name, text) in &files {
            let estate = load_bytes(name, text.as_bytes(), &Options::default());
            for f in crate::run(&estate, &crate::all()) {
                if !f.check.id.starts_with("SEC-") && !f.check.id.starts_with("CI-") {
                    continue;
                }
                seen += usize::from(f.check.id.starts_with("SEC-"));
                for fake in &fakes {
                    assert!(!f.message.contains(fake), "{} leaks `{fake}`: {}", f.check.id, f.message);
                    // Nor any long stretch of it.
                    let stretch: String = fake.chars().skip(4).take(8).collect();
                    assert!(!f.message.contains(&stretch), "{} leaks part of `{fake}`: {}", f.check.id, f.message);
                }
            }
        }
        assert!(seen >= 5 * 10, "the secret checks fire on these files ({seen} findings)");
    }
}
