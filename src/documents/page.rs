//! A page to judge, and the tree with the bodies it is read from.

use std::collections::BTreeMap;

use crate::documents::leads::Site;
use crate::snapshot::{FileBody, Tree};

/// A page to judge: the document itself, a page of a folder, the target of a pointer, or a page
/// the document leads to.
#[derive(Debug, Clone)]
pub struct Page<'s> {
    pub path: String,
    pub body: Option<&'s FileBody>,
    /// How a followed page was reached, for the reader: "another contributing guide", or "reached
    /// from CONTRIBUTING.rst → doc/source/dev/index.rst". `None` for the document's own pages.
    pub via: Option<String>,
}

impl Page<'_> {
    pub fn text(&self) -> Option<&str> {
        match self.body {
            Some(FileBody::Text { text, .. }) => Some(text),
            _ => None,
        }
    }
}

/// A tree with the bodies read from it, and its index with the repository it belongs to (for its
/// own GitHub and documentation-site URLs).
pub(super) struct Source<'a, 's> {
    pub tree: &'s Tree,
    pub files: &'s BTreeMap<String, FileBody>,
    pub site: &'a Site<'s>,
}
