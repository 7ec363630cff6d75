#!/usr/bin/env python3
"""Extracts, from GitHub's published OpenAPI description (npm `@octokit/openapi`, MIT), the response
schemas of the REST routes that cm-audit calls and the fake GitHub serves, as one JSON Schema
(draft 7) file: `routes.json`.

OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes a `null` alternative, and component
references move to `#/definitions/`. Nothing else changes.

Regenerate (needs network for npm only):
    cd "$(mktemp -d)" && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
    python3 /path/to/tests/data/openapi/extract.py package/generated/api.github.com.json \
        > /path/to/tests/data/openapi/routes.json
"""
import json
import sys

ROUTES = [
    "/repos/{owner}/{repo}",
    "/repos/{owner}/{repo}/git/trees/{tree_sha}",
    "/repos/{owner}/{repo}/git/blobs/{file_sha}",
    "/repos/{owner}/{repo}/contents/{path}",
    "/repos/{owner}/{repo}/labels",
    "/repos/{owner}/{repo}/releases",
    "/repos/{owner}/{repo}/issues",
    "/repos/{owner}/{repo}/issues/comments",
    "/repos/{owner}/{repo}/issues/events",
    "/repos/{owner}/{repo}/pulls/comments",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    "/repos/{owner}/{repo}/branches/{branch}",
]

# The Action's requests: its pull request comment and tracking issue (method, path).
ACTION_ROUTES = [
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("post", "/repos/{owner}/{repo}/issues"),
    ("patch", "/repos/{owner}/{repo}/issues/{issue_number}"),
]


def convert(node, refs):
    """OpenAPI 3.0 schema -> JSON Schema draft 7, collecting the component names referenced."""
    if isinstance(node, list):
        return [convert(n, refs) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref":
            name = value.rsplit("/", 1)[1]
            refs.add(name)
            out[key] = "#/definitions/" + name
        elif key in ("example", "examples", "description", "title", "externalDocs", "x-github", "deprecated"):
            continue
        elif key == "properties":
            out[key] = {k: convert(v, refs) for k, v in value.items()}
        else:
            out[key] = convert(value, refs)
    if out.pop("nullable", False):
        if isinstance(out.get("type"), str) and not any(k in out for k in ("allOf", "anyOf", "oneOf", "$ref")):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = out["enum"] + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def main():
    spec = json.load(open(sys.argv[1]))
    schemas = spec["components"]["schemas"]
    responses = spec["components"]["responses"]
    refs = set()
    routes = {}
    for method, path in [("get", p) for p in ROUTES] + ACTION_ROUTES:
        by_status = {}
        for status, response in spec["paths"][path][method]["responses"].items():
            if "$ref" in response:
                response = responses[response["$ref"].rsplit("/", 1)[1]]
            content = response.get("content", {}).get("application/json")
            if content:
                by_status[status] = convert(content["schema"], refs)
        routes[method.upper() + " " + path] = by_status
    definitions = {}
    pending = sorted(refs)
    while pending:
        name = pending.pop()
        if name in definitions:
            continue
        found = set()
        definitions[name] = convert(schemas[name], found)
        pending.extend(sorted(found - definitions.keys()))
    json.dump({
        "source": "@octokit/openapi " + spec["info"]["version"] + ", generated/api.github.com.json (MIT)",
        "routes": routes,
        "definitions": dict(sorted(definitions.items())),
    }, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


main()
