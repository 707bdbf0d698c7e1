#!/usr/bin/env python3
"""Turns one run's benchmark output (target/criterion, target/bench/*.json)
into the figures section of BENCHMARKS.md and the chart bench/chart.svg.
Standard library only."""

import glob
import json
import os
import platform
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.path.join(ROOT, "target")


def criterion():
    """{group: {function: median ns}} from criterion's estimates."""
    found = {}
    for path in glob.glob(os.path.join(TARGET, "criterion", "*", "*", "new", "estimates.json")):
        folder = os.path.dirname(path)
        with open(os.path.join(folder, "benchmark.json")) as f:
            meta = json.load(f)
        with open(path) as f:
            median = json.load(f)["median"]["point_estimate"]
        found.setdefault(meta["group_id"], {})[meta["function_id"]] = median
    return found


def load(name):
    path = os.path.join(TARGET, "bench", name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, {rustc}"


def main():
    rows = []  # (what, ratio, target, absolute text)
    micro = criterion()
    pairs = [
        ("sign", "generated: four headers", "baseline: bare md5+hex", 1.5, "signing"),
        ("serialize request", "generated: request type", "baseline: hand-written struct", None, "serializing a request"),
        ("decode envelope", "generated: decode_result", "baseline: hand-written struct", 1.2, "decoding the success envelope"),
    ]
    for group, gen, base, target, label in pairs:
        figures = micro.get(group, {})
        if gen in figures and base in figures:
            g, b = figures[gen], figures[base]
            rows.append((label, g / b, target, f"{g:.0f} ns vs {b:.0f} ns", "lower"))
    nonce = micro.get("sign", {}).get("uuid v4 nonce (per attempt, both)")
    loop = load("loopback.json") or []
    for entry in loop:
        c = entry["concurrency"]
        g, b = entry["generated"], entry["baseline"]
        rows.append((f"loopback throughput, {c} concurrent", entry["ratio"]["throughput"], 0.95,
                     f"{g['calls_per_s']:.0f} vs {b['calls_per_s']:.0f} calls/s", "higher"))
        rows.append((f"loopback p50, {c} concurrent", entry["ratio"]["p50"], None,
                     f"{g['p50_us']:.0f} vs {b['p50_us']:.0f} µs", "lower"))
        rows.append((f"loopback p99, {c} concurrent", entry["ratio"]["p99"], 1.10,
                     f"{g['p99_us']:.0f} vs {b['p99_us']:.0f} µs", "lower"))
    cost = load("build-cost.json")
    if cost:
        def mean(name, key):
            values = [r[key] for r in cost["cold"] if r["consumer"] == name]
            return sum(values) / len(values)
        full, runtime = mean("full", "seconds"), mean("runtime", "seconds")
        rows.append(("consumer cold build", full / runtime, 1.25,
                     f"{full:.1f} s ({mean('full', 'crates'):.0f} crates) vs {runtime:.1f} s ({mean('runtime', 'crates'):.0f} crates)",
                     "lower"))
    generator = load("codegen.json") or []

    lines = [f"Machine: {machine()}.", ""]
    lines.append("| measure | generated / baseline | target | absolute (generated vs baseline) |")
    lines.append("| --- | --- | --- | --- |")
    for label, ratio, target, absolute, better in rows:
        if target is None:
            verdict = "—"
        elif (better == "lower" and ratio <= target) or (better == "higher" and ratio >= target):
            verdict = f"{'≤' if better == 'lower' else '≥'} {target} met"
        else:
            verdict = f"{'≤' if better == 'lower' else '≥'} {target} **missed**"
        lines.append(f"| {label} | {ratio:.3f} | {verdict} | {absolute} |")
    if nonce:
        lines.append(f"| (a UUID v4 nonce, paid by both per attempt) | — | — | {nonce:.0f} ns |")
    if cost:
        lines.append(f"| incremental rebuild after touching the schema | — | — | {cost['incremental_seconds']:.1f} s |")
    for entry in generator:
        # The 100 ms target is for the real schema; the copies show how it grows.
        target = "< 100 ms" if entry.get("copies") == 1 else "—"
        lines.append(f"| generator, {entry['name']} ({entry['lines']} lines out) | — | {target} | {entry['median_ms']:.1f} ms |")
    figures = "\n".join(lines)
    print(figures)
    write_section(figures)
    write_chart(rows)


def write_section(figures):
    path = os.path.join(ROOT, "BENCHMARKS.md")
    if not os.path.exists(path):
        return
    with open(path) as f:
        text = f.read()
    start, end = "<!-- figures:start -->", "<!-- figures:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        with open(path, "w") as f:
            f.write(f"{before}{start}\n{figures}\n{end}{after}")


def write_chart(rows):
    """Horizontal bars of generated / baseline, with each target marked."""
    width, bar_h, gap, left = 760, 22, 10, 260
    scale = (width - left - 40) / 2.0  # ratio 2.0 spans the plot
    height = 40 + len(rows) * (bar_h + gap) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<text x="{left}" y="20" font-weight="bold">generated / hand-written baseline (1.0 = same)</text>',
    ]
    x1 = left + scale
    parts.append(f'<line x1="{x1}" y1="28" x2="{x1}" y2="{height - 24}" stroke="#444" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{x1 - 8}" y="{height - 10}">1.0</text>')
    for i, (label, ratio, target, _, better) in enumerate(rows):
        y = 36 + i * (bar_h + gap)
        ok = target is None or (ratio <= target if better == "lower" else ratio >= target)
        colour = "#3b7dd8" if ok else "#d8553b"
        length = min(ratio, 2.0) * scale
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{colour}"/>')
        parts.append(f'<text x="{left + length + 4:.1f}" y="{y + 15}">{ratio:.2f}</text>')
        if target is not None:
            tx = left + target * scale
            parts.append(f'<line x1="{tx:.1f}" y1="{y - 2}" x2="{tx:.1f}" y2="{y + bar_h + 2}" stroke="#000" stroke-width="2"/>')
    parts.append("</svg>")
    with open(os.path.join(ROOT, "bench", "chart.svg"), "w") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
