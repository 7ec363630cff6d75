//! Documents: what each kind is called and where it is kept ([`locate`]), the pages one leads to
//! ([`leads`]), and how Markdown, reStructuredText and AsciiDoc read as lines, headings and links
//! ([`text`]).

pub mod leads;
pub mod locate;
pub mod text;
