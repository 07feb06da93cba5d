#!/usr/bin/env bash
# Formats every C++ file in the repository with clang-format 14 and the committed .clang-format.
#   --check   change nothing; list the files that differ and exit 1 if any does (test.sh runs this)
set -euo pipefail
mode=fix
case "${1:-}" in  # no arguments: format in place; --help prints the comment above
  "") ;;
  --check) mode=check ;;
  -h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) echo "$(basename "$0"): unknown argument \"$1\" (see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
scripts/setup.sh clang-format-14
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "$mode" = fix ]; then
  clang-format-14 -i "${files[@]}"
  exit 0
fi
differ=()
for f in "${files[@]}"; do
  clang-format-14 "$f" | cmp -s - "$f" || differ+=("$f")
done
if [ ${#differ[@]} -gt 0 ]; then
  echo "format: ${#differ[@]} file(s) differ from .clang-format (scripts/format.sh fixes them):" >&2
  printf '  %s\n' "${differ[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} C++ files match .clang-format"
