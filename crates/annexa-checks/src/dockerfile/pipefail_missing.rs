//! Pipes in `RUN` whose failures the shell would hide.

use super::common::{Layout, default_shell, json_words, location, resource};
use super::shell::{basename, parse_run, program_name};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;
use annexa_load::dockerfile::Instruction;

check! {
    /// ## What it checks
    /// Shell-form `RUN` instructions, in every stage, whose script pipes one command into
    /// another (`a | b`; `||` is not a pipe) while `pipefail` is off: the `SHELL` in force (the
    /// stage's last `SHELL` before the `RUN`, else the one inherited from the stage it builds
    /// on, else `/bin/sh -c`) does not include `-o pipefail`, and the script does not run
    /// `set -o pipefail` (or `set -euo pipefail`...) before its first pipe. Exec-form `RUN`,
    /// scripts inside `sh -c '...'` and non-POSIX shells (`pwsh`, `cmd`) are not judged. One
    /// finding per instruction.
    ///
    /// ## Why it matters
    /// A POSIX shell reports only the last command of a pipeline. `curl -fsSL $URL | tar -xz`
    /// succeeds when the download fails and `tar` reads nothing; `wget -O- $KEY | gpg --import`
    /// succeeds with no key imported. The build goes green and the image ships broken or
    /// without the verification step that was meant to protect it.
    ///
    /// ## Remediation
    /// Set the shell once per stage with `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or
    /// `["/bin/ash", "-eo", "pipefail", "-c"]` on Alpine), or start the script with
    /// `set -o pipefail &&` in shells that support it.
    ///
    /// ## References
    /// Dockerfile reference, `SHELL` instruction.
    /// Docker documentation, Dockerfile best practices: using pipes.
    /// Bash reference manual, `set -o pipefail`.
    pub struct PipefailMissing;
    id: "DKR-0011",
    slug: "pipefail-missing",
    title: "RUN pipes commands without pipefail",
    severity: Low,
    target: Target::Dockerfile,
    controls: [A8_25, A8_28],
    strategies: [],
    aliases: ["DL4006"],
}

/// Shells whose pipelines are not POSIX pipelines.
const NOT_POSIX: [&str; 5] = ["pwsh", "pwsh.exe", "powershell", "powershell.exe", "cmd"];

impl Check for PipefailMissing {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        let layout = Layout::new(d);
        // The `SHELL` each stage ends with, which a stage built on it starts with.
        let mut final_shells: Vec<Vec<String>> = Vec::with_capacity(d.stages.len());
        for stage in 0..d.stages.len() {
            let mut current =
                layout.parent(stage).and_then(|p| final_shells.get(p)).cloned().unwrap_or_else(default_shell);
            for i in layout.instructions(stage) {
                match i.keyword.as_str() {
                    "SHELL" => current = json_words(&i.args).unwrap_or_else(default_shell),
                    "RUN" => self.run(d, i, &current, out),
                    _ => {}
                }
            }
            final_shells.push(current);
        }
    }
}

impl PipefailMissing {
    /// Judges one `RUN` under the `SHELL` in force.
    fn run(&self, d: &Dockerfile, i: &Instruction, shell: &[String], out: &mut Findings) {
        let script = parse_run(&i.args);
        if script.exec_form {
            return;
        }
        let shell: Vec<String> = match &script.shebang {
            Some(line) => line.split_whitespace().map(str::to_owned).collect(),
            None => shell.to_vec(),
        };
        let program = shell.first().map(|s| basename(s).to_ascii_lowercase()).unwrap_or_default();
        if NOT_POSIX.contains(&program.as_str()) || shell.iter().any(|w| w.contains("pipefail")) {
            return;
        }
        let top: Vec<_> = script.pipelines.iter().filter(|p| !p.nested).collect();
        let Some(first_pipe) = top.iter().position(|p| p.commands.len() > 1) else { return };
        let set_before = top.iter().take(first_pipe + 1).any(|p| {
            p.commands.first().is_some_and(|c| {
                program_name(c, false) == Some("set") && c.words.iter().any(|w| w.contains("pipefail"))
            })
        });
        if set_before {
            return;
        }
        let Some(pipe) = top.get(first_pipe) else { return };
        let from = pipe.commands.first().and_then(|c| program_name(c, true)).unwrap_or("a command");
        let into = pipe.commands.get(1).and_then(|c| program_name(c, true)).unwrap_or("a command");
        out.at(
            &Self::META,
            location(d, i.pos),
            Some(resource(d)),
            format!("`RUN` pipes `{from}` into `{into}` without `pipefail`, so a failure of `{from}` goes unnoticed"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::lines;

    #[test]
    fn pipes_shells_and_set() {
        let text = [
            "FROM alpine:3.20 AS a",
            "RUN curl -fsSL https://x | tar -xz",
            "RUN set -o pipefail && curl x | tar -xz",
            "RUN set -euxo pipefail; wget -O- x | sh",
            "RUN false || true",
            "RUN [\"sh\", \"-c\", \"a | b\"]",
            "SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]",
            "RUN a | b",
            "FROM a",
            "RUN a | b",
            "FROM alpine:3.20",
            "RUN echo 'a|b' && grep x y | wc -l",
            "RUN <<EOF",
            "set -o pipefail",
            "a | b",
            "EOF",
            "RUN <<EOF",
            "a | b",
            "EOF",
        ]
        .join("\n");
        assert_eq!(lines(&PipefailMissing, &text), [2, 12, 17]);
        let windows = [
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022",
            "SHELL [\"powershell\", \"-Command\"]",
            "RUN Get-Item x | Remove-Item",
        ]
        .join("\n");
        assert_eq!(lines(&PipefailMissing, &windows), [0u32; 0]);
    }
}
