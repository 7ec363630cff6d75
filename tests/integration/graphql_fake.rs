//! The fake GitHub's GraphQL API, as GitHub's behaves: every query validated against GitHub's
//! schema, answered from the same model as the REST routes, with GitHub's pagination rules, errors
//! and separate rate limit.
//!
//! The world: `acme/widgets` with
//! - #1 alice's issue (FIRST_TIMER), 10 days ago, greeted by a bot, then answered by a maintainer;
//! - #2 a pull request by `dependabot[bot]`, 9 days ago;
//! - #3 an issue by a deleted user, 8 days ago, labelled `bug`;
//! - #4 carol's pull request, opened as a draft 7 days ago, marked ready 6 days ago;
//! - #5 erin's pull request, 5 days ago: a lone diff comment by maint after 2 h, and maint's
//!   approving review (with a diff comment of its own) after 20 h;
//! - #6 alice's issue, 4 days ago, closed a day later;
//! - #7 hal's pull request, 3 days ago, still a draft.

use crate::support;

use std::io::{Read, Write};
use std::net::TcpStream;

use chrono::Duration;
use serde_json::{Value, json};
use support::fake_github::{FakeGithub, Fault, Kind, Repo, World, bot, routes, user};
use support::{TOKEN, days_ago};

fn world() -> World {
    let mut r = Repo::new("acme/widgets")
        .file("README.md", "# Widgets\n\nSmall widgets for dashboards.\n")
        .bytes("docs/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec())
        .label("bug")
        .label("good first issue");
    r.description = Some("Small widgets for dashboards".into());
    r.topics = vec!["science".into(), "python".into()];
    r.releases = support::fake_github::model::monthly_releases(3);
    r.item(Kind::Issue, user("alice"), "FIRST_TIMER", days_ago(10));
    r.comment(1, bot("greeter"), "NONE", days_ago(10) + Duration::minutes(1));
    r.comment(1, user("maint"), "MEMBER", days_ago(10) + Duration::hours(6));
    r.item(Kind::PullRequest, bot("dependabot"), "NONE", days_ago(9));
    r.item(Kind::Issue, None, "NONE", days_ago(8)).labels = vec!["bug".into()];
    r.item(Kind::PullRequest, user("carol"), "CONTRIBUTOR", days_ago(7)).ready_at = Some(days_ago(6));
    r.item(Kind::PullRequest, user("erin"), "FIRST_TIME_CONTRIBUTOR", days_ago(5));
    r.review_comment(5, user("maint"), "MEMBER", days_ago(5) + Duration::hours(2));
    r.review_comment(5, user("maint"), "MEMBER", days_ago(5) + Duration::hours(20));
    r.review(5, user("maint"), "MEMBER", "APPROVED", Some(days_ago(5) + Duration::hours(20)));
    r.item(Kind::Issue, user("alice"), "FIRST_TIMER", days_ago(4)).closed_at = Some(days_ago(3));
    r.item(Kind::PullRequest, user("hal"), "FIRST_TIME_CONTRIBUTOR", days_ago(3)).draft = true;
    World::default().with(r)
}

/// An HTTP answer: its status, headers (names in lower case) and JSON body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request to the fake, as plain as a client can make it.
fn request(fake: &FakeGithub, method: &str, path: &str, token: Option<&str>, body: &str) -> Reply {
    send(fake, method, path, token, "", body)
}

/// A GET with the token that sends `If-None-Match`, as a client with this answer cached.
fn get_if_none_match(fake: &FakeGithub, path: &str, etag: &str) -> Reply {
    send(fake, "GET", path, Some(TOKEN), &format!("If-None-Match: {etag}\r\n"), "")
}

/// A request with extra header lines (each ending in CRLF).
fn send(fake: &FakeGithub, method: &str, path: &str, token: Option<&str>, extra: &str, body: &str) -> Reply {
    let address = fake.url().trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{auth}{extra}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply { status, headers, body: serde_json::from_str(body).unwrap_or(Value::Null) }
}

fn post(fake: &FakeGithub, query: &str, variables: Value) -> Reply {
    let body = json!({"query": query, "variables": variables}).to_string();
    request(fake, "POST", routes::GRAPHQL, Some(TOKEN), &body)
}

/// The `data` of a query GitHub answers without any error.
fn data(fake: &FakeGithub, query: &str, variables: Value) -> Value {
    let reply = post(fake, query, variables);
    assert_eq!(reply.status, 200);
    assert!(reply.body.get("errors").is_none(), "{:#}", reply.body);
    assert!(fake.graphql_rejections().is_empty(), "{:?}", fake.graphql_rejections());
    reply.body["data"].clone()
}

fn numbers(nodes: &Value) -> Vec<u64> {
    nodes.as_array().unwrap().iter().map(|n| n["number"].as_u64().unwrap()).collect()
}

const ISSUES_PAGE: &str = "query($after: String) { repository(owner: \"acme\", name: \"widgets\") {
    issues(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
      nodes { number } } } }";

#[test]
fn issues_are_paged_with_cursors_and_leave_pull_requests_out() {
    let fake = FakeGithub::start(world());
    let first = data(&fake, ISSUES_PAGE, json!({}));
    let page = &first["repository"]["issues"];
    assert_eq!(page["totalCount"], 3, "{page}");
    assert_eq!(numbers(&page["nodes"]), [1, 3]);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], false);

    let second = data(&fake, ISSUES_PAGE, json!({"after": page["pageInfo"]["endCursor"]}));
    let page = &second["repository"]["issues"];
    assert_eq!(numbers(&page["nodes"]), [6]);
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(page["pageInfo"]["startCursor"], page["pageInfo"]["endCursor"]);
}

#[test]
fn pull_requests_are_listed_apart_and_ordered_as_asked() {
    let fake = FakeGithub::start(world());
    let query = "{ repository(owner: \"ACME\", name: \"Widgets\") {
        asc: pullRequests(first: 10) { nodes { number } }
        desc: pullRequests(first: 10, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { number } }
        open: issues(first: 10, states: [OPEN], orderBy: {field: CREATED_AT, direction: DESC}) { nodes { number } }
        bugs: issues(first: 10, labels: [\"BUG\", \"wontfix\"]) { nodes { number } } } }";
    let repo = &data(&fake, query, json!({}))["repository"];
    assert_eq!(numbers(&repo["asc"]["nodes"]), [2, 4, 5, 7]);
    assert_eq!(numbers(&repo["desc"]["nodes"]), [7, 5, 4, 2]);
    assert_eq!(numbers(&repo["open"]["nodes"]), [3, 1]);
    assert_eq!(numbers(&repo["bugs"]["nodes"]), [3]);
}

#[test]
fn a_bots_login_has_no_bot_suffix_and_a_deleted_author_is_null() {
    let fake = FakeGithub::start(world());
    let query = "{ repository(owner: \"acme\", name: \"widgets\") {
        pr: pullRequest(number: 2) { author { __typename login } }
        deleted: issue(number: 3) { author { login } authorAssociation }
        first: issue(number: 1) { author { __typename ... on User { login } }
          comments(first: 5) { totalCount nodes { author { __typename login } authorAssociation createdAt body } } } } }";
    let repo = &data(&fake, query, json!({}))["repository"];
    assert_eq!(repo["pr"]["author"], json!({"__typename": "Bot", "login": "dependabot"}));
    assert_eq!(repo["deleted"], json!({"author": null, "authorAssociation": "NONE"}));
    assert_eq!(repo["first"]["author"], json!({"__typename": "User", "login": "alice"}));
    let comments = &repo["first"]["comments"];
    assert_eq!(comments["totalCount"], 2);
    assert_eq!(comments["nodes"][0]["author"], json!({"__typename": "Bot", "login": "greeter"}));
    assert_eq!(comments["nodes"][1]["authorAssociation"], "MEMBER");
    assert_eq!(comments["nodes"][1]["createdAt"], "2026-11-10T18:00:00Z");
    assert_eq!(comments["nodes"][1]["body"], "Thanks!");
}

#[test]
fn a_lone_diff_comment_is_a_commented_review_and_one_inside_a_review_is_not() {
    let fake = FakeGithub::start(world());
    let query = "{ repository(owner: \"acme\", name: \"widgets\") { pullRequest(number: 5) {
        reviews(first: 10) { totalCount nodes { author { login } state submittedAt } }
        approvals: reviews(first: 10, states: [APPROVED]) { totalCount } } } }";
    let pull = &data(&fake, query, json!({}))["repository"]["pullRequest"];
    assert_eq!(
        pull["reviews"]["nodes"],
        json!([
            {"author": {"login": "maint"}, "state": "COMMENTED", "submittedAt": "2026-11-15T14:00:00Z"},
            {"author": {"login": "maint"}, "state": "APPROVED", "submittedAt": "2026-11-16T08:00:00Z"},
        ])
    );
    assert_eq!(pull["approvals"]["totalCount"], 1);
}

#[test]
fn a_draft_marked_ready_has_its_ready_for_review_event() {
    let fake = FakeGithub::start(world());
    let query = "fragment Pull on PullRequest { isDraft
        timelineItems(first: 10, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT]) {
          nodes { __typename ... on ReadyForReviewEvent { createdAt actor { login } } } } }
      { repository(owner: \"acme\", name: \"widgets\") {
          ready: pullRequest(number: 4) { ...Pull } draft: pullRequest(number: 7) { ...Pull } } }";
    let repo = &data(&fake, query, json!({}))["repository"];
    assert_eq!(repo["ready"]["isDraft"], false);
    assert_eq!(
        repo["ready"]["timelineItems"]["nodes"],
        json!([{"__typename": "ReadyForReviewEvent", "createdAt": "2026-11-14T12:00:00Z", "actor": {"login": "carol"}}])
    );
    assert_eq!(repo["draft"], json!({"isDraft": true, "timelineItems": {"nodes": []}}));
}

#[test]
fn graphql_and_rest_agree_on_every_items_times_and_state() {
    let fake = FakeGithub::start(world());
    let rest = request(&fake, "GET", "/repos/acme/widgets/issues?state=all&per_page=100", Some(TOKEN), "").body;
    let query = "{ repository(owner: \"acme\", name: \"widgets\") {
        issues(first: 100) { nodes { number state createdAt updatedAt closedAt } }
        pullRequests(first: 100) { nodes { number state createdAt updatedAt closedAt } } } }";
    let repo = data(&fake, query, json!({}))["repository"].clone();
    let graphql: Vec<&Value> =
        ["issues", "pullRequests"].iter().flat_map(|c| repo[c]["nodes"].as_array().unwrap()).collect();
    assert_eq!(graphql.len(), 7);
    for item in graphql {
        let twin = rest.as_array().unwrap().iter().find(|r| r["number"] == item["number"]).unwrap();
        assert_eq!(item["createdAt"], twin["created_at"], "#{}", item["number"]);
        assert_eq!(item["updatedAt"], twin["updated_at"], "#{}", item["number"]);
        assert_eq!(item["closedAt"], twin["closed_at"], "#{}", item["number"]);
        assert_eq!(item["state"].as_str().unwrap().to_lowercase(), twin["state"], "#{}", item["number"]);
    }
}

#[test]
fn search_counts_items_by_author_and_creation_time() {
    let fake = FakeGithub::start(world());
    let query = "query($q: String!) { all: search(type: ISSUE, query: \"repo:acme/widgets\") { issueCount }
        alice: search(type: ISSUE, first: 1, query: $q) { issueCount }
        bot: search(type: ISSUE, query: \"repo:acme/widgets author:app/dependabot is:pr\") { issueCount }
        day: search(type: ISSUE, query: \"repo:acme/widgets created:<2026-11-12\") { issueCount } }";
    let q = format!("repo:acme/widgets author:ALICE created:<{}", support::NOW);
    let found = data(&fake, query, json!({"q": q}));
    assert_eq!(found["all"]["issueCount"], 7);
    assert_eq!(found["alice"]["issueCount"], 2);
    assert_eq!(found["bot"]["issueCount"], 1);
    assert_eq!(found["day"]["issueCount"], 2, "#1 and #2, opened on the 10th and 11th at noon");
}

#[test]
fn a_missing_repository_is_null_with_an_error_and_the_rest_still_answers() {
    let fake = FakeGithub::start(world());
    let query = "{ a: repository(owner: \"acme\", name: \"widgets\") { nameWithOwner }
        b: repository(owner: \"acme\", name: \"gone\") { nameWithOwner } }";
    let reply = post(&fake, query, json!({}));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["data"], json!({"a": {"nameWithOwner": "acme/widgets"}, "b": null}));
    let error = &reply.body["errors"][0];
    assert_eq!(error["type"], "NOT_FOUND");
    assert_eq!(error["path"], json!(["b"]));
    assert_eq!(error["locations"][0]["line"], 2, "{error}");
    assert_eq!(error["message"], "Could not resolve to a Repository with the name 'acme/gone'.");
    assert!(fake.graphql_rejections().is_empty(), "data, not a refusal: {:?}", fake.graphql_rejections());
}

#[test]
fn a_query_invalid_against_githubs_schema_is_refused_and_recorded() {
    let fake = FakeGithub::start(world());
    let reply = post(&fake, "{ repository(owner: \"acme\", name: \"widgets\") { name stars } }", json!({}));
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body,
        json!({"errors": [{"message": "type `Repository` does not have a field `stars`", "locations": [{"line": 1, "column": 53}]}]})
    );
    assert_eq!(fake.graphql_rejections(), ["type `Repository` does not have a field `stars`"]);
}

#[test]
fn a_field_the_fake_does_not_implement_fails_loudly() {
    let fake = FakeGithub::start(world());
    let reply = post(&fake, "{ repository(owner: \"acme\", name: \"widgets\") { forkCount } }", json!({}));
    let error = &reply.body["errors"][0];
    assert_eq!(error["type"], "FAKE_UNSUPPORTED");
    assert!(error["message"].as_str().unwrap().contains("`Repository.forkCount`"), "{error}");
    assert_eq!(fake.graphql_rejections().len(), 1);
}

#[test]
fn connections_need_first_and_at_most_a_hundred() {
    let fake = FakeGithub::start(world());
    let query = "{ repository(owner: \"acme\", name: \"widgets\") { issues { nodes { number } } } }";
    let reply = post(&fake, query, json!({}));
    assert_eq!(reply.body["data"], json!({"repository": null}));
    let error = &reply.body["errors"][0];
    assert_eq!(error["type"], "MISSING_PAGINATION_BOUNDARIES");
    assert_eq!(error["path"], json!(["repository", "issues"]));
    assert_eq!(
        error["message"],
        "You must provide a `first` or `last` value to properly paginate the `issues` connection."
    );

    let query = "{ repository(owner: \"acme\", name: \"widgets\") { labels(first: 101) { nodes { name } } } }";
    let error = &post(&fake, query, json!({})).body["errors"][0];
    assert_eq!(error["type"], "EXCESSIVE_PAGINATION");
    assert_eq!(
        error["message"],
        "Requesting 101 records on the `labels` connection exceeds the `first` limit of 100 records."
    );
    assert_eq!(fake.graphql_rejections().len(), 2);

    let counted = "{ repository(owner: \"acme\", name: \"widgets\") { issues { totalCount } } }";
    let reply = post(&fake, counted, json!({}));
    assert_eq!(reply.body, json!({"data": {"repository": {"issues": {"totalCount": 3}}}}), "a count needs no page");
    assert_eq!(fake.graphql_rejections().len(), 2);
}

#[test]
fn a_blob_listed_by_the_rest_tree_reads_by_its_oid() {
    let fake = FakeGithub::start(world());
    let tree = request(&fake, "GET", "/repos/acme/widgets/git/trees/main?recursive=1", Some(TOKEN), "").body;
    let oid = |path: &str| tree["tree"].as_array().unwrap().iter().find(|e| e["path"] == path).unwrap()["sha"].clone();
    let query = "query($readme: GitObjectID!, $logo: GitObjectID!) { repository(owner: \"acme\", name: \"widgets\") {
        readme: object(oid: $readme) { __typename ... on Blob { text isBinary byteSize isTruncated } }
        logo: object(oid: $logo) { ... on Blob { text isBinary } }
        byPath: object(expression: \"main:README.md\") { oid }
        defaultBranchRef { name target { oid } }
        unknown: object(oid: \"0000000000000000000000000000000000000000\") { oid } } }";
    let repo = &data(&fake, query, json!({"readme": oid("README.md"), "logo": oid("docs/logo.png")}))["repository"];
    let text = "# Widgets\n\nSmall widgets for dashboards.\n";
    assert_eq!(
        repo["readme"],
        json!({"__typename": "Blob", "text": text, "isBinary": false, "byteSize": text.len(), "isTruncated": false})
    );
    assert_eq!(repo["logo"], json!({"text": null, "isBinary": true}));
    assert_eq!(repo["byPath"]["oid"], oid("README.md"));
    assert_eq!(repo["unknown"], Value::Null);
    let head = repo["defaultBranchRef"]["target"]["oid"].as_str().unwrap();
    let at_head = request(&fake, "GET", &format!("/repos/acme/widgets/git/trees/{head}?recursive=1"), Some(TOKEN), "");
    assert_eq!(at_head.body, tree, "the default branch's tree, by its last commit");
}

#[test]
fn the_clients_representative_query_validates_and_runs() {
    let fake = FakeGithub::start(world());
    let query = r#"query Activity($owner: String!, $name: String!, $after: String, $readme: GitObjectID!) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: 100, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number title url isDraft createdAt updatedAt closedAt authorAssociation
        author { __typename login }
        labels(first: 20) { nodes { name } }
        assignees(first: 10) { nodes { login } }
        comments(first: 10) { totalCount pageInfo { hasNextPage endCursor } nodes { author { __typename login } authorAssociation createdAt } }
        reviews(first: 10, states: [APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED]) { pageInfo { hasNextPage endCursor } nodes { author { __typename login } authorAssociation submittedAt } }
        timelineItems(first: 10, itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT]) { nodes { __typename ... on ReadyForReviewEvent { createdAt } ... on ConvertToDraftEvent { createdAt } } }
      }
    }
    b0: object(oid: $readme) { ... on Blob { text isBinary byteSize isTruncated } }
  }
  h0: search(type: ISSUE, first: 1, query: "repo:acme/widgets author:alice created:<2026-08-25T00:00:00Z") { issueCount }
  rateLimit { cost remaining resetAt }
}"#;
    let tree = request(&fake, "GET", "/repos/acme/widgets/git/trees/main?recursive=1", Some(TOKEN), "").body;
    let readme = &tree["tree"][0]["sha"];
    assert_eq!(tree["tree"][0]["path"], "README.md");
    let variables = json!({"owner": "acme", "name": "widgets", "after": null, "readme": readme});
    let got = data(&fake, query, variables.clone());
    let pulls = &got["repository"]["pullRequests"];
    assert_eq!(numbers(&pulls["nodes"]), [7, 5, 4, 2]);
    assert_eq!(pulls["nodes"][3]["url"], "https://github.com/acme/widgets/pull/2");
    assert_eq!(pulls["pageInfo"]["hasNextPage"], false);
    assert_eq!(got["repository"]["b0"]["text"], "# Widgets\n\nSmall widgets for dashboards.\n");
    assert_eq!(got["h0"]["issueCount"], 0);
    // Requests: pullRequests 1; its labels, assignees, comments, reviews and timelineItems 100
    // each (one per pull request); search 1. 502 in all: 5 points.
    assert_eq!(got["rateLimit"]["cost"], 5);
    assert_eq!(got["rateLimit"]["remaining"], 4995);
    assert_eq!(fake.graphql_queries(), [(query.to_string(), variables)]);
}

#[test]
fn graphql_has_its_own_rate_limit() {
    let fake = FakeGithub::start(world());
    request(&fake, "GET", "/repos/acme/widgets", Some(TOKEN), "");
    let reply = post(&fake, "{ rateLimit { limit used remaining nodeCount } }", json!({}));
    assert_eq!(reply.body["data"]["rateLimit"], json!({"limit": 5000, "used": 1, "remaining": 4999, "nodeCount": 0}));
    assert_eq!(reply.header("x-ratelimit-resource"), Some("graphql"));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("4999"));
    assert_eq!(reply.header("etag"), None, "a POST is never conditional");
    let limits = request(&fake, "GET", "/rate_limit", Some(TOKEN), "").body;
    assert_eq!(limits["resources"]["graphql"]["used"], 1);
    assert_eq!(limits["resources"]["core"]["used"], 1);
    assert_eq!(fake.counted(), 2);
}

#[test]
fn nodes_requested_are_counted_as_github_counts_them() {
    let fake = FakeGithub::start(world());
    let query = "{ repository(owner: \"acme\", name: \"widgets\") { issues(first: 10) { nodes {
        labels(first: 5) { totalCount } comments(first: 20) { totalCount } } } } rateLimit { nodeCount } }";
    assert_eq!(data(&fake, query, json!({}))["rateLimit"]["nodeCount"], 10 + 10 * 5 + 10 * 20);
}

/// GitHub's example of "Calculating a rate limit score before running the call"
/// (docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api).
const GITHUBS_EXAMPLE: &str = "query { viewer { login
    repositories(first: 100) { edges { node { id
      issues(first: 50) { edges { node { id
        labels(first: 60) { edges { node { id name } } } } } } } } } } }";

#[test]
fn githubs_documented_example_costs_51_points() {
    let fake = FakeGithub::start(world());
    let reply = post(&fake, GITHUBS_EXAMPLE, json!({}));
    // repositories: 1 request; issues: one per repository, 100; labels: one per issue of each
    // repository, 100 × 50 = 5,000. 5,101 requests, divided by 100: 51 points, charged before the
    // call runs (the fake has no `viewer`, which fails).
    assert_eq!(reply.body["errors"][0]["type"], "FAKE_UNSUPPORTED", "{}", reply.body);
    assert_eq!(reply.header("x-ratelimit-used"), Some("51"));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("4949"));
    assert_eq!(fake.graphql_points(), 51);
    assert_eq!(fake.counted(), 1, "one request, whatever its cost");
}

#[test]
fn connections_under_connections_cost_a_request_per_parent_node() {
    let fake = FakeGithub::start(world());
    fake.spend_graphql(10);
    let query = "query($n: Int!) { repository(owner: \"acme\", name: \"widgets\") {
        issues(first: $n) { nodes { number labels(first: 10) { nodes { name } } comments(first: 10) { totalCount } } }
        pullRequests(first: 100) { nodes { ...Reviewed } }
        labels { totalCount } }
      search(type: ISSUE, first: 50, query: \"repo:acme/widgets\") {
        issueCount nodes { ... on Issue { comments(first: 5) { totalCount } } } }
      rateLimit { cost used remaining nodeCount } }
      fragment Reviewed on PullRequest { reviews(first: 50) { totalCount }
        timelineItems(first: 10, itemTypes: [READY_FOR_REVIEW_EVENT]) { totalCount } }";
    let reply = post(&fake, query, json!({"n": 100}));
    assert!(reply.body.get("errors").is_none(), "{:#}", reply.body);
    // Requests:
    //   issues 1, its labels 100 and comments 100                        201
    //   pullRequests 1, the fragment's reviews 100 and timelineItems 100 201
    //   labels (for its count only) 1, search 1, its comments 50          52
    // 454 requests: 4.54, rounded to 5 points.
    // Nodes: issues 100 + labels 100 × 10 + comments 100 × 10 + pullRequests 100 + reviews
    // 100 × 50 + timelineItems 100 × 10 + search 50 + comments 50 × 5 = 8,500.
    let rate = &reply.body["data"]["rateLimit"];
    assert_eq!(*rate, json!({"cost": 5, "used": 15, "remaining": 4985, "nodeCount": 8_500}));
    // The headers, `/rate_limit` and the fake's count agree with `rateLimit`.
    assert_eq!(reply.header("x-ratelimit-used"), Some("15"));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("4985"));
    let limits = request(&fake, "GET", "/rate_limit", Some(TOKEN), "").body;
    assert_eq!(limits["resources"]["graphql"]["used"], 15);
    assert_eq!(limits["resources"]["graphql"]["remaining"], 4985);
    assert_eq!(limits["resources"]["core"]["used"], 0);
    assert_eq!(fake.graphql_points(), 5, "the client's own, not the 10 spent elsewhere");
    assert_eq!(fake.counted(), 1);
}

#[test]
fn a_connection_left_out_by_include_or_skip_costs_nothing() {
    let fake = FakeGithub::start(world());
    let query = "query($recent: Boolean!) { repository(owner: \"acme\", name: \"widgets\") {
        issues(first: 100) { nodes { number comments(first: 100) { totalCount }
          recent: comments(first: 100, orderBy: {field: UPDATED_AT, direction: DESC}) @include(if: $recent) {
            totalCount }
          ... on Issue @skip(if: true) { labels(first: 100) { totalCount } } } } }
      rateLimit { cost } }";
    // issues 1, comments 100, and the aliased comments, a connection of their own, 100 more:
    // 201 requests, 2 points.
    assert_eq!(data(&fake, query, json!({"recent": true}))["rateLimit"]["cost"], 2);
    // Without the alias: 101 requests, 1 point. The skipped labels never count.
    assert_eq!(data(&fake, query, json!({"recent": false}))["rateLimit"]["cost"], 1);
    assert_eq!(fake.graphql_points(), 3);
}

#[test]
fn a_query_costs_at_least_one_point_and_a_refused_one_one() {
    let fake = FakeGithub::start(world());
    // No connection at all: 0 requests.
    let query = "{ repository(owner: \"acme\", name: \"widgets\") { name } rateLimit { cost used } }";
    assert_eq!(data(&fake, query, json!({}))["rateLimit"], json!({"cost": 1, "used": 1}));
    // issues 1 and their labels 10: 11 requests, 0.11 points.
    let query = "{ repository(owner: \"acme\", name: \"widgets\") {
        issues(first: 10) { nodes { labels(first: 100) { totalCount } } } } rateLimit { cost used } }";
    assert_eq!(data(&fake, query, json!({}))["rateLimit"], json!({"cost": 1, "used": 2}));
    // Invalid against the schema: refused before it runs, and charged 1.
    let reply = post(&fake, "{ repository(owner: \"acme\", name: \"widgets\") { stars } }", json!({}));
    assert_eq!(reply.header("x-ratelimit-used"), Some("3"));
    assert_eq!(fake.graphql_points(), 3);
}

#[test]
fn graphql_without_a_token_is_unauthorized() {
    let fake = FakeGithub::start(world());
    let body = json!({"query": "{ rateLimit { limit } }"}).to_string();
    let reply = request(&fake, "POST", routes::GRAPHQL, None, &body);
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body["message"], "This endpoint requires you to be authenticated.");
    assert_eq!(fake.counted(), 0);
}

#[test]
fn a_rate_limited_query_is_answered_in_a_graphql_error() {
    let fake = FakeGithub::start(world());
    fake.inject(routes::GRAPHQL, Fault::RateLimited { status: 200 }, Some(1));
    let reply = post(&fake, "{ rateLimit { limit } }", json!({}));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(
        reply.body,
        json!({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]})
    );
    assert_eq!(post(&fake, "{ rateLimit { limit } }", json!({})).body["data"]["rateLimit"]["limit"], 5000);
}

#[test]
fn a_large_blobs_text_stops_at_512_kib_and_never_inside_a_character() {
    let big = "aé".repeat(200_000);
    let fake = FakeGithub::start(World::default().with(Repo::new("acme/big").file("big.txt", &big)));
    let query = "{ repository(owner: \"acme\", name: \"big\") {
        object(expression: \"HEAD:big.txt\") { ... on Blob { byteSize isTruncated text } } } }";
    let blob = &data(&fake, query, json!({}))["repository"]["object"];
    assert_eq!(blob["byteSize"], 600_000);
    assert_eq!(blob["isTruncated"], true);
    // 512 KiB is 174,762 "aé" and an "a", then the first byte of an "é".
    let text = blob["text"].as_str().unwrap();
    assert!(text.len() == 174_762 * 3 + 1 && big.starts_with(text), "{} bytes", text.len());
}

#[test]
fn faults_injected_on_graphql_are_served_as_on_any_route() {
    let fake = FakeGithub::start(world());
    fake.inject(routes::GRAPHQL, Fault::Status(502, "Server Error"), Some(1));
    fake.inject(routes::GRAPHQL, Fault::TruncatedJson, Some(1));
    assert_eq!(post(&fake, "{ rateLimit { limit } }", json!({})).status, 502);
    let cut = post(&fake, "{ rateLimit { limit } }", json!({}));
    assert_eq!((cut.status, cut.body), (200, Value::Null), "not JSON any more");
    assert_eq!(fake.counts()[routes::GRAPHQL], 2);
}

const ISSUE_ONE: &str = "{ repository(owner: \"acme\", name: \"widgets\") {
    issue(number: 1) { updatedAt comments(first: 10) { totalCount } }
    issues(first: 10) { nodes { number labels(first: 5) { nodes { name } } } } } }";

#[test]
fn the_world_changes_while_the_fake_runs_and_etags_follow_the_answers() {
    let fake = FakeGithub::start(world());
    let issues = "/repos/acme/widgets/issues?state=all&per_page=100";
    let before = request(&fake, "GET", issues, Some(TOKEN), "");
    let labels = request(&fake, "GET", "/repos/acme/widgets/labels", Some(TOKEN), "");
    let etag = before.header("etag").unwrap().to_string();
    assert_eq!(get_if_none_match(&fake, issues, &etag).status, 304, "unchanged yet");
    let repo = &data(&fake, ISSUE_ONE, json!({}))["repository"];
    assert_eq!(repo["issue"], json!({"updatedAt": "2026-11-10T18:00:00Z", "comments": {"totalCount": 2}}));

    fake.update(|world| {
        let r = world.repo_mut("ACME/widgets");
        r.comment(1, user("alice"), "FIRST_TIMER", days_ago(1));
        r.item(Kind::Issue, user("dave"), "NONE", days_ago(1));
        r.issues[2].labels.push("good first issue".into());
    });

    let after = get_if_none_match(&fake, issues, &etag);
    assert_eq!(after.status, 200, "changed, so no 304");
    assert_ne!(after.header("etag"), Some(etag.as_str()));
    let listed = after.body.as_array().unwrap();
    assert_eq!(listed[0]["number"], 8, "the new issue, newest first");
    let one = listed.iter().find(|i| i["number"] == 1).unwrap();
    assert_eq!((&one["comments"], &one["updated_at"]), (&json!(3), &json!("2026-11-19T12:00:00Z")));
    let three = listed.iter().find(|i| i["number"] == 3).unwrap();
    let names: Vec<&str> = three["labels"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["bug", "good first issue"]);
    let labels_etag = labels.header("etag").unwrap();
    assert_eq!(get_if_none_match(&fake, "/repos/acme/widgets/labels", labels_etag).status, 304, "labels unchanged");

    let repo = &data(&fake, ISSUE_ONE, json!({}))["repository"];
    assert_eq!(repo["issue"], json!({"updatedAt": "2026-11-19T12:00:00Z", "comments": {"totalCount": 3}}));
    assert_eq!(numbers(&repo["issues"]["nodes"]), [1, 3, 6, 8]);
    assert_eq!(repo["issues"]["nodes"][1]["labels"]["nodes"], json!([{"name": "bug"}, {"name": "good first issue"}]));
}

#[test]
fn a_submitted_review_and_marking_ready_move_updated_at_in_rest_and_graphql() {
    let mut r = Repo::new("acme/widgets");
    r.item(Kind::PullRequest, user("erin"), "CONTRIBUTOR", days_ago(5)).ready_at = Some(days_ago(4));
    r.item(Kind::PullRequest, user("finn"), "CONTRIBUTOR", days_ago(5));
    r.review(2, user("maint"), "MEMBER", "APPROVED", Some(days_ago(2)));
    r.review(2, user("gus"), "NONE", "PENDING", None);
    r.item(Kind::PullRequest, user("gus"), "CONTRIBUTOR", days_ago(5)).closed_at = Some(days_ago(3));
    r.review(3, user("maint"), "MEMBER", "CHANGES_REQUESTED", Some(days_ago(1)));
    let fake = FakeGithub::start(World::default().with(r));
    let expected = [(1, "2026-11-16T12:00:00Z"), (2, "2026-11-18T12:00:00Z"), (3, "2026-11-19T12:00:00Z")];

    let rest =
        request(&fake, "GET", "/repos/acme/widgets/issues?state=all&sort=created&direction=asc", Some(TOKEN), "");
    let rest: Vec<(u64, &str)> = rest
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["number"].as_u64().unwrap(), i["updated_at"].as_str().unwrap()))
        .collect();
    assert_eq!(rest, expected);
    let query =
        "{ repository(owner: \"acme\", name: \"widgets\") { pullRequests(first: 10) { nodes { number updatedAt } } } }";
    let pulls = &data(&fake, query, json!({}))["repository"]["pullRequests"]["nodes"];
    let graphql: Vec<(u64, &str)> = pulls
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["number"].as_u64().unwrap(), p["updatedAt"].as_str().unwrap()))
        .collect();
    assert_eq!(graphql, expected);
}

#[test]
fn a_token_without_the_issues_permission_is_refused_issues_but_reads_labels_and_pulls() {
    let mut world = world();
    world.repo_mut("acme/widgets").forbidden = vec!["issues"];
    let fake = FakeGithub::start(world);
    for path in
        ["/repos/acme/widgets/issues", "/repos/acme/widgets/issues/comments", "/repos/acme/widgets/issues/1/comments"]
    {
        let reply = request(&fake, "GET", path, Some(TOKEN), "");
        assert_eq!(reply.status, 403, "{path}");
        assert_eq!(reply.body["message"], "Resource not accessible by personal access token", "{path}");
        assert!(reply.body["documentation_url"].is_string());
        assert_eq!(reply.header("x-ratelimit-resource"), Some("core"));
        assert!(reply.header("x-ratelimit-remaining").unwrap().parse::<u64>().unwrap() > 0);
    }
    assert_eq!(request(&fake, "GET", "/repos/acme/widgets/labels", Some(TOKEN), "").status, 200);
    assert_eq!(request(&fake, "GET", "/repos/acme/widgets/pulls/comments", Some(TOKEN), "").status, 200);
    assert_eq!(request(&fake, "GET", "/repos/acme/widgets/pulls/5/reviews", Some(TOKEN), "").status, 200);

    // `issues` is non-null in GitHub's schema: its null takes the repository with it.
    let query = "{ repository(owner: \"acme\", name: \"widgets\") { name issues(first: 5) { totalCount } } }";
    let reply = post(&fake, query, json!({}));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["data"], json!({"repository": null}));
    assert_eq!(
        reply.body["errors"],
        json!([{"type": "FORBIDDEN", "path": ["repository", "issues"], "locations": [{"line": 1, "column": 53}],
            "message": "Resource not accessible by personal access token"}])
    );
    // `issueOrPullRequest` is nullable: only it is null.
    let query = "{ repository(owner: \"acme\", name: \"widgets\") { name issueOrPullRequest(number: 1) { __typename }
        pullRequests(first: 10) { totalCount } } }";
    let reply = post(&fake, query, json!({}));
    assert_eq!(
        reply.body["data"],
        json!({"repository": {"name": "widgets", "issueOrPullRequest": null, "pullRequests": {"totalCount": 4}}})
    );
    assert_eq!(reply.body["errors"][0]["path"], json!(["repository", "issueOrPullRequest"]));
    assert_eq!(reply.body["errors"][0]["type"], "FORBIDDEN");
    assert!(fake.graphql_rejections().is_empty(), "an answer, not a refusal: {:?}", fake.graphql_rejections());
}

#[test]
fn a_token_without_the_pull_requests_permission_is_refused_pulls_only() {
    let mut world = world();
    world.repo_mut("acme/widgets").forbidden = vec!["pulls"];
    let fake = FakeGithub::start(world);
    for path in ["/repos/acme/widgets/pulls/comments", "/repos/acme/widgets/pulls/5/reviews"] {
        let reply = request(&fake, "GET", path, Some(TOKEN), "");
        assert_eq!(
            (reply.status, &reply.body["message"]),
            (403, &json!("Resource not accessible by personal access token")),
            "{path}"
        );
    }
    assert_eq!(request(&fake, "GET", "/repos/acme/widgets/issues", Some(TOKEN), "").status, 200);

    let query = "{ repository(owner: \"acme\", name: \"widgets\") { pullRequests(first: 5) { totalCount } } }";
    let reply = post(&fake, query, json!({}));
    assert_eq!(reply.body["data"], json!({"repository": null}));
    assert_eq!(reply.body["errors"][0]["type"], "FORBIDDEN");
    assert_eq!(reply.body["errors"][0]["path"], json!(["repository", "pullRequests"]));
    let query = "{ repository(owner: \"acme\", name: \"widgets\") { issues(first: 5) { totalCount }
        pull: issueOrPullRequest(number: 5) { __typename } issue: issueOrPullRequest(number: 1) { __typename } } }";
    let reply = post(&fake, query, json!({}));
    assert_eq!(
        reply.body["data"],
        json!({"repository": {"issues": {"totalCount": 3}, "pull": null, "issue": {"__typename": "Issue"}}})
    );
    assert_eq!(reply.body["errors"].as_array().unwrap().len(), 1);
    assert_eq!(reply.body["errors"][0]["path"], json!(["repository", "pull"]));
}

/// Seconds since the epoch, `d` from now, rounded up.
fn epoch_after(d: std::time::Duration) -> i64 {
    let at = std::time::SystemTime::now() + d;
    let since = at.duration_since(std::time::UNIX_EPOCH).unwrap();
    since.as_secs() as i64 + i64::from(since.subsec_nanos() > 0)
}

#[test]
fn the_rate_limits_reset_when_told_and_their_budgets_refill() {
    let fake = FakeGithub::start(world());
    let limits = request(&fake, "GET", "/rate_limit", Some(TOKEN), "").body;
    let in_half_an_hour = epoch_after(std::time::Duration::from_secs(1800));
    assert!((in_half_an_hour - 1..=in_half_an_hour).contains(&limits["rate"]["reset"].as_i64().unwrap()), "{limits}");

    fake.spend(10);
    fake.spend_graphql(7);
    let soon = std::time::Duration::from_millis(400);
    let earliest = epoch_after(soon);
    fake.reset_after(soon);
    let latest = epoch_after(soon);
    let rest = request(&fake, "GET", "/repos/acme/widgets", Some(TOKEN), "");
    let reset: i64 = rest.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!((earliest..=latest).contains(&reset), "{reset} not in {earliest}..={latest}");
    assert_eq!(rest.header("x-ratelimit-remaining"), Some("4989"));
    let reply = post(&fake, "{ rateLimit { used remaining resetAt } }", json!({}));
    assert_eq!(reply.header("x-ratelimit-reset"), Some(reset.to_string().as_str()));
    let reset_at = chrono::DateTime::from_timestamp(reset, 0).unwrap().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert_eq!(reply.body["data"]["rateLimit"], json!({"used": 8, "remaining": 4992, "resetAt": reset_at}));
    let limits = request(&fake, "GET", "/rate_limit", Some(TOKEN), "").body;
    assert_eq!(
        (&limits["resources"]["core"]["used"], &limits["resources"]["graphql"]["used"]),
        (&json!(11), &json!(8))
    );
    assert_eq!(limits["resources"]["core"]["reset"], reset);

    std::thread::sleep(soon + std::time::Duration::from_millis(100));
    let limits = request(&fake, "GET", "/rate_limit", Some(TOKEN), "").body;
    assert_eq!((&limits["resources"]["core"]["used"], &limits["resources"]["graphql"]["used"]), (&json!(0), &json!(0)));
    let next = limits["resources"]["core"]["reset"].as_i64().unwrap();
    assert!((reset + 3599..=reset + 3600).contains(&next), "an hour later: {next} after {reset}");
    let rest = request(&fake, "GET", "/repos/acme/widgets", Some(TOKEN), "");
    assert_eq!(rest.header("x-ratelimit-remaining"), Some("4999"));
    let reply = post(&fake, "{ rateLimit { remaining } }", json!({}));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("4999"));
    fake.spend(100);
    let rest = request(&fake, "GET", "/repos/acme/widgets", Some(TOKEN), "");
    assert_eq!(rest.header("x-ratelimit-remaining"), Some("4898"), "spending counts in the new window");
    assert_eq!(fake.counted(), 5, "every request counted, across windows");
}
