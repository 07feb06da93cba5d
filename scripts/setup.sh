#!/usr/bin/env bash
# Installs what tidemark needs from Debian's packages, only what is missing. Used by demo.sh and
# test.sh; safe to run again.
set -euo pipefail
packages=(g++ cmake ninja-build libbenchmark-dev libhowardhinnant-date-dev catch2
          libcli11-dev nlohmann-json3-dev libfmt-dev python3 python3-jsonschema tzdata
          clang-14 libclang-rt-14-dev)  # clang's build, sanitizers and libFuzzer (test.sh, fuzz.sh)
missing=()
for p in "${packages[@]}" "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
