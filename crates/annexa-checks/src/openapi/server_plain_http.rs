//! API servers advertised over plain HTTP.

use super::common::{operations, resource};
use crate::context::Cx;
use crate::{Check, CheckMeta, Findings, Target, check};
use annexa_load::At;
use annexa_load::Value;
use annexa_load::span::child;
use annexa_load::{DocKind, Document};

check! {
    /// ## What it checks
    /// `servers[].url` entries of OpenAPI 3.0 and 3.1 documents (top level, path items and
    /// operations) that start with `http://`, and Swagger 2.0 documents whose `schemes` list
    /// `http`. Local development addresses (`localhost`, `*.localhost`, `127.0.0.1`, `[::1]`) are
    /// not reported.
    ///
    /// ## Why it matters
    /// A server URL is where clients, SDK generators and API consoles send requests,
    /// credentials included. Over plain HTTP, bearer tokens, API keys and the data itself
    /// cross the network readable and modifiable by anyone on the path.
    ///
    /// ## Remediation
    /// Serve the API over HTTPS only and list only `https://` URLs; redirect or close the
    /// plain-HTTP listener. Inside a mesh with strict mTLS, advertise the external HTTPS
    /// address rather than the in-cluster one.
    ///
    /// ## References
    /// OpenAPI Specification 3.1, Server Object. OWASP API Security Top 10 2023, API8
    /// security misconfiguration. NIST SP 800-52 Rev. 2 (TLS).
    pub struct ServerPlainHttp;
    id: "API-0002",
    slug: "server-plain-http",
    title: "API server advertised over plain HTTP",
    severity: Medium,
    target: Target::OpenApi,
    controls: [A8_24, A5_14, A8_26],
    strategies: [MsSs4],
    aliases: [],
}

/// Whether a URL's host is this machine.
fn local(url: &str) -> bool {
    let rest = url.get("http://".len()..).unwrap_or_default();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default().to_owned()
    };
    let host = host.to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost") || host.starts_with("127.") || host == "[::1]"
}

impl Check for ServerPlainHttp {
    fn meta(&self) -> &'static CheckMeta {
        &Self::META
    }

    fn document(&self, _cx: &Cx<'_>, doc: &Document, out: &mut Findings) {
        if doc.kind != DocKind::OpenApi {
            return;
        }
        let mut lists: Vec<String> = vec!["/servers".to_owned()];
        if let Some(paths) = doc.value.get("paths").and_then(Value::as_object) {
            lists.extend(paths.keys().map(|p| child(&child("/paths", p), "servers")));
        }
        lists.extend(operations(doc).into_iter().map(|o| child(&o.pointer, "servers")));
        let mut found = Vec::new();
        for list in lists {
            let Some(servers) = doc.value.at(&list).and_then(Value::as_array) else { continue };
            for (i, server) in servers.iter().enumerate() {
                let Some(url) = server.get("url").and_then(Value::as_str) else { continue };
                if url.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://")) && !local(url) {
                    found.push((child(&child(&list, &i.to_string()), "url"), format!("server `{url}` is plain HTTP")));
                }
            }
        }
        if let Some(schemes) = doc.value.get("schemes").and_then(Value::as_array) {
            let host = doc.value.get("host").and_then(Value::as_str).unwrap_or_default();
            for (i, s) in schemes.iter().enumerate() {
                if s.as_str().is_some_and(|s| s.eq_ignore_ascii_case("http")) && !local(&format!("http://{host}")) {
                    found.push((format!("/schemes/{i}"), "`schemes` offers plain `http`".to_owned()));
                }
            }
        }
        found.sort_by_key(|(p, _)| doc.locate(p).line);
        for (pointer, message) in found {
            out.at(&Self::META, doc.locate(&pointer), Some(resource(doc)), message);
        }
    }
}
