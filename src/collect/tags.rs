//! A checkout's releases, from its version tags: every GitHub release has a tag, and projects that
//! publish to a registry without a GitHub release still tag the version. Pure parsing of what
//! `git for-each-ref` printed; the checkout runs git (src/collect/local.rs).

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;

use crate::repo_ref::RepoRef;
use crate::snapshot::Release;

/// The releases kept, newest first, as the API keeps them.
pub const MAX_RELEASES: usize = 10;

/// What `for-each-ref` prints of each tag: its name and date (the tagger's for an annotated tag,
/// the commit's for a lightweight one), tab-separated.
pub const FOR_EACH_REF_FORMAT: &str = "%(refname:short)%09%(creatordate:iso-strict)";

/// A version, perhaps after a package name (`tokio-1.40.0`, `pkg@2.1.0`, `release-3.2`) and a `v`:
/// at least two dotted numbers, or one number after a `v` (`v3`).
static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[A-Za-z][\w.-]*?[-_/@])?(?:[vV]\d+(?:\.\d+)*|\d+(?:\.\d+)+)(?P<rest>[-.+_]?[0-9A-Za-z.+-]*)$")
        .expect("a valid pattern")
});

/// What follows the version in a pre-release: `-rc.1`, `a1`, `.dev0`, `-beta`, `b2`, `-preview3`.
static PRE_RELEASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[-._]?(?:alpha|beta|rc|pre|preview|dev|snapshot|nightly|canary|a|b)\d*(?:$|[-._+0-9])")
        .expect("a valid pattern")
});

/// Whether a tag names a version, and if so whether a pre-release. A maintenance line's marker
/// (`2.3.x`, flask's and jinja's) names no release.
pub fn version(tag: &str) -> Option<Prerelease> {
    let rest = VERSION.captures(tag)?.name("rest").map_or("", |m| m.as_str());
    if rest.eq_ignore_ascii_case(".x") || rest == ".*" {
        return None;
    }
    Some(match PRE_RELEASE.is_match(rest) {
        true => Prerelease::Yes,
        false => Prerelease::No,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prerelease {
    Yes,
    No,
}

/// The newest version tags of `for-each-ref`'s output dated no later than `now` (a checkout of an
/// older commit may hold tags made since), at most [`MAX_RELEASES`], newest first. A tag links to
/// its tree on GitHub when the repository is known.
pub fn releases(listed: &str, repo: Option<&RepoRef>, now: DateTime<Utc>) -> Vec<Release> {
    let mut found: Vec<Release> = listed
        .lines()
        .filter_map(|line| {
            let (tag, date) = line.split_once('\t')?;
            let prerelease = version(tag)?;
            let published_at = DateTime::parse_from_rfc3339(date.trim()).ok()?.with_timezone(&Utc);
            Some(Release {
                tag: tag.to_string(),
                url: repo.map(|r| format!("https://github.com/{r}/tree/{tag}")).unwrap_or_default(),
                published_at,
                prerelease: prerelease == Prerelease::Yes,
            })
        })
        .filter(|r| r.published_at <= now)
        .collect();
    found.sort_by(|a, b| b.published_at.cmp(&a.published_at).then_with(|| b.tag.cmp(&a.tag)));
    found.truncate(MAX_RELEASES);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_told_from_other_tags() {
        for tag in [
            "v10.4.2",
            "1.2.3",
            "2.32.3",
            "v3",
            "tokio-1.40.0",
            "pkg@2.1.0",
            "release-3.2",
            "2024.01.15",
            "v1.0.0+build.5",
        ] {
            assert_eq!(version(tag), Some(Prerelease::No), "{tag}");
        }
        for tag in ["v1.0.0-rc.1", "0.9.0a1", "2.0b2", "1.4.0.dev0", "v2.0.0-beta", "3.0.0-preview3", "v1.2.0-alpha.1"]
        {
            assert_eq!(version(tag), Some(Prerelease::Yes), "{tag}");
        }
        for tag in ["nightly", "latest", "before-refactor", "v", "12", "docs-2", "1.x", "2.3.x", "3.0.X"] {
            assert_eq!(version(tag), None, "{tag}");
        }
    }

    #[test]
    fn the_newest_versions_up_to_now_are_kept_newest_first_with_a_link() {
        let listed = "v1.0.0\t2024-01-10T12:00:00+01:00\n\
                      nightly\t2026-11-30T00:00:00Z\n\
                      v1.1.0-rc.1\t2024-05-01T00:00:00Z\n\
                      v1.1.0\t2024-06-01T00:00:00-04:00\n\
                      v2.0.0\t2027-01-01T00:00:00Z\n\
                      broken\tline\n";
        let repo = RepoRef::parse("acme/tool").unwrap();
        let now: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
        let found = releases(listed, Some(&repo), now);
        let tags: Vec<&str> = found.iter().map(|r| r.tag.as_str()).collect();
        assert_eq!(tags, ["v1.1.0", "v1.1.0-rc.1", "v1.0.0"], "v2.0.0 is after now; nightly is no version");
        assert_eq!(found[0].published_at, "2024-06-01T04:00:00Z".parse::<DateTime<Utc>>().unwrap());
        assert_eq!(found[0].url, "https://github.com/acme/tool/tree/v1.1.0");
        assert!(found[1].prerelease && !found[0].prerelease);
        assert_eq!(releases(listed, None, now)[0].url, "");
    }

    #[test]
    fn at_most_ten_are_kept() {
        let listed: String = (0..15).map(|i| format!("v1.{i}.0\t2025-01-{:02}T00:00:00Z\n", i + 1)).collect();
        let found = releases(&listed, None, "2026-01-01T00:00:00Z".parse().unwrap());
        assert_eq!(found.len(), MAX_RELEASES);
        assert_eq!(found[0].tag, "v1.14.0");
    }
}
