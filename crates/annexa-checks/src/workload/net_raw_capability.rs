//! Containers that keep or add the `NET_RAW` capability.

use super::support::{capability, own_field, windows};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{Object, Workload};
use serde_json::json;

check! {
    /// ## What it checks
    /// Containers (init and ephemeral included) of Linux pods that can use raw sockets: either
    /// `capabilities.add` contains `NET_RAW` or `ALL` (reported at that entry, since an added
    /// capability wins over a dropped one), or `capabilities.drop` contains neither `ALL` nor
    /// `NET_RAW`, so the runtime's default grant of `NET_RAW` stays (reported at the list, or at
    /// the container when there is none). Names are compared case-insensitively and with or
    /// without the `CAP_` prefix. Pods with `spec.os.name: windows` are skipped.
    ///
    /// ## Why it matters
    /// `NET_RAW` lets a process craft any packet: spoof addresses, answer ARP and DNS in other
    /// pods' names on the same node network, and probe the network below the transport layer.
    /// Most runtimes grant it by default, and it has been the key to several container
    /// escapes and to man-in-the-middle attacks between pods.
    ///
    /// ## Remediation
    /// Add `NET_RAW` to `securityContext.capabilities.drop`, or better drop `ALL`, and remove it
    /// from `capabilities.add`. Tools such as `ping` work without it on kernels that allow
    /// unprivileged ICMP sockets (the safe sysctl `net.ipv4.ping_group_range`).
    ///
    /// ## References
    /// Kubernetes Pod Security Standards, Restricted profile: capabilities.
    /// Linux manual page capabilities(7) and raw(7).
    pub struct NetRawCapability;
    id: "K8S-0015",
    slug: "net-raw-capability",
    title: "Container can use raw sockets (NET_RAW)",
    severity: Medium,
    target: Target::Workload,
    controls: [A8_20, A8_9],
    strategies: [],
    aliases: ["C-0211", "CKV_K8S_28", "KSV-0119", "KSV119", "require-drop-cap-net-raw", "K8sPSPCapabilities", "drop-net-raw-capability"],
}

impl Check for NetRawCapability {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn workload(&self, _cx: &Cx<'_>, o: &Object, w: &Workload, out: &mut Findings) {
        if windows(o, w) {
            return;
        }
        let grants = |n: &str| matches!(capability(n).as_str(), "NET_RAW" | "ALL");
        for c in &w.containers {
            let added = c.security.capabilities_add.as_ref().and_then(|add| {
                let items = o.value.at(&add.pointer).and_then(Value::as_array)?;
                let (i, name) =
                    items.iter().enumerate().find_map(|(i, v)| v.as_str().filter(|n| grants(n)).map(|n| (i, n)))?;
                let kept: Vec<&Value> = items.iter().filter(|v| !v.as_str().is_some_and(grants)).collect();
                Some((child(&add.pointer, &i.to_string()), name, add.pointer.clone(), json!(kept)))
            });
            if let Some((pointer, name, list, kept)) = added {
                let message = if capability(name) == "NET_RAW" {
                    format!("container `{}` adds `{name}`", c.name)
                } else {
                    format!("container `{}` adds `{name}`, which includes `NET_RAW`", c.name)
                };
                out.object(&Self::META, o, &pointer, message).container(&c.name).fix(list, kept);
                continue;
            }
            let (pointer, dropped) = match &c.security.capabilities_drop {
                Some(d) if d.value.iter().any(|n| grants(n)) => continue,
                Some(d) => (d.pointer.clone(), d.value.clone()),
                None => (c.pointer.clone(), Vec::new()),
            };
            let mut fixed: Vec<String> = dropped;
            fixed.push("NET_RAW".to_owned());
            out.object(&Self::META, o, &pointer, format!("container `{}` does not drop `NET_RAW`", c.name))
                .container(&c.name)
                .fix(own_field(c, &["capabilities", "drop"]), json!(fixed));
        }
    }
}
