#!/usr/bin/env python3
"""Draws PNG plots from the result files of scripts/sweep.py; it never runs anything.

Per setting (trace, window, timestamp, clock), two pictures:
  tradeoff-SETTING.png  completeness against emission latency, one line per policy kind and
                        watermark: p50 latency to the first emission (left) and p99 latency to
                        the last update (right); points are labelled with the policy's amount.
                        A point whose latency has no value (null: every window was emitted by
                        the end-of-trace flush) is left out, named in the legend ("no latency:
                        ...") and counted under the axis and on stderr.
  state-SETTING.png     peak state bytes against grace (grace points only), one line per watermark.
Needs Debian's python3-matplotlib (scripts/setup.sh python3-matplotlib).

    scripts/plot.py results/demo -o results/demo/plots
"""
import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
COLORS = {"drop": "tab:red", "wait": "tab:blue", "grace": "tab:green"}
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
SETTING = ("trace", "events", "seed", "window", "timestamp", "clock", "idle_timeout")


def duration_ms(text):
    """`30s` -> 30000; a bare `0` -> 0."""
    m = re.fullmatch(r"(-?\d+)(ms|s|m|h|d)?", text)
    if not m:
        raise ValueError(f"not a duration: {text}")
    return int(m.group(1)) * UNITS_MS[m.group(2) or "ms"]


def policy_parts(policy):
    """`grace:30s` -> ("grace", 30000); `drop` -> ("drop", 0)."""
    kind, _, amount = policy.partition(":")
    return kind, duration_ms(amount) if amount else 0


def watermark_delay_ms(watermark):
    kind, _, amount = watermark.partition(":")
    return duration_ms(amount) if kind == "bounded" else -1


def load(results):
    records = []
    for path in sorted(Path(results).glob("*.json")):
        try:
            record = json.loads(path.read_text())
            record["params"], record["result"]
        except (json.JSONDecodeError, KeyError, TypeError):
            print(f"plot: skipping {path.name}: not a sweep result", file=sys.stderr)
            continue
        records.append(record)
    return records


def setting_name(params):
    return "_".join(re.sub(r"[^A-Za-z0-9.+-]", "-", str(params[k])) for k in SETTING if k in params)


def seconds_label(ms):
    return f"{ms / 1000:g}s" if ms < 60_000 else f"{ms / 60_000:g}m"


def plot_tradeoff(setting, records, path):
    """Returns how many points had no value for each latency metric."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    without_value = {}
    watermarks = sorted({r["params"]["watermark"] for r in records}, key=watermark_delay_ms)
    series = defaultdict(list)
    for r in records:
        kind, amount = policy_parts(r["params"]["policy"])
        series[(kind, r["params"]["watermark"])].append((amount, r["result"]))
    for ax, (metric, title) in zip(axes, [
            ("latency_first_p50_ms", "p50 latency to the first emission"),
            ("latency_last_p99_ms", "p99 latency to the last update")]):
        for (kind, watermark), points in sorted(series.items(), key=lambda s: (
                list(COLORS).index(s[0][0]) if s[0][0] in COLORS else 9, watermark_delay_ms(s[0][1]))):
            points.sort(key=lambda p: p[0])
            # null: no window had a latency to measure; 0 s would be a false "at the window end".
            missing = [p for p in points if p[1].get(metric) is None]
            points = [p for p in points if p[1].get(metric) is not None]
            xs = [p[1][metric] / 1000 for p in points]
            ys = [100 * p[1]["completeness"] for p in points]
            marker = MARKERS[watermarks.index(watermark) % len(MARKERS)]
            label = f"{kind}, {watermark}"
            if missing:
                amounts = ", ".join(seconds_label(a) if kind != "drop" else kind for a, _ in missing)
                label += f" (no latency: {amounts})"
                without_value[metric] = without_value.get(metric, 0) + len(missing)
            ax.plot(xs, ys, marker=marker, color=COLORS.get(kind, "tab:gray"), linewidth=1.2,
                    alpha=0.85, label=label)
            if kind != "drop":
                for (amount, _), x, y in zip(points, xs, ys):
                    ax.annotate(seconds_label(amount), (x, y), textcoords="offset points",
                                xytext=(4, -10), fontsize=7, color=COLORS.get(kind, "tab:gray"))
        xlabel = f"{title} (s, processing time after window end)"
        if metric in without_value:
            xlabel += (f"\n{without_value[metric]} point(s) not drawn: no value (every window "
                       "emitted by the end-of-trace flush)")
        ax.set_xlabel(xlabel)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("completeness (% of contributions in the final result)")
    axes[1].legend(fontsize=8, loc="lower right")
    events = records[0]["result"].get("events")
    fig.suptitle(f"Completeness vs emission latency — {setting} ({events} events)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return without_value


def plot_state(setting, records, path):
    grace = [r for r in records if policy_parts(r["params"]["policy"])[0] == "grace"]
    if not grace:
        return False
    fig, ax = plt.subplots(figsize=(7, 4.5))
    by_watermark = defaultdict(list)
    for r in grace:
        by_watermark[r["params"]["watermark"]].append(
            (policy_parts(r["params"]["policy"])[1], r["result"]["peak_state_bytes"]))
    for i, (watermark, points) in enumerate(sorted(by_watermark.items(),
                                                   key=lambda s: watermark_delay_ms(s[0]))):
        points.sort()
        ax.plot([p[0] / 1000 for p in points], [p[1] / 1024 for p in points],
                marker=MARKERS[i % len(MARKERS)], label=watermark)
    ax.set_xlabel("grace (s)")
    ax.set_ylabel("peak state (KiB)")
    ax.set_title(f"State held against grace — {setting}", fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="a results directory written by scripts/sweep.py")
    parser.add_argument("-o", "--out", help="where the PNGs go (default: RESULTS/plots)")
    args = parser.parse_args()
    records = load(args.results)
    if not records:
        sys.exit(f"plot: no result files in {args.results}")
    out = Path(args.out or Path(args.results) / "plots")
    out.mkdir(parents=True, exist_ok=True)
    settings = defaultdict(list)
    for r in records:
        settings[setting_name(r["params"])].append(r)
    for setting, group in sorted(settings.items()):
        tradeoff = out / f"tradeoff-{setting}.png"
        for metric, count in plot_tradeoff(setting, group, tradeoff).items():
            print(f"plot: {tradeoff.name}: {count} point(s) with no {metric} (every window "
                  "emitted by the end-of-trace flush) not drawn, named in the legend",
                  file=sys.stderr)
        print(tradeoff)
        state = out / f"state-{setting}.png"
        if plot_state(setting, group, state):
            print(state)


if __name__ == "__main__":
    main()
