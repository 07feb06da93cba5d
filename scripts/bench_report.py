#!/usr/bin/env python3
"""Turns Google Benchmark JSON (with repetitions) into the targets table.

Usage: bench_report.py TARGETS.json BENCH.json [EXTRA.json...] > table.md
Writes bench-summary.json beside BENCH.json: one object per target row with
case, measured, unit, target, ratio, met. EXTRA.json files hold rows measured outside Google Benchmark
(whole-command figures from bench.sh) in the same shape; they lead the table."""
import json
import os
import statistics
import sys


def medians(bench):
    """Median of each counter per case, over the repetitions."""
    runs = {}
    for b in bench["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        name = b.get("run_name", b["name"])
        runs.setdefault(name, []).append(b)
    out = {}
    for name, reps in runs.items():
        keys = {k for r in reps for k, v in r.items() if isinstance(v, (int, float))}
        out[name] = {k: statistics.median(r[k] for r in reps if k in r) for k in keys}
        out[name]["repetitions"] = len(reps)
    return out


def fmt(v, unit):
    if v is None:
        return "n/a"
    if unit.endswith("/s") and v >= 1e4:
        return f"{v / 1e6:.2f} M {unit.split('/')[0]}/s"
    return f"{v:.2f}"


def main():
    targets = json.load(open(sys.argv[1]))
    bench_path = sys.argv[2]
    med = medians(json.load(open(bench_path)))
    rows = []
    for t in targets["rows"]:
        case, unit = t["case"], t["unit"]
        m = med.get(case)
        row = {"case": case, "unit": unit, "measured": None, "target": None, "ratio": None, "met": None}
        if m is None:
            rows.append(row)
            continue
        if "cost_ratio_to" in t:
            other = med.get(t["cost_ratio_to"])
            counter = "updates/s"
            if other:
                row["measured"] = other[counter] / m[counter]  # cost = 1 / rate
                row["ratio"] = row["measured"]
                row["target"] = f"<= {t['max_ratio']}x"
                row["met"] = row["ratio"] <= t["max_ratio"]
            rows.append(row)
            continue
        row["measured"] = m.get(t["counter"])
        if t.get("target") == "baseline":
            row["target"] = "baseline"
        elif "ratio_to" in t:
            ref = med.get(t["ratio_to"], {}).get(t["counter"])
            if ref and row["measured"] is not None:
                row["ratio"] = row["measured"] / ref
                row["target"] = f">= {t['min_ratio']}x {t['ratio_to']}"
                row["met"] = row["ratio"] >= t["min_ratio"]
        elif "min" in t and row["measured"] is not None:
            row["ratio"] = row["measured"] / t["min"]
            row["target"] = f">= {fmt(t['min'], unit)}"
            row["met"] = row["measured"] >= t["min"]
        rows.append(row)
    extra = []
    for path in sys.argv[3:]:
        if os.path.exists(path):
            extra += json.load(open(path))
    rows = extra + rows
    summary = os.path.join(os.path.dirname(bench_path), "bench-summary.json")
    json.dump(rows, open(summary, "w"), indent=2)
    print("| case | measured (median) | target | ratio | met |")
    print("|---|---|---|---|---|")
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]
        print(f"| `{r['case']}` | {fmt(r['measured'], r['unit'])} | {r['target'] or ''} | {ratio} | {met} |")


if __name__ == "__main__":
    main()
