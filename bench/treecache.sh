#!/usr/bin/env bash
# treecache.sh: what a new, empty disk cache costs a cold tree, against no
# cache, at 11, 64 and 200 platforms (BenchmarkTreeRoundTrips open and
# open+cache, 50 ms per request), for the working tree and, side by side in
# one run, for BASE (a commit: built in a temporary git worktree). The
# rounds are interleaved; medians are printed. rtt/op is Tree's time in
# round trips; flush-rtt/op (open+cache, where the code has Client.Flush)
# is the wait for the writes still queued when Tree returned, as the CLI
# waits for them before it exits.
#
# Usage: bench/treecache.sh [BASE] [ROUNDS]   (BASE: none by default; 3 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-}
rounds=${2:-3}
tmp=$(mktemp -d)
cleanup() {
	if [ -n "$base" ] && [ -d "$tmp/base" ]; then git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go test -c -o "$tmp/head.test" ./registry
bins=(head)
if [ -n "$base" ]; then
	git worktree add --detach "$tmp/base" "$base" >/dev/null 2>&1
	(cd "$tmp/base" && go test -c -o "$tmp/base.test" ./registry)
	bins=(base head)
fi
for _ in $(seq 1 "$rounds"); do
	for b in "${bins[@]}"; do
		"$tmp/$b.test" -test.run '^$' -test.bench 'BenchmarkTreeRoundTrips/(open|open\+cache)/platforms=(11|64|200)$' \
			-test.benchtime 5x | grep '^BenchmarkTreeRoundTrips/' | sed "s/^/$b /" >>"$tmp/runs"
	done
done
cat "$tmp/runs"
awk '
function med(list,   n, v, i, j, x) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++) { x = v[i] + 0; j = i - 1; while (j > 0 && v[j] + 0 > x) { v[j+1] = v[j]; j-- } v[j+1] = x }
	return (n % 2) ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
}
{
	name = $2; sub(/^BenchmarkTreeRoundTrips\//, "", name); sub(/-[0-9]+$/, "", name)
	k = $1 " " name; keys[k] = 1
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "rtt/op") rtt[k] = rtt[k] " " $i
		if ($(i+1) == "flush-rtt/op") fl[k] = fl[k] " " $i
	}
}
END {
	for (k in keys) {
		line = sprintf("median %-32s %5.2f rtt/op", k, med(rtt[k]))
		if (fl[k] != "") line = line sprintf("  flush %5.2f rtt", med(fl[k]))
		print line
	}
}' "$tmp/runs" | sort -k3,3V -k2,2
