//! Dockerfiles (heredocs and parser directives included) as a list of instructions with
//! positions, grouped into build stages.

use crate::diag::{Code, Diagnostic};
use crate::span::Pos;
use parse_dockerfile::{Instruction as Raw, Source};
use std::sync::Arc;

/// One instruction of a Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// The keyword in capitals: `RUN`, `FROM`...
    pub keyword: String,
    /// Everything after the keyword and flags, line continuations kept, heredoc bodies
    /// included (what a secret scanner needs to see).
    pub args: String,
    /// `--name=value` flags (`--platform`, `--chown`, `--checksum`, `--mount`...).
    pub flags: Vec<(String, Option<String>)>,
    /// Where the keyword is.
    pub pos: Pos,
    /// The build stage it belongs to (0 for instructions before the first `FROM`).
    pub stage: usize,
}

/// A build stage: a `FROM` and what follows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The base image as written (`node:20@sha256:...`, or an earlier stage's name).
    pub image: String,
    /// The `AS name`, when given.
    pub alias: Option<String>,
    /// Where the `FROM` is.
    pub pos: Pos,
    /// Where the image reference is.
    pub image_pos: Pos,
}

/// A parsed Dockerfile.
#[derive(Clone, Debug)]
pub struct Dockerfile {
    /// The file.
    pub file: Arc<str>,
    /// The `# syntax=` directive, when there is one.
    pub syntax: Option<String>,
    /// The stages in order; the last one is the image that ships.
    pub stages: Vec<Stage>,
    /// Every instruction in order.
    pub instructions: Vec<Instruction>,
}

impl Dockerfile {
    /// The instructions of the final stage (the image that ships), its `FROM` first.
    pub fn final_stage(&self) -> impl Iterator<Item = &Instruction> {
        let last = self.stages.len();
        self.instructions.iter().filter(move |i| i.stage == last)
    }

    /// Whether `image` names an earlier stage rather than an image from a registry.
    pub fn is_stage_name(&self, image: &str) -> bool {
        self.stages.iter().any(|s| s.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(image)))
    }
}

/// Byte offset → position.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines { text, starts: std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect() }
    }

    fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self.text.get(start..offset.min(self.text.len())).map_or(0, |s| s.chars().count());
        Pos { line: line as u32, col: col as u32 + 1 }
    }
}

/// Reads a Dockerfile, keeping every instruction before a syntax error.
pub(crate) fn parse(file: &Arc<str>, text: &str, diags: &mut Vec<Diagnostic>) -> Dockerfile {
    let lines = Lines::new(text);
    let mut out = Dockerfile { file: file.clone(), syntax: None, stages: Vec::new(), instructions: Vec::new() };
    let iter = match parse_dockerfile::parse_iter(text) {
        Ok(iter) => iter,
        Err(e) => {
            diags.push(error(file, &e));
            return out;
        }
    };
    let mut raws = Vec::new();
    // Where the text stops being trustworthy: the start of the line of a syntax error.
    let mut valid_until = text.len();
    for item in iter {
        match item {
            Ok(raw) => raws.push(raw),
            Err(e) => {
                valid_until = lines.starts.get(e.line().saturating_sub(1)).copied().unwrap_or(text.len());
                diags.push(error(file, &e));
                break;
            }
        }
    }
    if let Some(syntax) = text.lines().take_while(|l| l.starts_with('#')).find_map(|l| directive(l, "syntax")) {
        out.syntax = Some(syntax);
    }
    let starts: Vec<usize> = raws.iter().map(keyword_start).collect();
    for (i, raw) in raws.iter().enumerate() {
        let start = starts[i];
        let end = starts.get(i + 1).copied().unwrap_or(valid_until).max(start);
        let source = text.get(start..end).unwrap_or_default();
        let (keyword, rest) = source.split_once(char::is_whitespace).unwrap_or((source, ""));
        let flags = flags(raw);
        let args = strip_comments(rest, flags.len());
        if let Raw::From(from) = raw {
            out.stages.push(Stage {
                image: from.image.value.to_string(),
                alias: from.as_.as_ref().map(|(_, name)| name.value.to_string()),
                pos: lines.pos(start),
                image_pos: lines.pos(from.image.span.start),
            });
        }
        out.instructions.push(Instruction {
            keyword: keyword.to_ascii_uppercase(),
            args,
            flags,
            pos: lines.pos(start),
            stage: out.stages.len(),
        });
    }
    out
}

fn error(file: &Arc<str>, e: &parse_dockerfile::Error) -> Diagnostic {
    let pos = Pos { line: e.line().max(1) as u32, col: e.column().max(1) as u32 };
    Diagnostic::error(Code::Dockerfile, pos, format!("invalid Dockerfile: {e:#}")).in_file(file)
}

/// The value of a `# name=value` parser directive line.
fn directive(line: &str, name: &str) -> Option<String> {
    let (key, value) = line.trim_start_matches('#').split_once('=')?;
    key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
}

/// The instruction's text without its flags and without comment lines inside continuations.
/// A heredoc's body is content, not comments: a `#!/usr/bin/env python3` line stays.
fn strip_comments(rest: &str, flag_count: usize) -> String {
    let heredoc = rest.lines().next().is_some_and(|first| first.contains("<<"));
    let body: Vec<&str> = rest
        .lines()
        .enumerate()
        .filter(|(i, l)| (heredoc && *i > 0) || !l.trim_start().starts_with('#'))
        .map(|(_, l)| l)
        .collect();
    let mut text = body.join("\n").trim().to_owned();
    for _ in 0..flag_count {
        if text.starts_with("--") {
            text = text.split_once(char::is_whitespace).map_or(String::new(), |(_, r)| r.trim_start().to_owned());
        }
        // A flag alone on its line leaves a line continuation in front of the command.
        text = text.trim_start_matches(|c: char| c == '\\' || c.is_whitespace()).to_owned();
    }
    text
}

fn keyword_start(raw: &Raw<'_>) -> usize {
    let span = match raw {
        Raw::Add(i) => &i.add.span,
        Raw::Arg(i) => &i.arg.span,
        Raw::Cmd(i) => &i.cmd.span,
        Raw::Copy(i) => &i.copy.span,
        Raw::Entrypoint(i) => &i.entrypoint.span,
        Raw::Env(i) => &i.env.span,
        Raw::Expose(i) => &i.expose.span,
        Raw::From(i) => &i.from.span,
        Raw::Healthcheck(i) => &i.healthcheck.span,
        Raw::Label(i) => &i.label.span,
        Raw::Maintainer(i) => &i.maintainer.span,
        Raw::Onbuild(i) => &i.onbuild.span,
        Raw::Run(i) => &i.run.span,
        Raw::Shell(i) => &i.shell.span,
        Raw::Stopsignal(i) => &i.stopsignal.span,
        Raw::User(i) => &i.user.span,
        Raw::Volume(i) => &i.volume.span,
        Raw::Workdir(i) => &i.workdir.span,
        _ => return 0,
    };
    span.start
}

fn flags(raw: &Raw<'_>) -> Vec<(String, Option<String>)> {
    let list = match raw {
        Raw::Add(i) => i.options.as_slice(),
        Raw::Copy(i) => i.options.as_slice(),
        Raw::Run(i) => i.options.as_slice(),
        Raw::From(i) => i.options.as_slice(),
        Raw::Healthcheck(i) => i.options.as_slice(),
        _ => &[],
    };
    list.iter().map(|f| (f.name.value.to_string(), f.value.as_ref().map(|v| v.value.to_string()))).collect()
}

/// Paths and URLs an `ADD` instruction fetches (heredoc sources excluded).
pub fn add_sources(text: &str) -> Vec<String> {
    let Ok(iter) = parse_dockerfile::parse_iter(text) else { return Vec::new() };
    let mut out = Vec::new();
    for raw in iter.flatten() {
        if let Raw::Add(add) = raw {
            for s in &add.src {
                if let Source::Path(p) = s {
                    out.push(p.value.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# syntax=docker/dockerfile:1.7
ARG BASE=node:20
FROM ${BASE} AS build
# a comment
RUN --mount=type=cache,target=/root/.npm \\
    npm ci && \\
    npm run build
RUN <<EOF
set -e
echo hello
EOF
FROM gcr.io/distroless/nodejs20@sha256:0000000000000000000000000000000000000000000000000000000000000000
COPY --from=build /app /app
USER 10001
HEALTHCHECK CMD [\"/nodejs/bin/node\", \"health.js\"]
";

    #[test]
    fn instructions_stages_flags_and_heredocs() {
        let mut diags = Vec::new();
        let d = parse(&Arc::from("Dockerfile"), TEXT, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(d.syntax.as_deref(), Some("docker/dockerfile:1.7"));
        let keywords: Vec<&str> = d.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(keywords, ["ARG", "FROM", "RUN", "RUN", "FROM", "COPY", "USER", "HEALTHCHECK"]);
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[0].alias.as_deref(), Some("build"));
        assert_eq!(d.stages[1].image_pos, Pos { line: 12, col: 6 });
        let run = &d.instructions[2];
        assert_eq!(run.pos, Pos { line: 5, col: 1 });
        assert_eq!(run.flags, [("mount".to_owned(), Some("type=cache,target=/root/.npm".to_owned()))]);
        assert!(run.args.starts_with("npm ci") && run.args.contains("npm run build"), "{:?}", run.args);
        assert!(d.instructions[3].args.contains("echo hello"), "heredoc body is kept: {:?}", d.instructions[3].args);
        assert_eq!(
            d.final_stage().map(|i| i.keyword.as_str()).collect::<Vec<_>>(),
            ["FROM", "COPY", "USER", "HEALTHCHECK"]
        );
        assert!(d.is_stage_name("BUILD"));
        assert_eq!(d.instructions[0].stage, 0);
    }

    #[test]
    fn a_syntax_error_keeps_what_came_before_it() {
        let mut diags = Vec::new();
        let d = parse(&Arc::from("Dockerfile"), "FROM alpine:3.20\nUSER app\nFROM\n", &mut diags);
        assert_eq!(d.instructions.len(), 2);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::Dockerfile);
        assert_eq!(diags[0].pos.line, 3);
    }

    #[test]
    fn heredoc_bodies_keep_their_comment_lines_and_errors_end_the_last_instruction() {
        let mut diags = Vec::new();
        let d = parse(
            &Arc::from("Dockerfile"),
            "FROM python:3.12\nRUN <<EOT\n#!/usr/bin/env python3\nprint(1)\nEOT\n",
            &mut diags,
        );
        assert!(d.instructions[1].args.contains("#!/usr/bin/env python3"), "{:?}", d.instructions[1].args);
        let d = parse(&Arc::from("Dockerfile"), "FROM alpine\nRUN echo one\nBOGUS two\nRUN echo three\n", &mut diags);
        assert_eq!(d.instructions.last().map(|i| i.args.as_str()), Some("echo one"));
    }

    #[test]
    fn add_sources_lists_remote_urls() {
        assert_eq!(add_sources("FROM a\nADD https://example.com/x.tgz /x\n"), ["https://example.com/x.tgz"]);
    }
}
