//! Markdown as CommonMark reads it (pulldown-cmark): which lines are code (fenced or indented),
//! which are headings (ATX, or setext with their underline), and the links written in Markdown's
//! own syntax, each put on its line by the parser's source offsets.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

/// What the parser says a line is, where it says more than prose or blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Block {
    Code,
    /// A heading's line, with its level.
    Heading(u8),
    /// The `===` or `---` under a setext heading.
    Underline,
}

/// A link the parser read, with its 0-based line.
#[derive(Debug, Clone)]
pub(super) struct ParsedLink {
    pub line: usize,
    pub target: String,
    /// An autolink (`<https://...>`), which a reader of bare URLs finds too: only completes it.
    pub autolink: bool,
}

/// A Markdown page's structure: per line, the block the parser puts it in; and its links, by line.
pub(super) struct Markdown {
    pub blocks: Vec<Option<Block>>,
    pub links: Vec<ParsedLink>,
}

/// Reads `text` as CommonMark. Inline links and images are placed on the line of their closing
/// parenthesis (an image inside a link comes first, as its `)` does); a reference link's target
/// is read where it is defined.
pub(super) fn read(text: &str) -> Markdown {
    let starts = line_starts(text);
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
    let last_line = |range: &Range<usize>| line_of(range.end.saturating_sub(1).max(range.start));
    let mut blocks = vec![None; starts.len()];
    let mut links: Vec<(usize, ParsedLink)> = Vec::new();
    let parser = Parser::new_ext(text, Options::empty()).into_offset_iter();
    for (_, def) in parser.reference_definitions().iter() {
        let link = ParsedLink { line: line_of(def.span.start), target: def.dest.to_string(), autolink: false };
        links.push((def.span.end, link));
    }
    for (event, range) in parser {
        let Event::Start(tag) = event else { continue };
        match tag {
            Tag::CodeBlock(_) => {
                for block in &mut blocks[line_of(range.start)..=last_line(&range)] {
                    *block = Some(Block::Code);
                }
            }
            Tag::Heading { level, .. } => {
                let (first, last) = (line_of(range.start), last_line(&range));
                if last > first {
                    // Setext: the line above the underline is the heading, as a reader scanning
                    // the page takes it.
                    blocks[last - 1] = Some(Block::Heading(level as u8));
                    blocks[last] = Some(Block::Underline);
                } else {
                    blocks[first] = Some(Block::Heading(level as u8));
                }
            }
            Tag::Link { link_type, dest_url, .. } | Tag::Image { link_type, dest_url, .. } => {
                let autolink = match link_type {
                    LinkType::Inline => false,
                    LinkType::Autolink => true,
                    _ => continue,
                };
                links.push((range.end, ParsedLink { line: last_line(&range), target: dest_url.to_string(), autolink }));
            }
            _ => {}
        }
    }
    links.sort_by_key(|(end, link)| (link.line, *end));
    Markdown { blocks, links: links.into_iter().map(|(_, link)| link).collect() }
}

/// The byte offset where each line starts, the lines as `str::lines` splits them.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1).filter(|&start| start < text.len()));
    starts
}
