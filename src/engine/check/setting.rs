//! `repo-setting`: what the repository's settings say (needs the GitHub API).

use super::Ctx;
use super::Kind;
use crate::engine::finding::{Outcome, Status};
use crate::engine::needs::DataNeeds;
use crate::plain_text::count;
use crate::snapshot::DataKind;
use serde::{Deserialize, Serialize};

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

impl Kind for RepoSettingCheck {
    fn describe(&self) -> String {
        let name = serde_json::to_value(self.setting).ok().and_then(|v| v.as_str().map(String::from));
        format!("the repository setting `{}`", name.unwrap_or_default())
    }

    fn add_needs(&self, needs: &mut DataNeeds) {
        needs.api.insert(DataKind::Settings);
    }
}

pub fn check(c: &RepoSettingCheck, ctx: &Ctx<'_>) -> Outcome {
    let Some(s) = &ctx.snap.settings else {
        return Outcome::new(Status::Skipped, ctx.snap.missing_reason(DataKind::Settings));
    };
    let filled = |v: &Option<String>| v.as_deref().is_some_and(|t| !t.trim().is_empty());
    let (ok, yes, no) = match c.setting {
        Setting::Description => (
            filled(&s.description),
            format!("the repository describes itself: \"{}\"", s.description.as_deref().unwrap_or("").trim()),
            "the repository has no description".to_string(),
        ),
        Setting::Homepage => (
            filled(&s.homepage),
            format!("the repository links its homepage {}", s.homepage.as_deref().unwrap_or("")),
            "the repository names no homepage".to_string(),
        ),
        Setting::Topics => (
            s.topics.len() as u64 >= c.min,
            format!("{}: {}", count(s.topics.len() as u64, "topic"), s.topics.join(", ")),
            format!("{}, fewer than {}", count(s.topics.len() as u64, "topic"), c.min),
        ),
        Setting::HasIssues => (s.has_issues, "issues are enabled".into(), "issues are disabled".into()),
        Setting::HasDiscussions => {
            (s.has_discussions, "discussions are enabled".into(), "discussions are not enabled".into())
        }
        Setting::NotArchived => {
            (!s.archived, "the repository is active (not archived)".into(), "the repository is archived".into())
        }
        Setting::Releases => match s.releases {
            None => return Outcome::new(Status::Skipped, "releases were not counted"),
            Some(n) => (n >= c.min, count(n, "published release"), count(n, "published release")),
        },
    };
    if ok { Outcome::new(Status::Pass, yes) } else { Outcome::new(Status::Fail, no) }
}
