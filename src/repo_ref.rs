//! `owner/repo` and repository URLs, parsed once at the edge.

use std::fmt;
use std::ops::Deref;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A GitHub repository: `owner/name`. It reads as that text wherever a `&str` is wanted (links
/// within the repository, remedies naming it), and is written as it in snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RepoRef {
    /// `owner/name`.
    full: String,
    /// Where the `/` is in `full`.
    slash: usize,
}

static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$").unwrap());
static REPO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z0-9._-]{1,100}$").unwrap());

impl RepoRef {
    /// Parses `owner/repo`, `github.com/owner/repo`, `https://github.com/owner/repo[.git][/...]`
    /// and `git@github.com:owner/repo.git`.
    pub fn parse(input: &str) -> Result<RepoRef, String> {
        let s = input.trim();
        let rest = s
            .strip_prefix("git@github.com:")
            .or_else(|| s.strip_prefix("ssh://git@github.com/"))
            .or_else(|| {
                let no_scheme = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or(s);
                no_scheme.strip_prefix("www.github.com/").or_else(|| no_scheme.strip_prefix("github.com/"))
            })
            .unwrap_or(s);
        let mut parts = rest.trim_end_matches('/').split('/');
        let (Some(owner), Some(name)) = (parts.next(), parts.next()) else {
            return Err(bad(input));
        };
        let name = name.strip_suffix(".git").unwrap_or(name);
        // `owner/repo` alone must be exactly two parts; URLs may go on (`/tree/main`, `/issues`).
        let is_url = rest.len() != s.len();
        if (!is_url && parts.next().is_some())
            || !NAME.is_match(owner)
            || !REPO.is_match(name)
            || name == "."
            || name == ".."
        {
            return Err(bad(input));
        }
        Ok(RepoRef::new(owner, name))
    }

    /// The repository `name` of `owner`, as GitHub names them (not checked: see [`RepoRef::parse`]).
    pub fn new(owner: &str, name: &str) -> RepoRef {
        RepoRef { full: format!("{owner}/{name}"), slash: owner.len() }
    }

    pub fn owner(&self) -> &str {
        &self.full[..self.slash]
    }

    pub fn name(&self) -> &str {
        &self.full[self.slash + 1..]
    }

    /// `owner/name`.
    pub fn as_str(&self) -> &str {
        &self.full
    }
}

impl Deref for RepoRef {
    type Target = str;

    fn deref(&self) -> &str {
        &self.full
    }
}

impl Serialize for RepoRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.full)
    }
}

/// A saved snapshot is an edge too: its `owner/name` is parsed like the command line's.
impl<'de> Deserialize<'de> for RepoRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        RepoRef::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn bad(input: &str) -> String {
    format!(
        "`{input}` is not a repository: expected OWNER/REPO or https://github.com/OWNER/REPO (or a path to a checkout)"
    )
}

impl fmt::Display for RepoRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_spellings() {
        for s in [
            "rust-lang/rust",
            "github.com/rust-lang/rust",
            "https://github.com/rust-lang/rust",
            "https://github.com/rust-lang/rust.git",
            "https://github.com/rust-lang/rust/tree/master/src",
            "git@github.com:rust-lang/rust.git",
            "http://www.github.com/rust-lang/rust/",
        ] {
            let r = RepoRef::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(r.to_string(), "rust-lang/rust", "{s}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_repository() {
        for s in
            ["", "rust", "a/b/c", "-bad/name", "owner/", "/repo", "owner/re po", "owner/..", "https://gitlab.com/a/b"]
        {
            assert!(RepoRef::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn owner_and_name_are_the_parts_around_the_slash() {
        let r = RepoRef::parse("https://github.com/pallets/flask.git").unwrap();
        assert_eq!((r.owner(), r.name(), r.as_str()), ("pallets", "flask", "pallets/flask"));
    }

    #[test]
    fn written_and_read_as_owner_slash_name() {
        let r = RepoRef::new("acme", "widgets");
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"acme/widgets\"");
        assert_eq!(serde_json::from_str::<RepoRef>("\"acme/widgets\"").unwrap(), r);
        assert!(serde_json::from_str::<RepoRef>("\"not a repository\"").is_err());
    }

    #[test]
    fn error_says_what_is_expected() {
        assert!(RepoRef::parse("nope").unwrap_err().contains("expected OWNER/REPO"));
    }
}
