//! Compose services granted powerful Linux capabilities.

use super::common::{interpolate, services};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::Document;
use annexa_load::Value;

check! {
    /// ## What it checks
    /// Items of a service's `cap_add` that grant host-level power: `ALL`, `SYS_ADMIN`,
    /// `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `SYS_RAWIO`, `SYS_BOOT`, `SYS_TIME`,
    /// `DAC_READ_SEARCH`, `BPF`, `PERFMON`, `MAC_ADMIN`, `MAC_OVERRIDE` and `SYSLOG`, written
    /// with or without the `CAP_` prefix, in any case. Capabilities Docker grants by default
    /// (`CHOWN`, `NET_BIND_SERVICE`...) are not reported. One finding per dangerous item.
    ///
    /// ## Why it matters
    /// These capabilities undo the container's isolation piece by piece: `SYS_ADMIN` allows
    /// mounts and most container escapes, `SYS_MODULE` loads kernel code, `SYS_PTRACE` reads
    /// other processes' memory, `NET_ADMIN` rewrites the host's firewall and routes when the
    /// network is shared, `DAC_READ_SEARCH` reads any file by handle, and `ALL` is close to
    /// `privileged: true`.
    ///
    /// ## Remediation
    /// Start from `cap_drop: [ALL]` and add back only the narrow capability the service needs
    /// (`NET_BIND_SERVICE` to bind a low port, for example). When a tool seems to need
    /// `SYS_ADMIN` or `NET_ADMIN`, look for the specific alternative (a FUSE device, a
    /// user-space network tool), or run it on a dedicated host with a recorded exemption.
    ///
    /// ## References
    /// Compose specification, service `cap_add` and `cap_drop`.
    /// Linux `capabilities(7)`.
    /// CIS Docker Benchmark, recommendation to restrict Linux kernel capabilities.
    pub struct ComposeCapAddDangerous;
    id: "CMP-0008",
    slug: "compose-cap-add-dangerous",
    title: "Compose service adds a dangerous capability",
    severity: High,
    target: Target::Compose,
    controls: [A8_2, A8_18],
    strategies: [],
    aliases: [],
}

/// Capabilities that give a container power over the host.
const DANGEROUS: [&str; 14] = [
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "SYSLOG",
];

impl Check for ComposeCapAddDangerous {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        for s in services(doc) {
            let Some(caps) = s.spec.get("cap_add").and_then(Value::as_array) else { continue };
            for (index, cap) in caps.iter().enumerate() {
                let Some(written) = cap.as_str() else { continue };
                let Some(value) = interpolate(written) else { continue };
                let upper = value.trim().to_ascii_uppercase();
                let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
                if DANGEROUS.contains(&name) {
                    let i = index.to_string();
                    out.at(
                        &Self::META,
                        s.locate(&["cap_add", &i]),
                        Some(s.resource()),
                        format!("service `{}` adds the capability `{name}`", s.name),
                    )
                    .fix(s.pointer(&["cap_add", &i]), Value::Null);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::common::tests_support::lines;

    #[test]
    fn dangerous_items_only() {
        let text = [
            "services:",
            "  a:",
            "    image: x:1",
            "    cap_add:",
            "      - NET_BIND_SERVICE",
            "      - cap_sys_admin",
            "      - ALL",
            "    cap_drop: [ALL]",
        ]
        .join("\n");
        assert_eq!(lines(&ComposeCapAddDangerous, &text), [6, 7]);
    }
}
