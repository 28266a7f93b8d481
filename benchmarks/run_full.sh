#!/usr/bin/env bash
# Run the full benchmark suite on the real corpora and regenerate RESULTS.md.
# Minutes (the 1M cases, scale_1m and report_1m, about 10 minutes each, or stopped at --max-rss-gb); never in CI.
#   benchmarks/run_full.sh            # everything
#   benchmarks/run_full.sh --case labels --case speed
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
day=$(date -u +%F)
mkdir -p benchmarks/results
"$BIN/python" -m dedup.bench run --suite full -o "benchmarks/results/full-$day.json" "$@"
"$BIN/python" -m dedup.bench report benchmarks/results/full-*.json --plots benchmarks --notes benchmarks/NOTES.md > benchmarks/RESULTS.md
echo "wrote benchmarks/results/full-$day.json and benchmarks/RESULTS.md"
