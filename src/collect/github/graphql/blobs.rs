//! The bodies of many files in one query, by their blob ids from the tree listing: one aliased
//! `object(oid:)` each. A blob never changes, so a body read once is kept in the cache by its id
//! and never asked for again.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use super::{Client, QueryFailure};
use crate::collect::github::errors::ApiError;
use crate::collect::local::MAX_FILE_BYTES;
use crate::repo_ref::RepoRef;

/// Blobs asked for in one query: enough for every file rules read, small enough that the answer
/// (at most 256 KiB a file is used) stays well under GitHub's time limit for a query.
const BLOBS_PER_QUERY: usize = 40;

/// A blob as GraphQL gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Blob {
    /// Its bytes: UTF-8 text, whole or cut at the size cap.
    Text(Vec<u8>),
    Binary,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BlobData {
    text: Option<String>,
    is_binary: Option<bool>,
    is_truncated: bool,
    byte_size: usize,
}

impl BlobData {
    /// The blob, when GraphQL's answer says all a file read needs; `None` leaves the file to a
    /// REST read (text GitHub cut short below the cap, or bytes that are not UTF-8).
    fn blob(self) -> Option<Blob> {
        if self.is_binary == Some(true) {
            return Some(Blob::Binary);
        }
        let text = self.text?;
        let whole = !self.is_truncated && text.len() == self.byte_size;
        (whole || text.len() > MAX_FILE_BYTES).then(|| Blob::Text(text.into_bytes()))
    }
}

/// Reads the blobs `oids` of `repo`: those GraphQL answered for, by id; the others are left out
/// (a REST read then decides). Kept blobs are taken from the cache without a request.
pub async fn read(client: &Client, repo: &RepoRef, oids: &[String]) -> Result<BTreeMap<String, Blob>, ApiError> {
    let mut found = BTreeMap::new();
    let mut wanted = Vec::new();
    for oid in oids {
        match client.cache.as_ref().and_then(|c| c.kept(&key(repo, oid))) {
            Some(bytes) => {
                found.insert(oid.clone(), Blob::Text(bytes));
            }
            None if !found.contains_key(oid) && !wanted.contains(oid) => wanted.push(oid.clone()),
            None => {}
        }
    }
    for chunk in wanted.chunks(BLOBS_PER_QUERY) {
        let objects: String = chunk
            .iter()
            .enumerate()
            .map(|(i, oid)| {
                format!(
                    "b{i}: object(oid: {}) {{ ... on Blob {{ text isBinary isTruncated byteSize }} }}\n",
                    json!(oid)
                )
            })
            .collect();
        let query = format!(
            "query Blobs($owner: String!, $name: String!) {{\n  repository(owner: $owner, name: $name) {{\n{objects}  }}\n}}"
        );
        let mut answer =
            match client.query("Blobs", &query, json!({ "owner": repo.owner(), "name": repo.name() })).await {
                Ok(answer) => answer,
                Err(QueryFailure::Unavailable) => return Ok(found),
                Err(QueryFailure::Api(e)) => return Err(e),
            };
        if answer.failed("Blobs", "repository").is_some() {
            // Whatever the token may not read, REST says it file by file.
            return Ok(found);
        }
        let mut objects: BTreeMap<String, Option<BlobData>> = answer.take("Blobs", "repository")?.unwrap_or_default();
        for (i, oid) in chunk.iter().enumerate() {
            let Some(blob) = objects.remove(&format!("b{i}")).flatten().and_then(BlobData::blob) else { continue };
            if let (Some(cache), Blob::Text(bytes)) = (&client.cache, &blob) {
                cache.keep(&key(repo, oid), bytes);
            }
            found.insert(oid.clone(), blob);
        }
    }
    Ok(found)
}

fn key(repo: &RepoRef, oid: &str) -> String {
    format!("blob {repo} {oid}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: Option<&str>, binary: bool, truncated: bool, size: usize) -> BlobData {
        BlobData { text: text.map(str::to_string), is_binary: Some(binary), is_truncated: truncated, byte_size: size }
    }

    #[test]
    fn only_whole_text_or_text_past_the_cap_is_taken() {
        assert_eq!(data(Some("hé"), false, false, 3).blob(), Some(Blob::Text("hé".as_bytes().to_vec())));
        assert_eq!(data(None, true, false, 10).blob(), Some(Blob::Binary));
        // Not UTF-8: GitHub gives no text, and REST reads the bytes.
        assert_eq!(data(None, false, false, 10).blob(), None);
        // Cut short by GitHub before the cap: REST reads up to the cap.
        assert_eq!(data(Some("abc"), false, true, 400_000).blob(), None);
        let long = "a".repeat(MAX_FILE_BYTES + 1);
        assert!(matches!(data(Some(&long), false, true, 900_000).blob(), Some(Blob::Text(_))));
    }
}
