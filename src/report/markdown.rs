//! Markdown for GitHub (pull request comments, job summaries): escaping of text that comes from
//! the audited repository, which URLs may become links (in HTML too), and the size limit of a
//! comment.
//!
//! Every string a report holds may come from the repository: file paths, evidence, issue titles,
//! logins, and even rule titles and remedies (a config in the tree can add rules). In a pull
//! request from a fork that text is written by a stranger, so none of it may turn into markup,
//! a mention that notifies people, or a link.

use crate::plain_text::flatten;

/// GitHub's limit on the body of an issue or pull request comment, in characters. Reports are
/// measured in bytes, which are never fewer, so a report within it fits whatever GitHub counts.
pub const COMMENT_LIMIT: usize = 65_536;

/// The hidden first line of a markdown report, by which the Action finds its own pull request
/// comment again to update it instead of adding one per push.
pub const REPORT_MARKER: &str = "<!-- cm-audit-report -->";

/// Characters that start or end markdown or GitHub markup inline: backslash-escaped.
const PUNCTUATION: &[char] = &['\\', '`', '*', '_', '[', ']', '(', ')', '|', '~', '#', '!', '$', '{', '}'];

/// Text from the repository as inline markdown that renders as the same text and nothing more.
///
/// Markup characters are escaped. Words GitHub would turn into a mention, an issue reference or
/// a link even when escaped (its autolinking works on the rendered text) are shown as code
/// instead: `@everyone`, `#12`, `user@example.com`, `https://…`, `www.…`.
pub fn escape_text(text: &str) -> String {
    let flat = flatten(text);
    let mut out = String::with_capacity(flat.len() + 16);
    for (i, word) in flat.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = word
            .trim_start_matches(['(', '[', '"', '\''])
            .trim_end_matches([')', ']', '"', '\'', '.', ',', ';', ':', '!', '?']);
        if would_link(core) {
            let start = word.len() - word.trim_start_matches(['(', '[', '"', '\'']).len();
            let end = start + core.len();
            escape_plain(&word[..start], &mut out);
            out.push_str(&code_span(core));
            escape_plain(&word[end..], &mut out);
        } else {
            escape_plain(word, &mut out);
        }
    }
    escape_block_start(out)
}

/// Whether GitHub would make a mention, reference or link of a word, escaped or not: `@login`,
/// `#12` and `GH-12` (both issue references), a URL.
fn would_link(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    let number_after = |prefix: &str| {
        lower.match_indices(prefix).any(|(i, _)| lower[i + prefix.len()..].starts_with(|d: char| d.is_ascii_digit()))
    };
    word.contains('@') || lower.contains("://") || lower.starts_with("www.") || number_after("#") || number_after("gh-")
}

fn escape_plain(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if PUNCTUATION.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// A template may put a value at the start of a line, where `-`, `+`, `=` or `1. ` would start
/// a list, a heading or a rule.
fn escape_block_start(mut text: String) -> String {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker = if text.starts_with(['-', '+', '=']) {
        Some(0)
    } else if digits > 0
        && (text[digits..].starts_with(". ")
            || text[digits..].starts_with(") ")
            || matches!(&text[digits..], "." | ")"))
    {
        Some(digits)
    } else {
        None
    };
    if let Some(at) = marker {
        text.insert(at, '\\');
    }
    text
}

/// Text as an inline code span: shown verbatim, never markup, mention or link.
pub fn code_span(text: &str) -> String {
    // A pipe ends a table cell even inside code unless escaped; GitHub drops the backslash there.
    let flat = flatten(text).replace('|', "\\|");
    if flat.trim().is_empty() {
        return String::new();
    }
    let longest_ticks = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_ticks + 1);
    // CommonMark strips one space at each end when both are there: pad so that a tick or a
    // space at an end survives.
    let pad = if flat.starts_with(['`', ' ']) || flat.ends_with(['`', ' ']) { " " } else { "" };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// A link to a web page; anything but `http(s)` is shown as text, never as a link.
pub fn link(text: &str, url: &str) -> String {
    match web_url(url) {
        Some(url) => {
            // The `<…>` form takes any destination without `<`, `>`, spaces or line breaks.
            let mut destination = String::with_capacity(url.len());
            for c in url.chars() {
                match c {
                    '<' | '>' | ' ' | '\\' | '"' => destination.push_str(&format!("%{:02X}", c as u32)),
                    c if c.is_control() => {}
                    c => destination.push(c),
                }
            }
            format!("[{}](<{destination}>)", escape_text(text))
        }
        None => escape_text(text),
    }
}

/// The URL when it is a web page's (`http` or `https`): nothing else may become a link.
pub fn web_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let scheme = url.split_once("://")?.0;
    (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")).then_some(url)
}

/// Cuts a rendered report that is still over the limit, at a line break, with a note saying so.
/// The built-in template folds its lists first (see `view::Limits`) and should never get here.
pub fn truncate(text: &mut String, limit: usize) {
    const NOTE: &str = "\n\n_The report was cut here to fit GitHub's comment size limit._\n";
    if text.len() <= limit {
        return;
    }
    let mut cut = limit - NOTE.len();
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    cut = text[..cut].rfind('\n').unwrap_or(cut);
    text.truncate(cut);
    text.push_str(NOTE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_html_is_inert() {
        assert_eq!(escape_text("<script>alert(1)</script>.md"), "&lt;script&gt;alert\\(1\\)&lt;/script&gt;.md");
        assert_eq!(escape_text("**bold** _em_ ~~s~~ `c` | x"), "\\*\\*bold\\*\\* \\_em\\_ \\~\\~s\\~\\~ \\`c\\` \\| x");
        assert_eq!(escape_text("[click](javascript:alert(1))"), "\\[click\\]\\(javascript:alert\\(1\\)\\)");
        assert_eq!(escape_text("a &amp; b"), "a &amp;amp; b");
    }

    #[test]
    fn mentions_references_and_urls_become_code() {
        assert_eq!(escape_text("ping @everyone now"), "ping `@everyone` now");
        assert_eq!(escape_text("(see @org/team)."), "\\(see `@org/team`\\).");
        assert_eq!(escape_text("fixes #12, thanks"), "fixes `#12`, thanks");
        assert_eq!(escape_text("mail me@example.com"), "mail `me@example.com`");
        assert_eq!(escape_text("at https://evil.example/x?a=1."), "at `https://evil.example/x?a=1`.");
        assert_eq!(escape_text("www.evil.example"), "`www.evil.example`");
        assert_eq!(escape_text("issue #"), "issue \\#");
        assert_eq!(escape_text("see GH-123, gh-7."), "see `GH-123`, `gh-7`.");
        assert_eq!(escape_text("GH-team"), "GH-team");
    }

    #[test]
    fn text_cannot_start_a_block_or_a_new_line() {
        assert_eq!(escape_text("- item"), "\\- item");
        assert_eq!(escape_text("2026. a year"), "2026\\. a year");
        assert_eq!(escape_text("0.1.0"), "0.1.0");
        assert_eq!(escape_text("# Title"), "\\# Title");
        assert_eq!(escape_text("one\n# two\r\nthree"), "one \\# two  three");
        assert_eq!(escape_text("left\u{202E}right\u{0}"), "leftright");
    }

    #[test]
    fn code_spans_hold_any_text_verbatim() {
        assert_eq!(code_span("README.md"), "`README.md`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        assert_eq!(code_span("a|b\nc"), "`a\\|b c`");
        assert_eq!(code_span(" "), "");
    }

    #[test]
    fn links_go_only_to_web_pages() {
        assert_eq!(link("docs", "https://example.com/a b#x"), "[docs](<https://example.com/a%20b#x>)");
        assert_eq!(link("docs", "javascript:alert(1)"), "docs");
        assert_eq!(link("[x](y)", "https://e.com/>"), "[\\[x\\]\\(y\\)](<https://e.com/%3E>)");
    }

    #[test]
    fn only_http_and_https_are_web_urls() {
        assert_eq!(web_url(" https://x.example/a "), Some("https://x.example/a"));
        assert_eq!(web_url("HTTP://x"), Some("HTTP://x"));
        assert_eq!(web_url("javascript://%0aalert(1)"), None);
        assert_eq!(web_url("data:text/html,x"), None);
    }

    #[test]
    fn truncation_cuts_at_a_line_and_says_so() {
        let mut text = "line\n".repeat(100);
        truncate(&mut text, 200);
        assert!(text.len() <= 200, "{}", text.len());
        assert!(text.ends_with("comment size limit._\n"));
        assert!(text.starts_with("line\nline\n"));
    }
}
