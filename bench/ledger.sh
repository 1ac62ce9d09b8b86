#!/usr/bin/env bash
# The evidence ledger's benchmark: append and verify rates for 1,000,000 records on SQLite (and
# 100,000 on PostgreSQL when a server answers at ANNEXA_BENCH_DATABASE_URL, by default the local
# one), with peak memory. Writes its section of BENCHMARKS.md between the ledger markers.
#
# Usage: bash bench/ledger.sh [RECORDS]
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-1000000}
pg=${ANNEXA_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
[ -x /usr/bin/time ] || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

echo "building annexa-ledger-bench (release)"
cargo build --release --locked -q -p annexa-bench --bin annexa-ledger-bench
bench=target/release/annexa-ledger-bench

run() { /usr/bin/time -f "%M" "$@" 2>/tmp/annexa-ledger-bench.err >/tmp/annexa-ledger-bench.json; tail -1 /tmp/annexa-ledger-bench.err | awk '{printf "%.0f", $1/1024}'; }
field() { python3 -c "import json,sys; print(json.load(open('/tmp/annexa-ledger-bench.json'))[sys.argv[1]])" "$1"; }

rows=()
mb=$(run "$bench" --records "$records")
cp /tmp/annexa-ledger-bench.err /tmp/annexa-ledger-bench.sqlite.err
rows+=("| SQLite (file, WAL) | $(field records) | $(field batch) | $(field record_bytes) | $(field append_s) s | $(field append_per_s) | $(field verify_s) s | $(field verify_per_s) | $(field checkpoints) | $(field db_mb) MB | $mb MB |")
echo "${rows[-1]}"
if psql "$pg" -c 'select 1' >/dev/null 2>&1; then
  schema="annexa_bench_$$"
  psql "$pg" -q -c "CREATE SCHEMA $schema"
  mb=$(run "$bench" --records 100000 --database-url "$pg?options=-c%20search_path%3D$schema")
  psql "$pg" -q -c "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE"
  rows+=("| PostgreSQL 127.0.0.1 | $(field records) | $(field batch) | $(field record_bytes) | $(field append_s) s | $(field append_per_s) | $(field verify_s) s | $(field verify_per_s) | $(field checkpoints) | - | $mb MB |")
  echo "${rows[-1]}"
fi

section=$(cat <<MD
<!-- ledger:begin -->
## Evidence ledger (\`bash bench/ledger.sh\`)

Records of the size \`annexa scan --record\` writes for a finding, appended in runs of 10,000 (one
signed checkpoint per run and every 1,024 records), then the whole ledger verified as
\`annexa evidence verify\` does (every leaf rehashed, every record's place read from its bytes,
the tree at every checkpoint, every signature; SQLite computes the index columns from the
bytes, PostgreSQL's copies are compared with them). $(date -u +%Y-%m-%d), $(nproc) cores.

Reading the records alone (the store's share of verify) took $(grep -o '[0-9.]* s' /tmp/annexa-ledger-bench.sqlite.err | head -1) on SQLite.

| store | records | per append | bytes/record | append | records/s | verify | records/s | checkpoints | database | peak RSS |
|---|---|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${rows[@]}")
<!-- ledger:end -->
MD
)
python3 - "$section" <<'PY'
import re, sys
text = open("BENCHMARKS.md").read()
section = sys.argv[1]
if "<!-- ledger:begin -->" in text:
    text = re.sub(r"<!-- ledger:begin -->.*<!-- ledger:end -->", lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
PY
echo "wrote the ledger section of BENCHMARKS.md"
