//! The application API: one function per command, each returning a view that serialises to
//! the command's JSON and renders to its table and Markdown forms.
//!
//! The CLI (and later the server) only parse arguments and print views; every rule about what
//! a command shows lives here.

pub mod checks;
pub mod config;
pub mod controls;
pub mod crosswalk;
pub mod evidence;
pub mod inventory;
pub mod isms;
pub mod scan;

pub use annexa_catalog::ResolveError;
pub use annexa_model::{Framework, Severity, Theme};

/// Why a command could not produce its view.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The id names no control.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// The crosswalk asked for makes no sense.
    #[error(transparent)]
    Crosswalk(#[from] annexa_catalog::CrosswalkError),
    /// An option does not apply to the framework asked for.
    #[error("`--{option}` applies to {applies_to} only, not to {framework}")]
    OptionNotApplicable {
        /// The option's long name.
        option: &'static str,
        /// Where it does apply.
        applies_to: &'static str,
        /// The framework given.
        framework: &'static str,
    },
    /// The framework is only a crosswalk pivot, with ids but no catalogue.
    #[error("{0} is known only as a crosswalk pivot, not as a catalogue")]
    PivotOnly(&'static str),
    /// The paths named no file at all.
    #[error("nothing to read at `{0}`")]
    NothingToRead(String),
    /// `--format svg` without Graphviz.
    #[error("`--format svg` needs Graphviz's `dot`, which is not installed")]
    NoGraphviz,
    /// Graphviz failed.
    #[error("graphviz failed: {0}")]
    Graphviz(String),
    /// No check has that id or slug.
    #[error("unknown check `{input}`")]
    UnknownCheck {
        /// What the user typed.
        input: String,
        /// The closest ids and slugs.
        suggestions: Vec<String>,
    },
    /// An exemption in `annexa.toml` names no check.
    #[error("{path}:{line}: exemption for unknown check `{input}`")]
    UnknownExemptionCheck {
        /// The configuration file.
        path: String,
        /// The line of its `[[exemptions]]` header.
        line: u32,
        /// What the exemption names.
        input: String,
        /// The closest ids and slugs.
        suggestions: Vec<String>,
    },
    /// `--controls` named something that is not an Annex A control.
    #[error("`{0}` is not an Annex A control")]
    NotAnAnnexAControl(String),
    /// Every check selected needs settings `annexa.toml` does not give.
    #[error("the checks selected need settings annexa.toml does not give: {0}")]
    NotConfigured(String),
    /// The selection left nothing to run.
    #[error("the selection leaves no check to run")]
    NoChecksSelected,
    /// `annexa.toml` is invalid.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The evidence store, ledger or keys.
    #[error(transparent)]
    Evidence(#[from] evidence::EvidenceError),
    /// An ISMS command could not read or write the ISMS repository.
    #[error(transparent)]
    Isms(#[from] isms::IsmsError),
}

impl Error {
    /// A line of help to print under the error, when there is one.
    pub fn help(&self) -> Option<String> {
        match self {
            Error::Resolve(e) => Some(e.help()),
            Error::Crosswalk(_) => Some("pick another framework with `--to`".to_owned()),
            Error::OptionNotApplicable { .. } => Some("drop the option, or use `--framework iso27001:2022`".to_owned()),
            Error::PivotOnly(_) => Some("use it as a target: `annexa crosswalk A.8.8 --to sp800-53r5`".to_owned()),
            Error::NothingToRead(_) => {
                Some("name files or directories that exist, or `-` for standard input".to_owned())
            }
            Error::NoGraphviz => Some(
                "install Graphviz (`apt-get install graphviz`), or use `--format dot` and render it elsewhere"
                    .to_owned(),
            ),
            Error::Graphviz(_) => Some("check the DOT output with `--format dot`".to_owned()),
            Error::UnknownCheck { suggestions, .. } if !suggestions.is_empty() => Some(format!(
                "did you mean {}?",
                suggestions.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ")
            )),
            Error::UnknownCheck { .. } => Some(
                "name a check by id or slug (`annexa checks` lists them); `annexa scan --checks` and `--skip` \
                 also take an Annex A control such as `A.8.9`"
                    .to_owned(),
            ),
            Error::UnknownExemptionCheck { suggestions, .. } if !suggestions.is_empty() => Some(format!(
                "did you mean {}?",
                suggestions.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" or ")
            )),
            Error::UnknownExemptionCheck { .. } => {
                Some("an exemption names one check by id or slug; `annexa checks` lists them".to_owned())
            }
            Error::NotAnAnnexAControl(_) => Some("write an Annex A control id such as `A.8.9`".to_owned()),
            Error::NoChecksSelected => Some("loosen `--checks`, `--skip` or `--controls`".to_owned()),
            Error::NotConfigured(_) => Some(
                "set them under `[scan]` in annexa.toml (see `annexa checks show ID`), or pass `--config`".to_owned(),
            ),
            Error::Config(_) => {
                Some("fix `annexa.toml`; the README describes its exemptions and `[scan]` settings".to_owned())
            }
            Error::Evidence(e) => e.help(),
            Error::Isms(e) => Some(e.help()),
        }
    }
}

/// A control of any framework as JSON shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RefView {
    /// The framework key.
    pub framework: Framework,
    /// The id as the framework writes it.
    pub id: String,
    /// Its title, where the framework has titles.
    pub title: Option<&'static str>,
}

impl RefView {
    fn of(r: annexa_catalog::Ref) -> RefView {
        RefView {
            framework: r.framework,
            id: r.id.to_owned(),
            title: annexa_catalog::Entry::from_ref(r).and_then(|e| e.title()),
        }
    }
}
