//! Reading community documents as a person would: prose apart from code blocks and comments,
//! headings with the sections under them, links, placeholders left from templates.
//!
//! A document is a list of classified lines, whatever its format (told by extension): Markdown is
//! parsed as CommonMark (`markdown.rs`); reStructuredText, AsciiDoc and plain text are read line by
//! line (`lines.rs`), forgivingly, since real files mix styles. Links are in `links.rs`.

use std::sync::LazyLock;

use regex::Regex;

mod lines;
mod links;
mod markdown;

use links::links_in;
pub use links::{github_file_url, is_external, link_to_repo_path, resolve_relative};
use markdown::ParsedLink;

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
    /// The links a Markdown parser read (`None` for other formats, whose links are read by line).
    parsed_links: Option<Vec<ParsedLink>>,
}

/// How a document's text is read, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// CommonMark, by the parser.
    Markdown,
    /// Plain text, which often follows Markdown's conventions: read line by line, forgivingly
    /// (`#` headings, underlines, fences).
    PlainText,
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
        "md" | "markdown" | "mdown" | "mkd" | "mkdn" | "mdx" => Format::Markdown,
        _ => Format::PlainText,
    }
}

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
        let markdown = (format == Format::Markdown).then(|| markdown::read(text));
        let lines = lines::read(text, format, markdown.as_ref().map(|m| m.blocks.as_slice()));
        Doc { lines, parsed_links: markdown.map(|m| m.links) }
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
            let targets = match &self.parsed_links {
                Some(parsed) => {
                    let on_line = parsed.partition_point(|l| l.line < i)..parsed.partition_point(|l| l.line <= i);
                    links::links_in_markdown(&line.text, &parsed[on_line])
                }
                None => links_in(&line.text),
            };
            out.extend(targets.into_iter().map(|target| (i + 1, target)));
        }
        out
    }
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

    fn kinds(doc: &Doc) -> Vec<LineKind> {
        doc.lines.iter().map(|l| l.kind).collect()
    }

    #[test]
    fn a_url_with_parentheses_is_read_whole() {
        let doc = Doc::parse(
            "README.md",
            "See [Foo](https://en.wikipedia.org/wiki/Foo_(bar)) or <https://example.org/a_(b)>.\n\n[ref]: https://example.org/c_(d)\n",
        );
        let links: Vec<String> = doc.links().into_iter().map(|(_, l)| l).collect();
        assert_eq!(
            links,
            ["https://en.wikipedia.org/wiki/Foo_(bar)", "https://example.org/a_(b)", "https://example.org/c_(d)"]
        );
    }

    #[test]
    fn an_indented_code_block_is_code_not_prose() {
        let doc = Doc::parse(
            "README.md",
            "Install:\n\n    pip install cm-audit\n    open https://example.org/x\n\nDone here.\n",
        );
        assert_eq!(kinds(&doc)[2..4], [LineKind::Code, LineKind::Code]);
        assert_eq!(doc.prose_words(), 3);
        assert!(doc.links().is_empty());
    }

    #[test]
    fn a_fence_in_an_indented_code_block_does_not_swallow_the_page() {
        let doc = Doc::parse(
            "CONTRIBUTING.md",
            "Open a fence like this:\n\n    ```python\n    print(1)\n\nThen read [the guide](docs/guide.md).\n",
        );
        assert_eq!(doc.lines[5].kind, LineKind::Prose);
        assert_eq!(doc.links(), [(6, "docs/guide.md".to_string())]);
    }

    #[test]
    fn a_fence_indented_inside_a_fence_does_not_close_it() {
        let doc = Doc::parse("README.md", "```md\n        ```\nnot prose\n```\nAfter the example.\n");
        assert_eq!(kinds(&doc), [LineKind::Code, LineKind::Code, LineKind::Code, LineKind::Code, LineKind::Prose]);
    }

    #[test]
    fn a_fence_indented_under_a_list_item_is_code() {
        let doc = Doc::parse("README.md", "1. Build it:\n\n    ```sh\n    make\n    ```\n\n2. Then read the guide.\n");
        assert_eq!(kinds(&doc)[2..5], [LineKind::Code, LineKind::Code, LineKind::Code]);
        assert_eq!(doc.lines[6].kind, LineKind::Prose);
    }

    #[test]
    fn a_rule_under_a_list_is_not_a_heading() {
        let doc = Doc::parse("README.md", "- item one\n- item two\n---\n\n## Next\n\nwords here.\n");
        assert_eq!(doc.lines[1].kind, LineKind::Prose);
        assert_eq!(doc.prose_words(), 6);
    }

    #[test]
    fn a_fence_in_a_quote_is_code() {
        let doc = Doc::parse("README.md", "> Note:\n> ```sh\n> fzf --print0 | xargs -0 -o vim\n> ```\n");
        assert_eq!(kinds(&doc), [LineKind::Prose, LineKind::Code, LineKind::Code, LineKind::Code]);
    }

    #[test]
    fn a_fence_opened_on_a_list_item_line_is_code_and_its_close_opens_nothing() {
        let doc = Doc::parse("CHANGELOG.md", "- Popup:\n  - ```sh\n    fzf-tmux -p\n    ```\n- Bug fixes\n");
        assert_eq!(kinds(&doc), [LineKind::Prose, LineKind::Code, LineKind::Code, LineKind::Code, LineKind::Prose]);
    }

    #[test]
    fn a_link_written_in_inline_code_is_described_not_linked() {
        let doc = Doc::parse("docs/notes.md", "Link it as `[link](/dir2/bar.md)`, or [the guide](guide.md).\n");
        assert_eq!(doc.links(), [(1, "guide.md".to_string())]);
    }

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
