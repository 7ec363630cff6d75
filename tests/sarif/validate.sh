#!/usr/bin/env bash
# Renders every fixture under tests/fixtures/ as SARIF and validates it with Microsoft's SARIF
# multitool (npm `@microsoft/sarif-multitool`, pinned). Fails on any validator error or warning;
# the validator's notes are printed, not fatal.
#
#   tests/sarif/validate.sh [path/to/cm-audit]      (default: target/debug/cm-audit)
#
# The multitool runs offline once it is in npm's cache: the first run (with network) fills it,
# `npx --offline` then uses it without a request. Without the cache and without network, it fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cm_audit=${1:-${CARGO_TARGET_DIR:-$root/target}/debug/cm-audit}
multitool=@microsoft/sarif-multitool@5.7.0

if ! command -v npx >/dev/null; then
  echo "validate.sh: npx is not installed (Node.js); cannot run the SARIF validator" >&2
  exit 2
fi
[[ -x $cm_audit ]] || { echo "validate.sh: no cm-audit binary at $cm_audit; build it first" >&2; exit 2; }

run_multitool() {
  npx --offline --yes "$multitool" "$@" 2>/dev/null || npx --prefer-offline --yes "$multitool" "$@"
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
for fixture in "$root"/tests/fixtures/*/; do
  name=$(basename "$fixture")
  CM_AUDIT_NOW=2026-11-01T00:00:00Z "$cm_audit" "$fixture" --format sarif >"$out/$name.sarif"
  run_multitool validate "$out/$name.sarif" --output "$out/$name.validation.sarif" --log ForceOverwrite --quiet >/dev/null
  # The validator's findings are SARIF results; a result without a level is a warning.
  node -e '
    const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    let bad = 0;
    for (const r of log.runs[0].results ?? []) {
      const level = r.level ?? "warning";
      if (level === "error" || level === "warning") bad++;
      console.log(`${process.argv[2]}: ${level} ${r.ruleId}: ${r.message.text ?? JSON.stringify(r.message)}`);
    }
    process.exit(bad ? 1 : 0);
  ' "$out/$name.validation.sarif" "$name" || failed=1
  echo "validate.sh: $name: $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).runs[0].results.length)' "$out/$name.sarif") results checked"
done
exit $failed
