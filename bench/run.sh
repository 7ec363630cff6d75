#!/usr/bin/env bash
# The benchmark of bench/README.md: builds the release binary, then runs the scenarios against the
# fake GitHub of the tests with a latency per request (first argument, in ms; default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet --bin cm-audit
cargo run --release --quiet --example bench -- "$target/release/cm-audit" "${1:-50}"
