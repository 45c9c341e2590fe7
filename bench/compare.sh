#!/usr/bin/env bash
# compare.sh: the cost of diff and check on 200-platform indexes (the pure
# model functions the CLI and the TUI call: model.DiffRefs and model.Check),
# run COUNT times (5 by default), medians printed.
#
# Usage: bench/compare.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5}
out=$(go test -run '^$' -bench 'BenchmarkDiffRefs200|BenchmarkCheck200' -benchmem -count "$count" ./model)
echo "$out" | grep -E '^Benchmark'
echo "$out" | awk '/^Benchmark/ {
	name=$1; sub(/-[0-9]+$/, "", name); n[name]++; ns[name, n[name]]=$3; b[name, n[name]]=$5; a[name, n[name]]=$7
} END {
	for (k in n) {
		m = n[k]
		for (i = 1; i <= m; i++) v[i] = ns[k, i]
		# insertion sort: m is small
		for (i = 2; i <= m; i++) { x = v[i]; j = i - 1; while (j > 0 && v[j] > x) { v[j+1] = v[j]; j-- } v[j+1] = x }
		med = (m % 2) ? v[(m+1)/2] : (v[m/2] + v[m/2+1]) / 2
		printf "median %-22s %10.0f ns/op (%.2f ms), %s B/op, %s allocs/op, %d runs\n", k, med, med/1e6, b[k, 1], a[k, 1], m
	}
}'
