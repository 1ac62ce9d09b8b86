//! Diagnostics (what went wrong, where, and what to do) and the counts every run reports.

use crate::span::Pos;
use std::collections::BTreeMap;
use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something was read differently than written, or cannot be rendered here.
    Warning,
    /// Part of a file could not be read.
    Error,
}

/// What kind of problem a diagnostic reports; stable names for scripts and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// The YAML or JSON is malformed.
    YamlSyntax,
    /// A key appears twice in one mapping.
    YamlDuplicateKey,
    /// `yes`/`no`/`on`/`off` read as strings by YAML 1.2, as booleans by Kubernetes.
    YamlBoolean11,
    /// A mapping or sequence used as a key.
    YamlComplexKey,
    /// Too many nodes (alias bomb) or too deep.
    YamlLimit,
    /// The file is not UTF-8 (or UTF-16 with a byte-order mark).
    Encoding,
    /// The file is binary.
    Binary,
    /// The file exceeds the size limit.
    TooLarge,
    /// The file could not be read.
    Io,
    /// A Dockerfile could not be parsed.
    Dockerfile,
    /// A Helm chart that has not been rendered.
    HelmUnrendered,
    /// Something in a kustomization cannot be rendered here.
    Kustomize,
    /// A Kubernetes object is missing something it needs (kind, name).
    Kubernetes,
    /// A securityContext field set where Kubernetes ignores it.
    IgnoredField,
    /// A document of a known kind with an unexpected shape.
    Shape,
    /// A walk problem: a symlink loop, an unreadable directory.
    Walk,
    /// A parser failed unexpectedly; the file is skipped and the run goes on.
    Internal,
}

impl Code {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml-syntax",
            Code::YamlDuplicateKey => "yaml-duplicate-key",
            Code::YamlBoolean11 => "yaml-boolean-1.1",
            Code::YamlComplexKey => "yaml-complex-key",
            Code::YamlLimit => "yaml-limit",
            Code::Encoding => "encoding",
            Code::Binary => "binary",
            Code::TooLarge => "too-large",
            Code::Io => "io",
            Code::Dockerfile => "dockerfile",
            Code::HelmUnrendered => "helm-unrendered",
            Code::Kustomize => "kustomize",
            Code::Kubernetes => "kubernetes",
            Code::IgnoredField => "ignored-field",
            Code::Shape => "shape",
            Code::Walk => "walk",
            Code::Internal => "internal",
        }
    }
}

/// One problem, with the file and position it is about.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem.
    pub code: Code,
    /// The file, as the user named it (empty until the loader fills it in).
    pub file: String,
    /// Where in the file.
    #[serde(flatten)]
    pub pos: Pos,
    /// What is wrong, lowercase, input in backticks.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `pos`.
    pub fn error(code: Code, pos: Pos, message: String) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code, file: String::new(), pos, message, help: None }
    }

    /// A warning at `pos`.
    pub fn warning(code: Code, pos: Pos, message: String) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, code, file: String::new(), pos, message, help: None }
    }

    /// The same diagnostic with a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The same diagnostic about `file`.
    pub fn in_file(mut self, file: &str) -> Diagnostic {
        file.clone_into(&mut self.file);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{severity}[{}]: {}\n  --> {}:{}:{}",
            self.code.as_str(),
            self.message,
            self.file,
            self.pos.line,
            self.pos.col
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// What became of the files a run was given: every file seen ends up parsed, failed or
/// skipped, so nothing disappears without a count.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Files the walk found.
    pub seen: usize,
    /// Files whose kind annexa recognised.
    pub recognised: usize,
    /// Recognised files read (possibly with diagnostics).
    pub parsed: usize,
    /// Recognised files that could not be read at all.
    pub failed: usize,
    /// Files not read, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Documents read from the parsed files.
    pub documents: usize,
    /// Kubernetes objects among them (List items counted one by one).
    pub objects: usize,
}

impl Stats {
    /// Files skipped, all reasons together.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    pub(crate) fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_owned()).or_default() += 1;
    }
}
