#!/usr/bin/env bash
# Every benchmark in one run, then the figures and chart:
#   bench/scripts/run-all.sh
# Micro-benchmarks (criterion), the loopback benchmark, the generator's time,
# the build cost; then report.py updates BENCHMARKS.md and bench/chart.svg.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cargo bench -p qiyuesuo-bench --bench micro -- --warm-up-time 1 --measurement-time 5
cargo run --release -p qiyuesuo-bench --bin loopback -- "${LOOPBACK_ROUNDS:-40}"
cargo run --release -p qiyuesuo-bench --bin codegen_time
bench/scripts/build-cost.sh "${BUILD_COST_ROUNDS:-2}"
python3 bench/scripts/report.py
