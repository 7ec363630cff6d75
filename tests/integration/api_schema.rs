//! Keeps the fake GitHub honest: every JSON answer it serves in the API tests' scenarios must
//! match the schema GitHub publishes for that route and status (`@octokit/openapi`, extracted
//! to tests/data/openapi/routes.json by tests/data/openapi/extract.py). GraphQL queries are held
//! to GitHub's GraphQL schema as the fake answers them (tests/data/graphql/schema.graphql).

use crate::support;

use std::collections::BTreeSet;

use serde_json::{Value, json};
use support::fake_github::{FakeGithub, Fault, Repo, routes};
use support::{cm_audit, community};

fn schemas() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/openapi/routes.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_answer_matches_githubs_published_schema() {
    let mut world = community();
    let mut empty = Repo::new("acme/empty");
    empty.empty = true;
    world = world.with(empty);
    let fake = FakeGithub::start(world);
    for through in [["--rest-only"], ["--no-cache"]] {
        cm_audit(&fake).arg("acme/widgets").args(through).assert().success();
        cm_audit(&fake).arg("acme/empty").args(through).assert().code(4);
        cm_audit(&fake).arg("acme/absent").args(through).assert().code(4);
    }
    // A server without git's endpoints: the contents API instead.
    fake.inject(routes::TREE, Fault::Status(404, "Not Found"), None);
    fake.inject(routes::BLOB, Fault::Status(404, "Not Found"), None);
    cm_audit(&fake).args(["acme/widgets", "--rest-only"]).assert().success();
    assert!(fake.counts().contains_key(routes::GRAPHQL), "GraphQL was not exercised: {:?}", fake.counts());
    assert!(fake.graphql_rejections().is_empty(), "{:#?}", fake.graphql_rejections());

    let spec = schemas();
    let mut checked = BTreeSet::new();
    for served in fake.served() {
        let (Some(route), Some(body)) = (served.route, &served.json) else { continue };
        if route == routes::GRAPHQL {
            continue;
        }
        let status = served.status.to_string();
        let schema = &spec["routes"][format!("GET {route}")][&status];
        assert!(!schema.is_null(), "GitHub documents no JSON answer {status} for GET {route}");
        let schema = json!({"definitions": spec["definitions"], "allOf": [schema]});
        let validator = jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("schema of {route} {status}: {e}"));
        let problems: Vec<String> =
            validator.iter_errors(body).take(5).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(problems.is_empty(), "{} {status}: {problems:#?}", served.uri);
        checked.insert((route, served.status));
    }
    let ok = |route| checked.contains(&(route, 200));
    for route in [
        routes::REPO,
        routes::TREE,
        routes::LABELS,
        routes::RELEASES,
        routes::ISSUES,
        routes::COMMENTS,
        routes::REVIEW_COMMENTS,
        routes::REVIEWS,
        routes::ISSUE_EVENTS,
        routes::CONTENTS,
        routes::BRANCH,
    ] {
        assert!(ok(route), "{route} was not exercised: {checked:?}");
    }
    assert!(checked.contains(&(routes::REPO, 404)) && checked.contains(&(routes::TREE, 409)), "{checked:?}");
}

#[test]
fn the_schemas_catch_a_wrong_answer() {
    // The check above would be worthless if the schemas accepted anything.
    let spec = schemas();
    let schema = json!({"definitions": spec["definitions"], "allOf": [spec["routes"]["GET /repos/{owner}/{repo}/labels"]["200"]]});
    let validator = jsonschema::draft7::new(&schema).unwrap();
    assert!(!validator.is_valid(&json!([{"name": "bug"}])), "a label without its required fields");
}
