#!/usr/bin/env bash
# tui.sh: the browser measured in tmux, as a user sees it, against a real
# registry (distribution v3, in-process) behind a proxy that delays every
# request by MANIFOLD_RTT_DELAY (50 ms): the 11-platform index with
# attestations.
#
#   time to first row  from launch (manifold REF in a new tmux window) until
#                      the tree shows its first platform row, polling the
#                      pane every 5 ms: cold (new cache dir: no host hint)
#                      and warm (the same cache dir again). In round trips:
#                      time / delay. Also the first frame (anything drawn):
#                      bubbletea draws only on its frame ticker, so nothing
#                      shows before Run + 1/fps, and rows that reach the
#                      model wait for the next tick (up to 67 ms at 15 fps;
#                      name the same binary with :120 to see the rows
#                      without that wait).
#   idle CPU           once the tree is complete, the process's CPU time
#                      (every thread's, /proc/PID/task/*/schedstat) over IDLE_SECONDS
#                      (10) with no input, as a share of one core, and its
#                      context switches per second (all threads); beside
#                      it the floor, bench/teafloor (the smallest bubbletea
#                      program, at the same default frame rate), idle.
#
# Usage: bench/tui.sh [RUNS] [NAME=BINARY[:FPS]]...   (3 runs by default;
# MANIFOLD_FPS sets the frame rate, 15 by default). With no binary it builds
# this tree's manifold; with several (say old=/tmp/manifold-main
# new=/tmp/manifold new30=/tmp/manifold:30) each run launches each of them
# in turn, interleaved, against the same registry, and each gets its own
# medians. Linux (/proc), tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
idle=${IDLE_SECONDS:-10}
export MANIFOLD_RTT_DELAY=${MANIFOLD_RTT_DELAY:-50ms}
delay_ms=$(awk -v d="$MANIFOLD_RTT_DELAY" 'BEGIN { sub(/ms$/, "", d); print d + 0 }')
session="manifold-tui-bench-$$"
kill_session() { tmux kill-session -t "$session" 2>/dev/null; }
bench_on_exit=kill_session
. bench/lib.sh
bench_init

if [ $# -eq 0 ]; then
	bench_build
	set -- "manifold=$tmp/manifold:${MANIFOLD_FPS:-}"
else
	go test -c -o "$tmp/bench.test" ./bench
fi
names=() bins=() fpss=()
for spec in "$@"; do
	name=${spec%%=*} rest=${spec#*=}
	bin=${rest%%:*} fps=""
	[ "$bin" != "$rest" ] && fps=${rest#*:}
	[ -x "$bin" ] || { echo "$bin: not an executable" >&2; exit 2; }
	names+=("$name") bins+=("$bin") fpss+=("${fps:-${MANIFOLD_FPS:-}}")
done
go build -o "$tmp/teafloor" ./bench/teafloor
bench_serve TestRTTServer "$tmp/ref" 60 MANIFOLD_RTT=1 MANIFOLD_RTT_HOSTFILE="$tmp/ref" MANIFOLD_RTT_STOPFILE="$tmp/stop"
ref=$(cat "$tmp/ref")
echo "reference: $ref (delay ${delay_ms} ms per request)"
tmux new-session -d -s "$session" -x 120 -y 40
now() { date +%s%N; }

# launch CACHE BINARY FPS: start the browser on ref in a new window; prints
# the window.
launch() {
	local win="w$RANDOM"
	tmux new-window -d -t "$session" -n "$win" \
		"env XDG_CACHE_HOME=$1 HOME=$tmp/home NO_COLOR=1 MANIFOLD_FPS=$3 $2 $ref; sleep 60"
	echo "$win"
}
# first_row WIN T0: "FRAME ROW": ms from T0 until the browser's first frame
# (anything on screen) and until a platform row is on screen.
first_row() {
	local frame="" seen
	for _ in $(seq 1 4000); do
		# One tmux and one awk per poll, as few forks as the old grep -q:
		# "1 0" = something drawn, no row yet.
		seen=$(tmux capture-pane -p -t "$session:$1" | awk 'NF { f = 1 } /linux\// { r = 1 } END { print f + 0, r + 0 }')
		if [ -z "$frame" ] && [ "${seen% *}" = 1 ]; then
			frame=$((($(now) - $2) / 1000000))
		fi
		if [ "${seen#* }" = 1 ]; then
			echo "${frame:-0} $((($(now) - $2) / 1000000))"
			return
		fi
		sleep 0.005
	done
	echo "timeout timeout"
}
pid_of() { tmux list-panes -t "$session:$1" -F '#{pane_pid}' | head -n 1 | xargs -I{} pgrep -P {} -f "$2" | head -n 1; }
# cpu_ns PID: the CPU time of every thread of PID, in nanoseconds
# (schedstat's first field; /proc/PID/stat counts clock ticks of 10 ms,
# which over 10 s can only say 0.1, 0.2 or 0.3 %).
cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ s += $1 } END { printf "%d\n", s }'; }
switches() { cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ { s += $2 } END { print s }'; }

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# idle_cpu PID: "CPU% SWITCHES/s" of PID over $idle seconds.
idle_cpu() {
	local c0 c1 s0 s1
	c0=$(cpu_ns "$1") s0=$(switches "$1")
	sleep "$idle"
	c1=$(cpu_ns "$1") s1=$(switches "$1")
	awk -v a="$c0" -v b="$c1" -v x="$s0" -v y="$s1" -v s="$idle" 'BEGIN { printf "%.3f %d\n", (b - a) / 1e9 / s * 100, (y - x) / s }'
}

declare -A cold warm coldf warmf cpu wake
floorcpu="" floorwake=""
for i in $(seq 1 "$runs"); do
	# The floor: bench/teafloor, the smallest bubbletea program, idle.
	win=$(launch "$tmp/cache-floor" "$tmp/teafloor" "${MANIFOLD_FPS:-15}")
	sleep 1
	pid=$(pid_of "$win" "$tmp/teafloor")
	if [ -n "$pid" ]; then
		read -r c w <<<"$(idle_cpu "$pid")"
		floorcpu+="$c " floorwake+="$w "
	fi
	tmux kill-window -t "$session:$win"
	for b in "${!names[@]}"; do
		bin=${bins[$b]} fps=${fpss[$b]}
		cache="$tmp/cache-$i-$b"
		t0=$(now)
		win=$(launch "$cache" "$bin" "$fps")
		read -r f r <<<"$(first_row "$win" "$t0")"
		cold[$b]+="$r " coldf[$b]+="$f "
		sleep 2 # the rest of the tree arrives
		pid=$(pid_of "$win" "$bin")
		if [ -n "$pid" ]; then
			read -r c w <<<"$(idle_cpu "$pid")"
			cpu[$b]+="$c " wake[$b]+="$w "
		fi
		tmux kill-window -t "$session:$win"
		t0=$(now)
		win=$(launch "$cache" "$bin" "$fps")
		read -r f r <<<"$(first_row "$win" "$t0")"
		warm[$b]+="$r " warmf[$b]+="$f "
		tmux kill-window -t "$session:$win"
	done
done
rtt() { awk -v m="$1" -v d="$delay_ms" 'BEGIN { printf "%.2f", m / d }'; }
for b in "${!names[@]}"; do
	# shellcheck disable=SC2086 # the lists are words
	mc=$(median ${cold[$b]}) mw=$(median ${warm[$b]})
	echo "${names[$b]} (${bins[$b]}, fps ${fpss[$b]:-15}):"
	# shellcheck disable=SC2086
	fc=$(median ${coldf[$b]}) fw=$(median ${warmf[$b]})
	echo "  time to first row, cold: ${cold[$b]}ms (median $mc ms = $(rtt "$mc") round trips; first frame at $fc ms)"
	echo "  time to first row, warm: ${warm[$b]}ms (median $mw ms = $(rtt "$mw") round trips; first frame at $fw ms)"
	# shellcheck disable=SC2086
	echo "  idle CPU over ${idle} s: ${cpu[$b]:-}% of a core (median $(median ${cpu[$b]:-0}) %); context switches: ${wake[$b]:-}/s (median $(median ${wake[$b]:-0}) /s)"
done
# shellcheck disable=SC2086
echo "floor (bench/teafloor: bubbletea alone, fps ${MANIFOLD_FPS:-15}): idle CPU ${floorcpu}% (median $(median ${floorcpu:-0}) %); context switches: ${floorwake}/s (median $(median ${floorwake:-0}) /s)"
