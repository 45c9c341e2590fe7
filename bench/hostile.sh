#!/usr/bin/env bash
# hostile.sh: manifold against hostile registries (internal/hostile, served
# in-process on loopback by bench/hostile_test.go). Prints, from one run:
#   - peak RSS of `manifold tags` on a 1 GiB gzip bomb served as a tags page
#     (goal <= 200 MiB);
#   - peak RSS of `manifold inspect --all` on an index of 500 children of
#     4 MB each, announced and chunked (goal <= 300 MiB), its requests, and
#     the cache size after it (goal <= the cache limit, 512 MiB);
#   - requests and seconds of `manifold tags` on a Link that repeats forever
#     (goal: stopped at the first repeat).
#
# Usage: bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_init

bench_build
bench_serve TestHostileServer "$tmp/hosts" 120 MANIFOLD_HOSTILE=1 MANIFOLD_HOSTILE_HOSTFILE="$tmp/hosts" \
	MANIFOLD_HOSTILE_STATS="$tmp/stats" MANIFOLD_HOSTILE_STOPFILE="$tmp/stop"
host() { awk -v n="$1" '$1 == n { print $2 }' "$tmp/hosts"; }
stat() { sleep 0.2; awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$tmp/stats"; }
mkdir -p "$tmp/docker" "$tmp/home"
echo '{}' >"$tmp/docker/config.json"
export DOCKER_CONFIG="$tmp/docker" HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config"
unset MANIFOLD_CONFIG

# run NAME CMD...: runs manifold with its own cache, records peak RSS (KiB),
# seconds and exit status; the first line of stderr is kept.
run() {
	local name=$1
	shift
	export XDG_CACHE_HOME="$tmp/cache-$name"
	local t0 t1
	t0=$(date +%s%N)
	set +e
	/usr/bin/time -f '%M' -o "$tmp/$name.rss" "$tmp/manifold" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.code"
	set -e
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000)) >"$tmp/$name.ms"
}
mib() { tail -n 1 "$1" | awk '{ printf "%.1f", $1 / 1024 }'; }

run bomb tags "$(host bomb)/bomb"
echo "gzip bomb (1 GiB inflated, $(($(stat bomb 3) / 1024)) KiB sent): manifold tags exit $(cat "$tmp/bomb.code"), peak RSS $(mib "$tmp/bomb.rss") MiB (goal <= 200), $(cat "$tmp/bomb.ms") ms"
echo "  $(tail -n 1 "$tmp/bomb.err")"

for v in fat fatchunked; do
	run "$v" inspect "$(host "$v")/fat:v1" --all -o json
	cache=$(du -sb "$tmp/cache-$v" 2>/dev/null | awk '{ print $1 }')
	echo "fat index ($v, 500 x 4 MB): inspect --all exit $(cat "$tmp/$v.code"), peak RSS $(mib "$tmp/$v.rss") MiB (goal <= 300), $(stat "$v" 2) requests, $(stat "$v" 4) children asked, $(cat "$tmp/$v.ms") ms, cache $((${cache:-0} / 1024)) KiB (limit 524288 KiB)"
	echo "  $(grep -m1 'left out' "$tmp/$v.err" || true)"
done

run link tags "$(host link)/loop"
echo "endless Link (repeats): manifold tags exit $(cat "$tmp/link.code"), $(stat link 2) requests in all, $(cat "$tmp/link.ms") ms"
echo "  $(tail -n 1 "$tmp/link.err")"
