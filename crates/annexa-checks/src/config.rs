//! Findings about annexa's own configuration: exemptions that have run out.

use crate::{AnnexA, CheckMeta, Severity, Target};

/// An exemption past its expiry date: the risk it accepted is no longer accepted, the
/// findings it covered count again, and someone must decide anew.
pub static EXEMPTION_EXPIRED: CheckMeta = CheckMeta {
    id: "CFG-0001",
    slug: "exemption-expired",
    title: "Exemption past its expiry date",
    severity: Severity::Medium,
    target: Target::Estate,
    controls: &[AnnexA::A5_36, AnnexA::A8_9],
    strategies: &[],
    aliases: &[],
    doc: "## What it checks
An exemption in `annexa.toml` whose `expires` date has passed.

## Why it matters
An exemption records an accepted risk with an owner and a reason for a limited time. Once it
has expired nobody has re-accepted the risk: the findings it covered count again, and an
auditor will ask who reviewed it.

## Remediation
Fix the findings the exemption covered, or review the exemption with its owner and set a new
`expires` date (with the reason updated if it changed).

## References
ISO/IEC 27001:2022 clause 6.1.3 (risk treatment and acceptance of residual risk).
",
};
