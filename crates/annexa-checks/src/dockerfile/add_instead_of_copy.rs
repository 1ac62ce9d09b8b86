//! `ADD` used where `COPY` does the job.

use super::common::{add_sources, is_git, is_url, location, resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// `ADD` instructions, in every stage, that copy a file or directory from the build
    /// context which is not a tar archive (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tbz2`,
    /// `.tar.xz`, `.txz` and their bare compressions). `ADD` of a URL is reported by DKR-0006
    /// instead, Git sources and heredoc sources are left alone, and a source named by a
    /// variable is not judged. One finding per instruction.
    ///
    /// ## Why it matters
    /// `ADD` does more than copy: it unpacks anything that looks like an archive and fetches
    /// URLs. Used for plain files it hides that behaviour in a line that reads like a copy, so
    /// a file renamed to `.tar.gz`, or a path swapped for a URL in review, changes what lands
    /// in the image without anyone noticing. `COPY` does only what it says.
    ///
    /// ## Remediation
    /// Replace `ADD` with `COPY` for files and directories from the build context, keeping
    /// flags such as `--chown` and `--chmod`. Keep `ADD` only to unpack a local tar archive on
    /// purpose, and for downloads use `ADD --checksum=sha256:...` or a `RUN` step that verifies
    /// what it fetched.
    ///
    /// ## References
    /// Dockerfile reference, `ADD` and `COPY` instructions.
    /// Docker documentation, Dockerfile best practices: `ADD` or `COPY`.
    /// CIS Docker Benchmark, recommendation to use `COPY` instead of `ADD`.
    pub struct AddInsteadOfCopy;
    id: "DKR-0005",
    slug: "add-instead-of-copy",
    title: "ADD used to copy local files",
    severity: Low,
    target: Target::Dockerfile,
    controls: [A8_9, A8_28],
    strategies: [],
    aliases: ["DL3020", "DS-0005", "CKV_DOCKER_4"],
}

/// Extensions `ADD` is expected to unpack.
const ARCHIVES: [&str; 11] =
    [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".gz", ".bz2", ".xz"];

impl Check for AddInsteadOfCopy {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        for i in d.instructions.iter().filter(|i| i.keyword == "ADD") {
            let local = add_sources(&i.args).into_iter().find(|s| {
                let lower = s.to_ascii_lowercase();
                !is_url(s) && !is_git(s) && !s.contains('$') && !ARCHIVES.iter().any(|a| lower.ends_with(a))
            });
            if let Some(source) = local {
                out.at(
                    &Self::META,
                    location(d, i.pos),
                    Some(resource(d)),
                    format!("`ADD` copies `{source}` from the build context, which `COPY` does without side effects"),
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
    fn local_files_but_not_archives_urls_or_git() {
        let text = "FROM alpine:3.20\nADD app.tar.gz /opt/\nADD https://example.com/x.bin /x\n\
                    ADD git@github.com:org/repo.git /src\nADD --chown=app [\"conf dir\", \"/etc/app/\"]\n\
                    ADD a.txt \\\n  b.tgz /dst/\nADD ${ARCHIVE} /opt/\nADD <<EOT /etc/motd\nhello\nEOT\n";
        assert_eq!(lines(&AddInsteadOfCopy, text), [5, 6]);
    }
}
