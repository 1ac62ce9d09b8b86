//! What the Dockerfile checks share: where a finding points, the resource it is about, `ARG`
//! defaults substituted into base images, image references taken apart, and the chain of stages
//! the shipped image is built from.

use crate::Resource;
use annexa_load::dockerfile::Instruction;
use annexa_load::{Dockerfile, Location, Pos};
use std::collections::HashMap;
use std::ops::Range;

/// A location in a Dockerfile.
pub(crate) fn location(d: &Dockerfile, pos: Pos) -> Location {
    Location { file: d.file.clone(), line: pos.line, col: pos.col, pointer: String::new() }
}

/// The Dockerfile as the resource a finding is about.
pub(crate) fn resource(d: &Dockerfile) -> Resource {
    Resource { kind: "Dockerfile".to_owned(), namespace: None, name: d.file.to_string(), container: None }
}

/// An `ARG` declared before the first `FROM`: the only ones a `FROM` line can use.
#[derive(Debug, Clone)]
pub(crate) struct GlobalArg {
    pub(crate) name: String,
    /// The default, when the `ARG` gives one.
    pub(crate) value: Option<String>,
    /// Where the `ARG` is.
    pub(crate) pos: Pos,
}

/// The `ARG`s before the first `FROM`, by name (a later declaration of a name wins).
pub(crate) fn global_args(d: &Dockerfile) -> HashMap<String, GlobalArg> {
    let mut out = HashMap::new();
    for i in d.instructions.iter().filter(|i| i.stage == 0 && i.keyword == "ARG") {
        for word in words(&i.args) {
            let (name, value) = match word.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (word.as_str(), None),
            };
            if is_identifier(name) {
                out.insert(name.to_owned(), GlobalArg { name: name.to_owned(), value, pos: i.pos });
            }
        }
    }
    out
}

/// Whitespace-separated words with quotes removed; an inline `#` comment (not Dockerfile
/// syntax, but written anyway) ends the list.
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut started = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, '\\') => {
                match chars.next() {
                    Some('\n') | None => {}
                    Some(n) => word.push(n),
                }
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (None, '#') if !started => break,
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(word);
    }
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `text` with `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}` replaced from the
/// `ARG` defaults; `None` when a reference depends on a value only the build command gives.
pub(crate) fn expand(text: &str, args: &HashMap<String, GlobalArg>) -> Option<String> {
    let value = |name: &str| args.get(name).and_then(|a| a.value.clone());
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'$') {
            chars.next();
            out.push('$');
            continue;
        }
        if c != '$' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            let mut inner = String::new();
            let mut closed = false;
            for n in chars.by_ref() {
                if n == '}' {
                    closed = true;
                    break;
                }
                inner.push(n);
            }
            if !closed {
                return None;
            }
            let name_len = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').count();
            let (name, modifier) = inner.split_at(name_len);
            let current = value(name).filter(|v| !v.is_empty());
            let replaced = if modifier.is_empty() {
                current?
            } else if let Some(word) = modifier.strip_prefix(":-").or_else(|| modifier.strip_prefix('-')) {
                current.unwrap_or_else(|| word.to_owned())
            } else if let Some(word) = modifier.strip_prefix(":+").or_else(|| modifier.strip_prefix('+')) {
                current.map(|_| word.to_owned()).unwrap_or_default()
            } else {
                return None;
            };
            out.push_str(&replaced);
        } else if chars.peek().is_some_and(|c| c.is_ascii_alphabetic() || *c == '_') {
            let mut name = String::new();
            while let Some(n) = chars.peek().copied().filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
                name.push(n);
                chars.next();
            }
            out.push_str(&value(&name)?);
        } else {
            out.push('$');
        }
    }
    Some(out)
}

/// The base image of one stage, as the build would pull it.
#[derive(Debug, Clone)]
pub(crate) struct BaseImage {
    /// The stage, 0-based.
    pub(crate) stage: usize,
    /// The reference with `ARG` defaults substituted.
    pub(crate) image: String,
    /// Where the reference is written: the `ARG` whose default is the whole reference
    /// (`FROM ${BASE}`), else the image on the `FROM` line.
    pub(crate) pos: Pos,
    /// The `ARG` that supplied the whole reference, when one did.
    pub(crate) arg: Option<String>,
}

impl BaseImage {
    /// `` `node:latest` `` or `` `node:latest` (default of `ARG BASE`) `` for messages.
    pub(crate) fn describe(&self) -> String {
        match &self.arg {
            Some(a) => format!("`{}` (the default of `ARG {a}`)", self.image),
            None => format!("`{}`", self.image),
        }
    }
}

/// The variable a reference consists of entirely: `$BASE` or `${BASE}`.
fn whole_variable(text: &str) -> Option<&str> {
    let name = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')).or_else(|| text.strip_prefix('$'))?;
    is_identifier(name).then_some(name)
}

/// The stages of a Dockerfile, worked out once: which earlier stage each builds on, which
/// instructions belong to each, and the `ARG` defaults their `FROM` lines can use.
#[derive(Debug)]
pub(crate) struct Layout<'d> {
    pub(crate) d: &'d Dockerfile,
    pub(crate) args: HashMap<String, GlobalArg>,
    /// Per stage (0-based): the earlier stage its `FROM` names.
    parents: Vec<Option<usize>>,
    /// Per stage: its instructions' indexes in `d.instructions`, `FROM` first.
    ranges: Vec<Range<usize>>,
}

impl<'d> Layout<'d> {
    /// Works the stages out in one pass.
    pub(crate) fn new(d: &'d Dockerfile) -> Layout<'d> {
        let args = global_args(d);
        let mut names: HashMap<String, usize> = HashMap::new();
        let mut parents = Vec::with_capacity(d.stages.len());
        for (index, stage) in d.stages.iter().enumerate() {
            let image = expand(&stage.image, &args).unwrap_or_else(|| stage.image.clone());
            parents.push(names.get(&image.to_ascii_lowercase()).copied());
            if let Some(alias) = &stage.alias {
                names.insert(alias.to_ascii_lowercase(), index);
            }
        }
        let mut ranges = vec![0..0; d.stages.len()];
        for (at, i) in d.instructions.iter().enumerate() {
            if let Some(r) = i.stage.checked_sub(1).and_then(|s| ranges.get_mut(s)) {
                if r.start == r.end {
                    *r = at..at + 1;
                } else {
                    r.end = at + 1;
                }
            }
        }
        Layout { d, args, parents, ranges }
    }

    /// The stage (0-based) that stage `index`'s `FROM` names, when it builds on an earlier one.
    pub(crate) fn parent(&self, index: usize) -> Option<usize> {
        self.parents.get(index).copied().flatten().filter(|p| *p < index)
    }

    /// The instructions of stage `index`, its `FROM` first.
    pub(crate) fn instructions(&self, index: usize) -> &'d [Instruction] {
        let d: &'d Dockerfile = self.d;
        self.ranges.get(index).and_then(|r| d.instructions.get(r.clone())).unwrap_or_default()
    }

    /// The stages the shipped image is made of: the last stage, then the stage it builds on,
    /// and so on (0-based, last stage first).
    pub(crate) fn final_chain(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut current = self.d.stages.len().checked_sub(1);
        while let Some(index) = current {
            out.push(index);
            current = self.parent(index);
        }
        out
    }

    /// The last instruction with one of `keywords` in the shipped image's chain of stages: the
    /// final stage's own, else the one it inherits from the stage it builds on.
    pub(crate) fn last_in_final_chain(&self, keywords: &[&str]) -> Option<&'d Instruction> {
        self.final_chain()
            .into_iter()
            .find_map(|s| self.instructions(s).iter().rev().find(|i| keywords.contains(&i.keyword.as_str())))
    }

    /// Every stage's base image pulled from a registry: stages built on an earlier stage are
    /// left out, and so are references whose value only the build command gives.
    pub(crate) fn base_images(&self) -> Vec<BaseImage> {
        let mut out = Vec::new();
        for (index, stage) in self.d.stages.iter().enumerate() {
            if self.parent(index).is_some() {
                continue;
            }
            let Some(image) = expand(&stage.image, &self.args) else { continue };
            if image.is_empty() || image.contains('$') {
                continue;
            }
            let from_arg =
                whole_variable(&stage.image).and_then(|name| self.args.get(name)).filter(|a| a.value.is_some());
            let (pos, arg) = match from_arg {
                Some(a) => (a.pos, Some(a.name.clone())),
                None => (stage.image_pos, None),
            };
            out.push(BaseImage { stage: index, image, pos, arg });
        }
        out
    }
}

/// The sources of an `ADD` or `COPY` (the destination and heredoc sources left out).
pub(crate) fn add_sources(args: &str) -> Vec<String> {
    let mut list = match json_words(args) {
        Some(list) => list,
        None => {
            let joined = args.replace("\\\n", " ");
            // A heredoc's body is content, not paths.
            words(joined.lines().next().unwrap_or_default())
        }
    };
    list.pop();
    list.retain(|s| !s.starts_with("<<"));
    list
}

/// A source fetched over HTTP(S) rather than read from the build context.
pub(crate) fn is_url(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A Git repository source: `git@host:repo`, `git://...`, or a URL ending in `.git`.
pub(crate) fn is_git(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    let path = lower.split('#').next().unwrap_or_default();
    lower.starts_with("git@") || lower.starts_with("git://") || is_url(source) && path.ends_with(".git")
}

/// Reports each base image (once per place it is written) that `weak` picks, with `message`
/// saying why, as the base-image checks share the walk and differ only in the rule.
pub(crate) fn report_base_images(
    meta: &'static crate::CheckMeta,
    d: &Dockerfile,
    out: &mut crate::Findings,
    weak: impl Fn(&ImageRef<'_>) -> bool,
    message: impl Fn(&str, &str) -> String,
) {
    let mut seen: Vec<Pos> = Vec::new();
    for b in Layout::new(d).base_images() {
        if !weak(&image_ref(&b.image)) || seen.contains(&b.pos) {
            continue;
        }
        seen.push(b.pos);
        out.at(meta, location(d, b.pos), Some(resource(d)), message(&stage_label(d, b.stage), &b.describe()));
    }
}

/// How a message names a stage: `` stage `build` `` or `stage 2`.
pub(crate) fn stage_label(d: &Dockerfile, index: usize) -> String {
    match d.stages.get(index).and_then(|s| s.alias.as_deref()) {
        Some(alias) => format!("stage `{alias}`"),
        None => format!("stage {}", index + 1),
    }
}

/// An image reference taken apart: `registry:5000/team/app:1.2@sha256:...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Registry and repository.
    pub(crate) name: &'a str,
    /// The tag, when there is one.
    pub(crate) tag: Option<&'a str>,
    /// The digest, when there is one.
    pub(crate) digest: Option<&'a str>,
}

impl ImageRef<'_> {
    /// `scratch`, the empty image, which has no tag or digest to give.
    pub(crate) fn is_scratch(&self) -> bool {
        self.name.eq_ignore_ascii_case("scratch") && self.tag.is_none() && self.digest.is_none()
    }
}

/// Splits an image reference into name, tag and digest.
pub(crate) fn image_ref(s: &str) -> ImageRef<'_> {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d).filter(|d| !d.is_empty())),
        None => (s, None),
    };
    let last = rest.rfind('/').map_or(0, |i| i + 1);
    let colon = rest.get(last..).and_then(|tail| tail.find(':')).map(|i| i + last);
    match colon {
        Some(i) => {
            let name = rest.get(..i).unwrap_or(rest);
            let tag = rest.get(i + 1..).filter(|t| !t.is_empty());
            ImageRef { name, tag, digest }
        }
        None => ImageRef { name: rest, tag: None, digest },
    }
}

/// The shell `RUN` uses when no `SHELL` says otherwise.
pub(crate) fn default_shell() -> Vec<String> {
    vec!["/bin/sh".to_owned(), "-c".to_owned()]
}

/// The JSON array of strings an exec-form instruction starts with (what follows it is ignored).
pub(crate) fn json_words(text: &str) -> Option<Vec<String>> {
    let text = text.trim_start();
    if !text.starts_with('[') {
        return None;
    }
    serde_json::Deserializer::from_str(text).into_iter::<Vec<String>>().next().and_then(Result::ok)
}

/// Helpers for the checks' own tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use crate::Check;

    /// The lines at which `check` fires on one in-memory file named `name`.
    pub(crate) fn lines_in(check: &'static dyn Check, name: &str, text: &str) -> Vec<u32> {
        let estate = annexa_load::load_bytes(name, text.as_bytes(), &annexa_load::Options::default());
        crate::run(&estate, &[check]).iter().map(|f| f.location.line).collect()
    }

    /// The lines at which `check` fires on a Dockerfile.
    pub(crate) fn lines(check: &'static dyn Check, text: &str) -> Vec<u32> {
        lines_in(check, "Dockerfile", text)
    }

    /// The messages `check` gives on a Dockerfile.
    pub(crate) fn messages(check: &'static dyn Check, text: &str) -> Vec<String> {
        let estate = annexa_load::load_bytes("Dockerfile", text.as_bytes(), &annexa_load::Options::default());
        crate::run(&estate, &[check]).into_iter().map(|f| f.message).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_come_apart() {
        let r = image_ref("registry.example.com:5000/team/app:1.2@sha256:abc");
        assert_eq!(
            r,
            ImageRef { name: "registry.example.com:5000/team/app", tag: Some("1.2"), digest: Some("sha256:abc") }
        );
        assert_eq!(image_ref("localhost:5000/app"), ImageRef { name: "localhost:5000/app", tag: None, digest: None });
        assert_eq!(image_ref("nginx"), ImageRef { name: "nginx", tag: None, digest: None });
        assert_eq!(image_ref("nginx@sha256:abc").digest, Some("sha256:abc"));
        assert!(image_ref("scratch").is_scratch());
    }

    #[test]
    fn arg_defaults_are_substituted() {
        let args: HashMap<String, GlobalArg> = [
            GlobalArg { name: "BASE".to_owned(), value: Some("node:20".to_owned()), pos: Pos::default() },
            GlobalArg { name: "TAG".to_owned(), value: None, pos: Pos::default() },
        ]
        .into_iter()
        .map(|a| (a.name.clone(), a))
        .collect();
        assert_eq!(expand("${BASE}", &args).as_deref(), Some("node:20"));
        assert_eq!(expand("$BASE-slim", &args).as_deref(), Some("node:20-slim"));
        assert_eq!(expand("app:${TAG:-1.0}", &args).as_deref(), Some("app:1.0"));
        assert_eq!(expand("app:${TAG}", &args), None);
        assert_eq!(expand("app:${UNKNOWN}", &args), None);
        assert_eq!(expand("app:${BASE:+x}", &args).as_deref(), Some("app:x"));
        assert_eq!(expand("${BASE", &args), None);
    }

    #[test]
    fn words_drop_quotes_and_inline_comments() {
        assert_eq!(words("A=1 B=\"x y\" # note"), ["A=1", "B=x y"]);
        assert_eq!(json_words("[\"/bin/bash\", \"-c\"] # x"), Some(vec!["/bin/bash".to_owned(), "-c".to_owned()]));
        assert_eq!(json_words("echo"), None);
    }
}
