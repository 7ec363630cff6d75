//! A rule as written in `rules/*.toml` and in a user's config.

use std::fmt;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One of the five responsibilities of a community manager that findings are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Responsibility {
    Welcoming,
    ConflictResolution,
    Leadership,
    Communication,
    Engagement,
}

impl Responsibility {
    pub const ALL: [Responsibility; 5] = [
        Responsibility::Welcoming,
        Responsibility::ConflictResolution,
        Responsibility::Leadership,
        Responsibility::Communication,
        Responsibility::Engagement,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Responsibility::Welcoming => "welcoming",
            Responsibility::ConflictResolution => "conflict-resolution",
            Responsibility::Leadership => "leadership",
            Responsibility::Communication => "communication",
            Responsibility::Engagement => "engagement",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Responsibility::Welcoming => "Welcoming",
            Responsibility::ConflictResolution => "Conflict resolution",
            Responsibility::Leadership => "Leadership",
            Responsibility::Communication => "Communication",
            Responsibility::Engagement => "Engagement",
        }
    }

    /// What the responsibility means, in one line, for reports.
    pub fn summary(self) -> &'static str {
        match self {
            Responsibility::Welcoming => "a newcomer finds what to do and feels wanted",
            Responsibility::ConflictResolution => "a code of conduct with a working reporting channel and enforcement",
            Responsibility::Leadership => "others can grow into maintainers",
            Responsibility::Communication => "users reach developers and back",
            Responsibility::Engagement => "the community gathers",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.id() == s)
    }
}

impl fmt::Display for Responsibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// The weight a rule gets when it does not set one.
    pub fn default_weight(self) -> u32 {
        match self {
            Severity::Low => 2,
            Severity::Medium => 5,
            Severity::High => 10,
        }
    }
}

/// A case-insensitive regular expression, compiled when the rule is loaded.
#[derive(Debug, Clone)]
pub struct Pattern {
    regex: Regex,
    /// As written in the rule, for messages and the generated reference.
    source: String,
}

impl Pattern {
    pub fn new(src: &str) -> Result<Self, String> {
        Self::compile(src, src)
    }

    fn compile(src: &str, regex: &str) -> Result<Self, String> {
        RegexBuilder::new(regex)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
            .map(|regex| Pattern { regex, source: src.to_string() })
            .map_err(|e| format!("invalid regex `{src}`: {}", e.to_string().lines().last().unwrap_or("")))
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }

    /// Whether the pattern matches the whole of `text`, surrounding spaces aside (a label's name).
    pub fn is_full_match(&self, text: &str) -> bool {
        let text = text.trim();
        self.regex.find(text).is_some_and(|m| m.start() == 0 && m.end() == text.len())
    }

    pub fn find_iter<'t>(&self, text: &'t str) -> regex::Matches<'_, 't> {
        self.regex.find_iter(text)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::new(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A pattern for prose, matched as words: where a match begins or ends with a letter or digit, the
/// text around it may not continue the word, so `ping` does not match "helping" nor `bump` "bumps".
/// A match that begins or ends with punctuation (`/contribute`, `doi.org/`) is not constrained there.
#[derive(Debug, Clone)]
pub struct Phrase(Pattern);

impl Phrase {
    pub fn new(src: &str) -> Result<Self, String> {
        // `\b` holds where a word character meets a non-word one; `\B\b{start-half}` where neither
        // side is a word character (at the start: the match begins with punctuation after more).
        let bounded = format!(r"(?:\b|\B\b{{start-half}})(?:{src})(?:\b|\B\b{{end-half}})");
        Pattern::compile(src, &bounded).map(Phrase)
    }
}

impl std::ops::Deref for Phrase {
    type Target = Pattern;
    fn deref(&self) -> &Pattern {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Phrase {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Phrase::new(&s).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Phrase {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// A rule as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub title: String,
    pub responsibility: Responsibility,
    pub severity: Severity,
    pub weight: Option<u32>,
    #[serde(default)]
    pub requires: Vec<String>,
    /// The rule only applies to repositories where this check passes (citations for research software).
    pub applies_if: Option<Check>,
    pub check: Check,
    pub rationale: String,
    pub remedy: String,
    pub docs: Option<String>,
}

/// A rule ready to evaluate.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub responsibility: Responsibility,
    pub severity: Severity,
    pub weight: u32,
    pub requires: Vec<String>,
    pub applies_if: Option<Check>,
    pub check: Check,
    pub rationale: String,
    pub remedy: String,
    pub docs: String,
    /// Where the rule was defined: `rules/welcoming.toml` or the user's config file.
    pub origin: String,
}

/// Where the rules reference lives; each rule has an anchor there.
pub const DOCS_BASE: &str = "https://github.com/cm-audit/cm-audit/blob/main/docs/rules.md";

impl Rule {
    pub fn from_def(def: RuleDef, origin: &str) -> Rule {
        Rule {
            weight: def.weight.unwrap_or_else(|| def.severity.default_weight()),
            docs: def.docs.unwrap_or_else(|| format!("{DOCS_BASE}#{}", def.id)),
            id: def.id,
            title: def.title,
            responsibility: def.responsibility,
            severity: def.severity,
            requires: def.requires,
            applies_if: def.applies_if,
            check: def.check,
            rationale: def.rationale,
            remedy: def.remedy,
            origin: origin.to_string(),
        }
    }
}

/// The engine's vocabulary: what a rule can look for.
#[derive(Debug, Clone)]
pub enum Check {
    /// A document is present, not hollow.
    File(FileCheck),
    /// A document says something (a pattern matches in its prose, optionally in a section).
    Content(ContentCheck),
    /// One document links to another that exists.
    LinksTo(LinksToCheck),
    /// A GitHub Actions workflow uses an action.
    WorkflowUses(WorkflowUsesCheck),
    /// Any of several checks passes.
    Any(AnyCheck),
    /// A repository setting (needs the API).
    RepoSetting(RepoSettingCheck),
    /// A label exists (needs the API).
    Labels(LabelsCheck),
    /// Newcomers' issues and pull requests get a first response within the target (needs the API).
    NewcomerResponse(NewcomerResponseCheck),
    /// No newcomer item has waited too long unanswered (needs the API).
    WaitingNewcomers(WaitingNewcomersCheck),
    /// Newcomers are not answered markedly slower than regulars (needs the API).
    NewcomersVsRegulars(NewcomersVsRegularsCheck),
    /// Enough open good first issues, free to take and not forgotten (needs the API).
    GoodFirstIssues(GoodFirstIssuesCheck),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewcomerResponseCheck {
    /// Pass: at least this share of judged newcomer items answered within the target.
    #[serde(default = "default_pass_share")]
    pub pass_share: f64,
    /// Below this share, or a median above `warn_median_hours`: fail.
    #[serde(default = "default_warn_share")]
    pub warn_share: f64,
    #[serde(default = "default_warn_median_hours")]
    pub warn_median_hours: u32,
    /// Fewer judged newcomer items than this: skipped, too few to judge.
    #[serde(default = "default_min_items")]
    pub min_judged: usize,
}

fn default_pass_share() -> f64 {
    0.8
}
fn default_warn_share() -> f64 {
    0.5
}
fn default_warn_median_hours() -> u32 {
    7 * 24
}
fn default_min_items() -> usize {
    5
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitingNewcomersCheck {
    #[serde(default = "default_warn_after_days")]
    pub warn_after_days: u32,
    #[serde(default = "default_fail_after_days")]
    pub fail_after_days: u32,
}

fn default_warn_after_days() -> u32 {
    7
}
fn default_fail_after_days() -> u32 {
    30
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewcomersVsRegularsCheck {
    #[serde(default = "default_warn_ratio")]
    pub warn_ratio: f64,
    #[serde(default = "default_fail_ratio")]
    pub fail_ratio: f64,
    #[serde(default = "default_min_items")]
    pub min_answered: usize,
}

fn default_warn_ratio() -> f64 {
    2.0
}
fn default_fail_ratio() -> f64 {
    4.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoodFirstIssuesCheck {
    /// Which welcoming labels mark a good first issue (help wanted is not one).
    pub labels: Vec<Pattern>,
    /// The project's own names (`E-easy`), matched exactly, ignoring case.
    #[serde(default)]
    pub also: Vec<String>,
    #[serde(default = "default_min_open")]
    pub min_open: usize,
    #[serde(default = "default_unassigned_share")]
    pub min_unassigned_share: f64,
    #[serde(default = "default_stale_after_days")]
    pub stale_after_days: u32,
}

fn default_min_open() -> usize {
    3
}
fn default_unassigned_share() -> f64 {
    0.5
}
fn default_stale_after_days() -> u32 {
    365
}

/// Check kinds by their `kind` name, for errors.
const CHECK_KINDS: &[&str] = &[
    "file",
    "content",
    "links-to",
    "workflow-uses",
    "any",
    "repo-setting",
    "labels",
    "newcomer-response",
    "waiting-newcomers",
    "newcomers-vs-regulars",
    "good-first-issues",
];

/// Dispatches on `kind` by hand: serde's internally tagged enums lose the path of a field that
/// fails inside a variant, and a user must be told which field of which check is wrong.
impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut table = toml::Table::deserialize(d)?;
        let kind = match table.remove("kind") {
            Some(toml::Value::String(k)) => k,
            Some(_) => return Err(D::Error::custom("`kind` must be a string")),
            None => return Err(D::Error::custom(format!("missing `kind` (one of {})", CHECK_KINDS.join(", ")))),
        };
        fn variant<T: serde::de::DeserializeOwned>(table: toml::Table) -> Result<T, String> {
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let message = e.inner().to_string();
                let message = message.lines().next().unwrap_or_default();
                format!("`{}`: {message}", e.path())
            })
        }
        let check = match kind.as_str() {
            "file" => variant(table).map(Check::File),
            "content" => variant(table).map(Check::Content),
            "links-to" => variant(table).map(Check::LinksTo),
            "workflow-uses" => variant(table).map(Check::WorkflowUses),
            "any" => variant(table).map(Check::Any),
            "repo-setting" => variant(table).map(Check::RepoSetting),
            "labels" => variant(table).map(Check::Labels),
            "newcomer-response" => variant(table).map(Check::NewcomerResponse),
            "waiting-newcomers" => variant(table).map(Check::WaitingNewcomers),
            "newcomers-vs-regulars" => variant(table).map(Check::NewcomersVsRegulars),
            "good-first-issues" => variant(table).map(Check::GoodFirstIssues),
            other => Err(format!("unknown check kind `{other}`, expected one of {}", CHECK_KINDS.join(", "))),
        };
        check.map_err(D::Error::custom)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileCheck {
    pub document: String,
    /// A file inherited from the owner's `.github` repository counts.
    #[serde(default = "yes")]
    pub inherited: bool,
    /// Overrides the document's hollowness threshold.
    pub min_words: Option<usize>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentCheck {
    /// Documents to read, in order; the first match passes.
    pub documents: Vec<String>,
    /// Patterns, any of which passes. Empty: a matching section with enough words suffices.
    #[serde(default)]
    pub any: Vec<Phrase>,
    /// Only matches under a heading matching this count.
    pub section: Option<Phrase>,
    /// Headings that never count as the section (an FAQ is not a support channel).
    pub not_section: Option<Phrase>,
    /// Code blocks count too (commands to set up or run tests).
    #[serde(default)]
    pub include_code: bool,
    /// What a match is reported as: `warn` when finding it is only part of what the rule asks (a
    /// README's Donate section, where GitHub shows no Sponsor button).
    #[serde(default)]
    pub found_is: FoundIs,
    /// Lines of one page that must match (a list of people is several lines naming one each).
    #[serde(default = "one_line")]
    pub min_lines: usize,
    /// A heading matching a pattern counts when the section under it says enough; `false`: only
    /// prose counts.
    #[serde(default = "yes")]
    pub headings: bool,
    /// A heading (or the section) needs at least this many words under it to count.
    #[serde(default = "default_section_words")]
    pub min_section_words: usize,
    /// What is looked for, in words, for messages: "an e-mail address or a link to a form".
    pub looks_for: String,
}

/// The status a content check gives what it finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FoundIs {
    #[default]
    Pass,
    Warn,
}

fn one_line() -> usize {
    1
}

fn default_section_words() -> usize {
    5
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksToCheck {
    pub from: Vec<String>,
    pub to: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowUsesCheck {
    /// Patterns for the `uses:` value (`actions/first-interaction`).
    pub actions: Vec<Pattern>,
    /// What such a workflow does, for the reader: "greets first-time contributors (...)".
    pub looks_for: String,
    /// Known problems with some versions: a match warns with the note.
    #[serde(default)]
    pub caveats: Vec<Caveat>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caveat {
    pub uses: Pattern,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnyCheck {
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Setting {
    Description,
    Homepage,
    Topics,
    HasIssues,
    HasDiscussions,
    NotArchived,
    Releases,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoSettingCheck {
    pub setting: Setting,
    /// For counts (topics, releases): the least that passes.
    #[serde(default = "one")]
    pub min: u64,
}

fn one() -> u64 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelsCheck {
    /// Label names, as patterns matched against the whole name (`-` and `_` read as spaces).
    pub any: Vec<Pattern>,
    /// The project's own names for the same thing (`E-easy`), matched exactly, ignoring case.
    #[serde(default)]
    pub also: Vec<String>,
}

impl Check {
    /// Document ids the check reads, to validate references and to know what to collect.
    pub fn documents(&self) -> Vec<&str> {
        match self {
            Check::File(c) => vec![c.document.as_str()],
            Check::Content(c) => c.documents.iter().map(String::as_str).collect(),
            Check::LinksTo(c) => c.from.iter().map(String::as_str).chain([c.to.as_str()]).collect(),
            Check::WorkflowUses(_) => vec![crate::engine::WORKFLOWS],
            Check::Any(c) => c.checks.iter().flat_map(Check::documents).collect(),
            Check::RepoSetting(_)
            | Check::Labels(_)
            | Check::NewcomerResponse(_)
            | Check::WaitingNewcomers(_)
            | Check::NewcomersVsRegulars(_)
            | Check::GoodFirstIssues(_) => vec![],
        }
    }

    /// A few words on what the check looks for, for `cm-audit explain`.
    pub fn describe(&self) -> String {
        match self {
            Check::File(c) => format!("the `{}` document", c.document),
            Check::Content(c) => {
                let within = c.documents.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(" or ");
                match &c.section {
                    Some(s) => {
                        format!("{} in a section of {within} whose heading matches /{}/", c.looks_for, s.as_str())
                    }
                    None => format!("{} in {within}", c.looks_for),
                }
            }
            Check::LinksTo(c) => {
                format!("a link from {} to the `{}` document, whose target exists", c.from.join(" or "), c.to)
            }
            Check::WorkflowUses(c) => {
                format!(
                    "a workflow step `uses:` matching {}",
                    c.actions.iter().map(|p| format!("/{}/", p.as_str())).collect::<Vec<_>>().join(" or ")
                )
            }
            Check::Any(c) => c.checks.iter().map(Check::describe).collect::<Vec<_>>().join("; or "),
            Check::RepoSetting(c) => format!(
                "the repository setting `{}`",
                serde_json::to_value(c.setting).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
            ),
            Check::NewcomerResponse(c) => format!(
                "the share of newcomers' issues and pull requests (in the window) answered within the target: \
                 pass at {:.0}% or more, fail below {:.0}% or with a median over {} hours",
                c.pass_share * 100.0,
                c.warn_share * 100.0,
                c.warn_median_hours
            ),
            Check::WaitingNewcomers(c) => format!(
                "open newcomer items with no response: warn past {} days, fail past {} days",
                c.warn_after_days, c.fail_after_days
            ),
            Check::NewcomersVsRegulars(c) => format!(
                "the newcomers' median time to first response against the regulars': warn above {}x, fail above {}x",
                c.warn_ratio, c.fail_ratio
            ),
            Check::GoodFirstIssues(c) => format!(
                "at least {} open good first issues, {:.0}% of them unassigned, none untouched for {} days",
                c.min_open,
                c.min_unassigned_share * 100.0,
                c.stale_after_days
            ),
            Check::Labels(c) => format!(
                "a label named like {}",
                c.any
                    .iter()
                    .map(|p| format!("/{}/", p.as_str()))
                    .chain(c.also.iter().cloned())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}
