//! Scripts downloaded and run in one breath.

use super::common::{location, resource};
use super::shell::{SHELLS, parse_run, program_name};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// `RUN` instructions, in every stage, that feed a download straight into a shell:
    /// `curl ... | sh`, `wget -qO- ... | sudo bash`, `curl ... | tee x | bash`, and the
    /// command-substitution forms `sh -c "$(curl ...)"` and `bash <(wget -O- ...)`, inside
    /// `sh -c '...'` too. The shells recognised are `sh`, `bash`, `zsh`, `dash`, `ash`, `ksh` and
    /// `mksh`. One finding per instruction.
    ///
    /// ## Why it matters
    /// The script runs as it arrives, with the build's privileges, with nothing checking what
    /// it is: a compromised or hijacked download site, a redirect, or a script changed since
    /// someone last read it runs inside the image. A connection cut half way can even run a
    /// truncated script. Nothing records which version of the script was run.
    ///
    /// ## Remediation
    /// Download to a file, verify it against a pinned checksum or a signature, then run it:
    /// `curl -fsSLo install.sh "$URL" && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh`.
    /// Better, install the tool from a package repository with a pinned version, or copy it
    /// from a pinned image with `COPY --from=`.
    ///
    /// ## References
    /// Dockerfile reference, `RUN` instruction.
    /// NIST SP 800-204D section 5.1.4 (evaluate what a build pulls in).
    /// SLSA build requirements: dependencies fetched with integrity verification.
    pub struct CurlPipeShell;
    id: "DKR-0012",
    slug: "curl-pipe-shell",
    title: "RUN pipes a download into a shell",
    severity: High,
    target: Target::Dockerfile,
    controls: [A5_21, A8_7, A8_28],
    strategies: [D204_5_1_4],
    aliases: [],
}

/// Programs that download.
const DOWNLOADERS: [&str; 2] = ["curl", "wget"];

/// Substitutions that run a download: `$(curl`, `` `wget``, `<(curl`.
fn substitutes_download(word: &str) -> bool {
    ["$(", "`", "<("].iter().any(|open| DOWNLOADERS.iter().any(|d| word.contains(&format!("{open}{d} "))))
}

impl Check for CurlPipeShell {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        for i in d.instructions.iter().filter(|i| i.keyword == "RUN") {
            let script = parse_run(&i.args);
            let mut hit: Option<(String, String)> = None;
            for p in &script.pipelines {
                let names: Vec<Option<&str>> = p.commands.iter().map(|c| program_name(c, true)).collect();
                let download = names.iter().position(|n| n.is_some_and(|n| DOWNLOADERS.contains(&n)));
                if let Some(at) = download {
                    let shell = names.iter().skip(at + 1).flatten().find(|n| SHELLS.contains(n));
                    if let (Some(from), Some(into)) = (names.get(at).copied().flatten(), shell) {
                        hit = Some((from.to_owned(), into.to_string()));
                        break;
                    }
                }
                let substituted = p.commands.iter().zip(&names).find(|(c, n)| {
                    n.is_some_and(|n| SHELLS.contains(&n)) && c.words.iter().any(|w| substitutes_download(w))
                });
                if let Some((c, Some(n))) = substituted {
                    let from = DOWNLOADERS
                        .iter()
                        .find(|d| c.words.iter().any(|w| w.contains(&format!("{d} "))))
                        .copied()
                        .unwrap_or("curl");
                    hit = Some((from.to_owned(), (*n).to_owned()));
                    break;
                }
            }
            if let Some((from, into)) = hit {
                out.at(
                    &Self::META,
                    location(d, i.pos),
                    Some(resource(d)),
                    format!("`RUN` runs what `{from}` downloads with `{into}`, unverified"),
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
    fn pipes_and_substitutions() {
        let text = [
            "FROM debian:12",
            "RUN curl -fsSL https://get.example.com | sh",
            "RUN wget -qO- https://x | sudo bash -s -- --yes",
            "RUN curl -fsSLo /tmp/i.sh https://x && sha256sum -c sums && sh /tmp/i.sh",
            "RUN sh -c \"$(curl -fsSL https://x)\"",
            "RUN bash <(wget -qO- https://x)",
            "RUN curl -fsSL https://x | tar -xz",
            "RUN echo 'curl x | sh'",
            "RUN /bin/sh -c 'curl -s https://x | /bin/bash'",
        ]
        .join("\n");
        assert_eq!(lines(&CurlPipeShell, &text), [2, 3, 5, 6, 9]);
    }
}
