#!/usr/bin/env bash
# Runs every loader's fuzz target for a while (default 60 s each), installing cargo-fuzz first.
# Uses `-s none`: the sanitizer builds need a nightly compiler, this works on stable.
# Usage: bash scripts/fuzz.sh [seconds-per-target] [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz@0.13.2 --locked
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml manifest dockerfile kustomize_patch sbom sniff)
for t in "${targets[@]}"; do
  echo "== $t (${seconds}s)"
  cargo fuzz run -s none "$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 | grep -E "^(#[0-9]+ *DONE|Done [0-9]+ runs)|ERROR|panicked" || true
done
