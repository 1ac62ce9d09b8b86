//! A small reader of the shell in `RUN` instructions: enough to find the commands, their words
//! and the pipes between them, with quotes, comments, line continuations, command
//! substitutions, heredocs and `sh -c '...'` understood. It never fails: what it cannot read
//! it reads as words.

use super::common::json_words;

/// One simple command: its words, quotes removed (`$(...)` kept as written).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Command {
    pub(crate) words: Vec<String>,
}

/// Commands joined by `|`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pipeline {
    pub(crate) commands: Vec<Command>,
    /// Inside an `sh -c '...'` rather than the `RUN`'s own shell.
    pub(crate) nested: bool,
}

/// What a `RUN` runs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    pub(crate) pipelines: Vec<Pipeline>,
    /// `RUN ["executable", "arg"]`: no shell runs the words.
    pub(crate) exec_form: bool,
    /// The interpreter a heredoc script names on its `#!` line.
    pub(crate) shebang: Option<String>,
}

impl Script {
    /// Every command, nested ones included.
    pub(crate) fn commands(&self) -> impl Iterator<Item = &Command> {
        self.pipelines.iter().flat_map(|p| p.commands.iter())
    }
}

/// Shells that read a script.
pub(crate) const SHELLS: [&str; 7] = ["sh", "bash", "zsh", "dash", "ash", "ksh", "mksh"];

/// How deep `sh -c '...'` is followed.
const MAX_NESTING: usize = 4;

/// Reads the text of a `RUN` instruction.
pub(crate) fn parse_run(args: &str) -> Script {
    if let Some(words) = json_words(args) {
        let mut pipelines = vec![Pipeline { commands: vec![Command { words }], nested: false }];
        expand_nested(&mut pipelines, 0);
        return Script { pipelines, exec_form: true, shebang: None };
    }
    let text = args.trim_start();
    let mut shebang = None;
    let body = match heredoc_script(text) {
        Some(body) => {
            if let Some(line) = body.lines().next().and_then(|l| l.strip_prefix("#!")) {
                let interpreter = line.split_whitespace().find(|w| !w.ends_with("/env")).unwrap_or_default();
                if !SHELLS.contains(&basename(interpreter)) {
                    // A Python or Perl script: nothing a shell reads.
                    return Script { pipelines: Vec::new(), exec_form: false, shebang: Some(line.trim().to_owned()) };
                }
                shebang = Some(line.trim().to_owned());
            }
            body
        }
        None => text.to_owned(),
    };
    let mut pipelines = pipelines(&body, false);
    expand_nested(&mut pipelines, 0);
    Script { pipelines, exec_form: false, shebang }
}

/// The body of `RUN <<EOF ... EOF`, when the heredoc is the whole command and so the script.
fn heredoc_script(text: &str) -> Option<String> {
    let (first, rest) = text.split_once('\n')?;
    let markers: Vec<&str> = first.split_whitespace().collect();
    if markers.is_empty() || !markers.iter().all(|m| m.starts_with("<<")) {
        return None;
    }
    let delimiter = markers.first().map(|m| delimiter(m))?;
    let body: Vec<&str> = rest.lines().take_while(|l| l.trim() != delimiter).collect();
    Some(body.join("\n"))
}

/// `<<-"EOF"` → `EOF`.
fn delimiter(word: &str) -> String {
    word.trim_start_matches('<').trim_start_matches('-').trim_matches(|c| c == '"' || c == '\'').to_owned()
}

/// The last path component: `/usr/bin/curl` → `curl`.
pub(crate) fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// Appends the scripts of `sh -c '...'` commands as nested pipelines.
fn expand_nested(pipelines: &mut Vec<Pipeline>, depth: usize) {
    if depth >= MAX_NESTING {
        return;
    }
    let mut found = Vec::new();
    for c in pipelines.iter().flat_map(|p| p.commands.iter()) {
        let Some(at) = program(&c.words, true) else { continue };
        let Some(name) = c.words.get(at) else { continue };
        if !SHELLS.contains(&basename(name)) {
            continue;
        }
        let mut rest = c.words.iter().skip(at + 1);
        while let Some(w) = rest.next() {
            if w.starts_with('-') && !w.starts_with("--") && w.contains('c') {
                if let Some(script) = rest.next() {
                    found.push(script.clone());
                }
                break;
            }
            if !w.starts_with('-') && !w.starts_with('+') {
                break;
            }
        }
    }
    for script in found {
        let mut inner = self::pipelines(&script, true);
        expand_nested(&mut inner, depth + 1);
        pipelines.extend(inner);
    }
}

/// The index of the command word: environment assignments, shell keywords, `env`, `exec`,
/// `nohup`, `time` and `command` are skipped, and so are `sudo` and its options when
/// `through_sudo` holds.
pub(crate) fn program(words: &[String], through_sudo: bool) -> Option<usize> {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let name = basename(w);
        let assignment = w.split_once('=').is_some_and(|(n, _)| {
            !n.is_empty()
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !n.starts_with(|c: char| c.is_ascii_digit())
        });
        let redirection = w.starts_with(['>', '<']) || w.starts_with(|c: char| c.is_ascii_digit()) && w.contains('>');
        if assignment || redirection {
            i += 1;
            continue;
        }
        match name {
            "if" | "then" | "do" | "else" | "elif" | "while" | "until" | "!" | "{" | "}" | "exec" | "nohup"
            | "time" | "command" => i += 1,
            "env" => {
                i += 1;
                while let Some(o) = words.get(i).filter(|o| o.starts_with('-')) {
                    i += if matches!(o.as_str(), "-u" | "--unset" | "-C" | "--chdir") { 2 } else { 1 };
                }
            }
            "sudo" | "doas" if through_sudo => {
                i += 1;
                while let Some(o) = words.get(i).filter(|o| o.starts_with('-')) {
                    let with_value = matches!(o.as_str(), "-u" | "-g" | "-p" | "-C" | "-D" | "-r" | "-t" | "-U" | "-h");
                    i += if with_value { 2 } else { 1 };
                    if o == "--" {
                        break;
                    }
                }
            }
            _ => return Some(i),
        }
    }
    None
}

/// The command word's name (`/usr/bin/curl` → `curl`).
pub(crate) fn program_name(c: &Command, through_sudo: bool) -> Option<&str> {
    program(&c.words, through_sudo).and_then(|i| c.words.get(i)).map(|w| basename(w))
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Pipe,
    Separator,
}

/// The pipelines of a shell script.
fn pipelines(text: &str, nested: bool) -> Vec<Pipeline> {
    let mut out = Vec::new();
    let mut pipeline = Pipeline { commands: Vec::new(), nested };
    let mut command = Command::default();
    for token in tokens(text) {
        match token {
            Token::Word(w) => command.words.push(w),
            Token::Pipe => {
                if !command.words.is_empty() {
                    pipeline.commands.push(std::mem::take(&mut command));
                }
            }
            Token::Separator => {
                if !command.words.is_empty() {
                    pipeline.commands.push(std::mem::take(&mut command));
                }
                if !pipeline.commands.is_empty() {
                    out.push(std::mem::replace(&mut pipeline, Pipeline { commands: Vec::new(), nested }));
                }
            }
        }
    }
    if !command.words.is_empty() {
        pipeline.commands.push(command);
    }
    if !pipeline.commands.is_empty() {
        out.push(pipeline);
    }
    out
}

/// Splits a script into words, pipes and separators (`;`, `&&`, `||`, `&`, newlines).
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    let mut started = false;
    let mut heredocs: Vec<String> = Vec::new();
    let mut delimiter_next = false;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied();
    let mut flush = |word: &mut String, started: &mut bool, out: &mut Vec<Token>, heredocs: &mut Vec<String>| {
        if *started {
            let w = std::mem::take(word);
            if delimiter_next {
                heredocs.push(delimiter(&w));
                delimiter_next = false;
            } else if w == "<<" || w == "<<-" {
                delimiter_next = true;
            } else if w.starts_with("<<") && !w.starts_with("<<<") {
                heredocs.push(delimiter(&w));
            }
            out.push(Token::Word(w));
            *started = false;
        }
    };
    while let Some(c) = at(i) {
        match c {
            '\\' => {
                match at(i + 1) {
                    Some('\n') => {}
                    Some(n) => {
                        word.push(n);
                        started = true;
                    }
                    None => {}
                }
                i += 2;
            }
            '\'' => {
                started = true;
                i += 1;
                while let Some(d) = at(i) {
                    i += 1;
                    if d == '\'' {
                        break;
                    }
                    word.push(d);
                }
            }
            '"' => {
                started = true;
                i += 1;
                while let Some(d) = at(i) {
                    match d {
                        '"' => {
                            i += 1;
                            break;
                        }
                        '\\' => {
                            match at(i + 1) {
                                Some('\n') => {}
                                Some(n @ ('"' | '\\' | '$' | '`')) => word.push(n),
                                Some(n) => {
                                    word.push('\\');
                                    word.push(n);
                                }
                                None => {}
                            }
                            i += 2;
                        }
                        '$' if at(i + 1) == Some('(') => i = substitution(&chars, i, &mut word),
                        '`' => i = backquoted(&chars, i, &mut word),
                        _ => {
                            word.push(d);
                            i += 1;
                        }
                    }
                }
            }
            '$' | '<' | '>' if at(i + 1) == Some('(') => {
                started = true;
                i = substitution(&chars, i, &mut word);
            }
            '`' => {
                started = true;
                i = backquoted(&chars, i, &mut word);
            }
            '#' if !started => {
                while at(i).is_some_and(|d| d != '\n') {
                    i += 1;
                }
            }
            ' ' | '\t' | '\r' | '(' | ')' => {
                flush(&mut word, &mut started, &mut out, &mut heredocs);
                i += 1;
            }
            '\n' => {
                flush(&mut word, &mut started, &mut out, &mut heredocs);
                out.push(Token::Separator);
                i += 1;
                // Heredoc bodies are data, not commands.
                for d in std::mem::take(&mut heredocs) {
                    while let Some(start) = (i < chars.len()).then_some(i) {
                        let end = chars.iter().skip(start).position(|c| *c == '\n').map_or(chars.len(), |p| start + p);
                        let line: String = chars.get(start..end).unwrap_or_default().iter().collect();
                        i = end + 1;
                        if line.trim() == d {
                            break;
                        }
                    }
                }
            }
            '|' => {
                flush(&mut word, &mut started, &mut out, &mut heredocs);
                match at(i + 1) {
                    Some('|') => {
                        out.push(Token::Separator);
                        i += 2;
                    }
                    Some('&') => {
                        out.push(Token::Pipe);
                        i += 2;
                    }
                    _ => {
                        out.push(Token::Pipe);
                        i += 1;
                    }
                }
            }
            '&' if word.ends_with(['>', '<']) || at(i + 1) == Some('>') => {
                // `2>&1`, `&>/dev/null`: a redirection, not a separator.
                word.push('&');
                started = true;
                i += 1;
            }
            '&' | ';' => {
                flush(&mut word, &mut started, &mut out, &mut heredocs);
                out.push(Token::Separator);
                i += 1;
            }
            _ => {
                word.push(c);
                started = true;
                i += 1;
            }
        }
    }
    flush(&mut word, &mut started, &mut out, &mut heredocs);
    out
}

/// Copies `$( ... )` (or `<( ... )`) starting at `start` into `word`; returns the index after it.
fn substitution(chars: &[char], start: usize, word: &mut String) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        word.push(c);
        i += 1;
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    i
}

/// Copies `` `...` `` starting at `start` into `word`; returns the index after it.
fn backquoted(chars: &[char], start: usize, word: &mut String) -> usize {
    let mut i = start;
    if let Some(&c) = chars.get(i) {
        word.push(c);
        i += 1;
    }
    while let Some(&c) = chars.get(i) {
        word.push(c);
        i += 1;
        if c == '`' {
            break;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(args: &str) -> Vec<Vec<Vec<String>>> {
        parse_run(args).pipelines.into_iter().map(|p| p.commands.into_iter().map(|c| c.words).collect()).collect()
    }

    #[test]
    fn pipes_separators_and_quotes() {
        assert_eq!(
            shape("apt-get update && curl -fsSL 'https://x/a|b' | sh -s -- -y || true # a | comment"),
            vec![
                vec![vec!["apt-get", "update"]],
                vec![vec!["curl", "-fsSL", "https://x/a|b"], vec!["sh", "-s", "--", "-y"]],
                vec![vec!["true"]],
            ]
        );
        assert_eq!(
            shape("make 2>&1 >/dev/null; echo \"a | b\""),
            vec![vec![vec!["make", "2>&1", ">/dev/null"]], vec![vec!["echo", "a | b"]]]
        );
    }

    #[test]
    fn continuations_substitutions_and_nesting() {
        let s = parse_run("set -eux; \\\n    sh -c \"$(curl -fsSL https://x)\" \\\n && bash -c 'wget -qO- u | sh'");
        let nested: Vec<&Pipeline> = s.pipelines.iter().filter(|p| p.nested).collect();
        assert_eq!(nested.len(), 2, "both `-c` scripts are read: {nested:?}");
        assert!(nested.iter().any(|p| p.commands.len() == 2));
        assert!(
            s.pipelines
                .iter()
                .any(|p| p.commands.iter().any(|c| c.words.iter().any(|w| w == "$(curl -fsSL https://x)")))
        );
    }

    #[test]
    fn heredocs_are_scripts_at_the_start_and_data_inside() {
        let s = parse_run("<<EOF\nset -e\ncat <<CONF > /etc/x\na | b\nCONF\necho ok\nEOF");
        let words: Vec<&str> = s.commands().filter_map(|c| c.words.first()).map(String::as_str).collect();
        assert_eq!(words, ["set", "cat", "echo"]);
        assert!(s.pipelines.iter().all(|p| p.commands.len() == 1));
        assert!(parse_run("<<EOF\n#!/usr/bin/env python3\nprint('a|b')\nEOF").pipelines.is_empty());
    }

    #[test]
    fn exec_form_and_programs() {
        let s = parse_run("[\"sudo\", \"-u\", \"app\", \"/usr/bin/apt-get\", \"install\", \"x\"]");
        assert!(s.exec_form);
        let c = s.commands().next().cloned().unwrap_or_default();
        assert_eq!(program_name(&c, false), Some("sudo"));
        assert_eq!(program_name(&c, true), Some("apt-get"));
        let c = Command { words: vec!["DEBIAN_FRONTEND=noninteractive".into(), "apt-get".into()] };
        assert_eq!(program_name(&c, true), Some("apt-get"));
    }

    #[test]
    fn malformed_input_is_read_without_panicking() {
        let inputs = [
            "echo 'unterminated",
            "echo \"open $(curl",
            "a \\",
            "<<",
            "<<EOF",
            "cat <<",
            "cat << \n",
            "$(",
            "`",
            "<(",
            "a |",
            "| b",
            "&& ||",
            "é | ü ; 漢字",
            "sh -c",
            "sh -c 'sh -c \"sh -c \\\"sh -c x | y\\\"\"'",
            "[\"unterminated",
            "[1, 2]",
            "#!/bin/sh",
            "<<EOF\n#!/bin/sh\nEOF",
        ];
        for input in inputs {
            let _ = parse_run(input);
        }
    }
}
