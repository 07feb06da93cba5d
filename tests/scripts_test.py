#!/usr/bin/env python3
"""Tests of scripts/sweep.py and scripts/plot.py, run by ctest.

    scripts_test.py sweep --tidemark PATH   a tiny grid twice: the rerun skips every finished
                                            point; a deleted point is run again
    scripts_test.py plot                    plot.py on tests/fixtures/sweep_results makes
                                            non-empty PNGs (exit 77 = skipped: no matplotlib)
    scripts_test.py schemas --tidemark PATH real results, late events, summaries and compare
                                            documents (generic and both engine profiles) match
                                            docs/schemas/; corrupted copies do not
"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Out of order, one key; with tumbling:10ms, drop and bounded:0, 3 and 18 are late (5 of 7 kept).
TRACE = "event_time,value\n1,1\n5,2\n12,3\n3,4\n15,5\n25,6\n18,7\n"


def check(condition, message):
    if not condition:
        sys.exit(f"FAILED: {message}")


def sweep(args, grid, results):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "sweep.py"), str(grid),
                          "--results", str(results), "--tidemark", args.tidemark, "--threads", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(out.returncode == 0, f"sweep.py failed: {out.stderr}")
    return out.stdout.strip().splitlines()[-1]


def test_sweep(args):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "tiny.csv").write_text(TRACE)
        grid = tmp / "grid.json"
        grid.write_text(json.dumps({
            "traces": [{"file": str(tmp / "tiny.csv")}],
            "windows": ["tumbling:10ms"],
            "watermarks": ["bounded:0", "bounded:5ms"],
            "policies": ["drop", "grace:10ms"],
        }))
        results = tmp / "results"
        first = sweep(args, grid, results)
        check("4 points: 4 run, 0 skipped" in first, f"first run: {first}")
        files = sorted(results.glob("*.json"))
        check(len(files) == 4, f"expected 4 result files, got {[f.name for f in files]}")
        drop = results / ("clock=watermark__policy=drop__timestamp=event__trace=tiny__"
                          "watermark=bounded-0__window=tumbling-10ms.json")
        check(drop.exists(), f"{drop.name} missing; have {[f.name for f in files]}")
        record = json.loads(drop.read_text())
        check(record["params"]["policy"] == "drop", f"params: {record['params']}")
        check(record["result"]["late"] == 2, f"late: {record['result']['late']}")
        check(abs(record["result"]["completeness"] - 5 / 7) < 1e-12, "completeness != 5/7")
        stamps = {f: f.stat().st_mtime_ns for f in files}

        second = sweep(args, grid, results)
        check("4 points: 0 run, 4 skipped" in second, f"rerun did not skip: {second}")
        check(all(f.stat().st_mtime_ns == t for f, t in stamps.items()), "a finished point was rewritten")

        drop.unlink()
        third = sweep(args, grid, results)
        check("4 points: 1 run, 3 skipped" in third, f"a missing point was not rerun: {third}")
        check(drop.exists(), "the deleted point was not written again")
    print("sweep: ok")


def test_plot(_args):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("plot: skipped, python3-matplotlib is not installed (scripts/setup.sh python3-matplotlib)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, str(ROOT / "scripts" / "plot.py"),
                              str(ROOT / "tests" / "fixtures" / "sweep_results"), "-o", tmp],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check(out.returncode == 0, f"plot.py failed: {out.stderr}")
        printed = [Path(p) for p in out.stdout.split()]
        check(len(printed) == 2, f"expected two PNG paths, got {out.stdout!r}")
        for png in printed:
            data = png.read_bytes()
            check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG")
            check(len(data) > 10_000, f"{png} is suspiciously small ({len(data)} bytes)")
    # A point whose latencies are null (every window emitted by the flush) is not drawn at 0 s
    # but named: in the legend, on the axes and on stderr.
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        fixtures = sorted((ROOT / "tests" / "fixtures" / "sweep_results").glob("*.json"))
        for f in fixtures:
            (tmp / f.name).write_text(f.read_text())
        flushed = tmp / fixtures[0].name
        record = json.loads(flushed.read_text())
        for field in list(record["result"]):
            if field.startswith("latency_"):
                record["result"][field] = None
        flushed.write_text(json.dumps(record))
        out = subprocess.run([sys.executable, str(ROOT / "scripts" / "plot.py"), str(tmp),
                              "-o", str(tmp / "plots")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        check(out.returncode == 0, f"plot.py failed on a null latency: {out.stderr}")
        for metric in ("latency_first_p50_ms", "latency_last_p99_ms"):
            check(f"1 point(s) with no {metric}" in out.stderr,
                  f"plot.py did not report the point without {metric}: {out.stderr!r}")
        check(len(out.stdout.split()) == 2, f"expected two PNG paths, got {out.stdout!r}")
    print("plot: ok")


def run_tidemark(args, *argv):
    out = subprocess.run([args.tidemark, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    check(out.returncode == 0, f"tidemark {' '.join(argv)} failed: {out.stderr}")
    return out.stdout


def json_lines(path):
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def sample(rows, first=20):
    """The first rows, and the first row of each kind after them."""
    picked, kinds = rows[:first], {row.get("kind") for row in rows[:first]}
    for row in rows[first:]:
        if row.get("kind") not in kinds:
            kinds.add(row.get("kind"))
            picked.append(row)
    return picked


def test_schemas(args):
    import jsonschema  # Debian's python3-jsonschema (scripts/setup.sh installs it)

    schemas = {name: json.loads((ROOT / "docs" / "schemas" / f"{name}.schema.json").read_text())
               for name in ("results", "late", "summary", "compare")}
    validators = {}
    for name, schema in schemas.items():
        jsonschema.Draft7Validator.check_schema(schema)
        validators[name] = jsonschema.Draft7Validator(schema)

    def valid(name, document, what):
        errors = sorted(validators[name].iter_errors(document), key=str)
        check(not errors, f"{what} does not match {name}.schema.json: {errors[:1]}")

    demo = str(ROOT / "data" / "demo.csv")
    kinds, documents = set(), {"results": 0, "late": 0, "summary": 0, "compare": 0}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Sums that overflow to infinity are written as null.
        overflow = tmp / "overflow.csv"
        overflow.write_text("key,event_time,value\nk,1,1e308\nk,2,1e308\n")
        head = tmp / "head.csv"
        head.write_text("".join(Path(demo).read_text().splitlines(keepends=True)[:400]))
        runs = [
            ("generic session", demo, ["-w", "session:2s", "--watermark", "bounded:100ms",
                                       "--lateness", "grace:1m"]),
            ("generic hopping", demo, ["-w", "hopping:10s/5s", "--lateness", "grace:30s"]),
            ("generic wait", demo, ["-w", "tumbling:5s", "--lateness", "wait:1s",
                                    "--idle-timeout", "2s"]),
            ("generic overflow", str(overflow), ["-w", "tumbling:10ms"]),
            ("generic iso times", demo, ["-w", "hopping:10s/5s", "--lateness", "grace:30s",
                                         "--time-format", "iso"]),
            ("flink", demo, ["-w", "tumbling:5s", "--profile", "flink", "--lateness",
                             "grace:5s"]),
            # Each on-update row of a session lists all its values so far: a short trace.
            ("kafka collect", str(head), ["-w", "session:3s", "--profile", "kafka-streams",
                                          "--aggregate", "collect"]),
        ]
        for what, trace, options in runs:
            run_tidemark(args, "replay", trace, *options, "-o", str(tmp / "r.jsonl"),
                         "--late-output", str(tmp / "l.jsonl"), "--summary", str(tmp / "s.json"))
            rows = json_lines(tmp / "r.jsonl")
            check(rows, f"{what}: no results")
            # jsonschema takes milliseconds a row: the first rows and the first of each kind.
            for row in sample(rows):
                valid("results", row, f"{what}: result row {row}")
                kinds.add(row["kind"])
                if what == "generic overflow":
                    check(row["sum"] is None, f"overflowed sum not null: {row}")
                if what in ("flink", "kafka collect"):
                    check("ts" in row, f"{what}: a profile row without ts: {row}")
                if what == "kafka collect":
                    check(isinstance(row.get("values"), list), f"collect without values: {row}")
            for row in sample(json_lines(tmp / "l.jsonl")):
                valid("late", row, f"{what}: late row {row}")
                documents["late"] += 1
            summary = json.loads((tmp / "s.json").read_text())
            valid("summary", summary, f"{what}: summary")
            documents["results"] += len(sample(rows))
            documents["summary"] += 1
        check(kinds == {"on_time", "update", "retract"}, f"kinds seen: {kinds}")
        for what, options in [
                ("generic", ["--policies", "drop,wait:30s,grace:5m", "--timestamps",
                             "event,corrected"]),
                ("all flushed: null latencies", ["--policies", "wait:1h"]),
                ("flink", ["--profile", "flink", "--policies", "drop,grace:1m"]),
                ("kafka-streams", ["--profile", "kafka-streams", "--emit", "on-close"])]:
            document = json.loads(run_tidemark(args, "compare", demo, "-w", "tumbling:10s",
                                               *options, "--json", "-"))
            valid("compare", document, f"compare {what}")
            documents["compare"] += 1
        check(document.get("profile") == "kafka-streams", "compare --profile names it")

    # The schemas are not vacuous: each rejects a corrupted copy of a real document.
    row = dict(rows[0])
    del row["key"]
    check(not validators["results"].is_valid(row), "a result without a key passed")
    check(not validators["results"].is_valid({**rows[0], "kind": "late"}), "kind late passed")
    check(not validators["results"].is_valid({**rows[0], "start": "2026-01-01 00:00"}),
          "a time that is not ISO 8601 passed")
    check(not validators["summary"].is_valid({**summary, "schema_version": 2}),
          "schema_version 2 passed")
    check(not validators["compare"].is_valid({**document, "extra": 1}), "an unknown field passed")
    print(f"schemas: ok {documents}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("test", choices=["sweep", "plot", "schemas"])
    parser.add_argument("--tidemark")
    args = parser.parse_args()
    {"sweep": test_sweep, "plot": test_plot, "schemas": test_schemas}[args.test](args)


if __name__ == "__main__":
    main()
