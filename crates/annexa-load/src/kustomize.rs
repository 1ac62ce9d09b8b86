//! Rendering Kustomize directories: resources, bases and components resolved, generators,
//! names, namespaces, labels, images and replicas applied, strategic-merge and JSON 6902
//! patches applied. What cannot be rendered offline (remote bases, Helm inflation) is a
//! diagnostic that says what to run instead.
//!
//! Rendered objects keep the spans of the resource file they come from, so findings point at
//! the line a person edits; a field a patch created points at its nearest written ancestor.

use crate::detect::is_kustomization_name;
use crate::diag::{Code, Diagnostic};
use crate::estate::{FileResult, Options, read};
use crate::k8s::{self, Object};
use crate::pointer::At;
use crate::span::{Pos, SpanBuilder, SpanIndex};
use crate::tree::{Map, Value};
use crate::yaml;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

/// Directories (as display paths) that hold a kustomization file.
pub(crate) fn directories(names: &[&str]) -> Vec<String> {
    let mut dirs: Vec<String> =
        names.iter().filter(|n| is_kustomization_name(n)).map(|n| parent(n).to_owned()).collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

fn parent(name: &str) -> &str {
    name.rfind('/').map_or(".", |i| &name[..i])
}

/// Joins and normalises `dir/rel` lexically (`a/b/../c` → `a/c`).
fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir == "." || rel.starts_with('/') { Vec::new() } else { dir.split('/').collect() };
    let absolute = dir.starts_with('/') || rel.starts_with('/');
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_owned()
    } else {
        joined
    }
}

/// The kustomization file in a directory, if any.
fn kustomization_file(dir: &str) -> Option<String> {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .map(|f| join(dir, f))
        .find(|p| Path::new(p).is_file())
}

/// A parsed kustomization.
struct Kustomization {
    file: Arc<str>,
    value: Value,
    spans: Arc<SpanIndex>,
}

impl Kustomization {
    fn list(&self, key: &str) -> Vec<(usize, Value)> {
        self.value
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().cloned().enumerate().collect())
            .unwrap_or_default()
    }

    fn strings(&self, key: &str) -> Vec<(usize, String)> {
        self.list(key).into_iter().filter_map(|(i, v)| v.as_str().map(|s| (i, s.to_owned()))).collect()
    }

    fn pos(&self, pointer: &str) -> Pos {
        self.spans.locate(pointer).unwrap_or(Pos { line: 1, col: 1 })
    }

    fn is_component(&self) -> bool {
        self.value.get("kind").and_then(Value::as_str) == Some("Component")
    }
}

/// Renders kustomizations, remembering which files they consumed.
pub(crate) struct Kustomizer<'a> {
    options: &'a Options,
    cache: BTreeMap<String, Option<Arc<Kustomization>>>,
    /// Files (display paths) a rendered kustomization read.
    pub(crate) consumed: BTreeSet<String>,
    /// Kustomization directories a rendering reached (they are not roots of their own).
    reached: BTreeSet<String>,
}

impl<'a> Kustomizer<'a> {
    pub(crate) fn new(options: &'a Options) -> Kustomizer<'a> {
        Kustomizer { options, cache: BTreeMap::new(), consumed: BTreeSet::new(), reached: BTreeSet::new() }
    }

    fn kustomization(&mut self, dir: &str, out: &mut FileResult) -> Option<Arc<Kustomization>> {
        if let Some(k) = self.cache.get(dir) {
            return k.clone();
        }
        let loaded = kustomization_file(dir).and_then(|file| {
            let name: Arc<str> = Arc::from(file.as_str());
            let text = match read(&file, Some(Path::new(&file)), self.options) {
                Ok(t) => t,
                Err((_, d)) => {
                    out.diagnostics.push(d);
                    return None;
                }
            };
            let parsed = yaml::parse(&text, self.options.limits);
            out.diagnostics.extend(parsed.diagnostics.into_iter().map(|d| d.in_file(&name)));
            let doc = parsed.docs.into_iter().next()?;
            Some(Arc::new(Kustomization { file: name, value: doc.value, spans: Arc::new(doc.spans) }))
        });
        self.cache.insert(dir.to_owned(), loaded.clone());
        loaded
    }

    /// Directories referenced as a resource, base or component by another kustomization.
    fn referenced(&mut self, dirs: &[String], out: &mut FileResult) -> BTreeSet<String> {
        let mut referenced = BTreeSet::new();
        for dir in dirs {
            let Some(k) = self.kustomization(dir, out) else { continue };
            for key in ["resources", "bases", "components"] {
                for (_, entry) in k.strings(key) {
                    let path = join(dir, &entry);
                    if kustomization_file(&path).is_some() {
                        referenced.insert(path);
                    }
                }
            }
        }
        referenced
    }

    /// Renders every kustomization that no other one includes (components are only rendered
    /// as part of what includes them).
    pub(crate) fn render_roots(&mut self, dirs: &[String], out: &mut FileResult) {
        let referenced = self.referenced(dirs, out);
        for dir in dirs {
            if referenced.contains(dir) || self.reached.contains(dir) {
                continue;
            }
            let Some(k) = self.kustomization(dir, out) else { continue };
            if k.is_component() {
                out.diagnostics.push(
                    Diagnostic::warning(
                        Code::Kustomize,
                        Pos { line: 1, col: 1 },
                        "Kustomize component not included by any kustomization; not rendered".to_owned(),
                    )
                    .in_file(&k.file),
                );
                continue;
            }
            self.consumed.insert(k.file.to_string());
            let objects = self.render(dir, 0, out);
            out.objects.extend(objects);
        }
    }

    fn render(&mut self, dir: &str, depth: usize, out: &mut FileResult) -> Vec<Object> {
        let Some(k) = self.kustomization(dir, out) else { return Vec::new() };
        self.consumed.insert(k.file.to_string());
        self.reached.insert(dir.to_owned());
        if depth > 20 {
            out.diagnostics.push(
                Diagnostic::error(
                    Code::Kustomize,
                    Pos { line: 1, col: 1 },
                    "kustomizations include each other more than 20 levels deep (a cycle?)".to_owned(),
                )
                .in_file(&k.file),
            );
            return Vec::new();
        }
        let mut objects = Vec::new();
        for key in ["resources", "bases"] {
            for (i, entry) in k.strings(key) {
                let at = k.pos(&format!("/{key}/{i}"));
                self.resource(&k, dir, &entry, at, depth, &mut objects, out);
            }
        }
        self.generators(&k, dir, &mut objects, out);
        for (i, entry) in k.strings("components") {
            let path = join(dir, &entry);
            match self.kustomization(&path, out) {
                Some(c) => {
                    let added = self.render(&path, depth + 1, out);
                    objects.extend(added);
                    self.transform(&c, &mut objects, out);
                }
                None => out.diagnostics.push(
                    Diagnostic::error(
                        Code::Kustomize,
                        k.pos(&format!("/components/{i}")),
                        format!("component `{entry}` has no kustomization file"),
                    )
                    .in_file(&k.file),
                ),
            }
        }
        if k.value.get("helmCharts").is_some() || k.value.get("helmChartInflationGenerator").is_some() {
            out.diagnostics.push(
                Diagnostic::warning(
                    Code::Kustomize,
                    k.pos("/helmCharts"),
                    "`helmCharts` cannot be inflated offline; those objects are not scanned".to_owned(),
                )
                .with_help(format!("run `kustomize build --enable-helm {dir} > rendered.yaml` and scan that file"))
                .in_file(&k.file),
            );
        }
        // A component's transformations apply to what includes it, so its includer runs them.
        if !k.is_component() {
            self.transform(&k, &mut objects, out);
        }
        // The outermost kustomization is the one a person deploys: it names the rendering.
        for o in &mut objects {
            o.via = Some(dir.to_owned());
        }
        objects
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "the resource's context: kustomization, directory, entry, position, depth, outputs"
    )]
    fn resource(
        &mut self,
        k: &Kustomization,
        dir: &str,
        entry: &str,
        at: Pos,
        depth: usize,
        objects: &mut Vec<Object>,
        out: &mut FileResult,
    ) {
        if entry.contains("://")
            || entry.starts_with("github.com/")
            || entry.starts_with("git@")
            || entry.contains("?ref=")
        {
            out.diagnostics.push(
                Diagnostic::warning(
                    Code::Kustomize,
                    at,
                    format!("remote resource `{entry}` cannot be fetched offline; its objects are not scanned"),
                )
                .with_help(format!("run `kustomize build {dir} > rendered.yaml` and scan that file"))
                .in_file(&k.file),
            );
            return;
        }
        let path = join(dir, entry);
        if Path::new(&path).is_dir() {
            if kustomization_file(&path).is_some() {
                objects.extend(self.render(&path, depth + 1, out));
            } else {
                out.diagnostics.push(
                    Diagnostic::error(
                        Code::Kustomize,
                        at,
                        format!("`{entry}` is a directory without a kustomization file"),
                    )
                    .in_file(&k.file),
                );
            }
            return;
        }
        match self.file_objects(&path, out) {
            Some(found) => objects.extend(found),
            None => out
                .diagnostics
                .push(Diagnostic::error(Code::Kustomize, at, format!("resource `{entry}` not found")).in_file(&k.file)),
        }
    }

    /// The Kubernetes objects of one file, read through the same reader as every other file.
    fn file_objects(&mut self, path: &str, out: &mut FileResult) -> Option<Vec<Object>> {
        if !Path::new(path).is_file() {
            return None;
        }
        self.consumed.insert(path.to_owned());
        let name: Arc<str> = Arc::from(path);
        let mut result = FileResult::default();
        match read(path, Some(Path::new(path)), self.options) {
            Ok(text) => crate::estate::read_text(&name, &text, self.options, &mut result),
            Err((_, d)) => result.diagnostics.push(d),
        }
        out.documents_read += result.documents_read;
        out.diagnostics.extend(result.diagnostics);
        Some(result.objects)
    }

    /// `configMapGenerator` and `secretGenerator` with literals, files and env files.
    fn generators(&mut self, k: &Kustomization, dir: &str, objects: &mut Vec<Object>, out: &mut FileResult) {
        for (key, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
            for (i, g) in k.list(key) {
                let Some(name) = g.get("name").and_then(Value::as_str) else { continue };
                let mut data = Map::new();
                for literal in
                    g.get("literals").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
                {
                    if let Some((key, value)) = literal.split_once('=') {
                        data.insert(key.to_owned(), Value::String(value.to_owned()));
                    }
                }
                for file in g.get("files").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                    let (key, rel) = file.split_once('=').unwrap_or((file.rsplit('/').next().unwrap_or(file), file));
                    let path = join(dir, rel);
                    if let Ok(text) = read(&path, Some(Path::new(&path)), self.options) {
                        self.consumed.insert(path);
                        data.insert(key.to_owned(), Value::String(text));
                    }
                }
                for env in g.get("envs").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                    let path = join(dir, env);
                    if let Ok(text) = read(&path, Some(Path::new(&path)), self.options) {
                        self.consumed.insert(path);
                        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
                            if let Some((key, value)) = line.split_once('=') {
                                data.insert(key.trim().to_owned(), Value::String(value.to_owned()));
                            }
                        }
                    }
                }
                let field = if kind == "Secret" { "stringData" } else { "data" };
                let mut value =
                    crate::value!({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}, field: data});
                if let Some(ns) = g.get("namespace").and_then(Value::as_str) {
                    value["metadata"]["namespace"] = Value::String(ns.to_owned());
                }
                // A generated object is written in the kustomization: its spans are the generator entry's.
                let mut spans = SpanBuilder::default();
                let entry = format!("/{key}/{i}");
                let pos = k.pos(&entry);
                spans.insert("", crate::span::NodeSpan { key: None, value: pos });
                let spans = spans.finish();
                let mut found = Vec::new();
                k8s::objects(&k.file, 0, value, Arc::new(spans), None, &mut found, &mut out.diagnostics);
                objects.extend(found);
            }
        }
    }

    /// Applies a kustomization's (or component's) transformations to `objects`.
    fn transform(&mut self, k: &Kustomization, objects: &mut [Object], out: &mut FileResult) {
        let dir = parent(&k.file).to_owned();
        self.patches(k, &dir, objects, out);
        if let Some(images) = k.value.get("images").and_then(Value::as_array) {
            for o in objects.iter_mut() {
                set_images(o, images);
            }
        }
        if let Some(replicas) = k.value.get("replicas").and_then(Value::as_array) {
            for r in replicas {
                let (Some(name), Some(count)) = (r.get("name").and_then(Value::as_str), r.get("count")) else {
                    continue;
                };
                for o in objects.iter_mut().filter(|o| o.name == name && o.value.at("/spec").is_some()) {
                    o.value["spec"]["replicas"] = count.clone();
                }
            }
        }
        let mut labels: Vec<(String, String, bool)> = Vec::new();
        if let Some(common) = k.value.get("commonLabels").and_then(Value::as_object) {
            labels.extend(common.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned(), true))));
        }
        for l in k.value.get("labels").and_then(Value::as_array).into_iter().flatten() {
            let selectors = l.get("includeSelectors").and_then(Value::as_bool).unwrap_or(false);
            for (key, v) in l.get("pairs").and_then(Value::as_object).into_iter().flatten() {
                if let Some(v) = v.as_str() {
                    labels.push((key.clone(), v.to_owned(), selectors));
                }
            }
        }
        let annotations: Vec<(String, String)> = k
            .value
            .get("commonAnnotations")
            .and_then(Value::as_object)
            .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned()))).collect())
            .unwrap_or_default();
        let prefix = k.value.get("namePrefix").and_then(Value::as_str).unwrap_or_default();
        let suffix = k.value.get("nameSuffix").and_then(Value::as_str).unwrap_or_default();
        let namespace = k.value.get("namespace").and_then(Value::as_str);
        let mut renamed: BTreeMap<(String, String), String> = BTreeMap::new();
        for o in objects.iter_mut() {
            for (key, value, selectors) in &labels {
                add_label(&mut o.value, key, value, *selectors);
            }
            for (key, value) in &annotations {
                set(&mut o.value, &["metadata", "annotations", key], Value::String(value.clone()));
            }
            if (!prefix.is_empty() || !suffix.is_empty())
                && o.kind != "Namespace"
                && o.kind != "CustomResourceDefinition"
            {
                let new = format!("{prefix}{}{suffix}", o.name);
                renamed.insert((o.kind.clone(), o.name.clone()), new.clone());
                set(&mut o.value, &["metadata", "name"], Value::String(new.clone()));
                o.name = new;
            }
            if let Some(ns) = namespace
                && !cluster_scoped(&o.kind)
            {
                set(&mut o.value, &["metadata", "namespace"], Value::String(ns.to_owned()));
                o.namespace = Some(ns.to_owned());
            }
        }
        if !renamed.is_empty() {
            for o in objects.iter_mut() {
                rename_references(o, &renamed);
            }
        }
    }

    fn patches(&mut self, k: &Kustomization, dir: &str, objects: &mut [Object], out: &mut FileResult) {
        // `patchesStrategicMerge`: files or inline documents, each naming its target.
        for (i, entry) in k.list("patchesStrategicMerge") {
            let at = k.pos(&format!("/patchesStrategicMerge/{i}"));
            for patch in self.patch_documents(k, dir, &entry, at, out) {
                apply_strategic(objects, &patch, None, k, at, out);
            }
        }
        // `patches`: strategic merge or JSON 6902, from a file or inline, with an optional target.
        for (i, p) in k.list("patches") {
            let at = k.pos(&format!("/patches/{i}"));
            let source = p.get("path").cloned().or_else(|| p.get("patch").cloned()).unwrap_or(Value::Null);
            let target = p.get("target").cloned();
            for patch in self.patch_documents(k, dir, &source, at, out) {
                if patch.is_array() {
                    apply_json6902(objects, &patch, target.as_ref(), k, at, out);
                } else {
                    apply_strategic(objects, &patch, target.as_ref(), k, at, out);
                }
            }
        }
        // `patchesJson6902`: a target and an operation list.
        for (i, p) in k.list("patchesJson6902") {
            let at = k.pos(&format!("/patchesJson6902/{i}"));
            let source = p.get("path").cloned().or_else(|| p.get("patch").cloned()).unwrap_or(Value::Null);
            for patch in self.patch_documents(k, dir, &source, at, out) {
                apply_json6902(objects, &patch, p.get("target"), k, at, out);
            }
        }
    }

    /// A patch entry as documents: a path to a file, or inline YAML/JSON text.
    fn patch_documents(
        &mut self,
        k: &Kustomization,
        dir: &str,
        entry: &Value,
        at: Pos,
        out: &mut FileResult,
    ) -> Vec<Value> {
        let (text, name) = match entry {
            Value::String(s) if !s.contains('\n') && !s.trim_start().starts_with(['[', '{']) => {
                let path = join(dir, s);
                match read(&path, Some(Path::new(&path)), self.options) {
                    Ok(t) => {
                        self.consumed.insert(path.clone());
                        (t, path)
                    }
                    Err(_) => {
                        out.diagnostics.push(
                            Diagnostic::error(Code::Kustomize, at, format!("patch `{s}` not found")).in_file(&k.file),
                        );
                        return Vec::new();
                    }
                }
            }
            Value::String(s) => (s.clone(), k.file.to_string()),
            Value::Null => return Vec::new(),
            other => return vec![other.clone()],
        };
        let parsed = yaml::parse(&text, self.options.limits);
        out.diagnostics.extend(parsed.diagnostics.into_iter().map(|d| d.in_file(&name)));
        parsed.docs.into_iter().map(|d| d.value).collect()
    }
}

fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "IngressClass"
            | "RuntimeClass"
            | "APIService"
            | "CSIDriver"
            | "GatewayClass"
            | "ClusterIssuer"
    )
}

/// Sets `value` at a path of object keys, creating mappings on the way.
fn set(root: &mut Value, path: &[&str], value: Value) {
    let mut node = root;
    for key in &path[..path.len().saturating_sub(1)] {
        if !node.get(*key).is_some_and(Value::is_object) {
            if let Some(map) = node.as_object_mut() {
                map.insert((*key).to_owned(), Value::Object(Map::new()));
            } else {
                return;
            }
        }
        let Some(next) = node.get_mut(*key) else { return };
        node = next;
    }
    if let (Some(map), Some(last)) = (node.as_object_mut(), path.last()) {
        map.insert((*last).to_owned(), value);
    }
}

fn add_label(o: &mut Value, key: &str, value: &str, selectors: bool) {
    let v = Value::String(value.to_owned());
    set(o, &["metadata", "labels", key], v.clone());
    if !selectors {
        return;
    }
    let kind = o.get("kind").and_then(Value::as_str).unwrap_or_default().to_owned();
    if kind == "Service" {
        set(o, &["spec", "selector", key], v.clone());
    }
    if let Some(pod) = k8s::pod_spec_pointer(&kind).filter(|p| *p != "/spec") {
        let template: Vec<&str> = pod.trim_start_matches('/').trim_end_matches("/spec").split('/').collect();
        let mut labels = template.clone();
        labels.extend(["metadata", "labels", key]);
        set(o, &labels, v.clone());
        if kind != "CronJob" && kind != "Job" {
            set(o, &["spec", "selector", "matchLabels", key], v);
        }
    }
}

/// The `images` transformer: new name, tag or digest for containers whose image matches.
fn set_images(o: &mut Object, images: &[Value]) {
    let Some(pod) = k8s::pod_spec_pointer(&o.kind) else { return };
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let Some(containers) = o.value.at_mut(&format!("{pod}/{list}")).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in containers {
            let Some(image) = c.get("image").and_then(Value::as_str).map(str::to_owned) else { continue };
            let (name, _) = split_image(&image);
            for rule in images {
                if rule.get("name").and_then(Value::as_str) != Some(name) {
                    continue;
                }
                let new_name = rule.get("newName").and_then(Value::as_str).unwrap_or(name);
                let (_, old_tag) = split_image(&image);
                let reference = if let Some(digest) = rule.get("digest").and_then(Value::as_str) {
                    format!("{new_name}@{digest}")
                } else if let Some(tag) = rule.get("newTag").and_then(Value::as_str) {
                    format!("{new_name}:{tag}")
                } else {
                    format!("{new_name}{old_tag}")
                };
                c["image"] = Value::String(reference);
            }
        }
    }
}

/// `repo/name:tag@digest` → (`repo/name`, `:tag@digest`).
fn split_image(image: &str) -> (&str, &str) {
    let name_end = image.find('@').unwrap_or(image.len());
    let last_slash = image[..name_end].rfind('/').map_or(0, |i| i + 1);
    let tag = image[last_slash..name_end].find(':').map(|i| last_slash + i);
    let end = tag.unwrap_or(name_end);
    (&image[..end], &image[end..])
}

/// After `namePrefix`/`nameSuffix`, references from pods to renamed ConfigMaps, Secrets and
/// ServiceAccounts follow, as Kustomize's name-reference transformer does.
fn rename_references(o: &mut Object, renamed: &BTreeMap<(String, String), String>) {
    let Some(pod) = k8s::pod_spec_pointer(&o.kind) else { return };
    let Some(spec) = o.value.at_mut(pod) else { return };
    let rename = |v: &mut Value, kind: &str| {
        if let Some(name) = v.as_str()
            && let Some(new) = renamed.get(&(kind.to_owned(), name.to_owned()))
        {
            *v = Value::String(new.clone());
        }
    };
    if let Some(sa) = spec.get_mut("serviceAccountName") {
        rename(sa, "ServiceAccount");
    }
    if let Some(volumes) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in volumes {
            if let Some(n) = v.at_mut("/configMap/name") {
                rename(n, "ConfigMap");
            }
            if let Some(n) = v.at_mut("/secret/secretName") {
                rename(n, "Secret");
            }
        }
    }
    for list in ["initContainers", "containers"] {
        for c in spec.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
            for e in c.get_mut("env").and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some(n) = e.at_mut("/valueFrom/secretKeyRef/name") {
                    rename(n, "Secret");
                }
                if let Some(n) = e.at_mut("/valueFrom/configMapKeyRef/name") {
                    rename(n, "ConfigMap");
                }
            }
            for e in c.get_mut("envFrom").and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some(n) = e.at_mut("/secretRef/name") {
                    rename(n, "Secret");
                }
                if let Some(n) = e.at_mut("/configMapRef/name") {
                    rename(n, "ConfigMap");
                }
            }
        }
    }
}

fn matches_target(o: &Object, target: &Value) -> bool {
    let field = |k: &str| target.get(k).and_then(Value::as_str);
    let group_version = o.api_version.split_once('/').map_or(("", o.api_version.as_str()), |(g, v)| (g, v));
    field("kind").is_none_or(|k| k == o.kind)
        && field("name").is_none_or(|n| n == o.name || regex_like(n, &o.name))
        && field("namespace").is_none_or(|n| o.namespace.as_deref() == Some(n))
        && field("group").is_none_or(|g| g == group_version.0)
        && field("version").is_none_or(|v| v == group_version.1)
        && field("labelSelector").is_none_or(|s| selector_matches(s, &o.value))
}

/// Kustomize target names are regular expressions; the common forms are `.*` wildcards.
fn regex_like(pattern: &str, name: &str) -> bool {
    if !pattern.contains(".*") {
        return false;
    }
    let parts: Vec<&str> = pattern.trim_start_matches('^').trim_end_matches('$').split(".*").collect();
    let mut rest = name;
    for (i, part) in parts.iter().enumerate() {
        match rest.find(part) {
            Some(at) if i > 0 || at == 0 => rest = &rest[at + part.len()..],
            _ => return false,
        }
    }
    parts.last().is_none_or(|p| p.is_empty() || name.ends_with(p))
}

/// `a=b,c=d` against `metadata.labels`.
fn selector_matches(selector: &str, value: &Value) -> bool {
    selector.split(',').map(str::trim).filter(|s| !s.is_empty()).all(|pair| match pair.split_once('=') {
        Some((k, v)) => {
            value.at("/metadata/labels").and_then(|l| l.get(k.trim())).and_then(Value::as_str)
                == Some(v.trim_start_matches('=').trim())
        }
        None => value.at("/metadata/labels").and_then(|l| l.get(pair)).is_some(),
    })
}

fn apply_strategic(
    objects: &mut [Object],
    patch: &Value,
    target: Option<&Value>,
    k: &Kustomization,
    at: Pos,
    out: &mut FileResult,
) {
    let own_target;
    let target = match target {
        Some(t) => t,
        None => {
            own_target = crate::value!({
                "kind": patch.get("kind"),
                "name": patch.at("/metadata/name"),
            });
            &own_target
        }
    };
    let mut hit = false;
    for o in objects.iter_mut().filter(|o| matches_target(o, target)) {
        hit = true;
        merge(&mut o.value, patch);
        o.name = o.value.at("/metadata/name").and_then(Value::as_str).unwrap_or(&o.name).to_owned();
    }
    if !hit {
        out.diagnostics.push(
            Diagnostic::warning(Code::Kustomize, at, format!("patch matches no resource (target {target})"))
                .in_file(&k.file),
        );
    }
}

/// The list fields Kubernetes merges by a key instead of replacing.
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "hostAliases" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "ports" => Some("containerPort"),
        "tolerations" => Some("key"),
        _ => None,
    }
}

/// A strategic merge patch, the parts of it Kubernetes' built-in kinds use.
pub fn merge(target: &mut Value, patch: &Value) {
    let (Some(t), Some(p)) = (target.as_object_mut(), patch.as_object()) else {
        *target = patch.clone();
        return;
    };
    // New keys are added in one sorted pass at the end: one by one, each could shift every entry.
    let mut added = Vec::new();
    for (key, pv) in p {
        if key.starts_with("$") {
            continue;
        }
        if pv.is_null() {
            t.remove(key);
            continue;
        }
        match (t.get_mut(key), pv) {
            (Some(tv @ Value::Object(_)), Value::Object(_)) => merge(tv, pv),
            (Some(Value::Array(items)), Value::Array(patch_items)) if merge_key(key).is_some() => {
                let mk = merge_key(key).unwrap_or("name");
                for pi in patch_items {
                    let id = pi.get(mk).cloned();
                    let position = id.as_ref().and_then(|id| items.iter().position(|i| i.get(mk) == Some(id)));
                    let delete = pi.get("$patch").and_then(Value::as_str) == Some("delete");
                    match (position, delete) {
                        (Some(i), true) => {
                            items.remove(i);
                        }
                        (Some(i), false) => merge(&mut items[i], pi),
                        (None, false) => items.push(pi.clone()),
                        (None, true) => {}
                    }
                }
            }
            (Some(tv), _) => *tv = pv.clone(),
            (None, _) => added.push((key.clone(), pv.clone())),
        }
    }
    t.extend(added);
}

fn apply_json6902(
    objects: &mut [Object],
    ops: &Value,
    target: Option<&Value>,
    k: &Kustomization,
    at: Pos,
    out: &mut FileResult,
) {
    let Some(target) = target else {
        out.diagnostics.push(
            Diagnostic::error(Code::Kustomize, at, "JSON 6902 patch without a `target`".to_owned()).in_file(&k.file),
        );
        return;
    };
    let Some(ops) = ops.as_array() else { return };
    let mut hit = false;
    for o in objects.iter_mut().filter(|o| matches_target(o, target)) {
        hit = true;
        for op in ops {
            if let Err(message) = json6902(&mut o.value, op) {
                out.diagnostics.push(
                    Diagnostic::error(Code::Kustomize, at, format!("JSON 6902 patch on {}: {message}", o.display()))
                        .in_file(&k.file),
                );
            }
        }
    }
    if !hit {
        out.diagnostics.push(
            Diagnostic::warning(Code::Kustomize, at, format!("patch matches no resource (target {target})"))
                .in_file(&k.file),
        );
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Splits a pointer into (parent pointer, last token).
fn split_pointer(pointer: &str) -> Option<(&str, String)> {
    let i = pointer.rfind('/')?;
    Some((&pointer[..i], unescape(&pointer[i + 1..])))
}

/// Applies one RFC 6902 operation.
pub fn json6902(doc: &mut Value, op: &Value) -> Result<(), String> {
    let kind = op.get("op").and_then(Value::as_str).ok_or("operation without `op`")?;
    let path = op.get("path").and_then(Value::as_str).ok_or("operation without `path`")?;
    match kind {
        "add" | "replace" => {
            let value = op.get("value").cloned().ok_or(format!("`{kind}` without `value`"))?;
            put(doc, path, value, kind == "replace")
        }
        "remove" => take(doc, path).map(|_| ()),
        "move" | "copy" => {
            let from = op.get("from").and_then(Value::as_str).ok_or(format!("`{kind}` without `from`"))?;
            let value = if kind == "move" {
                take(doc, from)?
            } else {
                doc.at(from).cloned().ok_or(format!("`{from}` does not exist"))?
            };
            put(doc, path, value, false)
        }
        "test" => {
            let want = op.get("value").ok_or("`test` without `value`")?;
            if doc.at(path) == Some(want) { Ok(()) } else { Err(format!("test failed at `{path}`")) }
        }
        other => Err(format!("unknown operation `{other}`")),
    }
}

fn put(doc: &mut Value, path: &str, value: Value, replace: bool) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, last) = split_pointer(path).ok_or(format!("invalid path `{path}`"))?;
    let node = doc.at_mut(parent).ok_or(format!("`{parent}` does not exist"))?;
    match node {
        Value::Object(map) => {
            if replace && !map.contains_key(&last) {
                return Err(format!("`{path}` does not exist"));
            }
            map.insert(last, value);
            Ok(())
        }
        Value::Array(items) => {
            if last == "-" {
                items.push(value);
                return Ok(());
            }
            let i: usize = last.parse().map_err(|_| format!("`{last}` is not an index"))?;
            if replace {
                *items.get_mut(i).ok_or(format!("`{path}` does not exist"))? = value;
            } else if i <= items.len() {
                items.insert(i, value);
            } else {
                return Err(format!("index {i} is past the end of `{parent}`"));
            }
            Ok(())
        }
        _ => Err(format!("`{parent}` is not a mapping or list")),
    }
}

fn take(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split_pointer(path).ok_or(format!("invalid path `{path}`"))?;
    match doc.at_mut(parent) {
        Some(Value::Object(map)) => map.remove(&last).ok_or(format!("`{path}` does not exist")),
        Some(Value::Array(items)) => {
            let i: usize = last.parse().map_err(|_| format!("`{last}` is not an index"))?;
            if i < items.len() { Ok(items.remove(i)) } else { Err(format!("`{path}` does not exist")) }
        }
        _ => Err(format!("`{path}` does not exist")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value as json;

    #[test]
    fn join_normalises() {
        assert_eq!(join("a/b", "../c/d.yaml"), "a/c/d.yaml");
        assert_eq!(join("a", "./x.yaml"), "a/x.yaml");
        assert_eq!(join(".", "x.yaml"), "x.yaml");
        assert_eq!(join("a/b", "../../x"), "x");
        assert_eq!(join("/tmp/k", "../base"), "/tmp/base");
    }

    #[test]
    fn strategic_merge_merges_containers_by_name() {
        let mut d = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x:1", "env": [{"name": "A", "value": "1"}]}, {"name": "b", "image": "y"}]}}}});
        merge(
            &mut d,
            &json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x:2", "env": [{"name": "B", "value": "2"}]}, {"name": "b", "$patch": "delete"}]}}}}),
        );
        assert_eq!(
            d,
            json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x:2", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]}}}})
        );
    }

    #[test]
    fn json6902_operations() {
        let mut d = json!({"spec": {"replicas": 1, "list": [1, 2]}});
        for op in [
            json!({"op": "replace", "path": "/spec/replicas", "value": 3}),
            json!({"op": "add", "path": "/spec/list/-", "value": 3}),
            json!({"op": "add", "path": "/spec/list/0", "value": 0}),
            json!({"op": "remove", "path": "/spec/list/1"}),
            json!({"op": "copy", "from": "/spec/replicas", "path": "/spec/copy"}),
            json!({"op": "move", "from": "/spec/copy", "path": "/spec/moved"}),
            json!({"op": "test", "path": "/spec/moved", "value": 3}),
        ] {
            json6902(&mut d, &op).unwrap();
        }
        assert_eq!(d, json!({"spec": {"replicas": 3, "list": [0, 2, 3], "moved": 3}}));
        assert!(json6902(&mut d, &json!({"op": "replace", "path": "/spec/nope", "value": 1})).is_err());
        assert!(json6902(&mut d, &json!({"op": "remove", "path": "/a/b"})).is_err());
    }

    #[test]
    fn images_and_names() {
        assert_eq!(split_image("nginx:1.25"), ("nginx", ":1.25"));
        assert_eq!(split_image("localhost:5000/app:v1@sha256:ab"), ("localhost:5000/app", ":v1@sha256:ab"));
        assert_eq!(split_image("repo/app"), ("repo/app", ""));
        assert!(regex_like("web-.*", "web-frontend"));
        assert!(!regex_like("web-.*", "api"));
    }
}
