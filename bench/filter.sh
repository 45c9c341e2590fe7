#!/usr/bin/env bash
# bench/filter.sh [COUNT]: the list filter, old way (fuzzy.Find over every
# name on every keystroke, as the list (ui/components/list) did before internal/namefilter) and
# new way side by side in one test binary, COUNT runs each (default 5),
# medians. Wall time moves with the machine's load; cpu-ms (user + system of
# the process), B/op and allocs/op much less.
#   FILTER_1M=1    also the 1,000,000-name runs (slow: the old way is ~0.3 s a key)
#   CALLGRIND=1    also instructions per typing session, old and new, one
#                  thread (valgrind --tool=callgrind, inclusive cost of
#                  oldFilter against namefilter.New + Index.Find)
# Run from the repository root.
set -euo pipefail
count=${1:-5}
. bench/lib.sh
bench_init

go test -c -o "$tmp/namefilter.test" ./internal/namefilter
go test -c -o "$tmp/list.test" ./ui/components/list

run() { # BINARY PATTERN [BENCHTIME]
	"$1" -test.run '^$' -test.bench "$2" -test.benchmem -test.count "$count" -test.benchtime "${3:-1s}" | tee -a "$tmp/raw"
}
uptime
run "$tmp/namefilter.test" 'Keystrokes100k|FirstKeystroke100k|Score100k'
run "$tmp/list.test" 'Filter100k'
if [ "${FILTER_1M:-}" = 1 ]; then
	run "$tmp/namefilter.test" 'Keystrokes1M' 2x
	run "$tmp/list.test" 'Filter1M' 3x
fi
uptime

# Medians per benchmark and unit; each line: name, then value unit pairs.
echo
echo "medians of $count runs:"
awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
	for (i = 3; i + 1 <= NF; i += 2) {
		key = name SUBSEP $(i + 1)
		if (!(key in cnt)) units[name] = units[name] " " $(i + 1)
		vals[key, ++cnt[key]] = $i
	}
}
function median(key,    k, m, a, i, j, t) {
	m = cnt[key]
	for (i = 1; i <= m; i++) a[i] = vals[key, i] + 0
	for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
END {
	for (k = 1; k <= n; k++) {
		name = order[k]; line = sprintf("%-58s", name)
		split(substr(units[name], 2), us, " ")
		for (i = 1; i in us; i++) {
			unit = us[i]
			if (unit == "ns/op") { if (index(units[name], "ms/key")) continue; unit = "ms/op" }
			v = (unit == "ms/op") ? median(name SUBSEP "ns/op") / 1e6 : median(name SUBSEP unit)
			line = line sprintf("  %12.4g %s", v, unit)
		}
		print line
	}
}' "$tmp/raw"

if [ "${CALLGRIND:-}" = 1 ]; then
	# One session (-benchtime 1x) per process, on one thread without
	# preemption signals (callgrind cannot follow Go's); the process that
	# runs no session (the names built, nothing typed) is subtracted.
	instructions() { # BENCH PATTERN
		GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
			"$tmp/namefilter.test" -test.run '^$' -test.bench "$1" -test.benchtime 1x >/dev/null 2>"$tmp/cg.log"
		sed -n 's/.*Collected : //p' "$tmp/cg.log"
	}
	echo
	echo "instructions per typing session (21 keys), one thread (callgrind):"
	for kind in builds tags; do
		base=$(instructions "Keystrokes100k/$kind/none")
		old=$(instructions "Keystrokes100k/$kind/fuzzy.Find")
		new=$(instructions "Keystrokes100k/$kind/namefilter")
		awk -v k="$kind" -v b="$base" -v o="$old" -v n="$new" 'BEGIN {
			printf "%-8s fuzzy.Find %6.2f G (%.0f M/key)   namefilter %6.2f G (%.0f M/key)   %.1f× fewer\n",
				k, (o - b) / 1e9, (o - b) / 21e6, (n - b) / 1e9, (n - b) / 21e6, (o - b) / (n - b) }'
	done
fi
