//! Writes, which only the Action makes (its pull request comment and tracking issue): POST and
//! PATCH of JSON with the GET path's error mapping and rate-limit bookkeeping.
//!
//! A POST creates something, so it is sent again only after a secondary rate limit, which
//! GitHub answers without acting; after a 5xx or a lost connection it may have acted, and a
//! second POST could make a second comment. A PATCH sets a value, so it is retried like a GET.

use std::sync::atomic::Ordering;

use http::Uri;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::client::{
    Body, Client, MAX_ERROR_BYTES, MAX_JSON_BYTES, no_answer, note_answer, parse, path_of, read_capped, spent_budget,
};
use super::errors::{ApiError, Failure, classify};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Post,
    Patch,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
}

impl Client {
    /// POSTs a JSON body and reads the JSON answer (the object created).
    pub async fn post_json<T: DeserializeOwned>(&self, uri: &str, body: &impl Serialize) -> Result<T, ApiError> {
        let answer = self.write(Method::Post, uri, body).await?;
        parse("POST", uri, &answer)
    }

    /// PATCHes a JSON body and reads the JSON answer (the object as updated).
    pub async fn patch_json<T: DeserializeOwned>(&self, uri: &str, body: &impl Serialize) -> Result<T, ApiError> {
        let answer = self.write(Method::Patch, uri, body).await?;
        parse("PATCH", uri, &answer)
    }

    async fn write(&self, method: Method, uri: &str, body: &impl Serialize) -> Result<Body, ApiError> {
        let mut attempt = 1;
        loop {
            spent_budget(&self.budget, method.name(), uri)?;
            let failure = match self.in_time(self.write_once(method, uri, body)).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            self.back_off(method.name(), uri, failure, &mut attempt, method == Method::Patch).await?;
        }
    }

    async fn write_once(&self, method: Method, uri: &str, body: &impl Serialize) -> Result<Body, Failure> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let target: Uri = uri.parse().map_err(|e| Failure::Transport(format!("{uri} is not a URI: {e}")))?;
        let sent = match method {
            Method::Post => self.octo._post(target, Some(body)).await,
            Method::Patch => self.octo._patch(target, Some(body)).await,
        };
        let request = format!("{} {}", method.name(), path_of(uri));
        let response = sent.map_err(|e| no_answer(&request, &e))?;
        let status = response.status();
        note_answer(&request, status, response.headers(), &self.budget, "rate limit");
        let headers = response.headers().clone();
        let limit = if status.is_success() { MAX_JSON_BYTES } else { MAX_ERROR_BYTES };
        let (bytes, capped) = read_capped(response.into_body(), limit).await.map_err(Failure::Transport)?;
        if status.is_success() {
            return Ok(Body { bytes, capped, next: None, last: None });
        }
        Err(classify(status, &headers, &bytes))
    }
}
