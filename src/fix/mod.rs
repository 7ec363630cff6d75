//! `cm-audit fix`: from report to fix. For each rule a file can fix and the audit found wanting,
//! the file that fixes it, from a minijinja template filled with what the tree tells about the
//! project ([`facts`]); what it cannot know is a placeholder the re-audit names. It never edits
//! a file that is there: a hollow one gets a suggested replacement, printed. See docs/fix.md.

pub mod facts;
pub mod github;
mod table;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment};
use serde_json::json;

use crate::audit::{self, ExternalConfig};
use crate::collect::github::{Client, FilesFrom, GithubOptions, OwnerFiles};
use crate::collect::local::{NEEDS_API, Ownership};
use crate::engine::NOT_APPLICABLE;
use crate::engine::RuleSet;
use crate::engine::check::MAY_BE_INHERITED;
use crate::engine::finding::{Finding, Status};
use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;
use crate::snapshot::{FileBody, Snapshot};
pub use facts::{Facts, Read};
pub use table::{FIXABLE, Fixable};

/// A snapshot and what the audit found in it.
pub struct Audited {
    pub snap: Snapshot,
    pub findings: Vec<Finding>,
}

// The few places `fix` runs an audit, as `cm-audit PATH` and `cm-audit OWNER/REPO` do.

/// A checkout's folder.
pub fn audit_checkout(root: &Path, external: Option<&ExternalConfig>, now: DateTime<Utc>) -> Result<Audited> {
    let (snap, rules) = audit::checkout(root, Ownership::Checked, external, now)?;
    Ok(audit_snapshot(snap, &rules, now))
}

/// A repository on GitHub, at its default branch.
pub async fn audit_github(
    client: &Client,
    opts: &GithubOptions,
    repo: &RepoRef,
    external: Option<&ExternalConfig>,
    now: DateTime<Utc>,
) -> Result<Audited> {
    let owner_files = OwnerFiles::default();
    let (snap, rules) =
        audit::github(client, &owner_files, opts, repo, FilesFrom::DefaultBranch, external, now).await?;
    Ok(audit_snapshot(snap, &rules, now))
}

/// A snapshot collected already (the Action's).
pub fn audit_snapshot(snap: Snapshot, rules: &RuleSet, now: DateTime<Utc>) -> Audited {
    let findings = audit::report(&snap, rules, now).findings;
    Audited { snap, findings }
}

/// What `fix` does about one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The file is missing: write it.
    Create { text: String },
    /// A document of its kind is there but hollow: a replacement, printed, never written.
    Suggest { at: String, current: String, text: String, why: String },
    /// A document of its kind is there: it is left alone; what it still lacks is said.
    Leave { at: String },
    /// Something in the tree is in the way (a file where the folder would be).
    Blocked { reason: String },
}

/// One file of the plan, with the rules (among those it can fix) the audit found wanting.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub path: &'static str,
    pub gaps: Vec<Gap>,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub rule: String,
    pub title: String,
    pub remedy: String,
    /// The audit could not tell the document is missing: GitHub may take the owner's `.github`
    /// file, which a checkout cannot see, and a file written here would replace it.
    pub may_be_inherited: bool,
}

/// The user's choices: the rules to fix (all when empty) and a folder of templates of their own.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub only: Vec<String>,
    pub templates: Option<PathBuf>,
}

/// A finding a file could change: failed, warned, or skipped for want of the file (not a rule
/// that does not apply, nor one that needs the API).
fn wants_fixing(f: &Finding) -> bool {
    match f.status {
        Status::Fail | Status::Warn => true,
        Status::Skipped => !f.message.starts_with(NOT_APPLICABLE) && !f.message.starts_with(NEEDS_API),
        Status::Pass | Status::Ignored => false,
    }
}

/// The files to write, suggest or leave, in the table's order.
pub fn plan(audited: &Audited, read: Read<'_>, tags: &[String], options: &Options) -> Result<Vec<Planned>> {
    check_only(&options.only)?;
    let templates = Templates::load(options.templates.as_deref())?;
    let finding = |id: &str| audited.findings.iter().find(|f| f.rule == id);
    let tree = &audited.snap.tree.paths;
    // `Contributing.md` is there for a file system that ignores case, and for GitHub's reader.
    let in_tree = |path: &str| tree.iter().any(|p| p.eq_ignore_ascii_case(path));
    // Where each kind of document is (or will be), for the links between them.
    let present_at = |fixable: &Fixable| {
        fixable
            .present
            .and_then(finding)
            .filter(|f| matches!(f.status, Status::Pass | Status::Warn))
            .and_then(|f| f.location.clone())
    };

    let mut decided: Vec<(&Fixable, Vec<Gap>, Option<Action>)> = Vec::new();
    for fixable in FIXABLE {
        let gaps: Vec<Gap> = fixable
            .rules
            .iter()
            .filter_map(|id| finding(id))
            .filter(|f| wants_fixing(f) && (options.only.is_empty() || options.only.contains(&f.rule)))
            .map(|f| Gap {
                rule: f.rule.clone(),
                title: f.title.clone(),
                remedy: f.remedy.clone(),
                may_be_inherited: f.status == Status::Skipped && f.message.contains(MAY_BE_INHERITED),
            })
            .collect();
        if gaps.is_empty() {
            continue;
        }
        let action = if let Some(blocker) = in_the_way(fixable.path, tree) {
            Some(Action::Blocked { reason: format!("{blocker} is a file, where the folder would be") })
        } else if in_tree(fixable.path) {
            Some(Action::Leave { at: fixable.path.to_string() })
        } else {
            present_at(fixable).map(|at| Action::Leave { at })
        };
        decided.push((fixable, gaps, action));
    }

    let created: Vec<&str> = decided.iter().filter(|(_, _, a)| a.is_none()).map(|(f, _, _)| f.path).collect();
    let document = |path: &str| {
        let fixable = FIXABLE.iter().find(|f| f.path == path)?;
        present_at(fixable).or_else(|| created.contains(&path).then(|| path.to_string()))
    };
    let facts = Facts::gather(&audited.snap, read, tags);
    let context = json!({
        "project": facts.project,
        "commands": facts.commands,
        "maintainers": facts.maintainers,
        "support": facts.support,
        "security": facts.security,
        "citation": facts.citation,
        "greeting": facts.greeting,
        "links": {
            "code_of_conduct": document("CODE_OF_CONDUCT.md"),
            "support": document("SUPPORT.md"),
            "security": document("SECURITY.md"),
            "good_first_issues": facts.project.url.as_ref().map(|u| format!("{u}/contribute")),
        },
        "paths": { "support": document("SUPPORT.md").unwrap_or_else(|| "SUPPORT.md".into()) },
    });

    let mut planned = Vec::new();
    for (fixable, gaps, action) in decided {
        let action = match action {
            None => Action::Create { text: templates.render(fixable.template, &context)? },
            Some(Action::Leave { at }) => match hollow(fixable, &finding, &at, read) {
                Some((current, why)) => {
                    Action::Suggest { text: templates.render(fixable.template, &context)?, at, current, why }
                }
                None => Action::Leave { at },
            },
            Some(other) => other,
        };
        planned.push(Planned { path: fixable.path, gaps, action });
    }
    Ok(planned)
}

/// The text of a document that is there but hollow (its presence rule warns), and the warning.
fn hollow<'f>(
    fixable: &Fixable,
    finding: &impl Fn(&str) -> Option<&'f Finding>,
    at: &str,
    read: Read<'_>,
) -> Option<(String, String)> {
    let found = fixable.present.and_then(finding).filter(|f| f.status == Status::Warn)?;
    Some((read(at)?, found.message.clone()))
}

/// A file of the tree that stands where one of `path`'s folders would be.
fn in_the_way<'t>(path: &str, tree: &'t [String]) -> Option<&'t str> {
    let folders: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
    tree.iter().map(String::as_str).find(|p| folders.contains(p))
}

fn check_only(only: &[String]) -> Result<()> {
    let fixable: Vec<&str> = FIXABLE.iter().flat_map(|f| f.rules.iter().copied()).collect();
    match only.iter().find(|id| !fixable.contains(&id.as_str())) {
        Some(id) => {
            let mut known = fixable.clone();
            known.dedup();
            Err(Error::Usage(format!("--only {id}: not a rule fix can fix; it fixes {}", known.join(", "))))
        }
        None => Ok(()),
    }
}

/// The templates: built in, each replaceable by a file of the same name in the user's folder.
struct Templates {
    env: Environment<'static>,
}

impl Templates {
    fn load(folder: Option<&Path>) -> Result<Templates> {
        let mut env = Environment::new();
        let syntax = SyntaxConfig::builder().keep_trailing_newline(true).build().expect("default delimiters are valid");
        env.set_syntax(syntax);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // minijinja would JSON-escape what a `.yml` template prints; values are quoted with `tojson`
        // where YAML needs it.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        let mut own: BTreeMap<String, String> = BTreeMap::new();
        if let Some(folder) = folder {
            let entries = std::fs::read_dir(folder)
                .map_err(|e| Error::Usage(format!("--templates {}: {e}", folder.display())))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !table::TEMPLATES.iter().any(|(n, _)| *n == name) {
                    let names: Vec<&str> = table::TEMPLATES.iter().map(|(n, _)| *n).collect();
                    return Err(Error::Usage(format!(
                        "--templates: {name} is not one of fix's templates ({})",
                        names.join(", ")
                    )));
                }
                let text = std::fs::read_to_string(entry.path())
                    .map_err(|e| Error::Usage(format!("cannot read template {}: {e}", entry.path().display())))?;
                own.insert(name, text);
            }
        }
        for (name, builtin) in table::TEMPLATES {
            let text = own.remove(*name).unwrap_or_else(|| builtin.to_string());
            env.add_template_owned(*name, text)
                .map_err(|e| Error::Usage(format!("template {name}: {}", one_line(&e))))?;
        }
        Ok(Templates { env })
    }

    fn render(&self, name: &str, context: &serde_json::Value) -> Result<String> {
        let template = self.env.get_template(name).map_err(|e| Error::Usage(one_line(&e)))?;
        template
            .render(Value::from(Serde(context)))
            .map_err(|e| Error::Usage(format!("template {name}: {}", one_line(&e))))
    }
}

fn one_line(e: &minijinja::Error) -> String {
    crate::engine::one_line(&format!("{e:#}"))
}

/// Said of a file the owner's `.github` repository may already provide.
const INHERITED_NOTE: &str = "note: GitHub may take this file from the owner's .github repository, which a checkout \
     cannot see; a file here would replace it (`cm-audit fix OWNER/REPO` looks)";

/// The dry run: each file as a unified diff, with the rules it fixes; then what was left alone.
pub fn describe(planned: &[Planned]) -> String {
    let mut out = String::new();
    let rules = |p: &Planned| p.gaps.iter().map(|g| g.rule.as_str()).collect::<Vec<_>>().join(", ");
    for p in planned {
        match &p.action {
            Action::Create { text } => {
                out.push_str(&format!("# {} fixes {}\n", p.path, rules(p)));
                if p.gaps.iter().any(|g| g.may_be_inherited) {
                    out.push_str(&format!("# {INHERITED_NOTE}\n"));
                }
                out.push_str(&unified_diff(p.path, None, text));
            }
            Action::Suggest { at, current, text, why } => {
                out.push_str(&format!(
                    "# {why}\n# fix never edits a file that is there: a suggested replacement for {at}\n"
                ));
                out.push_str(&unified_diff(at, Some(current), text));
            }
            _ => {}
        }
    }
    out.push_str(&left_alone(planned));
    out
}

/// What fix did not write and why, with the rules still wanting there.
pub fn left_alone(planned: &[Planned]) -> String {
    let mut out = String::new();
    for p in planned {
        let (at, why) = match &p.action {
            Action::Leave { at } => (at, format!("{at} is there, and fix never edits a file")),
            Action::Suggest { at, .. } => {
                (at, format!("{at} is hollow, and fix never edits a file (its dry run prints a suggested replacement)"))
            }
            Action::Blocked { reason } => (&p.path.to_string(), format!("{} not written: {reason}", p.path)),
            _ => continue,
        };
        out.push_str(&format!("# {why}; still to do in {at}:\n"));
        for gap in &p.gaps {
            out.push_str(&format!("#   {}: {}\n", gap.rule, gap.remedy));
        }
    }
    out
}

/// A workflow file: GitHub refuses a workflow's token (`GITHUB_TOKEN`) to add one, so the Action
/// leaves it out of its commit and shows it in the pull request for a person to add.
pub fn is_workflow(path: &str) -> bool {
    path.starts_with(".github/workflows/")
}

/// The files the Action commits: those a plan creates, but workflows.
pub fn committed(planned: &[Planned]) -> Vec<(&'static str, &str)> {
    created(planned).into_iter().filter(|(path, _)| !is_workflow(path)).collect()
}

/// The pull request the Action keeps up to date: each file committed with the rules it fixes, the
/// workflows a person must add, what is left for the maintainers (the placeholders), and what
/// was left alone.
pub fn pull_request_text(planned: &[Planned]) -> github::PullRequestText {
    let mut body = String::from(
        "cm-audit found these community files missing and wrote them from what the repository tells about \
         itself (its build files, CODEOWNERS, tags, settings). Each one fixes rules of the audit:\n\n\
         | file | fixes |\n| --- | --- |\n",
    );
    let fixes =
        |p: &Planned| p.gaps.iter().map(|g| format!("{} (`{}`)", g.title, g.rule)).collect::<Vec<_>>().join("; ");
    for p in planned.iter().filter(|p| matches!(p.action, Action::Create { .. }) && !is_workflow(p.path)) {
        body.push_str(&format!("| `{}` | {} |\n", p.path, fixes(p)));
    }
    body.push_str(
        "\nBefore merging, replace each `[INSERT ...]` placeholder: it stands for what only the maintainers \
         know (a contact address, how soon you answer, who decides). Until then the audit names each one \
         left. The files are templates: change anything that does not fit the project. docs/fix.md in \
         cm-audit says what each file holds and why.\n",
    );
    for p in planned.iter().filter(|p| is_workflow(p.path)) {
        if let Action::Create { text } = &p.action {
            body.push_str(&format!(
                "\nNot in this pull request: `{}`, which fixes {}. A workflow's token may not add a workflow; \
                 add it by hand:\n\n```yaml\n{text}```\n",
                p.path,
                fixes(p)
            ));
        }
    }
    let left = left_alone(planned);
    if !left.is_empty() {
        body.push_str("\nNot changed, since cm-audit never edits a file that is there:\n\n```\n");
        body.push_str(&left);
        body.push_str("```\n");
    }
    let title = match committed(planned).len() {
        1 => "Add a community file cm-audit found missing".to_string(),
        n => format!("Add {n} community files cm-audit found missing"),
    };
    github::PullRequestText { title, body }
}

/// A unified diff from `old` (none: a new file) to `new`, as one hunk.
fn unified_diff(path: &str, old: Option<&str>, new: &str) -> String {
    let lines = |text: &str| -> Vec<String> { text.lines().map(str::to_string).collect() };
    let (old_lines, new_lines) = (old.map(lines).unwrap_or_default(), lines(new));
    let mut out = match old {
        None => format!("--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{} @@\n", new_lines.len()),
        Some(_) => format!("--- a/{path}\n+++ b/{path}\n@@ -1,{} +1,{} @@\n", old_lines.len(), new_lines.len()),
    };
    let mut side = |sign: char, text: &str, lines: &[String]| {
        for line in lines {
            out.push(sign);
            out.push_str(line);
            out.push('\n');
        }
        if !text.is_empty() && !text.ends_with('\n') {
            out.push_str("\\ No newline at end of file\n");
        }
    };
    if let Some(old) = old {
        side('-', old, &old_lines);
    }
    side('+', new, &new_lines);
    out
}

/// Writes the files to create under `root`, never replacing one (a file that appeared since the
/// audit is left as it is); returns the paths written.
pub fn write(root: &Path, planned: &[Planned]) -> Result<Vec<&'static str>> {
    let mut written = Vec::new();
    for p in planned {
        let Action::Create { text } = &p.action else { continue };
        let path = root.join(p.path);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .map_err(|e| Error::Runtime(format!("cannot create {}: {e}", folder.display())))?;
        }
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
        match file.and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes())) {
            Ok(()) => written.push(p.path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                eprintln!("cm-audit: {} appeared since the audit; left as it is", p.path);
            }
            Err(e) => return Err(Error::Runtime(format!("cannot write {}: {e}", path.display()))),
        }
    }
    Ok(written)
}

/// The files a plan creates, path and text: what the Action commits.
pub fn created(planned: &[Planned]) -> Vec<(&'static str, &str)> {
    planned
        .iter()
        .filter_map(|p| match &p.action {
            Action::Create { text } => Some((p.path, text.as_str())),
            _ => None,
        })
        .collect()
}

/// Reads a checkout's files, for the facts: text only, as the snapshot would hold it. A link
/// committed in the tree could lead anywhere on the machine: only regular files are read.
pub fn checkout_reader(root: &Path) -> impl Fn(&str) -> Option<String> + '_ {
    move |path: &str| {
        let file = root.join(path);
        file.symlink_metadata().ok().filter(|m| m.is_file())?;
        std::fs::read_to_string(file).ok()
    }
}

/// Reads the files an API audit read, and the fact files read for fix ([`github::fact_files`]).
pub fn remote_reader<'a>(
    snap: &'a Snapshot,
    fact_files: &'a BTreeMap<String, String>,
) -> impl Fn(&str) -> Option<String> + 'a {
    move |path: &str| match snap.files.get(path) {
        Some(FileBody::Text { text, .. }) => Some(text.clone()),
        _ => fact_files.get(path).cloned(),
    }
}

/// A checkout's tag names, from its refs (loose and packed); empty when there is no git folder.
pub fn checkout_tags(root: &Path) -> Vec<String> {
    let git = root.join(".git");
    let mut tags: Vec<String> = std::fs::read_dir(git.join("refs/tags"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if let Ok(packed) = std::fs::read_to_string(git.join("packed-refs")) {
        tags.extend(packed.lines().filter_map(|l| l.split_once(" refs/tags/")).map(|(_, t)| t.to_string()));
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_one_hunk_and_a_replacement_says_where_a_newline_is_missing() {
        assert_eq!(unified_diff("A.md", None, "a\nb\n"), "--- /dev/null\n+++ b/A.md\n@@ -0,0 +1,2 @@\n+a\n+b\n");
        assert_eq!(
            unified_diff("A.md", Some("old"), "new\n"),
            "--- a/A.md\n+++ b/A.md\n@@ -1,1 +1,1 @@\n-old\n\\ No newline at end of file\n+new\n"
        );
    }

    #[test]
    fn only_a_file_standing_where_a_folder_would_be_is_in_the_way() {
        let tree = vec![".github/ISSUE_TEMPLATE".to_string(), ".github/workflows/ci.yml".to_string()];
        assert_eq!(in_the_way(".github/ISSUE_TEMPLATE/config.yml", &tree), Some(".github/ISSUE_TEMPLATE"));
        assert_eq!(in_the_way(".github/workflows/greeting.yml", &tree), None);
        assert_eq!(in_the_way("SUPPORT.md", &tree), None);
    }
}
