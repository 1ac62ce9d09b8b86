#!/usr/bin/env bash
# Runs annexa's whole test suite, installing first whatever the tests need when it is missing.
# Tests that read ../shared/reference or ../shared/corpora run when that folder is beside the
# repository and print a line saying they were skipped when it is not.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# Graphviz renders the inventory's data-flow map to SVG; the SVG test runs when `dot` is present.
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
# The evidence tests edit the ledger behind annexa's back with psql (PostgreSQL) and python3
# (SQLite's own module), and run the exported bundle's verify.py.
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need_apt[*]} from Debian's packages"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing ${need_apt[*]}: install with your package manager; the tests that need them will say so"
  fi
fi

# Microsoft's SARIF multitool validates `annexa scan --format sarif` output in the CLI tests.
if ! command -v sarif-multitool >/dev/null 2>&1; then
  if command -v npm >/dev/null 2>&1; then
    echo "installing @microsoft/sarif-multitool from npm"
    npm install -g --silent @microsoft/sarif-multitool >/dev/null 2>&1 || echo "could not install @microsoft/sarif-multitool: the SARIF validation test will say so"
  else
    echo "npm not found: install @microsoft/sarif-multitool for the SARIF validation test"
  fi
fi

if [ ! -d ../shared/reference ]; then
  echo "note: ../shared is not beside the repository: reference and corpus tests will be skipped"
fi

# The store and evidence tests need PostgreSQL (ANNEXA_TEST_DATABASE_URL, by default the local
# server with trust authentication); say so up front rather than after the build.
url=${ANNEXA_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
psql "$url" -qtAc 'select 1' >/dev/null 2>&1 || echo "note: no PostgreSQL answers at $url: the store and evidence tests will fail; set ANNEXA_TEST_DATABASE_URL"

cargo test --workspace --locked "$@"
