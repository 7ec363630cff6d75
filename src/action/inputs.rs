//! The Action's inputs and the runner's variables, read from the environment exactly as a
//! Docker action receives them: `INPUT_<NAME>` with the name upper-cased and hyphens kept.

use std::path::{Path, PathBuf};

use chrono::TimeDelta;

use crate::collect::github;
use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;

/// Every input `action.yml` declares, as named there (a test checks the two agree).
pub const INPUT_NAMES: &[&str] =
    &["token", "repository", "config", "window", "comment", "fail-under", "sarif-file", "issue", "fix"];

/// When to comment on a pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentMode {
    /// On pull request events only.
    Auto,
    Always,
    Never,
}

/// What the Action does about the community files the audit found missing (`fix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    None,
    /// Commit them on `cm-audit/fix` and keep one pull request from it up to date.
    PullRequest,
}

/// The inputs, parsed; an empty input is an unset one (Actions passes every declared input).
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Never printed nor logged.
    pub token: Option<String>,
    pub repository: Option<RepoRef>,
    pub config: Option<PathBuf>,
    pub window: Option<TimeDelta>,
    pub comment: CommentMode,
    pub fail_under: Option<u8>,
    pub sarif_file: Option<PathBuf>,
    pub issue: bool,
    pub fix: FixMode,
}

/// The environment variable an input arrives in.
pub fn variable(input: &str) -> String {
    format!("INPUT_{}", input.to_ascii_uppercase())
}

impl Inputs {
    pub fn read(env: &impl Fn(&str) -> Option<String>) -> Result<Inputs> {
        let input = |name: &str| env(&variable(name)).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let bad = |name: &str, why: String| Error::Usage(format!("input `{name}`: {why}"));
        Ok(Inputs {
            token: input("token"),
            repository: input("repository")
                .map(|r| RepoRef::parse(&r).map_err(|e| bad("repository", e)))
                .transpose()?,
            config: input("config").map(PathBuf::from),
            window: input("window").map(|w| github::parse_window(&w).map_err(|e| bad("window", e))).transpose()?,
            comment: match input("comment").as_deref() {
                None | Some("auto") => CommentMode::Auto,
                Some("always") => CommentMode::Always,
                Some("never") => CommentMode::Never,
                Some(other) => return Err(bad("comment", format!("`{other}` is not one of auto, always, never"))),
            },
            fail_under: input("fail-under")
                .map(|s| {
                    s.parse::<u8>()
                        .ok()
                        .filter(|n| *n <= 100)
                        .ok_or_else(|| bad("fail-under", format!("`{s}` is not a score from 0 to 100")))
                })
                .transpose()?,
            sarif_file: input("sarif-file").map(PathBuf::from),
            issue: match input("issue").as_deref() {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => return Err(bad("issue", format!("`{other}` is not true or false"))),
            },
            fix: match input("fix").as_deref() {
                None | Some("none") => FixMode::None,
                Some("pull-request") => FixMode::PullRequest,
                Some(other) => return Err(bad("fix", format!("`{other}` is not one of none, pull-request"))),
            },
        })
    }
}

/// What the runner says about the run (`GITHUB_*` and `RUNNER_TEMP`).
#[derive(Debug, Clone)]
pub struct Runner {
    /// The repository the workflow runs in.
    pub repository: Option<RepoRef>,
    pub event_name: String,
    pub event_path: Option<PathBuf>,
    pub workspace: Option<PathBuf>,
    pub step_summary: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub temp: Option<PathBuf>,
}

impl Runner {
    pub fn read(env: &impl Fn(&str) -> Option<String>) -> Runner {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let path = |name: &str| var(name).map(PathBuf::from);
        Runner {
            repository: var("GITHUB_REPOSITORY").and_then(|r| RepoRef::parse(&r).ok()),
            event_name: var("GITHUB_EVENT_NAME").unwrap_or_default(),
            event_path: path("GITHUB_EVENT_PATH"),
            workspace: path("GITHUB_WORKSPACE"),
            step_summary: path("GITHUB_STEP_SUMMARY"),
            output: path("GITHUB_OUTPUT"),
            temp: path("RUNNER_TEMP"),
        }
    }

    /// The workspace when something was checked out into it: the runner creates it empty.
    pub fn checkout(&self) -> Option<&Path> {
        let dir = self.workspace.as_deref()?;
        let has_files = std::fs::read_dir(dir).ok()?.next().is_some();
        has_files.then_some(dir)
    }

    /// The file an input names (`config`, `sarif-file`), relative to the workspace, which it may
    /// not leave: a pull request can commit a link there, to `/proc/self/environ` or to a file to
    /// overwrite as the container's root. Its folder is resolved, links and all, and must be
    /// inside the workspace; the file itself may not be a link (and is opened without following
    /// one: [`open_no_follow`]).
    pub fn in_workspace(&self, input: &str, path: &Path) -> Result<PathBuf> {
        let bad = |why: String| Error::Usage(format!("input `{input}`: {why}"));
        let given = self.workspace.as_deref().ok_or_else(|| bad("GITHUB_WORKSPACE is not set".into()))?;
        let workspace = given.canonicalize().map_err(|e| bad(format!("the workspace {}: {e}", given.display())))?;
        let joined = workspace.join(path);
        let (Some(parent), Some(name)) = (joined.parent(), joined.file_name()) else {
            return Err(bad(format!("{} is not a file's path", path.display())));
        };
        let folder = parent.canonicalize().map_err(|e| bad(format!("{}: {e}", path.display())))?;
        if !folder.starts_with(&workspace) {
            return Err(bad(format!("{} is outside the workspace, refused", path.display())));
        }
        let file = folder.join(name);
        if file.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(bad(format!("{} is a symbolic link, refused", path.display())));
        }
        Ok(file)
    }
}

/// Opens a file without following a link at its last component: `O_NOFOLLOW` makes opening one
/// fail, even if it appeared after [`Runner::in_workspace`] looked.
pub fn open_no_follow(path: &Path, options: &mut std::fs::OpenOptions) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NOFOLLOW);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn reads_exactly_the_declared_inputs() {
        let asked = std::cell::RefCell::new(std::collections::BTreeSet::new());
        Inputs::read(&|name: &str| {
            asked.borrow_mut().insert(name.to_string());
            None
        })
        .unwrap();
        let declared: std::collections::BTreeSet<String> = INPUT_NAMES.iter().map(|n| variable(n)).collect();
        assert_eq!(asked.into_inner(), declared);
    }

    #[test]
    fn hyphenated_inputs_keep_their_hyphen() {
        let inputs = Inputs::read(&env(&[("INPUT_FAIL-UNDER", "70"), ("INPUT_SARIF-FILE", "out.sarif")])).unwrap();
        assert_eq!(inputs.fail_under, Some(70));
        assert_eq!(inputs.sarif_file, Some(PathBuf::from("out.sarif")));
        let underscored = Inputs::read(&env(&[("INPUT_FAIL_UNDER", "70")])).unwrap();
        assert_eq!(underscored.fail_under, None);
    }

    #[test]
    fn empty_inputs_are_unset_and_bad_ones_are_refused() {
        let inputs = Inputs::read(&env(&[("INPUT_TOKEN", ""), ("INPUT_COMMENT", "")])).unwrap();
        assert_eq!((inputs.token, inputs.comment), (None, CommentMode::Auto));
        for (name, value) in
            [("INPUT_COMMENT", "sometimes"), ("INPUT_FAIL-UNDER", "101"), ("INPUT_ISSUE", "yes"), ("INPUT_FIX", "push")]
        {
            assert!(Inputs::read(&env(&[(name, value)])).is_err(), "{name}={value}");
        }
    }
}
