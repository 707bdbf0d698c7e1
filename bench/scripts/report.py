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


def verdict(value, target, better):
    """`≤ 1.2 met`, `≥ 0.98 **missed**`, or — without a target."""
    if target is None:
        return "—"
    sign = "≤" if better == "lower" else "≥"
    ok = value <= target if better == "lower" else value >= target
    return f"{sign} {target} {'met' if ok else '**missed**'}"


def main():
    rows = []  # (section, what, value, target, absolute text, better, is_ratio)

    def row(section, label, value, target, absolute, better="lower", ratio=True):
        rows.append((section, label, value, target, absolute, better, ratio))

    scale = "1. cost as the API grows"
    generator = load("codegen.json") or []
    real = next((g for g in generator if g.get("real")), None)
    large = next((g for g in generator if g["operations"] == 140), None)
    for entry in generator:
        per_op = entry["median_ms"] / entry["operations"]
        # The budget grows with the API: 100 ms was set for the 35 operations of the
        # contract lifecycle, 400 ms for the whole API (about 135).
        sized = 100 if entry["operations"] <= 35 else 400
        target = sized if entry.get("real") else (400 if entry["operations"] == 140 else None)
        row(scale, f"generator, {entry['operations']} operations ({entry['lines']} lines out)", entry["median_ms"], target,
            f"{entry['median_ms']:.1f} ms, {per_op:.2f} ms per operation", ratio=False)
    if real and large:
        growth = (large["median_ms"] / large["operations"]) / (real["median_ms"] / real["operations"])
        row(scale, "generator linear: ms per operation at 140 / at the real schema", growth, 1.10,
            f"{large['median_ms'] / large['operations']:.2f} vs {real['median_ms'] / real['operations']:.2f} ms")
    cost = load("build-cost.json")
    if cost:
        def mean(name, key):
            values = [r[key] for r in cost["cold"] if r["consumer"] == name]
            return sum(values) / len(values) if values else float("nan")
        full, full_large, runtime = mean("full", "seconds"), mean("full-140", "seconds"), mean("runtime", "seconds")
        ring = mean("ring", "seconds")
        row(scale, "consumer cold build / runtime-only (the committed client, no generator)", full / runtime, 1.20,
            f"{full:.1f} s ({mean('full', 'crates'):.0f} crates) vs {runtime:.1f} s ({mean('runtime', 'crates'):.0f} crates)")
        row(scale, "consumer generating from 140 operations (`codegen`) / runtime-only", full_large / runtime, None,
            f"{full_large:.1f} s ({mean('full-140', 'crates'):.0f} crates) vs {runtime:.1f} s")
        if ring == ring:  # not NaN: the run measured it
            row(scale, "runtime-only with rustls on ring / on aws-lc-rs", ring / runtime, None,
                f"{ring:.1f} s ({mean('ring', 'crates'):.0f} crates) vs {runtime:.1f} s")
        row(scale, "rebuild after touching the schema, 140 operations (s)", cost["schema_touch"]["large"], 3.0,
            f"{cost['schema_touch']['large']:.1f} s (real schema {cost['schema_touch']['real']:.1f} s)", ratio=False)
        edit = cost["consumer_edit"]
        row(scale, "consumer's rebuild after editing its code, generated from 140 / committed", edit["large"] / edit["real"],
            1.10, f"{edit['large']:.1f} s vs {edit['real']:.1f} s")
        main_job = cost.get("main_job")
        if main_job:
            base = main_job.get("baseline")
            before = f"; at `{base['revision']}`, before: {base['wall']:.0f} s ({base['cpu']:.0f} s of CPU)" if base else ""
            row(scale, "the README's main job from a fresh clone, cold (s)", main_job["wall"], 120.0,
                f"{main_job['wall']:.0f} s ({main_job['cpu']:.0f} s of CPU){before}", ratio=False)

    hot = "2. the hot path"
    micro = criterion()
    pairs = [
        ("sign", "generated: four headers", "baseline: bare md5+hex", 1.20, "signing"),
        ("serialize request", "generated: request type", "baseline: hand-written struct", None, "serializing a request"),
        ("decode envelope", "generated: decode_result", "baseline: hand-written struct", 1.20, "decoding the ticket envelope"),
    ]
    detail = next((g for g in micro if g.startswith("decode contract detail")), None)
    if detail:
        pairs.append((detail, "generated: decode_result", "baseline: hand-written struct", 1.20, detail))
    for group, gen, base, target, label in pairs:
        figures = micro.get(group, {})
        if gen in figures and base in figures:
            g, b = figures[gen], figures[base]
            row(hot, label, g / b, target, f"{g:.0f} ns vs {b:.0f} ns")
    runs = [load(os.path.basename(p)) for p in sorted(glob.glob(os.path.join(TARGET, "bench", "loopback-*.json")))]
    runs = [r for r in runs if r]
    for concurrency in sorted({e["concurrency"] for r in runs for e in r}):
        entries = [e for r in runs for e in r if e["concurrency"] == concurrency]
        for key, label, target, better in [("throughput", "throughput", 0.98, "higher"), ("p99", "p99", 1.05, "lower")]:
            ratios = sorted(e["ratio"][key] for e in entries)
            median = ratios[len(ratios) // 2]
            unit = "calls/s" if key == "throughput" else "µs"
            field = "calls_per_s" if key == "throughput" else "p99_us"
            middle = sorted(entries, key=lambda e: e["ratio"][key])[len(entries) // 2]
            noise = sorted(e["aa"][key] for e in entries if "aa" in e)
            aa = f"; A/A {' / '.join(f'{r:.3f}' for r in noise)}" if noise else ""
            bounded = sorted(e["bounded"][key] for e in entries if "bounded" in e)
            if bounded:
                aa += f"; hand-written with a timeout / without {' / '.join(f'{r:.3f}' for r in bounded)}"
            row(hot, f"loopback {label}, {concurrency} concurrent (median of {len(ratios)} runs)", median, target,
                f"runs {ratios[0]:.3f} / {median:.3f} / {ratios[-1]:.3f} (min/median/max); "
                f"{middle['generated'][field]:.0f} vs {middle['baseline'][field]:.0f} {unit}{aa}", better)
    nonce = micro.get("sign", {}).get("uuid v4 nonce (per attempt, both)")

    felt = "3. what users feel"
    cli = {e["name"]: e for e in (load("cli.json") or [])}
    curl = cli.get("curl")
    for schema in ["real", "140"]:
        server, mock, version = (cli.get(f"{schema}: qys, {k}") for k in ["running server", "embedded mock", "--version"])
        label = "real schema" if schema == "real" else "140 operations"
        if server and curl:
            row(felt, f"qys call / curl, running server, {label}", server["median_ms"] / curl["median_ms"], 1.0,
                f"{server['median_ms']:.2f} ms vs {curl['median_ms']:.2f} ms (median)")
        if mock:
            start = cli.get(f"{schema}: qys --version")
            row(felt, f"qys call on the embedded mock, {label} (ms)", mock["median_ms"], 10.0,
                f"{mock['median_ms']:.2f} ms (process start and `--version`: {start['median_ms']:.2f} ms)" if start else f"{mock['median_ms']:.2f} ms",
                ratio=False)
    mock = load("mock.json")
    if mock:
        for entry in mock["throughput"]:
            m, b = entry["mock"], entry["bare"]
            row(felt, f"mock / bare server, {entry['case']}, {entry['concurrency']} concurrent", entry["ratio"], 0.5,
                f"{m['calls_per_s']:.0f} vs {b['calls_per_s']:.0f} calls/s; p99 {m['p99_us']:.0f} vs {b['p99_us']:.0f} µs", "higher")
        row(felt, "mock memory per stored contract (bytes)", mock["bytes_per_contract"], 5000,
            f"{mock['bytes_per_contract']:.0f} bytes (10,000 two-party drafts, no documents)", ratio=False)

    lines = [f"Machine: {machine()}.", ""]
    lines.append("| measure | value | target | absolute |")
    lines.append("| --- | --- | --- | --- |")
    section = None
    for sec, label, value, target, absolute, better, ratio in rows:
        if sec != section:
            lines.append(f"| **{sec}** | | | |")
            section = sec
        shown = f"{value:.3f}" if ratio else f"{value:.1f}" if value < 1000 else f"{value:.0f}"
        lines.append(f"| {label} | {shown} | {verdict(value, target, better)} | {absolute} |")
    if nonce:
        lines.append(f"| (a UUID v4 nonce, paid by both per attempt) | — | — | {nonce:.0f} ns |")
    lines.extend(phase_table(micro))
    figures = "\n".join(lines)
    print(figures)
    write_section(figures)
    write_chart([(label, value, target, absolute, better) for _, label, value, target, absolute, better, ratio in rows if ratio])


def phase_table(micro):
    """One call of the loopback benchmark, phase by phase (criterion groups `phase: …`)."""
    phases = [(group, figures) for group, figures in micro.items() if group.startswith("phase: ")]
    order = ["encode", "sign", "build", "read", "classify", "frame"]
    phases.sort(key=lambda p: next((i for i, name in enumerate(order) if p[0].startswith(f"phase: {name}")), 99))
    if not phases:
        return []
    lines = ["", "One call, phase by phase, without the network (median ns; each phase run alone by the code a call runs):",
             "", "| phase | generated | hand-written | difference |", "| --- | --- | --- | --- |"]
    total_g = total_h = 0.0
    for group, figures in phases:
        g, h = figures.get("generated"), figures.get("hand-written")
        if g is None or h is None:
            continue
        total_g, total_h = total_g + g, total_h + h
        lines.append(f"| {group[len('phase: '):]} | {g:.0f} | {h:.0f} | {g - h:+.0f} |")
    lines.append(f"| **all phases** | {total_g:.0f} | {total_h:.0f} | {total_g - total_h:+.0f} |")
    return lines


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
    width, bar_h, gap, left = 900, 20, 8, 420
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
