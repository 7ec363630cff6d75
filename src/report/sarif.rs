//! SARIF 2.1.0 for GitHub code scanning: every rule in `tool.driver.rules`, every gap a result.
//!
//! Levels: a failed rule of high severity is an `error`, other failures are `warning`s, and a
//! warning (the rule is half met: a hollow file, a known-bad action version) is a `note`. Code
//! scanning shows them as Error, Warning and Note, so "fix first" stays visible at a glance.
//!
//! A gap about a missing file has no file to point at; its result points at `README.md`, the
//! page a visitor lands on, line 1. Fingerprints hash the rule id and that location only, so
//! an alert stays the same alert when the message's wording or the line changes.

use serde::Serialize;

use super::Report;
use crate::engine::evaluation::RuleDescription;
use crate::engine::finding::{Finding, Status};
use crate::engine::rule::Severity;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
/// Where a gap about a missing file points.
const FALLBACK_LOCATION: &str = "README.md";
/// Relative locations are relative to the checkout's root, which the consumer knows.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Debug, Serialize)]
pub struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: ToolComponent<'a>,
    results: Vec<ResultObject>,
    /// Whether the audit ran to the end, and what it could not see.
    invocations: [Invocation; 1],
}

#[derive(Debug, Serialize)]
struct ToolComponent<'a> {
    driver: Driver<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor<'a> {
    id: &'a str,
    /// Omitted when it would equal the id but for case, as the SARIF validator asks (SARIF1001).
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    short_description: Text,
    full_description: Text,
    help: Help,
    /// Only a web page: a config's rule could give `javascript:` or a local file.
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Debug, Serialize)]
struct Text {
    text: String,
}

#[derive(Debug, Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Debug, Serialize)]
struct Configuration {
    level: Level,
}

#[derive(Debug, Serialize)]
struct RuleProperties {
    /// The responsibility and severity, which code scanning shows as tags.
    tags: [&'static str; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultObject {
    rule_id: String,
    rule_index: usize,
    level: Level,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
}

#[derive(Debug, Serialize)]
struct Fingerprints {
    /// Bump the version in the key if what is hashed ever changes.
    #[serde(rename = "cmAuditRuleLocation/v1")]
    rule_location: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Debug, Serialize)]
struct Notification {
    level: Level,
    message: Text,
}

/// The level of a gap's result; `None` for a finding that is not a gap.
pub fn level(status: Status, severity: Severity) -> Option<Level> {
    match (status, severity) {
        (Status::Fail, Severity::High) => Some(Level::Error),
        (Status::Fail, _) => Some(Level::Warning),
        (Status::Warn, _) => Some(Level::Note),
        _ => None,
    }
}

/// The SARIF log of a report: its rules are described, its gaps are results.
pub fn log(report: &Report) -> Log<'_> {
    let results = report
        .gaps()
        .filter_map(|f| {
            let rule_index = report.rules.iter().position(|r| r.id == f.rule)?;
            Some(result(f, rule_index))
        })
        .collect();
    let notifications = report
        .unavailable
        .iter()
        .map(|u| Notification {
            level: Level::Note,
            message: Text { text: format!("Not seen: {}: {}.", u.data.as_str(), u.reason) },
        })
        .chain(
            report
                .sources
                .notes
                .iter()
                .map(|n| Notification { level: Level::Note, message: Text { text: format!("{n}.") } }),
        )
        .collect();
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: ToolComponent {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    information_uri: INFORMATION_URI,
                    rules: report.rules.iter().map(descriptor).collect(),
                },
            },
            results,
            invocations: [Invocation { execution_successful: true, tool_execution_notifications: notifications }],
        }],
    }
}

/// The SARIF log as pretty JSON.
pub fn render(report: &Report) -> String {
    let mut json = serde_json::to_string_pretty(&log(report)).expect("SARIF structs serialise");
    json.push('\n');
    json
}

fn descriptor(rule: &RuleDescription) -> RuleDescriptor<'_> {
    let name = pascal_case(&rule.id);
    let docs = super::markdown::web_url(&rule.docs);
    let more = docs.map(|url| format!("\n\nMore: {url}")).unwrap_or_default();
    RuleDescriptor {
        id: &rule.id,
        name: (!name.eq_ignore_ascii_case(&rule.id)).then_some(name),
        short_description: Text { text: rule.title.clone() },
        full_description: Text { text: unwrap_lines(&rule.rationale) },
        help: Help {
            text: format!("{}{more}", rule.remedy.trim()),
            markdown: format!(
                "{}\n\n{}",
                super::markdown::escape_text(rule.remedy.trim()),
                super::markdown::link("Why it matters and how to fix it", &rule.docs)
            ),
        },
        help_uri: docs,
        default_configuration: Configuration {
            level: level(Status::Fail, rule.severity).expect("a failure has a level"),
        },
        properties: RuleProperties { tags: ["community", rule.responsibility.id(), rule.severity.id()] },
    }
}

fn result(f: &Finding, rule_index: usize) -> ResultObject {
    let path = f
        .location
        .as_deref()
        .or_else(|| f.evidence.iter().find_map(|e| e.path.as_deref()))
        .unwrap_or(FALLBACK_LOCATION);
    let start_line = f.evidence.iter().find(|e| e.path.as_deref() == Some(path)).and_then(|e| e.line).unwrap_or(1);
    let uri = relative_uri(path);
    ResultObject {
        rule_id: f.rule.clone(),
        rule_index,
        level: level(f.status, f.severity).expect("only gaps are results"),
        message: Text { text: sentence(&f.message) },
        partial_fingerprints: Fingerprints { rule_location: fingerprint(&f.rule, &uri) },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri, uri_base_id: SRCROOT },
                region: Region { start_line: start_line.max(1) },
            },
        }],
    }
}

/// SARIF messages are sentences (the validator asks for the final period).
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) { text.to_string() } else { format!("{text}.") }
}

/// Prose hard-wrapped in TOML as paragraphs of one line each, as code scanning shows it.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `coc-reporting-channel` → `CocReportingChannel`: SARIF's rule `name` is an identifier.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase()).into_iter().chain(chars)
        })
        .collect()
}

/// A repository path as a relative URI reference: unreserved characters and `/` stay, the rest
/// (spaces, `#`, `?`, `%`, non-ASCII) are percent-encoded byte by byte.
fn relative_uri(path: &str) -> String {
    let path = path.trim_start_matches("./");
    let mut uri = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => uri.push(char::from(b)),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri
}

/// FNV-1a, 64 bits: a hash that is the same on every platform, Rust version and run (unlike
/// `std`'s `DefaultHasher`), which is all a fingerprint needs.
fn fingerprint(rule: &str, uri: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rule.bytes().chain([0]).chain(uri.bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_errors_or_warnings_by_severity_and_warnings_are_notes() {
        assert_eq!(level(Status::Fail, Severity::High), Some(Level::Error));
        assert_eq!(level(Status::Fail, Severity::Medium), Some(Level::Warning));
        assert_eq!(level(Status::Fail, Severity::Low), Some(Level::Warning));
        assert_eq!(level(Status::Warn, Severity::High), Some(Level::Note));
        assert_eq!(level(Status::Pass, Severity::High), None);
    }

    #[test]
    fn fingerprints_depend_on_rule_and_location_only() {
        assert_eq!(fingerprint("coc-present", "README.md"), fingerprint("coc-present", "README.md"));
        assert_ne!(fingerprint("coc-present", "README.md"), fingerprint("coc-present", "docs/README.md"));
        assert_ne!(fingerprint("a", "bc"), fingerprint("ab", "c"));
        // Pinned: a change here would reopen every alert users have triaged.
        assert_eq!(fingerprint("coc-present", "README.md"), "c9917b714a888667");
    }

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(relative_uri("./docs/CONTRIBUTING.md"), "docs/CONTRIBUTING.md");
        assert_eq!(relative_uri("<script>alert(1)</script>.md"), "%3Cscript%3Ealert%281%29%3C/script%3E.md");
        assert_eq!(relative_uri("a b#?%é"), "a%20b%23%3F%25%C3%A9");
    }

    #[test]
    fn help_links_only_to_web_pages() {
        let config = r#"
[[rule]]
id = "hostile-docs"
title = "t"
responsibility = "engagement"
severity = "low"
rationale = "r"
remedy = "Fix it."
docs = "javascript:alert(1)"
[rule.check]
kind = "file"
document = "hostile"

[documents.hostile]
name = "hostile"
stems = ["hostile"]
"#;
        let rules = crate::engine::RuleSet::load(Some(("cm-audit.toml", config))).unwrap();
        let described = |id| RuleDescription::of(rules.rule(id).unwrap());
        let hostile = serde_json::to_value(descriptor(&described("hostile-docs"))).unwrap();
        assert!(hostile.get("helpUri").is_none(), "{hostile}");
        assert!(!hostile.to_string().contains("javascript:"), "{hostile}");
        let shipped = serde_json::to_value(descriptor(&described("license"))).unwrap();
        assert!(shipped["helpUri"].as_str().unwrap().starts_with("https://"), "{shipped}");
    }

    #[test]
    fn rule_names_are_pascal_case_and_messages_sentences() {
        assert_eq!(pascal_case("coc-reporting-channel"), "CocReportingChannel");
        assert_eq!(sentence("no README found"), "no README found.");
        assert_eq!(sentence("done."), "done.");
        assert_eq!(unwrap_lines("one\ntwo\n\nthree\n"), "one two\n\nthree");
    }
}
