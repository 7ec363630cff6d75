//! fix's writes to GitHub: the welcoming labels (`fix --labels`), and the Action's one pull
//! request on `cm-audit/fix` (one tree, one commit, one ref created or moved, one pull request
//! opened or edited).

use serde::{Deserialize, Serialize};

use crate::collect::github::{ApiError, Client, Failure};
use crate::repo_ref::RepoRef;

/// The labels newcomers look for, with GitHub's default colour and description for each.
pub const WELCOMING_LABELS: [NewLabel; 2] = [
    NewLabel { name: "good first issue", color: "7057ff", description: "Good for newcomers" },
    NewLabel { name: "help wanted", color: "008672", description: "Extra attention is needed" },
];

/// Pages of labels read to find what is there: 3,000 labels.
const MAX_LABEL_PAGES: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NewLabel {
    pub name: &'static str,
    pub color: &'static str,
    pub description: &'static str,
}

#[derive(Debug, Deserialize)]
struct LabelJson {
    name: String,
}

/// A label's name as people vary it: `Good-First-Issue` is `good first issue`.
fn normalised(name: &str) -> String {
    name.to_lowercase().replace(['-', '_'], " ")
}

/// The welcoming labels the repository lacks.
pub async fn missing_labels(client: &Client, repo: &RepoRef) -> Result<Vec<NewLabel>, ApiError> {
    let mut have: Vec<String> = Vec::new();
    let first = format!("/repos/{}/{}/labels?per_page=100", repo.owner, repo.name);
    client
        .each_page(first, MAX_LABEL_PAGES, |page: Vec<LabelJson>| {
            have.extend(page.into_iter().map(|l| normalised(&l.name)));
            true
        })
        .await?;
    Ok(WELCOMING_LABELS.into_iter().filter(|l| !have.contains(&normalised(l.name))).collect())
}

/// Creates one label. GitHub's 422 (Validation Failed) for these fixed names and colours is its
/// `already_exists`: a label created meanwhile is there, as wanted.
pub async fn create_label(client: &Client, repo: &RepoRef, label: &NewLabel) -> Result<(), ApiError> {
    let uri = format!("/repos/{}/{}/labels", repo.owner, repo.name);
    match client.post_json::<serde_json::Value>(&uri, label).await {
        Ok(_) | Err(ApiError { failure: Failure::Rejected { status: 422, .. }, .. }) => Ok(()),
        Err(e) => Err(e),
    }
}
