//! `RUN` steps that call `sudo`.

use super::common::{location, resource};
use super::shell::{parse_run, program_name};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// `RUN` instructions, in every stage, that run a command through `sudo`: at the start of
    /// any command of the script, after `&&`, `;`, `|` or inside `sh -c '...'`, exec form
    /// included. Installing the `sudo` package (`apt-get install sudo`) is not a call and does
    /// not fire by itself. One finding per instruction.
    ///
    /// ## Why it matters
    /// `RUN` already runs as whatever `USER` is in force; calling `sudo` means the image was
    /// set up so a non-root user can become root. The `sudo` binary and its rules stay in the
    /// image, so anything that takes over the application can do the same, and `sudo`'s
    /// terminal and signal handling make builds and containers behave unpredictably.
    ///
    /// ## Remediation
    /// Run the privileged steps before switching user: keep `USER root` (or no `USER`) for the
    /// `RUN` lines that install or configure, then `USER 10001` for the rest. Remove `sudo`
    /// from the image. When an entrypoint must drop privileges at start-up, use `gosu` or
    /// `su-exec` once, in exec form.
    ///
    /// ## References
    /// Dockerfile reference, `USER` instruction.
    /// Docker documentation, Dockerfile best practices: `USER` (avoid `sudo`).
    pub struct SudoUsed;
    id: "DKR-0009",
    slug: "sudo-used",
    title: "RUN uses sudo",
    severity: Medium,
    target: Target::Dockerfile,
    controls: [A8_2, A8_18],
    strategies: [AhlcSr4],
    aliases: ["DL3004", "DS-0010"],
}

impl Check for SudoUsed {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        for i in d.instructions.iter().filter(|i| i.keyword == "RUN") {
            let script = parse_run(&i.args);
            let call = script.commands().find(|c| program_name(c, false) == Some("sudo"));
            if let Some(c) = call {
                let target = program_name(c, true).unwrap_or("a command");
                out.at(
                    &Self::META,
                    location(d, i.pos),
                    Some(resource(d)),
                    format!("`RUN` calls `sudo` to run `{target}`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::lines;

    #[test]
    fn calls_but_not_installs() {
        let text = "FROM debian:12\nRUN apt-get install -y sudo\nRUN sudo apt-get update\n\
                    RUN set -e && echo ok | sudo tee /etc/x\nRUN [\"sudo\", \"-u\", \"app\", \"make\"]\n\
                    RUN echo \"sudo is fine in a string\"\nRUN bash -c 'sudo make install'\n";
        assert_eq!(lines(&SudoUsed, text), [3, 4, 5, 7]);
    }
}
