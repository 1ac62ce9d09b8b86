//! `ADD` of a URL whose content is not verified.

use super::common::{add_sources, is_git, is_url, location, resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Dockerfile;

check! {
    /// ## What it checks
    /// `ADD` instructions, in every stage, that download an `http://` or `https://` URL
    /// without a `--checksum` flag. Git sources are left alone (pin them by commit instead).
    /// One finding per instruction.
    ///
    /// ## Why it matters
    /// Whatever the server returns at build time goes into the image: a compromised
    /// download site, a moved release or an intercepted plain-HTTP transfer ends up in
    /// production with nothing to notice it. The build is also not reproducible, since the same
    /// URL can serve different bytes tomorrow.
    ///
    /// ## Remediation
    /// Add the expected digest: `ADD --checksum=sha256:<digest> https://... /dest` (BuildKit,
    /// Dockerfile syntax 1.6 and later), or download in a `RUN` step that checks the file with
    /// `sha256sum -c` or a published signature before using it. Prefer `https://`.
    ///
    /// ## References
    /// Dockerfile reference, `ADD --checksum`.
    /// NIST SP 800-204D section 5.1.4 (evaluate what a build pulls in).
    /// SLSA build requirements: dependencies fetched with integrity verification.
    pub struct AddRemoteWithoutChecksum;
    id: "DKR-0006",
    slug: "add-remote-without-checksum",
    title: "ADD downloads a URL without a checksum",
    severity: Medium,
    target: Target::Dockerfile,
    controls: [A5_21, A8_7, A8_28],
    strategies: [D204_5_1_4],
    aliases: [],
}

/// A URL without credentials or query string, safe to show.
fn shown(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if path.is_empty() { format!("{scheme}://{host}") } else { format!("{scheme}://{host}/{path}") }
}

impl Check for AddRemoteWithoutChecksum {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn dockerfile(&self, _cx: &Cx<'_>, d: &Dockerfile, out: &mut Findings) {
        for i in d.instructions.iter().filter(|i| i.keyword == "ADD") {
            if i.flags.iter().any(|(name, value)| name == "checksum" && value.as_deref().is_some_and(|v| !v.is_empty()))
            {
                continue;
            }
            if let Some(url) = add_sources(&i.args).into_iter().find(|s| is_url(s) && !is_git(s)) {
                out.at(
                    &Self::META,
                    location(d, i.pos),
                    Some(resource(d)),
                    format!("`ADD` downloads `{}` without `--checksum`", shown(&url)),
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
    fn downloads_without_checksums() {
        let text = [
            "FROM alpine:3.20",
            "ADD https://example.com/tool.tgz /opt/",
            "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://x.io/t /t",
            "ADD https://github.com/moby/buildkit.git#v0.14.1 /src",
            "ADD app.conf /etc/",
        ]
        .join("\n");
        assert_eq!(lines(&AddRemoteWithoutChecksum, &text), [2]);
        let m = messages(
            &AddRemoteWithoutChecksum,
            "FROM alpine:3.20\nADD https://user:s3cret@example.com/x.tgz?token=abc /x\n",
        );
        assert_eq!(m, ["`ADD` downloads `https://example.com/x.tgz` without `--checksum`"]);
    }
}
