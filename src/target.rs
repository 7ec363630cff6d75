//! What the user named on the command line, decided once: a checkout's folder or a repository on
//! GitHub. Only what cannot be a path goes to the API, so a mistyped folder costs no request and
//! gets a folder's error.

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::repo_ref::RepoRef;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A folder on disk (it exists, or something in its way cannot be read).
    Folder(PathBuf),
    /// A repository on GitHub. `bare` is `OWNER/REPO` as typed, which could also have been meant
    /// as a folder: GitHub's errors then say that it is not one.
    Github { repo: RepoRef, bare: bool },
}

impl Target {
    /// Decides what `input` names, looking at the folder `cwd` it is relative to.
    pub fn resolve(input: &str, cwd: &Path) -> Result<Target> {
        let path = cwd.join(input);
        match path.symlink_metadata() {
            Ok(_) => return Ok(Target::Folder(PathBuf::from(input))),
            // Something is there, or in the way, and cannot be read: the folder's open says what.
            Err(e) if e.kind() != ErrorKind::NotFound => return Ok(Target::Folder(PathBuf::from(input))),
            Err(_) => {}
        }
        if input.contains("github.com") || input.starts_with("git@") {
            return Ok(Target::Github { repo: RepoRef::parse(input).map_err(Error::Usage)?, bare: false });
        }
        if looks_like_a_path(input, cwd) {
            let hint =
                same_path_in_another_case(input, cwd).map(|p| format!(" (did you mean {p}?)")).unwrap_or_default();
            return Err(Error::Usage(format!("no such folder: {input}{hint}")));
        }
        match RepoRef::parse(input) {
            Ok(repo) => Ok(Target::Github { repo, bare: true }),
            Err(_) => Err(Error::Usage(format!(
                "no such folder: {input}, nor a repository: expected OWNER/REPO (GitHub's names are letters, \
                 digits and `-`, and `.` or `_` in REPO) or https://github.com/OWNER/REPO"
            ))),
        }
    }
}

/// A path, not `OWNER/REPO`: relative to `.` or `..`, absolute, from home, with more than one
/// `/` or a `\`, or starting with the name of a folder that is here (in any case).
fn looks_like_a_path(input: &str, cwd: &Path) -> bool {
    let first = input.split('/').next().unwrap_or(input);
    input.starts_with(['.', '/', '~'])
        || input.contains('\\')
        || input.matches('/').count() > 1
        || entry_in_any_case(cwd, first).is_some_and(|p| cwd.join(p).is_dir())
}

/// The name of the entry of `folder` that is `name` in another case (`Tests` for `tests`).
fn entry_in_any_case(folder: &Path, name: &str) -> Option<String> {
    std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|entry| entry.eq_ignore_ascii_case(name))
}

/// `input` as it exists on disk when only its case differs (`Tricky/docs` → `tricky/docs`).
fn same_path_in_another_case(input: &str, cwd: &Path) -> Option<String> {
    let mut found = Vec::new();
    let mut folder = cwd.to_path_buf();
    for component in Path::new(input).components() {
        let Component::Normal(name) = component else { return None };
        let entry = entry_in_any_case(&folder, name.to_str()?)?;
        folder.push(&entry);
        found.push(entry);
    }
    let found = found.join("/");
    (found != input).then_some(found)
}

/// The repository root of `folder`: the nearest folder at or above it with a `.git` (a folder, or
/// a file in a linked worktree), with the relative path from `folder` to it (`..`, `../..`).
/// `None` when `folder` is the root itself or is in no repository.
pub fn repository_root(folder: &Path) -> Option<(PathBuf, String)> {
    let folder = folder.canonicalize().ok()?;
    let (depth, root) = folder.ancestors().enumerate().find(|(_, a)| a.join(".git").exists())?;
    (depth > 0).then(|| (root.to_path_buf(), vec![".."; depth].join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_cannot_be_a_path_is_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tests")).unwrap();
        let repo = |s: &str| Target::Github { repo: RepoRef::parse(s).unwrap(), bare: true };
        assert_eq!(Target::resolve("acme/widgets", dir.path()).unwrap(), repo("acme/widgets"));
        assert_eq!(Target::resolve("tests", dir.path()).unwrap(), Target::Folder("tests".into()));
        for path in ["tests/fixture", "TESTS/x", "./x", "../x", "a/b/c", "/x/y", "~/x", "a\\b"] {
            let e = Target::resolve(path, dir.path()).unwrap_err();
            assert!(e.to_string().starts_with(&format!("no such folder: {path}")), "{path}: {e}");
            assert_eq!(e.exit_code(), crate::error::exit::USAGE);
        }
        let e = Target::resolve("widgets", dir.path()).unwrap_err();
        assert!(e.to_string().starts_with("no such folder: widgets, nor a repository: expected OWNER/REPO"), "{e}");
        assert!(Target::resolve("TESTS/x", dir.path()).unwrap_err().to_string().ends_with("no such folder: TESTS/x"));
    }

    #[test]
    fn a_urls_repository_is_not_bare() {
        let t = Target::resolve("https://github.com/acme/widgets", Path::new("/nonexistent")).unwrap();
        assert_eq!(t, Target::Github { repo: RepoRef::parse("acme/widgets").unwrap(), bare: false });
    }
}
