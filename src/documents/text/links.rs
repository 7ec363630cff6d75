//! Links written in a document and where they land: Markdown, reStructuredText, HTML and bare
//! URLs in a line of text; relative paths resolved in the repository; GitHub file URLs.

use std::sync::LazyLock;

use regex::Regex;

use super::markdown::ParsedLink;

static GITHUB_BLOB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^https?://github\.com/([^/]+/[^/]+)/(?:blob|tree)/[^/]+/([^#?]+)").unwrap());

/// The repository and path a GitHub file URL points at: `("owner/repo", "docs/a.md")`.
pub fn github_file_url(url: &str) -> Option<(String, String)> {
    GITHUB_BLOB.captures(url).map(|c| (c[1].to_string(), c[2].trim_end_matches('/').to_string()))
}

/// The repository path a link lands on: a relative link resolved from `from`, or a GitHub URL to a
/// file of `repository` itself.
pub fn link_to_repo_path(from: &str, link: &str, repository: Option<&str>) -> Option<String> {
    if is_external(link) {
        let (repo, path) = github_file_url(link)?;
        return repository.filter(|r| r.eq_ignore_ascii_case(&repo)).map(|_| path);
    }
    resolve_relative(from, link)
}

static MD_INLINE_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\]\(\s*<?([^)\s>]+)>?(?:\s+["'][^"']*["'])?\s*\)"#).unwrap());
static MD_REF_DEF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*\[[^\]]+\]:\s*<?([^\s>]+)>?").unwrap());
static RST_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"`[^`<]*<([^>`]+)>`__?|:doc:`(?:[^`<]*<([^>`]+)>|([^`]+))`|^\.\. _[^:]+:\s*(\S+)|^\.\. include::\s*(\S+)",
    )
    .unwrap()
});
static HREF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"href\s*=\s*["']([^"']+)["']"#).unwrap());
static BARE_URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?:https?://|mailto:)[^\s)<>\]"'`]+"#).unwrap());

/// Link targets written in a line read without a parser: Markdown, reStructuredText, HTML and bare
/// URLs.
pub(super) fn links_in(text: &str) -> Vec<String> {
    targets_in(text, None)
}

/// Link targets on a line of Markdown: those the parser read on it, then reStructuredText, HTML
/// and bare URLs, where a URL the parser read whole (a `)` in it, an autolink) is taken whole.
pub(super) fn links_in_markdown(text: &str, parsed: &[ParsedLink]) -> Vec<String> {
    targets_in(text, Some(parsed))
}

fn targets_in(text: &str, parsed: Option<&[ParsedLink]>) -> Vec<String> {
    let mut targets: Vec<String> = Vec::new();
    let mut push = |t: &str| {
        let t = t.trim_end_matches(['.', ',', ';', ':']);
        if !t.is_empty() && !targets.iter().any(|x| x == t) {
            targets.push(t.to_string());
        }
    };
    match parsed {
        Some(parsed) => parsed.iter().filter(|l| !l.autolink).for_each(|l| push(&l.target)),
        None => {
            for c in MD_INLINE_LINK.captures_iter(text) {
                push(&c[1]);
            }
            if let Some(c) = MD_REF_DEF.captures(text) {
                push(&c[1]);
            }
        }
    }
    for c in RST_LINK.captures_iter(text.trim_start()) {
        if let Some(m) = (1..=5).filter_map(|g| c.get(g)).next() {
            push(m.as_str());
        }
    }
    for c in HREF.captures_iter(text) {
        push(&c[1]);
    }
    for m in BARE_URL.find_iter(text) {
        let whole = parsed.unwrap_or_default().iter().map(|l| l.target.as_str()).find(|t| cut_short(t, m.as_str()));
        push(whole.unwrap_or(m.as_str()));
    }
    targets
}

/// Whether `bare` is `url` cut where a bare URL stops (at a `)`, a space, a quote).
fn cut_short(url: &str, bare: &str) -> bool {
    let next = url.strip_prefix(bare).and_then(|rest| rest.chars().next());
    next.is_some_and(|c| c.is_whitespace() || ")<>]\"'`".contains(c))
}

/// Whether a link target points outside the repository (a URL, not a path).
pub fn is_external(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with("//")
}

/// Resolves a relative link written in the file at `from` to a normalised repository path.
/// Returns `None` for URLs, anchors within the page, and paths that climb out of the repository.
pub fn resolve_relative(from: &str, target: &str) -> Option<String> {
    if is_external(target) || target.starts_with('#') || target.contains("://") {
        return None;
    }
    let target = target.split(['#', '?']).next().unwrap_or("");
    if target.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        from.rsplit_once('/').map(|(dir, _)| dir.split('/').collect()).unwrap_or_default()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_of_every_flavour() {
        assert_eq!(links_in("see [guide](docs/CONTRIBUTING.md#setup \"t\")"), vec!["docs/CONTRIBUTING.md#setup"]);
        assert_eq!(links_in("[coc]: ./CODE_OF_CONDUCT.md"), vec!["./CODE_OF_CONDUCT.md"]);
        assert_eq!(links_in("`Guide <https://x.org/g>`_"), vec!["https://x.org/g"]);
        assert_eq!(links_in(":doc:`contributing`"), vec!["contributing"]);
        assert_eq!(links_in("<a href=\"SUPPORT.md\">help</a>"), vec!["SUPPORT.md"]);
        assert_eq!(links_in("mail conduct@x.org or https://x.org/report."), vec!["https://x.org/report"]);
    }

    #[test]
    fn github_urls_to_this_repository_are_repository_paths() {
        let url = "https://github.com/acme/widgets/blob/main/docs/AI_POLICY.md#use";
        assert_eq!(
            link_to_repo_path("CONTRIBUTING.md", url, Some("Acme/Widgets")).as_deref(),
            Some("docs/AI_POLICY.md")
        );
        assert_eq!(link_to_repo_path("CONTRIBUTING.md", url, Some("other/repo")), None);
        assert_eq!(link_to_repo_path("docs/a.md", "../b.md", None).as_deref(), Some("b.md"));
    }

    #[test]
    fn relative_links_resolve_within_the_repository() {
        assert_eq!(resolve_relative("docs/index.md", "../CODE_OF_CONDUCT.md").as_deref(), Some("CODE_OF_CONDUCT.md"));
        assert_eq!(resolve_relative("README.md", "./docs/a.md#x").as_deref(), Some("docs/a.md"));
        assert_eq!(resolve_relative("docs/a.md", "/SUPPORT.md").as_deref(), Some("SUPPORT.md"));
        assert_eq!(resolve_relative("README.md", "../../etc/passwd"), None);
        assert_eq!(resolve_relative("README.md", "https://x.org"), None);
        assert_eq!(resolve_relative("README.md", "#anchor"), None);
    }
}
