#!/usr/bin/env python3
"""Checks that every Catch test case of a build reaches ctest.

    scripts/check_test_names.py BUILD_DIR

catch_discover_tests registers each test case by name. A name with an unbalanced '[' opens a CMake
bracket that swallows the rest of the list, and a name starting with '-' is read as an option:
the tests after it then silently vanish from ctest, which still reports "100% passed". A ';'
splits the name: ctest then runs a filter that matches no test, and Catch passes it. Exit 1,
naming the first missing test cases, when the Catch binary lists more than ctest registered.
"""
import json
import subprocess
import sys
from pathlib import Path

build = Path(sys.argv[1])
names, raw = set(), []
# The Catch programs and the prefix their tests get in ctest (tests/CMakeLists.txt).
for program, prefix in (("tidemark_tests", ""), ("tidemark_conformance", "conformance:")):
    if not (build / "tests" / program).exists():
        continue
    # Catch v2 exits with the number of test cases listed: not an error.
    listed = subprocess.run([str(build / "tests" / program), "--list-test-names-only"],
                            stdout=subprocess.PIPE, text=True).stdout
    raw += [line for line in listed.splitlines() if line.strip()]
    names |= {prefix + line for line in listed.splitlines() if line.strip()}
shown = subprocess.run(["ctest", "--test-dir", str(build), "--show-only=json-v1"], check=True,
                       stdout=subprocess.PIPE, text=True).stdout
registered = {t["name"] for t in json.loads(shown)["tests"]}
missing = sorted(names - registered)
# Registered, but ctest passes the name to Catch as an argument, which reads it as an option.
options = sorted(n for n in raw if n.startswith("-"))
if options:
    print(f"check_test_names: test cases named like options never run: {options[:3]}",
          file=sys.stderr)
    sys.exit(1)
if missing:
    print(f"check_test_names: {len(missing)} of {len(names)} Catch test cases are not in ctest; "
          f"rename them (no unbalanced '[', no ';', no leading '-'), starting with: {missing[:3]}",
          file=sys.stderr)
    sys.exit(1)
print(f"check_test_names: all {len(names)} Catch test cases are registered with ctest")
