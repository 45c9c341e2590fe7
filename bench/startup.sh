#!/usr/bin/env bash
# startup.sh: manifold's start-up against crane v0.22.1, side by side in one
# run: `--help`, `version`, and a warm resolve (manifold resolve --platform,
# crane digest --platform) of the 11-platform index on a real registry
# (distribution v3, in-process, bench/rtt_test.go) on loopback with no delay.
# Runs are interleaved (each repetition runs every command of both tools
# once); the table gives medians of wall time, manifold's over crane's.
#
# The machine may be shared: instruction counts (valgrind --tool=callgrind,
# one run each, all threads; GODEBUG=asyncpreemptoff=1 because callgrind
# trips over Go's preemption signals) and page faults (perf stat) do not
# move with the load the way wall time does. Then binary sizes: `go build`
# as is and with the release flags (-trimpath -ldflags "-s -w").
#
# Usage: bench/startup.sh [RUNS]   (21 by default). CRANE=path uses that
# crane instead of `go install`ing v0.22.1 into a temporary GOBIN;
# MANIFOLD=path measures that binary instead of building this tree;
# BEFORE=path adds another manifold binary (an older build) to the same run.
# Like for like with the release builds: MANIFOLD=<make build's binary>
# CRANE=<crane from CGO_ENABLED=0 go install -trimpath -ldflags "-s -w">.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-21}
. bench/lib.sh
bench_init

bench_build
mf=${MANIFOLD:-$tmp/manifold}
crane=${CRANE:-}
if [ -z "$crane" ]; then
	echo "installing crane v0.22.1 into a temporary GOBIN ..." >&2
	GOBIN="$tmp/bin" go install github.com/google/go-containerregistry/cmd/crane@v0.22.1
	crane=$tmp/bin/crane
fi
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/manifold-release" ./cmd/manifold

bench_serve TestRTTServer "$tmp/ref" 60 MANIFOLD_RTT=1 MANIFOLD_RTT_DELAY=0ms MANIFOLD_RTT_HOSTFILE="$tmp/ref" MANIFOLD_RTT_STOPFILE="$tmp/stop"
ref=$(cat "$tmp/ref")
export HOME="$tmp/home" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config" DOCKER_CONFIG="$tmp/docker"
mkdir -p "$HOME" "$DOCKER_CONFIG"
echo '{}' >"$DOCKER_CONFIG/config.json"

# The commands, by row: manifold's and crane's.
declare -A cmd
cmd["--help|manifold"]="$mf --help"
cmd["--help|crane"]="$crane --help"
cmd["version|manifold"]="$mf version"
cmd["version|crane"]="$crane version"
cmd["warm resolve|manifold"]="$mf resolve $ref --platform linux/arm64"
cmd["warm resolve|crane"]="$crane digest $ref --platform linux/arm64"
cmd["resolve, big cache|manifold"]="env XDG_CACHE_HOME=$tmp/cache-big $mf resolve $ref --platform linux/arm64"
cmd["resolve, big cache|crane"]=${cmd["warm resolve|crane"]}
rows=("--help" "version" "warm resolve" "resolve, big cache")
tools=(manifold crane)
if [ -n "${BEFORE:-}" ]; then
	tools=(manifold before crane)
	for row in "${rows[@]}"; do cmd["$row|before"]=${cmd["$row|manifold"]//$mf/$BEFORE}; done
	${cmd["warm resolve|before"]} >/dev/null
fi

# Warm manifold's cache (crane keeps none), and check both answer the same.
a=$(${cmd["warm resolve|manifold"]})
b=$(${cmd["warm resolve|crane"]})
[ "${a##*@}" = "$b" ] || { echo "manifold resolve says $a, crane digest says $b" >&2; exit 1; }
echo "reference: $ref -> linux/arm64 $b" >&2
# "big cache": the same warm cache plus 20,000 other entries (a cache
# near its 512 MiB limit holds tens of thousands): what start-up costs
# that grows with the cache shows here.
cp -r "$XDG_CACHE_HOME" "$tmp/cache-big"
big=$tmp/cache-big/manifold/blobs/sha256
for i in $(seq 1 20000); do printf 'x\n' >"$big/$(printf '%064x' "$i")"; done

declare -A times
for rep in $(seq 1 "$runs"); do
	for row in "${rows[@]}"; do
		for tool in "${tools[@]}"; do
			t0=$EPOCHREALTIME
			${cmd["$row|$tool"]} >/dev/null 2>&1 || echo "failed: $row $tool" >&2
			t1=$EPOCHREALTIME
			times["$row|$tool"]+="$((${t1/./} - ${t0/./})) "
		done
	done
done

median() { printf '%s\n' $1 | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# instructions CMD...: instructions executed (all threads), from callgrind.
instructions() {
	GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --trace-children=yes --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n }' # env's, if any, is tiny
}
# faults CMD...: page faults, from perf stat.
faults() {
	perf stat -x, -e page-faults "$@" 2>&1 >/dev/null | awk -F, '/page-faults/ { print $1 }'
}
have_valgrind="" have_perf=""
command -v valgrind >/dev/null && have_valgrind=1
command -v perf >/dev/null && perf stat -e page-faults true >/dev/null 2>&1 && have_perf=1

echo
echo "uptime: $(uptime)"
echo "medians of $runs interleaved runs, wall ms; instructions (millions, callgrind) and page faults (perf) of one run"
hdr="| $(printf '%-18s' what) |"
sep="|--------------------|"
for tool in "${tools[@]}"; do hdr+=" $(printf '%8s' "$tool") |"; sep+="----------|"; done
declare -A short=([manifold]=mf [before]=before)
for tool in "${tools[@]}"; do [ "$tool" = crane ] || { hdr+=" $(printf '%8s' "${short[$tool]}/cr") |"; sep+="----------|"; }; done
# table MEASURE: one row per command; MEASURE is wall, instr or faults.
table() {
	echo
	echo "$1"
	echo "$hdr"
	echo "$sep"
	for row in "${rows[@]}"; do
		declare -A v=()
		for tool in "${tools[@]}"; do
			case $1 in
			wall) v[$tool]=$(median "${times["$row|$tool"]}" | awk '{ printf "%.2f", $1 / 1000 }') ;;
			instr) v[$tool]=$(instructions ${cmd["$row|$tool"]} | awk '{ printf "%.1f", $1 / 1e6 }') ;;
			faults) v[$tool]=$(faults ${cmd["$row|$tool"]}) ;;
			esac
		done
		line="| $(printf '%-18s' "$row") |"
		for tool in "${tools[@]}"; do line+=" $(printf '%8s' "${v[$tool]}") |"; done
		for tool in "${tools[@]}"; do
			[ "$tool" = crane ] && continue
			line+=" $(awk -v a="${v[$tool]}" -v b="${v[crane]}" 'BEGIN { if (b + 0 > 0) printf "%7.2fx", a / b; else printf "%8s", "-" }') |"
		done
		echo "$line"
	done
}
table wall
[ -n "$have_valgrind" ] && table instr
[ -n "$have_perf" ] && table faults
size() { stat -c %s "$1" | awk '{ printf "%.1f MB (%d bytes)", $1 / 1e6, $1 }'; }
echo
echo "binary sizes: manifold (go build) $(size "$mf"); manifold (make build: CGO_ENABLED=0 -trimpath -s -w) $(size "$tmp/manifold-release"); crane (go install) $(size "$crane")"
if [ -n "${BEFORE:-}" ]; then echo "before: $(size "$BEFORE")"; fi
