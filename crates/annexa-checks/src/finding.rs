//! Findings: which check fired, where, about what, and how to fix it. Secret values are
//! masked before they ever reach a message.

use crate::CheckMeta;
use annexa_load::{Location, Object};
use serde_json::Value;

/// The Kubernetes resource (or other artefact) a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Resource {
    /// `Deployment`, `Dockerfile`, `workflow`...
    pub kind: String,
    /// The namespace, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
    /// The container, for container-level findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

impl Resource {
    /// `Deployment shop/web`, with ` container app` when there is one.
    pub fn display(&self) -> String {
        let mut s = match &self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        };
        if let Some(c) = &self.container {
            s.push_str(&format!(" container {c}"));
        }
        s
    }
}

/// A machine-applicable fix: set the value at a JSON pointer of the resource.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Fix {
    /// Where (relative to the resource's document).
    pub pointer: String,
    /// What to set there (`null` means remove).
    pub value: Value,
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The check that fired.
    pub check: &'static CheckMeta,
    /// What is wrong, in one sentence, input in backticks, secrets masked.
    pub message: String,
    /// Where.
    pub location: Location,
    /// What it is about.
    pub resource: Option<Resource>,
    /// How to fix it mechanically, when that is possible.
    pub fix: Option<Fix>,
}

/// The findings a check run collects.
#[derive(Debug, Default)]
pub struct Findings {
    items: Vec<Finding>,
}

impl Findings {
    /// No findings yet.
    pub fn new() -> Findings {
        Findings::default()
    }

    /// Records a finding about a Kubernetes object at `pointer` (relative to the object).
    pub fn object(&mut self, check: &'static CheckMeta, o: &Object, pointer: &str, message: String) -> &mut Finding {
        let resource =
            Resource { kind: o.kind.clone(), namespace: o.namespace.clone(), name: o.name.clone(), container: None };
        self.push(Finding { check, message, location: o.locate(pointer), resource: Some(resource), fix: None })
    }

    /// Records a finding at a location.
    pub fn at(
        &mut self,
        check: &'static CheckMeta,
        location: Location,
        resource: Option<Resource>,
        message: String,
    ) -> &mut Finding {
        self.push(Finding { check, message, location, resource, fix: None })
    }

    fn push(&mut self, f: Finding) -> &mut Finding {
        self.items.push(f);
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// The findings.
    pub fn into_vec(self) -> Vec<Finding> {
        self.items
    }

    /// How many so far.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether none so far.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Finding {
    /// Names the container the finding is about.
    pub fn container(&mut self, name: &str) -> &mut Finding {
        if let Some(r) = self.resource.as_mut() {
            r.container = Some(name.to_owned());
        }
        self
    }

    /// Attaches a fix.
    pub fn fix(&mut self, pointer: impl Into<String>, value: impl Into<Value>) -> &mut Finding {
        self.fix = Some(Fix { pointer: pointer.into(), value: value.into() });
        self
    }
}

/// A secret value as it may be shown: its first characters and its length, never the rest.
pub fn mask(value: &str) -> String {
    let shown: String = value.chars().take(4.min(value.chars().count() / 4)).collect();
    format!("{shown}**** ({} characters)", value.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_at_most_a_quarter_and_never_more_than_four_characters() {
        assert_eq!(mask("sk_live_51FAKEEXAMPLEKEY"), "sk_l**** (24 characters)");
        assert_eq!(mask("hunter2"), "h**** (7 characters)");
        assert_eq!(mask("abc"), "**** (3 characters)");
        assert!(!mask("supersecretpassword").contains("secret"));
    }
}
