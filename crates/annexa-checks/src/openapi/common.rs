//! What the OpenAPI checks share: the operations of a document and the resource findings are
//! about.

use crate::Resource;
use annexa_load::At;
use annexa_load::Document;
use annexa_load::span::child;
use annexa_load::{Map, Value};

/// The HTTP methods an OpenAPI path item can hold operations for.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One operation: method, path, pointer and the operation object.
#[derive(Debug)]
pub(crate) struct Operation<'a> {
    /// `post`.
    pub(crate) method: &'static str,
    /// `/refunds`.
    pub(crate) path: &'a str,
    /// `/paths/~1refunds/post`.
    pub(crate) pointer: String,
    /// The operation object.
    pub(crate) value: &'a Map,
}

/// Every operation under `paths`, in the order they are written.
pub(crate) fn operations(doc: &Document) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.value.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        let base = child("/paths", path);
        for method in METHODS {
            if let Some(op) = item.get(method).and_then(Value::as_object) {
                out.push(Operation { method, path, pointer: child(&base, method), value: op });
            }
        }
    }
    out.sort_by_key(|o| {
        let at = doc.locate(&o.pointer);
        (at.line, at.col)
    });
    out
}

/// The API the findings are about: its `info.title`, else the file.
pub(crate) fn resource(doc: &Document) -> Resource {
    let name = doc
        .value
        .at("/info/title")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map_or_else(|| doc.file.to_string(), str::to_owned);
    Resource { kind: "API".to_owned(), namespace: None, name, container: None }
}

/// Where the document says what it is (`openapi:` or `swagger:`), for findings about the
/// document as a whole.
pub(crate) fn head_pointer(doc: &Document) -> &'static str {
    if doc.value.get("openapi").is_some() {
        "/openapi"
    } else if doc.value.get("swagger").is_some() {
        "/swagger"
    } else {
        ""
    }
}
