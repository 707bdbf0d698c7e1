#!/usr/bin/env bash
# Every benchmark in one run, then the figures and chart:
#   bench/scripts/run-all.sh
# Micro-benchmarks (criterion), the loopback benchmark three times, the
# generator's time, `qys` beside curl (built from the real schema and from a
# synthetic one of 140 operations), the mock beside the bare server, the build
# cost; then report.py updates BENCHMARKS.md and bench/chart.svg.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
rm -f target/bench/*.json
cargo bench -p qiyuesuo-bench --bench micro -- --warm-up-time 1 --measurement-time 5
cargo build --release -p qiyuesuo-bench --bins
for run in 1 2 3; do
  target/release/loopback "${LOOPBACK_ROUNDS:-40}" "loopback-$run"
done
target/release/codegen_time
target/release/mock_throughput "${MOCK_ROUNDS:-10}"
# qys from the real schema, and from 140 operations (its own target folder).
large="$root/target/bench/schema-140.json"
target/release/scale_schema 140 "$large"
cargo build --release --bin qys
QIYUESUO_SCHEMA="$large" CARGO_TARGET_DIR="$root/target/scale" cargo build --release --bin qys --features qiyuesuo/codegen
target/release/cli_time "real=$root/target/release/qys" "140=$root/target/scale/release/qys"
bench/scripts/build-cost.sh "${BUILD_COST_ROUNDS:-2}"
python3 bench/scripts/report.py
