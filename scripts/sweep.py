#!/usr/bin/env python3
"""Runs a grid of `tidemark compare` points and keeps one result file per point.

A grid is a JSON data file (see scripts/grids/): traces (files, or workload presets made with
`tidemark generate`) x windows x timestamps x watermarks x clocks x policies. Each point's result
goes to RESULTS/<sorted parameters>.json, written atomically, so a rerun skips the points that
are already there and an interrupted sweep resumes where it stopped. Plotting is separate
(scripts/plot.py). Needs only Debian's python3.

    scripts/sweep.py scripts/grids/mixed.json --results results/mixed
"""
import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXES = ("windows", "timestamps", "watermarks", "clocks", "idle_timeouts", "policies")
# idle_timeouts: null = no --idle-timeout (and no idle_timeout parameter in the file name).
DEFAULTS = {"timestamps": ["event"], "watermarks": ["bounded:0"], "clocks": ["watermark"],
            "idle_timeouts": [None], "policies": ["drop"]}


def fail(message):
    sys.exit(f"sweep: {message}")


def safe(value):
    """A parameter value as a file-name part: wait:30s -> wait-30s, hopping:1m/10s -> hopping-1m_10s."""
    out = str(value).replace(":", "-").replace("/", "_").replace("@", "+")
    return "".join(c if c.isalnum() or c in "-_+." else "_" for c in out)


def point_name(params):
    """The result file name of a point: its parameters sorted by name."""
    return "__".join(f"{k}={safe(params[k])}" for k in sorted(params)) + ".json"


def load_grid(path):
    try:
        grid = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as e:
        fail(f"{path}: {e}")
    if not grid.get("traces"):
        fail(f"{path}: needs \"traces\": a list of {{\"file\": PATH}} or "
             "{\"workload\": NAME, \"events\": N, \"seed\": S}")
    if not grid.get("windows"):
        fail(f"{path}: needs \"windows\", e.g. [\"tumbling:10s\"]")
    for axis in AXES:
        values = grid.get(axis, DEFAULTS.get(axis))
        if not isinstance(values, list) or not values:
            fail(f"{path}: \"{axis}\" must be a non-empty list")
        grid[axis] = values
    return grid


def trace_params(spec):
    """The parameters that name a trace: its file stem, or workload, events and seed."""
    if "file" in spec:
        return {"trace": Path(spec["file"]).stem}
    if "workload" in spec:
        return {"trace": spec["workload"], "events": int(spec.get("events", 100000)),
                "seed": int(spec.get("seed", 1))}
    fail(f"a trace needs \"file\" or \"workload\": {spec}")


def materialise(spec, tidemark, results):
    """The path of the trace file, generating a workload preset once (kept under RESULTS/traces)."""
    if "file" in spec:
        path = Path(spec["file"])
        path = path if path.is_absolute() else ROOT / path
        if not path.exists():
            fail(f"trace {path} does not exist")
        return path
    p = trace_params(spec)
    path = results / "traces" / f"{p['trace']}-n{p['events']}-s{p['seed']}.{spec.get('format', 'csv')}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp" + path.suffix)
        run([tidemark, "generate", "--workload", p["trace"], "--events", str(p["events"]),
             "--seed", str(p["seed"]), "-o", str(tmp)])
        os.replace(tmp, path)
    return path


def run(command):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        fail(f"{' '.join(command)} failed:\n{result.stderr.strip()}")
    return result.stdout


def write_atomically(path, text):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("grid", help="grid file (JSON), e.g. scripts/grids/mixed.json")
    parser.add_argument("--results", help="results directory (default: results/GRID-NAME)")
    parser.add_argument("--tidemark", default=str(ROOT / "build" / "bench" / "cli" / "tidemark"),
                        help="the tidemark binary (default: build/bench/cli/tidemark)")
    parser.add_argument("--threads", type=int, help="passed to tidemark compare --threads")
    args = parser.parse_args()

    grid = load_grid(args.grid)
    results = Path(args.results or ROOT / "results" / Path(args.grid).stem)
    results.mkdir(parents=True, exist_ok=True)
    if not Path(args.tidemark).exists():
        fail(f"{args.tidemark} does not exist (build first, or pass --tidemark)")

    ran = skipped = 0
    for spec in grid["traces"]:
        tparams = trace_params(spec)
        trace = None
        # One compare call per (window, timestamp, watermark, clock, idle timeout) with the
        # policies still missing.
        for window, timestamp, watermark, clock, idle in itertools.product(
                grid["windows"], grid["timestamps"], grid["watermarks"], grid["clocks"],
                grid["idle_timeouts"]):
            points = {}
            for policy in grid["policies"]:
                params = dict(tparams, window=window, timestamp=timestamp, watermark=watermark,
                              clock=clock, policy=policy)
                if idle is not None:
                    params["idle_timeout"] = idle
                path = results / point_name(params)
                if path.exists():
                    skipped += 1
                else:
                    points[policy] = (params, path)
            if not points:
                continue
            trace = trace or materialise(spec, args.tidemark, results)
            with tempfile.TemporaryDirectory(dir=results) as tmp:
                out = Path(tmp) / "compare.json"
                command = [args.tidemark, "compare", str(trace), "--window", window,
                           "--timestamps", timestamp, "--watermarks", watermark, "--clocks", clock,
                           "--policies", ",".join(points), "--json", str(out)]
                if idle is not None:
                    command += ["--idle-timeout", idle]
                if args.threads:
                    command += ["--threads", str(args.threads)]
                run(command)
                rows = json.loads(out.read_text())["configurations"]
            if len(rows) != len(points):
                fail(f"{' '.join(command)}: expected {len(points)} rows, got {len(rows)}")
            for row, (params, path) in zip(rows, points.values()):
                shown = trace.relative_to(ROOT) if trace.is_relative_to(ROOT) else trace
                record = {"params": params, "trace_file": str(shown), "result": row}
                write_atomically(path, json.dumps(record, indent=2) + "\n")
                ran += 1
                print(f"ran   {path.name}")
    print(f"sweep: {ran + skipped} points: {ran} run, {skipped} skipped (already in {results})")


if __name__ == "__main__":
    main()
