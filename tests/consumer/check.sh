#!/usr/bin/env bash
# Installs the build to a scratch prefix and builds tests/consumer against it with find_package.
# Usage: check.sh BUILD_DIR
set -euo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
cmake -S "$here" -B "$scratch/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/build" >/dev/null
# Events at 1, 2, 15 in 10 ms tumbling windows: [0,10) and [10,20) fire.
[ "$("$scratch/build/consumer")" = 2 ] && echo "consumer built with find_package(tidemark) and ran"
