//! Documents: what each kind is called ([`kind`]), where it is kept ([`locate`]), the pages read
//! as it ([`page`]: its own, a pointer's target or a guide's chapters, [`pointer`](mod@pointer)) and those it
//! leads to ([`follow`], through the tree's pages and documentation-site URLs, [`leads`]), and how
//! Markdown, reStructuredText and AsciiDoc read as lines, headings and links ([`text`]).

pub mod follow;
pub mod kind;
pub mod leads;
pub mod locate;
pub mod page;
pub mod pointer;
pub mod text;
