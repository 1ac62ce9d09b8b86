//! What the workload checks share: reading pod-level fields, naming containers, and reporting a
//! pod-level setting that several containers inherit once rather than once per container.

use crate::context::pod;
use crate::{CheckMeta, Findings};
use annexa_load::k8s::as_bool;
use annexa_load::span::child;
use annexa_load::{Container, Object, Setting, Workload};
use annexa_load::{Map, Value};

/// Whether the pod declares it runs on Windows (`spec.os.name: windows`), where Linux-only
/// settings (capabilities, seccomp, `runAsUser`, `readOnlyRootFilesystem`...) cannot be set.
pub(super) fn windows(o: &Object, w: &Workload) -> bool {
    pod(o, w).and_then(|p| p.get("os")).and_then(|os| os.get("name")).and_then(Value::as_str) == Some("windows")
}

/// A boolean field of the pod spec that is true, with its pointer.
pub(super) fn pod_flag_at(o: &Object, w: &Workload, field: &str) -> Option<String> {
    pod(o, w).and_then(|p| p.get(field)).and_then(as_bool).filter(|b| *b).map(|_| child(&w.pod, field))
}

/// The pod's volumes with their pointers.
pub(super) fn volumes<'o>(o: &'o Object, w: &Workload) -> Vec<(String, &'o Map)> {
    let list = child(&w.pod, "volumes");
    pod(o, w)
        .and_then(|p| p.get("volumes"))
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_object().map(|v| (child(&list, &i.to_string()), v)))
                .collect()
        })
        .unwrap_or_default()
}

/// A volume's name.
pub(super) fn volume_name(v: &Map) -> &str {
    v.get("name").and_then(Value::as_str).unwrap_or_default()
}

/// `pod-level ` when the setting was inherited from the pod's securityContext.
pub(super) fn scope<T>(s: &Setting<T>) -> &'static str {
    if s.from_pod { "pod-level " } else { "" }
}

/// The pointer of a field of a container's own securityContext (`["capabilities", "drop"]`).
pub(super) fn own_field(c: &Container, path: &[&str]) -> String {
    path.iter().fold(child(&c.pointer, "securityContext"), |p, k| child(&p, k))
}

/// A capability name as runtimes compare it: upper case, without the `CAP_` prefix.
pub(super) fn capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").map(str::to_owned).unwrap_or(upper)
}

/// `container `a``, `containers `a` and `b``, `containers `a`, `b` and `c``.
pub(super) fn who(names: &[String]) -> String {
    match names {
        [one] => format!("container `{one}`"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|n| format!("`{n}`")).collect();
            format!("containers {} and `{last}`", init.join(", "))
        }
        [] => "no container".to_owned(),
    }
}

/// One container's finding, before the containers that share the offending field are merged.
#[derive(Debug)]
pub(super) struct Hit {
    pointer: String,
    container: String,
    before: String,
    after: String,
    fix: Option<(String, serde_json::Value)>,
}

impl Hit {
    /// A finding about `c` at `pointer`; its message is `before`, the container(s), `after`.
    pub(super) fn new(c: &Container, pointer: &str, before: impl Into<String>, after: impl Into<String>) -> Hit {
        Hit {
            pointer: pointer.to_owned(),
            container: c.name.clone(),
            before: before.into(),
            after: after.into(),
            fix: None,
        }
    }

    /// Sets `value` at `pointer` to fix it.
    pub(super) fn fix(mut self, pointer: impl Into<String>, value: serde_json::Value) -> Hit {
        self.fix = Some((pointer.into(), value));
        self
    }
}

/// Records the hits: those on the same field with the same message (a pod-level setting several
/// containers inherit) become one finding naming every container, so that one field to change
/// is one finding. A finding about a single container names it.
pub(super) fn report(out: &mut Findings, meta: &'static CheckMeta, o: &Object, hits: Vec<Hit>) {
    let mut groups: Vec<(Hit, Vec<String>)> = Vec::new();
    for h in hits {
        let same = groups
            .iter_mut()
            .find(|(g, _)| g.pointer == h.pointer && g.before == h.before && g.after == h.after && g.fix == h.fix);
        match same {
            Some((_, names)) => {
                if !names.contains(&h.container) {
                    names.push(h.container);
                }
            }
            None => {
                let names = vec![h.container.clone()];
                groups.push((h, names));
            }
        }
    }
    for (h, names) in groups {
        let finding = out.object(meta, o, &h.pointer, format!("{}{}{}", h.before, who(&names), h.after));
        if let [one] = names.as_slice() {
            finding.container(one);
        }
        if let Some((pointer, value)) = h.fix {
            finding.fix(pointer, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_named_in_a_readable_list() {
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(who(&names(&["a"])), "container `a`");
        assert_eq!(who(&names(&["a", "b"])), "containers `a` and `b`");
        assert_eq!(who(&names(&["a", "b", "c"])), "containers `a`, `b` and `c`");
    }

    #[test]
    fn capabilities_compare_as_runtimes_do() {
        assert_eq!(capability("cap_sys_admin"), "SYS_ADMIN");
        assert_eq!(capability("NET_RAW"), "NET_RAW");
        assert_eq!(capability("all"), "ALL");
    }
}
