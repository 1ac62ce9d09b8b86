//! `apt-get install` of packages without a version.

use super::common::{location, resource};
use super::shell::{Command, parse_run, program};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// `RUN` instructions, in every stage, where `apt-get install` or `apt install` names a
    /// package without a version (`curl` rather than `curl=8.5.0-2ubuntu10.6`). Local `.deb`
    /// files and packages named by a variable are not judged; a release selector such as
    /// `pkg/bookworm-backports` is not a version. Options (`-y`, `-o Key=Value`,
    /// `--no-install-recommends`) are understood; whether `--no-install-recommends` is given is
    /// not this check's business. One finding per instruction, naming the unpinned packages.
    ///
    /// ## Why it matters
    /// Without a version, each build installs whatever the mirror offers that day. The same
    /// Dockerfile yields images with different software, a vulnerable or broken release can
    /// slip in unreviewed, and the image's contents cannot be tied back to a reviewed change or
    /// reproduced for an investigation.
    ///
    /// ## Remediation
    /// Pin each package: `apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6`
    /// (list versions with `apt-cache policy curl`), and let a bot propose updates as reviewed
    /// changes. Pinning the base image by digest complements this: together they fix what the
    /// image contains.
    ///
    /// ## References
    /// Docker documentation, Dockerfile best practices: `apt-get` (version pinning).
    /// Debian `apt-get(8)`, `install pkg=version`.
    /// NIST SP 800-204D section 5.1.4 (know and evaluate the components a build pulls in).
    pub struct AptUnpinned;
    id: "DKR-0010",
    slug: "apt-unpinned",
    title: "apt packages installed without versions",
    severity: Low,
    target: Target::Dockerfile,
    controls: [A8_9, A8_32, A5_21],
    strategies: [D204_5_1_4],
    aliases: ["DL3008"],
}

/// The packages an `apt-get install` / `apt install` command names without a version.
fn unpinned(c: &Command) -> Vec<&str> {
    let Some(at) = program(&c.words, true) else { return Vec::new() };
    let name = c.words.get(at).map(|w| super::shell::basename(w));
    if !matches!(name, Some("apt-get" | "apt")) {
        return Vec::new();
    }
    let mut rest = c.words.iter().skip(at + 1);
    let mut install = false;
    let mut out = Vec::new();
    while let Some(w) = rest.next() {
        if w.starts_with('-') {
            let takes_value = matches!(
                w.as_str(),
                "-o" | "-t" | "-c" | "--option" | "--target-release" | "--default-release" | "--config-file"
            );
            if takes_value {
                rest.next();
            }
            continue;
        }
        if !install {
            if w == "install" {
                install = true;
                continue;
            }
            // Another subcommand (`update`, `remove`...).
            return Vec::new();
        }
        let redirection = w.starts_with(['>', '<']) || w.starts_with(|c: char| c.is_ascii_digit()) && w.contains('>');
        let local = w.starts_with(['/', '.']) || w.ends_with(".deb");
        if redirection || local || w.contains('$') || w.contains('=') || w.ends_with('-') {
            continue;
        }
        out.push(w.as_str());
    }
    out
}

impl Check for AptUnpinned {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        for i in d.instructions.iter().filter(|i| i.keyword == "RUN") {
            let script = parse_run(&i.args);
            let mut packages: Vec<&str> = Vec::new();
            for c in script.commands() {
                for p in unpinned(c) {
                    if !packages.contains(&p) {
                        packages.push(p);
                    }
                }
            }
            if !packages.is_empty() {
                let list = packages.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
                out.at(
                    &Self::META,
                    location(d, i.pos),
                    Some(resource(d)),
                    format!("`apt-get install` does not pin a version for {list}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::common::tests_support::{lines, messages};

    #[test]
    fn unpinned_packages() {
        let text = [
            "FROM debian:12",
            "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8",
            "RUN DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-confold install -y \\",
            "  git ca-certificates=20230311",
            "RUN apt install ./local.deb ${EXTRA} -t bookworm-backports",
            "RUN sudo apt-get install -qq jq > /dev/null",
            "RUN apt-get remove -y curl",
        ]
        .join("\n");
        assert_eq!(lines(&AptUnpinned, &text), [3, 6]);
        let m = messages(&AptUnpinned, "FROM debian:12\nRUN apt-get install -y git git jq/bookworm-backports\n");
        assert_eq!(m, ["`apt-get install` does not pin a version for `git`, `jq/bookworm-backports`"]);
    }
}
