//! Collection: the only stage that does I/O. Each source fills a `Snapshot`.

pub mod github;
pub mod local;
