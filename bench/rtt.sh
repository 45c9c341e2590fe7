#!/usr/bin/env bash
# rtt.sh: how many round trips `manifold inspect REF --all -o json` costs,
# against a real registry (distribution v3, in-process) behind a proxy that
# delays every request by 50 ms, and how that compares with
# `docker manifest inspect -v` on the same tag (an 11-platform OCI index with
# BuildKit attestations: 22 entries).
#
# Usage: bench/rtt.sh [RUNS]   (MANIFOLD_RTT_DELAY=50ms by default)
# MANIFOLD_RTT_IMAGE=signed measures the signed, attested two-platform
# fixture instead (cosign tags, tag-schema referrers, BuildKit attestations).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
export MANIFOLD_RTT_DELAY=${MANIFOLD_RTT_DELAY:-50ms}
delay_ms=$(awk -v d="$MANIFOLD_RTT_DELAY" 'BEGIN { sub(/ms$/, "", d); print d + 0 }')
. bench/lib.sh
bench_init

bench_build
bench_serve TestRTTServer "$tmp/ref" 60 MANIFOLD_RTT=1 MANIFOLD_RTT_HOSTFILE="$tmp/ref" MANIFOLD_RTT_STOPFILE="$tmp/stop"
ref=$(cat "$tmp/ref")
echo "reference: $ref (delay ${delay_ms} ms per request)"

mkdir -p "$tmp/docker"
echo '{}' >"$tmp/docker/config.json"
now() { date +%s%N; }

# Each manifold run gets a cold cache; docker has none.
mf=() dk=()
for i in $(seq 1 "$runs"); do
	t0=$(now)
	XDG_CACHE_HOME="$tmp/cache-$i" HOME="$tmp/home" "$tmp/manifold" inspect "$ref" --all -o json >"$tmp/mf.json"
	t1=$(now)
	DOCKER_CONFIG="$tmp/docker" docker manifest inspect -v --insecure "$ref" >"$tmp/dk.json"
	t2=$(now)
	mf+=($(((t1 - t0) / 1000000)))
	dk+=($(((t2 - t1) / 1000000)))
done
# A warm run (same cache): the HEAD of the tag plus the handshake.
t0=$(now)
XDG_CACHE_HOME="$tmp/cache-1" HOME="$tmp/home" "$tmp/manifold" inspect "$ref" --all -o json >/dev/null
warm=$((($(now) - t0) / 1000000))

entries=$(grep -o '"platform"' "$tmp/mf.json" | wc -l)
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
m=$(median "${mf[@]}")
d=$(median "${dk[@]}")
echo "manifold inspect --all -o json: ${mf[*]} ms (median $m ms; json lists $entries platforms)"
echo "docker manifest inspect -v:     ${dk[*]} ms (median $d ms)"
echo "manifold warm (cached):         $warm ms"
awk -v m="$m" -v d="$d" -v r="$delay_ms" -v w="$warm" 'BEGIN {
	printf "round trips worth: manifold %.1f (target <= 6), warm %.1f, docker %.1f\n", m / r, w / r, d / r
	printf "speed-up over docker: %.1fx (target >= 5x)\n", d / m
}'
