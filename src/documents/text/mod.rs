//! Reading community documents as a person would: prose apart from code blocks and comments,
//! headings with the sections under them, links, placeholders left from templates.
//!
//! Markdown, reStructuredText, AsciiDoc and plain text are told apart by extension; the analysis is
//! line-based and deliberately forgiving, since real files mix styles.

use std::sync::LazyLock;

use regex::Regex;

mod links;

use links::links_in;
pub use links::{github_file_url, is_external, link_to_repo_path, resolve_relative};

/// How a line of a document is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    Prose,
    /// A heading, with its level (1 is the top).
    Heading(u8),
    /// The underline of a setext or reStructuredText heading.
    Underline,
    Code,
    Comment,
}

#[derive(Debug, Clone)]
pub struct Line {
    /// The line with inline HTML comments removed.
    pub text: String,
    pub kind: LineKind,
}

/// A document split into classified lines; line numbers are 1-based indexes into `lines`.
#[derive(Debug, Clone)]
pub struct Doc {
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Markdown,
    Rst,
    AsciiDoc,
    /// YAML, CFF and other data: no headings, no code blocks.
    Data,
}

fn format_of(path: &str) -> Format {
    let lower = path.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "rst" | "rest" => Format::Rst,
        "adoc" | "asciidoc" => Format::AsciiDoc,
        "yml" | "yaml" | "cff" | "json" | "toml" => Format::Data,
        _ => Format::Markdown,
    }
}

static INLINE_COMMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<!--.*?-->").unwrap());
static ATX_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^ {0,3}(#{1,6})(\s+|$)").unwrap());
static ADOC_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(={1,6})\s+\S").unwrap());
static SETEXT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^ {0,3}(=+|-+)\s*$").unwrap());
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\p{L}][\p{L}\p{N}'’-]*").unwrap());
static URLISH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|<?(https?|mailto):[^\s)>\]]+>?").unwrap());
/// Text left from a template: `[INSERT CONTACT METHOD]`, `{{ email }}`, `<your name>`, TODO, TBD.
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\[\s*(insert|your|add|enter|fill|replace|project name|email|e-mail|contact|name of)[^\]]*\]|\{\{[^}]*\}\}|<\s*(insert|your|add|enter|email|e-mail|contact)[^>]*>|lorem ipsum|\bcoming soon\b|(?-i:(?:\b|_)(TODO|TBD|FIXME|XXX)(?:\b|_))",
    )
    .unwrap()
});

impl Doc {
    pub fn parse(path: &str, text: &str) -> Doc {
        let format = format_of(path);
        let raw: Vec<&str> = text.lines().collect();
        let mut lines: Vec<Line> = Vec::with_capacity(raw.len());
        let mut fence: Option<(char, usize)> = None;
        let mut in_comment = false;
        let mut rst_literal = false;
        let mut rst_levels: Vec<char> = Vec::new();

        for (i, &line) in raw.iter().enumerate() {
            let trimmed = line.trim_start();
            // Fenced code (Markdown) and literal blocks (reStructuredText).
            if let Some((ch, len)) = fence {
                let closes =
                    trimmed.starts_with(&ch.to_string().repeat(len)) && trimmed.trim_end().chars().all(|c| c == ch);
                if closes {
                    fence = None;
                }
                lines.push(Line { text: line.to_string(), kind: LineKind::Code });
                continue;
            }
            if format == Format::Rst && rst_literal {
                if line.trim().is_empty() || line.starts_with(char::is_whitespace) {
                    lines.push(Line { text: line.to_string(), kind: LineKind::Code });
                    continue;
                }
                rst_literal = false;
            }
            if in_comment {
                if let Some(end) = line.find("-->") {
                    in_comment = false;
                    let rest = &line[end + 3..];
                    lines.push(classify_plain(rest));
                } else {
                    lines.push(Line { text: String::new(), kind: LineKind::Comment });
                }
                continue;
            }
            // reStructuredText has no fences: its `~~~~` lines are title adornments.
            if matches!(format, Format::Markdown | Format::AsciiDoc) {
                for fence_char in ['`', '~'] {
                    let run = trimmed.chars().take_while(|&c| c == fence_char).count();
                    if run >= 3 && (fence_char == '~' || !trimmed[run..].contains('`')) {
                        fence = Some((fence_char, run));
                    }
                }
                if fence.is_some() {
                    lines.push(Line { text: line.to_string(), kind: LineKind::Code });
                    continue;
                }
            }
            let mut text = INLINE_COMMENT.replace_all(line, "").into_owned();
            if let Some(start) = text.find("<!--") {
                in_comment = true;
                text.truncate(start);
                let kind = if text.trim().is_empty() { LineKind::Comment } else { LineKind::Prose };
                lines.push(Line { text, kind });
                continue;
            }
            if format == Format::Rst {
                let t = text.trim_end();
                if t.ends_with("::")
                    || t.trim_start().starts_with(".. code")
                    || t.trim_start().starts_with(".. sourcecode")
                {
                    rst_literal = true;
                }
                if t.starts_with(".. ") && !t.contains("::") && !t.starts_with(".. _") {
                    lines.push(Line { text, kind: LineKind::Comment });
                    continue;
                }
            }
            let mut kind = classify_plain(&text).kind;
            if kind == LineKind::Prose {
                match format {
                    Format::Markdown => {
                        if let Some(c) = ATX_HEADING.captures(&text) {
                            kind = LineKind::Heading(c[1].len() as u8);
                        }
                    }
                    Format::AsciiDoc => {
                        if let Some(c) = ADOC_HEADING.captures(&text) {
                            kind = LineKind::Heading(c[1].len() as u8);
                        }
                    }
                    Format::Rst | Format::Data => {}
                }
            }
            // An underline turns the line above into a heading.
            let prev_is_prose = lines.last().is_some_and(|l| l.kind == LineKind::Prose);
            if prev_is_prose && i > 0 {
                let underline_level = match format {
                    Format::Markdown if SETEXT.is_match(&text) => {
                        Some(if text.trim_start().starts_with('=') { 1 } else { 2 })
                    }
                    Format::Rst if is_rst_adornment(&text) => {
                        let ch = text.trim().chars().next().unwrap_or('=');
                        let level = match rst_levels.iter().position(|&c| c == ch) {
                            Some(p) => p + 1,
                            None => {
                                rst_levels.push(ch);
                                rst_levels.len()
                            }
                        };
                        Some(level.min(6) as u8)
                    }
                    _ => None,
                };
                if let Some(level) = underline_level {
                    if let Some(last) = lines.last_mut() {
                        last.kind = LineKind::Heading(level);
                    }
                    lines.push(Line { text, kind: LineKind::Underline });
                    continue;
                }
            }
            // An rst overline (the line above a title) is not prose.
            if format == Format::Rst && is_rst_adornment(&text) {
                kind = LineKind::Underline;
            }
            lines.push(Line { text, kind });
        }
        Doc { lines }
    }

    /// Words of prose, not counting headings, code, comments, link targets or placeholders.
    pub fn prose_words(&self) -> usize {
        self.words_in(0..self.lines.len())
    }

    fn words_in(&self, range: std::ops::Range<usize>) -> usize {
        self.lines[range].iter().filter(|l| l.kind == LineKind::Prose).map(|l| count_words(&l.text)).sum()
    }

    /// The range of lines under the heading at `index` (up to the next heading of the same or a
    /// higher level), without the heading itself.
    pub fn section_body(&self, index: usize) -> std::ops::Range<usize> {
        let LineKind::Heading(level) = self.lines[index].kind else {
            return index..index;
        };
        let end = self.lines[index + 1..]
            .iter()
            .position(|l| matches!(l.kind, LineKind::Heading(l2) if l2 <= level))
            .map_or(self.lines.len(), |p| index + 1 + p);
        index + 1..end
    }

    /// Words of prose under the heading at `index`, subsections included.
    pub fn section_words(&self, index: usize) -> usize {
        self.words_in(self.section_body(index))
    }

    /// The heading that the line at `index` sits under, if any.
    pub fn enclosing_heading(&self, index: usize) -> Option<usize> {
        (0..=index).rev().find(|&i| matches!(self.lines[i].kind, LineKind::Heading(_)))
    }

    /// Headings above the line at `index`, innermost first (a line sits in several nested sections).
    pub fn heading_chain(&self, index: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut ceiling = u8::MAX;
        for i in (0..=index).rev() {
            if let LineKind::Heading(level) = self.lines[i].kind {
                if level < ceiling || (i == index && chain.is_empty()) {
                    chain.push(i);
                    ceiling = level;
                }
            }
        }
        chain
    }

    /// Placeholders left from a template, with their 1-based line numbers.
    pub fn placeholders(&self) -> Vec<(usize, String)> {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.kind, LineKind::Prose | LineKind::Heading(_)))
            .flat_map(|(i, l)| placeholders_in(&l.text).map(move |m| (i + 1, m.as_str().to_string())))
            .collect()
    }

    /// Links in prose and headings (not in code), with their 1-based line numbers.
    pub fn links(&self) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            if matches!(line.kind, LineKind::Code | LineKind::Comment | LineKind::Blank) {
                continue;
            }
            for target in links_in(&line.text) {
                out.push((i + 1, target));
            }
        }
        out
    }
}

/// A reStructuredText title adornment: three or more of one punctuation character.
fn is_rst_adornment(line: &str) -> bool {
    let t = line.trim_end();
    let mut chars = t.chars();
    let Some(first) = chars.next() else { return false };
    "=-~^\"'*+#`:.".contains(first) && t.len() >= 3 && chars.all(|c| c == first)
}

fn classify_plain(text: &str) -> Line {
    let kind = if text.trim().is_empty() { LineKind::Blank } else { LineKind::Prose };
    Line { text: text.to_string(), kind }
}

/// Words in a line of prose, leaving out URLs, images and template placeholders.
pub fn count_words(text: &str) -> usize {
    let without_urls = URLISH.replace_all(text, " ");
    WORD.find_iter(&without_placeholders(&without_urls)).count()
}

/// The text with each template placeholder replaced by a space, so that it matches nothing.
pub fn without_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for m in placeholders_in(text) {
        out.push_str(&text[rest..m.start()]);
        out.push(' ');
        rest = m.end();
    }
    out.push_str(&text[rest..]);
    out
}

/// Placeholders in a line; `[contact Jane](https://...)` is a link, not a placeholder.
/// Inline code in prose: a placeholder written there is being described, not left unfilled.
static CODE_SPAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`[^`]+`").unwrap());

fn placeholders_in(text: &str) -> impl Iterator<Item = regex::Match<'_>> {
    let spans: Vec<(usize, usize)> = CODE_SPAN.find_iter(text).map(|m| (m.start(), m.end())).collect();
    PLACEHOLDER
        .find_iter(text)
        .filter(|m| !(m.as_str().starts_with('[') && matches!(text[m.end()..].chars().next(), Some('(') | Some('['))))
        .filter(move |m| !spans.iter().any(|&(start, end)| m.start() >= start && m.end() <= end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_emphasis_count_and_described_in_code_do_not() {
        let found = |line: &str| placeholders_in(line).map(|m| m.as_str().to_string()).collect::<Vec<_>>();
        assert_eq!(found("## Enforcement\n*__TODO__*"), ["_TODO_"]);
        assert_eq!(found("Meetings: Coming soon."), ["Coming soon"]);
        assert!(found("Replace `[INSERT CONTACT METHOD]` with your team's address before publishing.").is_empty());
        assert!(found("We track work in a `TODO` list").is_empty());
        assert_eq!(found("Write to [INSERT CONTACT METHOD]."), ["[INSERT CONTACT METHOD]"]);
    }

    #[test]
    fn a_tilde_underline_in_restructuredtext_is_a_heading_not_a_fence() {
        let doc = Doc::parse("governance.rst", "Council\n~~~~~~~\n\nMembers are nominated by the Council.\n");
        let kinds: Vec<_> = doc.lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [LineKind::Heading(1), LineKind::Underline, LineKind::Blank, LineKind::Prose]);
    }

    #[test]
    fn code_blocks_and_comments_are_not_prose() {
        let doc = Doc::parse(
            "README.md",
            "# Title\n\nSome words here.\n\n```\n# not a heading\nmatrix.org\n```\n<!-- hidden\ncomment -->\nEnd.\n",
        );
        let kinds: Vec<_> = doc.lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds[0], LineKind::Heading(1));
        assert_eq!(kinds[5], LineKind::Code);
        assert_eq!(kinds[6], LineKind::Code);
        assert_eq!(kinds[8], LineKind::Comment);
        assert_eq!(kinds[9], LineKind::Blank);
        assert_eq!(doc.prose_words(), 4);
    }

    #[test]
    fn setext_and_rst_headings() {
        let md = Doc::parse("a.md", "Getting help\n============\n\nAsk on the forum.\n");
        assert_eq!(md.lines[0].kind, LineKind::Heading(1));
        let rst = Doc::parse("a.rst", "Title\n=====\n\nSub\n---\n\ntext\n\nOther\n=====\n");
        assert_eq!(rst.lines[0].kind, LineKind::Heading(1));
        assert_eq!(rst.lines[3].kind, LineKind::Heading(2));
        assert_eq!(rst.lines[8].kind, LineKind::Heading(1));
        assert_eq!(rst.section_body(3), 4..8);
    }

    #[test]
    fn rst_literal_blocks_are_code() {
        let rst = Doc::parse("a.rst", "Run::\n\n    pytest -x\n\nDone.\n");
        assert_eq!(rst.lines[2].kind, LineKind::Code);
        assert_eq!(rst.lines[4].kind, LineKind::Prose);
    }

    #[test]
    fn heading_over_todo_is_an_empty_section() {
        let doc = Doc::parse("README.md", "## How to get help\n\nTODO\n\n## Next\nMore text here.\n");
        assert_eq!(doc.section_words(0), 0);
        assert_eq!(doc.section_words(4), 3);
    }

    #[test]
    fn placeholders_are_found_and_not_counted() {
        let doc = Doc::parse("CODE_OF_CONDUCT.md", "Report to [INSERT CONTACT METHOD].\n");
        assert_eq!(doc.placeholders(), vec![(1, "[INSERT CONTACT METHOD]".to_string())]);
        assert_eq!(doc.prose_words(), 2);
    }

    #[test]
    fn a_link_whose_text_looks_like_a_placeholder_is_a_link() {
        let link = "[contact Andrew Gallant](https://blog.example/about/)";
        assert_eq!(without_placeholders(link), link);
        assert_eq!(without_placeholders("Write to [contact method]."), "Write to  .");
    }
}
