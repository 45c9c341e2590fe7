#!/usr/bin/env bash
# copy.sh: what `manifold cp` costs through a proxy that delays every request
# (50 ms by default), between two real registries (distribution v3,
# in-process): a full copy of an 11-platform index with attestations at
# --jobs 1, 4 and 8, a filtered copy of 2 platforms, and, side by side in the
# same run, `crane copy` (installed with go install into a temporary GOBIN)
# and `skopeo copy --all` when skopeo is installed. Runs are interleaved;
# each copy goes to a new repository of the target, so nothing is skipped.
#
# Usage: bench/copy.sh [RUNS]   (MANIFOLD_RTT_DELAY=50ms by default)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
export MANIFOLD_RTT_DELAY=${MANIFOLD_RTT_DELAY:-50ms}
delay_ms=$(awk -v d="$MANIFOLD_RTT_DELAY" 'BEGIN { sub(/ms$/, "", d); print d + 0 }')
. bench/lib.sh
bench_init

bench_build
crane=""
if GOBIN="$tmp/bin" go install github.com/google/go-containerregistry/cmd/crane@v0.22.1 2>"$tmp/crane.log"; then
	crane="$tmp/bin/crane"
else
	echo "crane: not installed ($(tail -1 "$tmp/crane.log"))"
fi
skopeo=$(command -v skopeo || true)
echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$tmp/policy.json"

bench_serve TestCopyServer "$tmp/ref" 60 MANIFOLD_RTT=1 MANIFOLD_RTT_HOSTFILE="$tmp/ref" MANIFOLD_RTT_STOPFILE="$tmp/stop" \
	MANIFOLD_COPY_COUNTFILE="$tmp/count"
read -r src dst <"$tmp/ref"
echo "source: $src, target: $dst (delay ${delay_ms} ms per request)"

export HOME="$tmp/home" DOCKER_CONFIG="$tmp/docker"
mkdir -p "$DOCKER_CONFIG" && echo '{}' >"$DOCKER_CONFIG/config.json"
now() { date +%s%N; }
counts() { # prints "source target" request counts so far
	rm -f "$tmp/count"
	touch "$tmp/count.ask"
	for _ in $(seq 1 200); do [ -s "$tmp/count" ] && break; sleep 0.02; done
	cat "$tmp/count"
}
declare -A times reqs
run() { # name command...
	local name=$1
	shift
	read -r s0 d0 < <(counts)
	local t0
	t0=$(now)
	"$@" >"$tmp/out" 2>&1 || { cat "$tmp/out"; echo "$name failed" >&2; exit 1; }
	times[$name]+="$((($(now) - t0) / 1000000)) "
	read -r s1 d1 < <(counts)
	reqs[$name]="$((s1 - s0)) + $((d1 - d0))"
}
mf() { XDG_CACHE_HOME="$tmp/cache-$1" "$tmp/manifold" cp "${@:2}" --yes --progress none; }
for i in $(seq 1 "$runs"); do
	run "manifold --jobs 1" mf "j1-$i" "$src" "$dst/j1-$i/eleven:v1" --jobs 1
	run "manifold --jobs 4" mf "j4-$i" "$src" "$dst/j4-$i/eleven:v1" --jobs 4
	run "manifold --jobs 8" mf "j8-$i" "$src" "$dst/j8-$i/eleven:v1" --jobs 8
	run "manifold 2 platforms" mf "f-$i" "$src" "$dst/f-$i/eleven:v1" --jobs 8 --platform linux/amd64,linux/arm64
	cp "$tmp/out" "$tmp/filtered.out"
	if [ -n "$crane" ]; then run "crane copy" "$crane" copy --insecure "$src" "$dst/crane-$i/eleven:v1"; fi
	if [ -n "$skopeo" ]; then
		run "skopeo copy --all" "$skopeo" --policy "$tmp/policy.json" copy --all --src-tls-verify=false --dest-tls-verify=false "docker://$src" "docker://$dst/skopeo-$i/eleven:v1"
	fi
done

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
base=$(median ${times["manifold --jobs 1"]})
printf '%-22s %10s %8s %10s  %s\n' "copy" "median ms" "RTTs" "vs jobs 1" "requests (source + target), runs"
for name in "manifold --jobs 1" "manifold --jobs 4" "manifold --jobs 8" "manifold 2 platforms" "crane copy" "skopeo copy --all"; do
	[ -n "${times[$name]:-}" ] || continue
	m=$(median ${times[$name]})
	awk -v n="$name" -v m="$m" -v b="$base" -v r="$delay_ms" -v q="${reqs[$name]}" -v all="${times[$name]}" \
		'BEGIN { printf "%-22s %10d %8.1f %9.2fx  %s; %s\n", n, m, m / r, b / m, q, all }'
done
echo "filtered copy, last run: $(grep '^copied' "$tmp/filtered.out")"
