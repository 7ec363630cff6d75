#!/usr/bin/env bash
# Re-collects the corpus snapshots from checkouts of the labelled commits, after a change to what
# collection reads (pages followed, documents kinds): for each tests/corpus/labels/NAME.toml,
# CHECKOUTS/NAME must be a checkout of its `repository` at its `commit`, with `origin` set to the
# repository's GitHub URL (the snapshot's repository name comes from it).
#
#   bash tests/corpus/collect.sh /tmp/real [path/to/cm-audit]
#
# The checkouts come from the public repositories (e.g. `git clone https://github.com/OWNER/NAME`,
# then `git checkout COMMIT`); docs/accuracy.md says how the corpus was made.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
checkouts="${1:?usage: collect.sh CHECKOUTS [cm-audit]}"
bin="${2:-$here/../../target/debug/cm-audit}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
for labels in "$here"/labels/*.toml; do
  name="$(basename "$labels" .toml)"
  want="$(sed -n 's/^commit = "\(.*\)"/\1/p' "$labels")"
  have="$(git -C "$checkouts/$name" rev-parse HEAD)"
  if [ "$want" != "$have" ]; then
    echo "collect.sh: $checkouts/$name is at $have, the labels were made at $want" >&2
    exit 1
  fi
  # From the checkouts' folder, so that the snapshot names the checkout by its name alone.
  (cd "$checkouts" && CM_AUDIT_NOW=2026-12-01T00:00:00Z "$bin" snapshot "$name") > "$here/snapshots/$name.json"
  echo "collect.sh: $name"
done
