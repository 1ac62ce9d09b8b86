//! Pipeline commands that print secrets into the job log.

use super::model::{Act, Flavor, Pipeline, image_basename, logical_lines, text_line};
use crate::context::Cx;
use crate::secrets::detect::is_secret_name;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Document;
use annexa_load::Value;
use std::collections::BTreeSet;

check! {
    /// ## What it checks
    /// Lines of GitHub Actions `run:` steps and GitLab CI `script`/`before_script`/
    /// `after_script` commands that can write a secret into the job log:
    /// - `echo`, `printf`, `cat <<<` (and PowerShell `Write-Host`/`Write-Output`) with a
    ///   `${{ secrets.X }}` expression in their arguments: the value is pasted into the script
    ///   text before the shell runs, whatever happens to the output;
    /// - the same printers given a secret shell variable (`$CI_JOB_TOKEN`, `$REGISTRY_PASSWORD`,
    ///   any credential-named variable, or a workflow `env` variable set from `secrets.`) whose
    ///   output is neither piped into another command nor redirected to a file:
    ///   `echo "$TOKEN" | docker login --password-stdin` is the recommended form and is not
    ///   reported, and neither is `echo "::add-mask::..."`;
    /// - any command using a secret while `set -x` (or `set -o xtrace`) is tracing commands.
    ///
    /// ## Why it matters
    /// Log masking only recognises the exact registered value: a secret that is transformed,
    /// split, base64-encoded or multi-line gets through, and logs are kept, downloaded and
    /// readable by far more people than the secret store. Interpolating `${{ secrets.X }}`
    /// into a command line also writes the value into the script file on the runner and lets
    /// a crafted value inject shell commands.
    ///
    /// ## Remediation
    /// Pass secrets to commands through environment variables (`env: TOKEN:
    /// ${{ secrets.TOKEN }}`) and stdin (`printf '%s' "$TOKEN" | docker login
    /// --password-stdin ...`), never print them, and turn tracing off (`set +x`) around
    /// commands that use them. Rotate any secret that appeared in a log.
    ///
    /// ## References
    /// GitHub Docs, Security hardening for GitHub Actions: using secrets and script injection.
    /// GitLab Docs, CI/CD variable security (masking limits).
    pub struct SecretEchoed;
    id: "CI-0010",
    slug: "secret-echoed",
    title: "Pipeline prints a secret into the job log",
    severity: High,
    target: Target::Pipeline,
    controls: [A5_17, A8_12, A8_15],
    strategies: [],
    aliases: [],
}

/// Names of secrets in the `${{ }}` expressions of a line, and the line with each expression
/// replaced by a placeholder (`\u{1}N\u{1}`) so that operators inside it do not split it.
fn templates(line: &str) -> (String, Vec<Option<String>>) {
    let mut out = String::new();
    let mut secrets = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("${{") {
        let Some(len) = rest.get(start..).and_then(|r| r.find("}}")) else { break };
        out.push_str(rest.get(..start).unwrap_or_default());
        let inner = rest.get(start + 3..start + len).unwrap_or_default();
        out.push_str(&format!("\u{1}{}\u{1}", secrets.len()));
        secrets.push(secret_in_expression(inner));
        rest = rest.get(start + len + 2..).unwrap_or_default();
    }
    out.push_str(rest);
    (out, secrets)
}

/// The secret an expression reads: `secrets.NAME`, `secrets['NAME']`, or `toJSON(secrets)`.
fn secret_in_expression(expr: &str) -> Option<String> {
    let lower = expr.to_ascii_lowercase();
    let at = lower.find("secrets")?;
    let after = expr.get(at + "secrets".len()..).unwrap_or_default();
    if let Some(name) = after.strip_prefix('.') {
        let name: String = name.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
        return (!name.is_empty()).then_some(name);
    }
    if let Some(name) = after.strip_prefix('[') {
        let name: String =
            name.trim_start_matches(['\'', '"']).chars().take_while(|c| !matches!(c, '\'' | '"' | ']')).collect();
        return (!name.is_empty()).then_some(name);
    }
    Some(ALL_SECRETS.to_owned())
}

/// What [`secret_in_expression`] says for `toJSON(secrets)`.
const ALL_SECRETS: &str = "*";

/// `secret `NAME``, or `every secret` for `toJSON(secrets)`.
fn describe(secret: &str) -> String {
    if secret == ALL_SECRETS { "every secret (`toJSON(secrets)`)".to_owned() } else { format!("secret `{secret}`") }
}

/// The pipelines of a line: split at `&&`, `||` and `;`, then at `|`, outside quotes.
fn pipelines(line: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    let mut part = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    let finish = |out: &mut Vec<Vec<String>>, part: &mut String| {
        if let Some(last) = out.last_mut() {
            last.push(std::mem::take(part));
        }
    };
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                part.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                part.push(c);
            }
            (None, '#') if part.is_empty() || part.ends_with(char::is_whitespace) => break,
            (None, '|') if chars.peek() == Some(&'|') => {
                chars.next();
                finish(&mut out, &mut part);
                out.push(Vec::new());
            }
            (None, '|') => finish(&mut out, &mut part),
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                finish(&mut out, &mut part);
                out.push(Vec::new());
            }
            (None, ';') => {
                finish(&mut out, &mut part);
                out.push(Vec::new());
            }
            (_, c) => part.push(c),
        }
    }
    finish(&mut out, &mut part);
    out.retain(|p| p.iter().any(|s| !s.trim().is_empty()));
    out
}

fn words(part: &str) -> Vec<String> {
    part.split_whitespace().map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_owned()).collect()
}

/// The printing command a pipeline part runs, if it prints.
fn printer(part: &str) -> Option<String> {
    let w = words(part);
    let program = w.iter().find(|w| !w.contains('=') || w.starts_with('-'))?;
    let name = image_basename(program);
    match name.as_str() {
        "echo" | "printf" | "print" | "write-host" | "write-output" => Some(name),
        "cat" if part.contains("<<<") => Some("cat <<<".to_owned()),
        _ => None,
    }
}

/// Whether a part sends its output to a file rather than to the log.
fn to_file(part: &str) -> bool {
    let mut quote: Option<char> = None;
    let chars: Vec<char> = part.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(*c),
            (Some(q), c) if *c == q => quote = None,
            (None, '>') => {
                let target: String = chars.iter().skip(i + 1).skip_while(|c| **c == '>').collect();
                let target = target.trim_start();
                if target.starts_with('&') || target.starts_with("/dev/stderr") || target.starts_with("/dev/stdout") {
                    continue;
                }
                return true;
            }
            _ => {}
        }
    }
    false
}

/// Shell variables a part reads (`$NAME`, `${NAME}`), outside single quotes.
fn variables(part: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut single = false;
    let chars: Vec<char> = part.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\'' {
            single = !single;
        } else if c == '$' && !single {
            let braced = chars.get(i + 1) == Some(&'{');
            let start = i + 1 + usize::from(braced);
            let name: String =
                chars.iter().skip(start).take_while(|c| c.is_ascii_alphanumeric() || **c == '_').collect();
            if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) {
                out.push(name);
            }
        }
        i += 1;
    }
    out
}

/// What turning tracing on or off a `set` command does: `Some(true)` on, `Some(false)` off.
fn tracing(part: &str) -> Option<bool> {
    let w = words(part);
    if w.first().map(String::as_str) != Some("set") {
        return None;
    }
    let mut state = None;
    for (i, word) in w.iter().enumerate().skip(1) {
        let next = w.get(i + 1).map(String::as_str);
        if (word == "-o" || word == "+o") && next == Some("xtrace") {
            state = Some(word == "-o");
        } else if word.starts_with('-') && !word.starts_with("--") && word.contains('x') {
            state = Some(true);
        } else if word.starts_with('+') && word.contains('x') {
            state = Some(false);
        }
    }
    state
}

/// GitLab's predefined variables that hold credentials without saying so in their name.
const GITLAB_SECRETS: [&str; 3] = ["CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2"];

/// Names of `env` variables (workflow, job and step level) set from `secrets.`.
fn env_from_secrets(doc: &Document, pointers: &[String]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in pointers {
        let Some(env) = doc.value.at(&format!("{p}/env")).and_then(Value::as_object) else { continue };
        for (k, v) in env {
            if v.as_str().is_some_and(|s| s.contains("secrets.") || s.contains("secrets[")) {
                out.insert(k.clone());
            }
        }
    }
    out
}

impl Check for SecretEchoed {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        let Some(p) = Pipeline::read(doc) else { return };
        let mut tracing_on = false;
        let mut shell: Option<(Option<usize>, bool)> = None;
        for step in &p.steps {
            let Act::Script(text) = &step.act else { continue };
            if step.pointer.ends_with("/uses") {
                continue;
            }
            // GitLab runs `before_script` and `script` in one shell, `after_script` in another;
            // every GitHub `run` is a shell of its own.
            let after = step.pointer.contains("/after_script");
            let this_shell = (step.job, after);
            if p.flavor == Flavor::Github || shell != Some(this_shell) {
                tracing_on = false;
            }
            shell = Some(this_shell);
            let secret_env = match p.flavor {
                Flavor::Github => {
                    let step_pointer = step.pointer.trim_end_matches("/run").to_owned();
                    env_from_secrets(doc, &[String::new(), p.job_pointer(step.job), step_pointer])
                }
                Flavor::Gitlab => BTreeSet::new(),
            };
            let is_secret =
                |name: &str| is_secret_name(name) || secret_env.contains(name) || GITLAB_SECRETS.contains(&name);
            let job = p.job_name(step.job).to_owned();
            for (k, line) in logical_lines(text) {
                let (masked, expressions) = templates(&line);
                let mut message: Option<String> = None;
                for pipeline in pipelines(&masked) {
                    let last = pipeline.len().saturating_sub(1);
                    for (i, part) in pipeline.iter().enumerate() {
                        if let Some(on) = tracing(part) {
                            tracing_on = on;
                            continue;
                        }
                        if message.is_some() || part.contains("::add-mask::") {
                            continue;
                        }
                        let template = expressions.iter().enumerate().find_map(|(n, s)| {
                            s.as_ref().filter(|_| part.contains(&format!("\u{1}{n}\u{1}"))).cloned()
                        });
                        let variable = variables(part).into_iter().find(|v| is_secret(v));
                        let printing = printer(part);
                        message = match (&printing, &template, &variable) {
                            (Some(cmd), Some(secret), _) => {
                                Some(format!("job `{job}` expands {} straight into `{cmd}`", describe(secret)))
                            }
                            (Some(cmd), None, Some(var)) if i == last && !to_file(part) => {
                                Some(format!("job `{job}` prints `${var}` into the job log with `{cmd}`"))
                            }
                            (_, Some(secret), _) if tracing_on => Some(format!(
                                "job `{job}` uses {} while `set -x` traces commands into the job log",
                                describe(secret)
                            )),
                            (_, None, Some(var)) if tracing_on => Some(format!(
                                "job `{job}` uses `${var}` while `set -x` traces commands into the job log"
                            )),
                            _ => None,
                        };
                    }
                }
                if let Some(message) = message {
                    out.at(&Self::META, text_line(doc, &step.pointer, text, k), Some(p.resource()), message);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces() {
        let (masked, names) = templates("echo ${{ secrets.A || secrets.B }} | docker login");
        assert_eq!(names, [Some("A".to_owned())]);
        assert_eq!(pipelines(&masked).len(), 1);
        assert_eq!(pipelines(&masked)[0].len(), 2);
        assert_eq!(pipelines("a && b; c || d | e").len(), 4);
        assert_eq!(variables("echo \"$TOKEN\" ${PASS} '$NOT'"), ["TOKEN", "PASS"]);
        assert!(to_file("echo $X > key.pem"));
        assert!(!to_file("echo $X >&2"));
        assert_eq!(tracing("set -eux"), Some(true));
        assert_eq!(tracing("set +x"), Some(false));
        assert_eq!(tracing("set -o xtrace"), Some(true));
        assert_eq!(tracing("set -e"), None);
        assert_eq!(secret_in_expression(" toJSON(secrets) "), Some(ALL_SECRETS.to_owned()));
        assert_eq!(secret_in_expression(" secrets['NPM_TOKEN'] "), Some("NPM_TOKEN".to_owned()));
        assert_eq!(secret_in_expression(" github.sha "), None);
    }
}
