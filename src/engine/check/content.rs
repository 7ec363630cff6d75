//! `content`: a document says something, in prose (or code when asked), under the right heading,
//! with more than the heading to show for it.

use super::Ctx;
use super::Kind;
use crate::documents::follow::{self, Unread};
use crate::documents::pointer::Pointer;
use crate::documents::text::{self, Doc, LineKind};
use crate::engine::finding::{Evidence, Outcome, Status};
use crate::engine::pattern::Phrase;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentCheck {
    /// Documents to read, in order; the first match passes.
    pub documents: Vec<String>,
    /// Patterns, any of which passes. Empty: a matching section with enough words suffices.
    #[serde(default)]
    pub any: Vec<Phrase>,
    /// Only matches under a heading matching this count.
    pub section: Option<Phrase>,
    /// Headings that never count as the section (an FAQ is not a support channel).
    pub not_section: Option<Phrase>,
    /// Phrases in which a pattern's match does not count: the words say something else there (the
    /// Covenant's "leaders responsible for enforcement" names whom to write to, not how it is enforced).
    #[serde(default)]
    pub except: Vec<Phrase>,
    /// Code blocks count too (commands to set up or run tests).
    #[serde(default)]
    pub include_code: bool,
    /// What a match is reported as: `warn` when finding it is only part of what the rule asks (a
    /// README's Donate section, where GitHub shows no Sponsor button).
    #[serde(default)]
    pub found_is: FoundIs,
    /// Lines of one page that must match (a list of people is several lines naming one each).
    #[serde(default = "one_line")]
    pub min_lines: usize,
    /// A heading matching a pattern counts when the section under it says enough; `false`: only
    /// prose counts.
    #[serde(default = "super::yes")]
    pub headings: bool,
    /// A heading (or the section) needs at least this many words under it to count.
    #[serde(default = "default_section_words")]
    pub min_section_words: usize,
    /// What is looked for, in words, for messages: "an e-mail address or a link to a form".
    pub looks_for: String,
}

/// The status a content check gives what it finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FoundIs {
    #[default]
    Pass,
    Warn,
}

fn one_line() -> usize {
    1
}

fn default_section_words() -> usize {
    5
}

impl Kind for ContentCheck {
    fn documents(&self) -> Vec<&str> {
        self.documents.iter().map(String::as_str).collect()
    }

    fn describe(&self) -> String {
        let within = self.documents.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(" or ");
        match &self.section {
            Some(s) => format!("{} in a section of {within} whose heading matches /{}/", self.looks_for, s.as_str()),
            None => format!("{} in {within}", self.looks_for),
        }
    }
}

/// Characters of a matching line quoted as evidence.
const SNIPPET_CHARS: usize = 120;

pub fn check(c: &ContentCheck, ctx: &Ctx<'_>) -> Outcome {
    let mut looked_in: Vec<String> = Vec::new();
    let mut external: Option<(String, String)> = None;
    // A page that defers to one of its kind elsewhere ("follow the Python Community Code of Conduct").
    let mut defers_to: Option<(String, String)> = None;
    let mut placeholders: Vec<Evidence> = Vec::new();
    let mut unread: Vec<Unread> = Vec::new();
    let mut hollow_headings: Vec<Evidence> = Vec::new();
    // Only a check of one document's own substance (a code of conduct's reporting channel) may be
    // left to a page it defers to: what a check also seeks in the README is not.
    let own_substance = c.documents.len() == 1;

    for (position, doc_id) in c.documents.iter().enumerate() {
        let Some(found) = ctx.locate(doc_id) else { continue };
        looked_in.push(found.describe_path());
        // What the check is about is in its first document: where that one sends readers outside
        // the tree, the answer may be there. A later one (the README) is only a place to look too.
        if position == 0 {
            if let Some(Pointer::External(url)) = &found.pointer {
                external = Some((found.path.clone(), url.clone()));
            }
            unread = found.unread.clone();
        }
        for page in found.all_pages() {
            let Some(body) = page.text() else { continue };
            let doc = Doc::parse(&page.path, body);
            if let Some(hit) = find(c, &doc, &page.path, &mut hollow_headings) {
                let via = page.via.as_ref().map(|v| format!(" ({v})")).unwrap_or_default();
                let status = match c.found_is {
                    FoundIs::Pass => Status::Pass,
                    FoundIs::Warn => Status::Warn,
                };
                return Outcome::new(status, format!("{} mentions {}{via}", page.path, c.looks_for))
                    .at(&page.path)
                    .with(hit);
            }
            if page.via.is_some() {
                continue;
            }
            if own_substance && defers_to.is_none() && !matches!(found.pointer, Some(Pointer::Followed(_))) {
                defers_to = deferral(ctx, doc_id, &doc).map(|url| (page.path.clone(), url));
            }
            for (line, p) in doc.placeholders() {
                if placeholder_is_relevant(c, &doc, line - 1, &p) {
                    placeholders.push(Evidence::at(&page.path, Some(line), format!("unfilled placeholder `{p}`")));
                }
            }
        }
    }

    let names: Vec<&str> = c.documents.iter().map(|d| ctx.name(d)).collect();
    if looked_in.is_empty() {
        // The document the check reads, on a page the README or contributing guide links to and
        // that was not read: what it says there is unknown. (A file found that way is not judged.)
        let first = &c.documents[0];
        let elsewhere = super::file::kept_elsewhere(first, None, ctx, &ctx.kind(first).places_phrase());
        if let Some(mut outcome) = elsewhere.filter(|o| o.status == Status::Warn) {
            outcome.status = Status::Skipped;
            outcome.message = format!("{}: {} could not be checked", outcome.message, c.looks_for);
            return outcome;
        }
        if let Some(reason) = c.documents.iter().find_map(|d| ctx.may_be_inherited(d)) {
            return Outcome::new(Status::Skipped, format!("no {} in the tree; {reason}", names.join(" or ")));
        }
        return Outcome::new(Status::Fail, format!("no {} to look in for {}", names.join(" or "), c.looks_for));
    }
    if !placeholders.is_empty() {
        let first = placeholders[0].clone();
        let mut out = Outcome::new(
            Status::Fail,
            format!(
                "{} has an unfilled template placeholder where {} should be",
                first.path.clone().unwrap_or_default(),
                c.looks_for
            ),
        )
        .at(first.path.as_deref().unwrap_or_default());
        out.evidence = placeholders;
        out.evidence.extend(hollow_headings);
        return out;
    }
    if let Some((path, url)) = external {
        return Outcome::new(
            Status::Skipped,
            format!("{path} only points to {url}; what it says there could not be checked"),
        )
        .at(&path);
    }
    if let Some((path, url)) = defers_to {
        return Outcome::new(
            Status::Skipped,
            format!(
                "{path} does not say it, and defers to {url}, which was not read: {} could not be checked",
                c.looks_for
            ),
        )
        .at(&path);
    }
    if let Some(first) = unread.first() {
        let mut out = Outcome::new(
            Status::Skipped,
            format!(
                "not found in {} nor in the pages in the tree it leads to; {} leads to {}, which was not read: {} could not be checked",
                looked_in.join(", "),
                first.from,
                first.url,
                c.looks_for
            ),
        )
        .at(&first.from);
        out.evidence =
            unread.iter().map(|u| Evidence::at(&u.from, None, format!("leads to {}, not read", u.url))).collect();
        return out;
    }
    let mut out = Outcome::new(
        Status::Fail,
        format!("{} {}", super::neither(&looked_in, "does not mention", "mentions"), c.looks_for),
    );
    out.evidence = hollow_headings;
    out
}

/// Lines at the top of a document where it may say that it defers to another.
const DEFERRAL_LINES: usize = 12;

/// The page elsewhere that a document defers to in its opening lines, when that page is named for
/// the document's kind (requests: "follow the guidelines articulated in the [Python Community Code of
/// Conduct](https://www.python.org/psf/codeofconduct/)"): the full text is there, unread. Links to
/// the repository itself (another version, the history of the file) are not deferrals.
fn deferral(ctx: &Ctx<'_>, doc_id: &str, doc: &Doc) -> Option<String> {
    let kind = ctx.kind(doc_id);
    let own = ctx.snap.repository.as_deref().map(|r| format!("github.com/{}/", r.to_ascii_lowercase()));
    // A page of the project's site built from the tree is read with the document, not deferred to.
    let site = &ctx.site;
    let links = doc.links().into_iter().take_while(|(line, _)| *line <= DEFERRAL_LINES);
    links.filter(|(line, _)| !follow::is_attribution(doc, *line)).map(|(_, url)| url).find(|url| {
        let lower = url.to_ascii_lowercase();
        text::is_external(url)
            && kind.link_is_named_for(url)
            && !own.as_ref().is_some_and(|own| lower.contains(own.as_str()))
            && !lower.contains("/commits/")
            && !lower.contains("/blame/")
            && site.page_for_url(url).is_none()
    })
}

/// The first line that satisfies the check (the first of `min_lines` on the page), as evidence;
/// notes headings that name the topic with nothing under them.
fn find(c: &ContentCheck, doc: &Doc, path: &str, hollow: &mut Vec<Evidence>) -> Option<Evidence> {
    let mut matched: Vec<Evidence> = Vec::new();
    for (i, line) in doc.lines.iter().enumerate() {
        let eligible = match line.kind {
            LineKind::Prose => true,
            LineKind::Heading(_) => c.headings,
            LineKind::Code => c.include_code,
            _ => false,
        };
        if !eligible {
            // A heading that does not count may still be the place the fact was meant to go.
            let names_topic = || c.any.iter().any(|p| p.is_match(&text::without_placeholders(&line.text)));
            if matches!(line.kind, LineKind::Heading(_)) && names_topic() {
                note_hollow(doc, i, path, hollow);
            }
            continue;
        }
        let is_heading = matches!(line.kind, LineKind::Heading(_));
        if let Some(section) = &c.section {
            let Some(h) = doc.heading_chain(i).into_iter().find(|&h| section_counts(c, doc, h)) else {
                if is_heading && section.is_match(&line.text) && !excluded(c, &line.text) {
                    note_hollow(doc, i, path, hollow);
                }
                continue;
            };
            if c.any.is_empty() {
                return Some(Evidence::at(path, Some(h + 1), snippet(&doc.lines[h].text)));
            }
        }
        let cleaned = text::without_placeholders(&line.text);
        // Prose is wrapped at any word ("compile and run\nthe tests"): a match may run on into the
        // paragraph's next line, as long as it starts on this one.
        let mut joined = cleaned.clone();
        if line.kind == LineKind::Prose
            && let Some(next) = doc.lines.get(i + 1).filter(|next| next.kind == LineKind::Prose)
        {
            joined.push(' ');
            joined.push_str(&text::without_placeholders(&next.text));
        }
        let excepted = |m: &regex::Match<'_>| {
            c.except.iter().any(|e| e.find_iter(&joined).any(|x| x.start() <= m.start() && m.end() <= x.end()))
        };
        // The line alone first: a pattern may be anchored at its end (`contact_links:$`).
        let on_this_line = |p: &Phrase| {
            p.find_iter(&cleaned).any(|m| !excepted(&m))
                || p.find_iter(&joined).any(|m| m.start() < cleaned.len() && !excepted(&m))
        };
        if !c.any.iter().any(on_this_line) {
            continue;
        }
        // A heading that only names the topic does not count; the section under it must say something.
        if is_heading && doc.section_words(i) < c.min_section_words {
            note_hollow(doc, i, path, hollow);
            continue;
        }
        matched.push(Evidence::at(path, Some(i + 1), snippet(&line.text)));
        if matched.len() >= c.min_lines {
            return matched.into_iter().next();
        }
    }
    None
}

/// A placeholder stands where the content should be when it sits in the section the check looks
/// at; without a section, only fill-in placeholders (`[INSERT CONTACT METHOD]`) count, since a
/// stray TODO elsewhere says nothing about this rule.
fn placeholder_is_relevant(c: &ContentCheck, doc: &Doc, index: usize, placeholder: &str) -> bool {
    match &c.section {
        Some(section) => doc
            .heading_chain(index)
            .into_iter()
            .any(|h| section.is_match(&doc.lines[h].text) && !excluded(c, &doc.lines[h].text)),
        None => !matches!(placeholder.trim_matches('_'), "TODO" | "TBD" | "FIXME" | "XXX"),
    }
}

fn section_counts(c: &ContentCheck, doc: &Doc, heading: usize) -> bool {
    let text = &doc.lines[heading].text;
    c.section.as_ref().is_some_and(|s| s.is_match(text))
        && !excluded(c, text)
        && doc.section_words(heading) >= c.min_section_words
}

fn excluded(c: &ContentCheck, heading: &str) -> bool {
    c.not_section.as_ref().is_some_and(|n| n.is_match(heading))
}

fn note_hollow(doc: &Doc, i: usize, path: &str, hollow: &mut Vec<Evidence>) {
    if doc.section_words(i) < 5 && hollow.len() < 5 {
        hollow.push(Evidence::at(
            path,
            Some(i + 1),
            format!("heading `{}` has nothing under it", snippet(&doc.lines[i].text)),
        ));
    }
}

fn snippet(line: &str) -> String {
    let t = line.trim();
    if t.chars().count() <= SNIPPET_CHARS {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(SNIPPET_CHARS).collect::<String>())
    }
}
