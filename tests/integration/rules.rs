//! One test per rule, on small cases (zizmor's `test-data/` and one test per audit).
//!
//! `tests/rules/<rule-id>/<case>.toml` describes a repository in a few lines: its files, and what
//! only the GitHub API knows (settings, labels, issues, the owner's `.github` files) when the rule
//! needs it. The test turns each case into a snapshot (the JSON `cm-audit snapshot` writes), audits
//! it with the real binary (`--from`), checks the status the case's name promises (`pass`, `fail`,
//! `warn`, `skipped`, alone or before a `-`) and pins that rule's finding in
//! `snapshots/rules/<rule-id>@<case>.snap`. A change of judgement then churns one small snapshot,
//! not every whole report.
//!
//! A case file holds the snapshot's own fields, with shortcuts that keep it short:
//!
//! - `files`: path = text; the tree lists them, with `paths` (files present, text not read);
//! - `source = "checkout"`: what a checkout cannot see is marked unavailable, as the collector
//!   marks it; the default is the API, which sees what the case gives;
//! - `[inherited]`: the owner's `.github` repository (`from`, `files`, `paths`);
//! - `[settings]`: only the settings that matter (issues on, nothing else set, by default);
//! - `labels`: the labels' names;
//! - items (`welcoming_issues`, `[[activity.items]]`): `author` is a login (a bot's ends in
//!   `[bot]`), and so are a response's `author`, `merged_by` and `closed_by`; `url` comes from the number; the
//!   activity's window starts 90 days before the audit unless `window_start` says otherwise;
//! - `[activity.previous]`: the window before it (`start` 90 days earlier unless given), its
//!   `[[activity.previous.items]]` written the same way;
//! - `[[discussions.items]]`: `author`, `answered_by` and responses' authors are logins, `url` comes
//!   from the number, `category` is `Q&A` and `answerable` true unless given;
//! - `[releases]`: `latest` as `{ tag, published_at }` (the url comes from the tag), `last_commit_at`.
//!
//! Times are RFC 3339 strings (`"2026-10-20T09:15:00Z"`), as in the snapshot; the audit runs at
//! `NOW` (2026-11-01). A case whose finding a careful reader would not give says so in a comment at
//! its top (`JUDGED WRONGLY`, `SAID WRONGLY` for a right status in misleading words, `QUESTIONABLE`):
//! its snapshot pins today's behaviour, so that a fix shows up as a reviewed change of that one
//! snapshot (and of the case's name, when the status changes).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::common::{NOW, cm_audit, evidence, finding, message, status};

/// The statuses a case's name may promise.
const STATUSES: [&str; 4] = ["pass", "fail", "warn", "skipped"];

/// The window's start when a case does not say: 90 days before `NOW`, the default window.
const WINDOW_START: &str = "2026-08-03T00:00:00Z";

/// The previous window's start when a case does not say: 90 days before the window's.
const PREVIOUS_START: &str = "2026-05-05T00:00:00Z";

/// What the collector says of the data a checkout cannot see.
const CHECKOUT_CANNOT_SEE: &str = "needs the GitHub API: audit OWNER/REPO rather than a checkout";

fn cases_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

/// One test per rule, and the list of rules that have one (checked against `cm-audit rules`).
macro_rules! rule_tests {
    ($($test:ident => $rule:literal,)*) => {
        $(
            #[test]
            fn $test() {
                audit_cases($rule);
            }
        )*
        const TESTED_RULES: &[&str] = &[$($rule),*];
    };
}

rule_tests! {
    readme_present => "readme-present",
    contributing_present => "contributing-present",
    contributing_dev_setup => "contributing-dev-setup",
    contributing_tests => "contributing-tests",
    contributing_first_issues => "contributing-first-issues",
    contributing_review_expectations => "contributing-review-expectations",
    issue_templates => "issue-templates",
    pull_request_template => "pull-request-template",
    greeting => "greeting",
    readme_links_contributing => "readme-links-contributing",
    license => "license",
    welcoming_labels => "welcoming-labels",
    repo_topics => "repo-topics",
    newcomer_response => "newcomer-response",
    waiting_newcomers => "waiting-newcomers",
    newcomers_vs_regulars => "newcomers-vs-regulars",
    good_first_issues => "good-first-issues",
    coc_present => "coc-present",
    coc_reporting_channel => "coc-reporting-channel",
    coc_enforcement => "coc-enforcement",
    coc_confidentiality => "coc-confidentiality",
    coc_linked => "coc-linked",
    governance => "governance",
    governance_decisions => "governance-decisions",
    maintainers_listed => "maintainers-listed",
    codeowners => "codeowners",
    maintainer_ladder => "maintainer-ladder",
    support_channel => "support-channel",
    issue_chooser_links => "issue-chooser-links",
    security_policy => "security-policy",
    security_reporting => "security-reporting",
    changelog => "changelog",
    roadmap => "roadmap",
    repo_description => "repo-description",
    issues_enabled => "issues-enabled",
    chat_or_forum => "chat-or-forum",
    community_meetings => "community-meetings",
    citation => "citation",
    funding => "funding",
    absence_factor => "absence-factor",
    newcomer_retention => "newcomer-retention",
    silent_closes => "silent-closes",
    questions_answered => "questions-answered",
    release_pulse => "release-pulse",
}

/// Audits every case of a rule: the promised status, then the finding against its snapshot.
fn audit_cases(rule: &str) {
    let cases = cases_of(rule);
    assert!(!cases.is_empty(), "no cases in tests/rules/{rule}/");
    for (name, path) in cases {
        let text = std::fs::read_to_string(&path).unwrap();
        let snapshot = snapshot_of(&text).unwrap_or_else(|e| panic!("tests/rules/{rule}/{name}.toml: {e}"));
        let report = report_of(&snapshot);
        let promised = promised_status(&name).unwrap_or_else(|| panic!("tests/rules/{rule}/{name}.toml: {NAMING}"));
        assert_eq!(
            status(&report, rule),
            promised,
            "tests/rules/{rule}/{name}.toml promises {promised}; the finding: {}",
            message(&report, rule)
        );
        insta::with_settings!({
            snapshot_path => "snapshots/rules",
            prepend_module_to_snapshot => false,
            snapshot_suffix => name.as_str(),
            input_file => path.as_path(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(rule, judgement(&report, rule));
        });
    }
}

const NAMING: &str = "a case is named for the status it promises: pass, fail, warn or skipped, alone or before a `-`";

/// The status a case's name promises: `pass`, `fail-no-contact` → `fail`.
fn promised_status(case: &str) -> Option<&'static str> {
    let head = case.split('-').next()?;
    STATUSES.into_iter().find(|s| *s == head)
}

/// A rule's cases as `(name, path)`, by name.
fn cases_of(rule: &str) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(cases_folder().join(rule)) else { return Vec::new() };
    let mut cases: Vec<(String, PathBuf)> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    cases.sort();
    cases
}

/// The JSON report of the binary's audit of a snapshot.
fn report_of(snapshot: &Value) -> Value {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec_pretty(snapshot).unwrap()).unwrap();
    let out = cm_audit().arg("--from").arg(file.path()).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "cm-audit --from failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What a rule judged, as a reviewer reads it: status, message, location and evidence, without
/// the rule's own words (title, remedy), which its TOML holds.
fn judgement(report: &Value, rule: &str) -> String {
    let mut text = format!("status: {}\nmessage: {}\n", status(report, rule), message(report, rule));
    if let Some(location) = finding(report, rule)["location"].as_str() {
        text.push_str(&format!("location: {location}\n"));
    }
    for line in evidence(report, rule) {
        text.push_str(&format!("evidence: {line}\n"));
    }
    text
}

/// The snapshot a case describes, or what is wrong with the case.
fn snapshot_of(case_text: &str) -> Result<Value, String> {
    let case: toml::Table = case_text.parse().map_err(|e: toml::de::Error| e.message().to_string())?;
    let mut case = serde_json::to_value(case).map_err(|e| e.to_string())?;
    let case = case.as_object_mut().unwrap();
    let mut take = |key: &str| case.remove(key);

    let repository = take("repository").unwrap_or_else(|| json!("acme/widgets"));
    let repo = repository.as_str().ok_or("`repository` is owner/name")?.to_string();
    let (tree, files) = tree_and_files(take("files"), take("paths"))?;
    let mut snapshot = json!({
        "schema_version": 1,
        "repository": repo,
        "collected_at": NOW,
        "sources": {},
        "tree": tree,
        "files": files,
        "unavailable": take("unavailable").unwrap_or_else(|| json!({})),
    });
    match take("source").as_ref().and_then(Value::as_str) {
        None | Some("api") => snapshot["sources"]["api"] = json!("https://api.github.com"),
        Some("checkout") => {
            snapshot["sources"]["local_tree"] = json!(repo.rsplit('/').next());
            for data in ["settings", "labels", "issues", "inherited", "discussions", "releases"] {
                snapshot["unavailable"][data] = json!(CHECKOUT_CANNOT_SEE);
            }
        }
        Some(other) => return Err(format!("`source` is \"api\" or \"checkout\", not {other:?}")),
    }
    if let Some(mut inherited) = take("inherited") {
        let from = inherited.get("from").cloned().unwrap_or_else(|| json!(format!("{}/.github", owner(&repo))));
        let inherited = inherited.as_object_mut().ok_or("`inherited` is a table")?;
        let (tree, files) = tree_and_files(inherited.remove("files"), inherited.remove("paths"))?;
        snapshot["sources"]["inherited_from"] = from.clone();
        snapshot["inherited"] = json!({"from": from, "tree": tree, "files": files});
    }
    if let Some(settings) = take("settings") {
        let mut full = json!({
            "description": null, "homepage": null, "topics": [], "has_issues": true,
            "has_discussions": false, "archived": false, "fork": false, "default_branch": "main",
        });
        for (key, value) in settings.as_object().ok_or("`settings` is a table")? {
            full[key] = value.clone();
        }
        snapshot["settings"] = full;
    }
    if let Some(labels) = take("labels") {
        let names = labels.as_array().ok_or("`labels` is a list of names")?;
        snapshot["labels"] = names.iter().map(|name| json!({"name": name})).collect();
    }
    if let Some(issues) = take("welcoming_issues") {
        snapshot["welcoming_issues"] = items(issues, &repo)?;
    }
    if let Some(mut activity) = take("activity") {
        let activity_table = activity.as_object_mut().ok_or("`activity` is a table")?;
        activity_table.entry("window_start").or_insert_with(|| json!(WINDOW_START));
        let listed = activity_table.remove("items").unwrap_or_else(|| json!([]));
        activity_table.insert("items".to_string(), items(listed, &repo)?);
        if let Some(previous) = activity_table.get_mut("previous") {
            let previous = previous.as_object_mut().ok_or("`activity.previous` is a table")?;
            previous.entry("start").or_insert_with(|| json!(PREVIOUS_START));
            let listed = previous.remove("items").unwrap_or_else(|| json!([]));
            previous.insert("items".to_string(), items(listed, &repo)?);
        }
        snapshot["activity"] = activity;
    }
    if let Some(mut discussions) = take("discussions") {
        let table = discussions.as_object_mut().ok_or("`discussions` is a table")?;
        table.entry("window_start").or_insert_with(|| json!(WINDOW_START));
        let listed = table.remove("items").unwrap_or_else(|| json!([]));
        table.insert("items".to_string(), discussion_items(listed, &repo)?);
        snapshot["discussions"] = discussions;
    }
    if let Some(mut releases) = take("releases") {
        let latest = releases.get_mut("latest").and_then(Value::as_array_mut).ok_or("`releases.latest` is a list")?;
        for release in latest {
            let tag = release["tag"].as_str().ok_or("a release has a `tag`")?.to_string();
            release["url"] = json!(format!("https://github.com/{repo}/releases/tag/{tag}"));
        }
        snapshot["releases"] = releases;
    }
    if let Some(unknown) = case.keys().next() {
        return Err(format!("unknown key `{unknown}`"));
    }
    Ok(snapshot)
}

fn owner(repo: &str) -> &str {
    repo.split('/').next().unwrap_or(repo)
}

/// The tree (the files' paths and the other `paths`) and the files' bodies.
fn tree_and_files(files: Option<Value>, paths: Option<Value>) -> Result<(Value, Value), String> {
    let files = files.unwrap_or_else(|| json!({}));
    let files = files.as_object().ok_or("`files` is a table of path = text")?;
    let mut listed: BTreeSet<String> = files.keys().cloned().collect();
    for path in paths.as_ref().and_then(Value::as_array).into_iter().flatten() {
        listed.insert(path.as_str().ok_or("`paths` is a list of paths")?.to_string());
    }
    let bodies: Map<String, Value> = files
        .iter()
        .map(|(path, text)| Ok((path.clone(), json!({"kind": "text", "text": text.as_str().ok_or("a file's text")?}))))
        .collect::<Result<_, String>>()?;
    Ok((json!({"paths": listed}), Value::Object(bodies)))
}

/// Issues or pull requests, with the shortcuts filled in: logins become users, the number a URL.
fn items(listed: Value, repo: &str) -> Result<Value, String> {
    let Value::Array(listed) = listed else { return Err("items are a list of tables".into()) };
    listed
        .into_iter()
        .map(|mut item| {
            let kind = item["kind"].as_str().unwrap_or("issue");
            let path = if kind == "pull-request" { "pull" } else { "issues" };
            let number = item["number"].as_u64().ok_or("an item has a `number`")?;
            item["kind"] = json!(kind);
            item["url"] = json!(format!("https://github.com/{repo}/{path}/{number}"));
            item["author"] = user(&item["author"]);
            for field in ["merged_by", "closed_by"] {
                if let Some(by) = item.get(field) {
                    item[field] = user(by);
                }
            }
            responses_of(&mut item);
            Ok(item)
        })
        .collect::<Result<Vec<Value>, String>>()
        .map(Value::Array)
}

/// Discussions, with the shortcuts filled in as for items.
fn discussion_items(listed: Value, repo: &str) -> Result<Value, String> {
    let Value::Array(listed) = listed else { return Err("discussions are a list of tables".into()) };
    listed
        .into_iter()
        .map(|mut discussion| {
            let number = discussion["number"].as_u64().ok_or("a discussion has a `number`")?;
            let table = discussion.as_object_mut().ok_or("a discussion is a table")?;
            table.entry("category").or_insert_with(|| json!("Q&A"));
            table.entry("answerable").or_insert_with(|| json!(true));
            table.entry("author_association").or_insert_with(|| json!("NONE"));
            discussion["url"] = json!(format!("https://github.com/{repo}/discussions/{number}"));
            discussion["author"] = user(&discussion["author"]);
            if let Some(by) = discussion.get("answered_by") {
                discussion["answered_by"] = user(by);
            }
            responses_of(&mut discussion);
            Ok(discussion)
        })
        .collect::<Result<Vec<Value>, String>>()
        .map(Value::Array)
}

/// A response's author becomes a user; a response is a comment unless it says otherwise.
fn responses_of(item: &mut Value) {
    for response in item.get_mut("responses").and_then(Value::as_array_mut).into_iter().flatten() {
        response["author"] = user(&response["author"]);
        if response.get("kind").is_none() {
            response["kind"] = json!("comment");
        }
    }
}

/// A login as GitHub's user; `null` (a deleted account) stays `null`.
fn user(login: &Value) -> Value {
    match login.as_str() {
        Some(login) => json!({"login": login, "is_bot": login.ends_with("[bot]")}),
        None => Value::Null,
    }
}

/// The rule ids `cm-audit rules` lists.
fn listed_rules() -> Vec<String> {
    let out = cm_audit().arg("rules").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

/// Adding a rule means adding its cases: every rule has a test, a passing case and a failing
/// one, every case is named for a status, and no folder is left for a rule that is gone.
#[test]
fn every_rule_has_a_passing_and_a_failing_case() {
    let rules = listed_rules();
    assert!(rules.len() > 30, "`cm-audit rules` listed {rules:?}");
    let mut problems = Vec::new();
    for rule in &rules {
        let statuses: BTreeSet<Option<&str>> = cases_of(rule).iter().map(|(name, _)| promised_status(name)).collect();
        for wanted in ["pass", "fail"] {
            if !statuses.contains(&Some(wanted)) {
                problems.push(format!("{rule}: no {wanted} case in tests/rules/{rule}/"));
            }
        }
        if !TESTED_RULES.contains(&rule.as_str()) {
            problems.push(format!("{rule}: no test in rule_tests! (tests/integration/rules.rs)"));
        }
    }
    for entry in std::fs::read_dir(cases_folder()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !rules.contains(&name) {
            problems.push(format!("tests/rules/{name}: no such rule"));
        }
    }
    for rule in TESTED_RULES {
        if !rules.iter().any(|r| r == rule) {
            problems.push(format!("{rule}: tested but not a rule"));
        }
        for (name, _) in cases_of(rule) {
            if promised_status(&name).is_none() {
                problems.push(format!("tests/rules/{rule}/{name}.toml: {NAMING}"));
            }
        }
    }
    // A renamed or removed case leaves its snapshot behind.
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/snapshots/rules");
    for entry in std::fs::read_dir(snapshots).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some((rule, case)) = name.strip_suffix(".snap").and_then(|n| n.split_once('@')) else { continue };
        if !cases_of(rule).iter().any(|(c, _)| c == case) {
            problems.push(format!("tests/integration/snapshots/rules/{name}: no case tests/rules/{rule}/{case}.toml"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
