//! What the compose checks share: the services of a compose document, the resource a finding
//! is about, and compose's `${VAR:-default}` interpolation.

use crate::Resource;
use annexa_load::detect::DocKind;
use annexa_load::span::push_token;
use annexa_load::{Document, Location};
use annexa_load::{Map, Value};

/// One service of a compose document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Service<'d> {
    pub(crate) name: &'d str,
    pub(crate) spec: &'d Map,
    pub(crate) doc: &'d Document,
}

impl Service<'_> {
    /// The JSON pointer of the service, or of `field` below it.
    pub(crate) fn pointer(&self, field: &[&str]) -> String {
        let mut p = String::new();
        push_token(&mut p, "services");
        push_token(&mut p, self.name);
        for f in field {
            push_token(&mut p, f);
        }
        p
    }

    /// Where `field` (or the service itself, for `&[]`) is written.
    pub(crate) fn locate(&self, field: &[&str]) -> Location {
        self.doc.locate(&self.pointer(field))
    }

    /// The service as the resource a finding is about.
    pub(crate) fn resource(&self) -> Resource {
        Resource { kind: "compose service".to_owned(), namespace: None, name: self.name.to_owned(), container: None }
    }

    /// A string field with interpolation applied; `None` when absent, not a string, or only the
    /// environment at `docker compose up` time can give its value.
    pub(crate) fn text(&self, field: &str) -> Option<String> {
        self.spec.get(field).and_then(Value::as_str).and_then(interpolate)
    }
}

/// The services of a compose document (nothing for other documents).
pub(crate) fn services(doc: &Document) -> Vec<Service<'_>> {
    if doc.kind != DocKind::Compose {
        return Vec::new();
    }
    let Some(services) = doc.value.get("services").and_then(Value::as_object) else { return Vec::new() };
    services
        .iter()
        .filter_map(|(name, spec)| spec.as_object().map(|spec| Service { name: name.as_str(), spec, doc }))
        .collect()
}

/// `text` with compose interpolation applied: `$$` is a dollar, `${VAR:-default}` and
/// `${VAR-default}` take their default; `None` when a variable has no default.
pub(crate) fn interpolate(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => {
                chars.next();
                out.push('$');
            }
            Some('{') => {
                chars.next();
                let mut inner = String::new();
                let mut depth = 1usize;
                for n in chars.by_ref() {
                    match n {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    inner.push(n);
                }
                let name_len = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').count();
                let modifier = inner.get(name_len..).unwrap_or_default();
                let default = modifier.strip_prefix(":-").or_else(|| modifier.strip_prefix('-'))?;
                out.push_str(&interpolate(default)?);
            }
            Some(n) if n.is_ascii_alphabetic() || *n == '_' => return None,
            _ => out.push('$'),
        }
    }
    Some(out)
}

/// Whether a user specification (`root`, `0`, `0:0`, `root:wheel`) names root.
pub(crate) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name == "root" || !name.is_empty() && name.chars().all(|c| c == '0')
}

/// Helpers for the checks' own tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use crate::Check;

    /// The lines at which `check` fires on a compose file.
    pub(crate) fn lines(check: &'static dyn Check, text: &str) -> Vec<u32> {
        crate::dockerfile::common::tests_support::lines_in(check, "docker-compose.yaml", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_takes_defaults() {
        assert_eq!(
            interpolate("${SOCK:-/var/run/docker.sock}:/var/run/docker.sock").as_deref(),
            Some("/var/run/docker.sock:/var/run/docker.sock")
        );
        assert_eq!(interpolate("nginx:${TAG-1.27}").as_deref(), Some("nginx:1.27"));
        assert_eq!(interpolate("nginx:${TAG}"), None);
        assert_eq!(interpolate("$TAG"), None);
        assert_eq!(interpolate("a$$b").as_deref(), Some("a$b"));
        assert_eq!(interpolate("${A:-${B:-x}}").as_deref(), Some("x"));
        assert!(is_root_user("0:0") && is_root_user("root") && !is_root_user("1000:0") && !is_root_user(""));
    }
}
