#!/usr/bin/env bash
# Run every Go fuzz target in the repository for FUZZTIME each.
#
#   scripts/fuzz.sh 2m            # every target, 2 minutes each
#   FUZZ_PARALLEL=1 scripts/fuzz.sh 30s
#   scripts/fuzz.sh 1m ./model/... # only the targets under ./model
#
# Targets are found with `go test -list '^Fuzz'`, so new ones are picked up
# without editing this script. A crasher lands in PKG/testdata/fuzz/FuzzX/;
# commit it (it becomes a regression case of `go test`) and fix the bug.
# The script stops at the first failing target and exits non-zero.
set -euo pipefail

fuzztime="${1:-}"
if [[ -z "$fuzztime" ]]; then
	echo "usage: $0 FUZZTIME [PACKAGES...]   e.g. $0 2m" >&2
	exit 2
fi
shift
pkgs=("$@")
if [[ ${#pkgs[@]} -eq 0 ]]; then
	pkgs=(./...)
fi

cd "$(dirname "$0")/.."
parallel=()
if [[ -n "${FUZZ_PARALLEL:-}" ]]; then
	parallel=(-parallel "$FUZZ_PARALLEL")
fi

ran=0
for pkg in $(go list "${pkgs[@]}"); do
	targets=$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)
	for target in $targets; do
		echo "=== fuzz $pkg $target for $fuzztime"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "${parallel[@]}" "$pkg"
		ran=$((ran + 1))
	done
done
if [[ $ran -eq 0 ]]; then
	echo "no fuzz targets found in ${pkgs[*]}" >&2
	exit 1
fi
echo "ran $ran fuzz targets for $fuzztime each"
