#!/usr/bin/env bash
# peers.sh: manifold side by side with crane v0.22.1 and regctl v0.11.7 (and
# skopeo if present), in one run, against a real registry (distribution v3,
# in-process, bench/peers_test.go) behind proxies that delay every request
# by 0, 20 and 50 ms. Repetitions are interleaved (each repetition runs
# every tool once) and the table shows medians, with each peer's time over
# manifold's (a ratio above 1 means manifold is faster).
#
#   full inspect  the index, every child manifest and every config: manifold
#                 inspect --all; for crane and regctl a script that fetches
#                 the children and their configs 32 at a time (neither has
#                 one command for it). cold = new cache dir (manifold's
#                 only: the peers keep none, so their warm is their cold).
#   listings      a repository of 20,000 tags and a catalog of 10,000
#                 repositories through the 20 ms proxy: time until the
#                 first line reaches the reader, and to the end.
#   start-up      --help, and a warm resolve (manifold resolve --platform,
#                 crane digest, regctl image digest) with no delay.
#
# Usage: bench/peers.sh [REPS]   (3 by default; MANIFOLD_PEERS_TAGS and
# MANIFOLD_PEERS_REPOS size the listings)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
. bench/lib.sh
bench_init

export GOBIN="$tmp/bin"
echo "installing crane v0.22.1 and regctl v0.11.7 into a temporary GOBIN ..." >&2
go install github.com/google/go-containerregistry/cmd/crane@v0.22.1
go install github.com/regclient/regclient/cmd/regctl@v0.11.7
bench_build "$GOBIN"
PATH="$GOBIN:$PATH"

echo "seeding the registry (20k tags, 10k repositories: a minute or two) ..." >&2
bench_serve TestPeersServer "$tmp/info.json" 600 MANIFOLD_PEERS_INFO="$tmp/info.json" MANIFOLD_PEERS_STOP="$tmp/stop"
info() { jq -r "$1" "$tmp/info.json"; }
echo "seeded in $(info .seeded): $(info .ntags) tags, $(info .nrepos) repositories" >&2

export HOME="$tmp/home" DOCKER_CONFIG="$tmp/docker"
mkdir -p "$HOME" "$DOCKER_CONFIG"
echo '{}' >"$DOCKER_CONFIG/config.json"
for ms in 0 20 50; do
	regctl registry set "$(info ".proxies[\"$ms\"]")" --tls disabled >/dev/null 2>&1
done
have_skopeo=""
command -v skopeo >/dev/null && have_skopeo=1

now() { date +%s%N; }
ms_since() { echo $((($(now) - $1) / 1000000)); }
declare -A times

# record KEY CMD...: run, add the wall time in ms to times[KEY].
record() {
	local key=$1
	shift
	local t0
	t0=$(now)
	"$@" >/dev/null 2>&1 || echo "failed: $key" >&2
	times[$key]+="$(ms_since "$t0") "
}

# firstline KEY CMD...: the time until the first line of output reaches
# its reader (the rest is read to the end, so the command is not cut off).
# Not the end of `CMD | head -n 1`: that ends when CMD next writes and finds
# the pipe closed, which for a tool that prints each page in one write (as
# manifold does) is the second page, and for one that writes line by line
# (crane) the second line, so it measured the writer, not the first line.
firstline() {
	local key=$1
	shift
	local t0 ms
	t0=$(now)
	ms=$({ "$@" 2>/dev/null || true; } | { IFS= read -r _ || true; ms_since "$t0"; cat >/dev/null; })
	times[$key]+="$ms "
}

# The peers' full inspect: the index, then each child manifest and its
# config, 32 processes at a time.
crane_inspect() {
	local repo=${1%:*}
	crane manifest "$1" | jq -r '.manifests[].digest' |
		xargs -P 32 -I{} sh -c 'c=$(crane manifest "$0@{}" | jq -r .config.digest) && crane blob "$0@$c" >/dev/null' "$repo"
}
regctl_inspect() {
	local repo=${1%:*}
	regctl manifest get "$1" --format raw-body | jq -r '.manifests[].digest' |
		xargs -P 32 -I{} sh -c 'c=$(regctl manifest get "$0@{}" --format raw-body | jq -r .config.digest) && regctl blob get "$0" "$c" >/dev/null' "$repo"
}

for rep in $(seq 1 "$reps"); do
	echo "repetition $rep of $reps ..." >&2
	for ms in 0 20 50; do
		host=$(info ".proxies[\"$ms\"]")
		for img in eleven wide; do
			ref="$host/$(info ".$img")"
			cache="$tmp/cache-$rep-$ms-$img"
			record "inspect $img ${ms}ms cold|manifold" env XDG_CACHE_HOME="$cache" manifold inspect "$ref" --all -o json
			record "inspect $img ${ms}ms warm|manifold" env XDG_CACHE_HOME="$cache" manifold inspect "$ref" --all -o json
			record "inspect $img ${ms}ms cold|crane" crane_inspect "$ref"
			record "inspect $img ${ms}ms cold|regctl" regctl_inspect "$ref"
		done
	done
	host=$(info '.proxies["20"]')
	repo="$host/$(info .tags)"
	cache="$tmp/cache-$rep-list"
	env XDG_CACHE_HOME="$cache" manifold tags "$repo" >/dev/null 2>&1 || true # warms the host hint
	firstline "tags 20ms first line|manifold" env XDG_CACHE_HOME="$cache" manifold tags "$repo"
	firstline "tags 20ms first line|crane" crane ls "$repo"
	firstline "tags 20ms first line|regctl" regctl tag ls "$repo"
	record "tags 20ms total|manifold" env XDG_CACHE_HOME="$cache" manifold tags "$repo"
	record "tags 20ms total|crane" crane ls "$repo"
	record "tags 20ms total|regctl" regctl tag ls "$repo"
	firstline "repos 20ms first line|manifold" env XDG_CACHE_HOME="$cache" manifold repos "$host"
	firstline "repos 20ms first line|crane" crane catalog "$host"
	firstline "repos 20ms first line|regctl" regctl repo ls "$host"
	record "repos 20ms total|manifold" env XDG_CACHE_HOME="$cache" manifold repos "$host"
	record "repos 20ms total|crane" crane catalog "$host"
	record "repos 20ms total|regctl" regctl repo ls "$host"
	if [ -n "$have_skopeo" ]; then
		record "tags 20ms total|skopeo" skopeo list-tags --tls-verify=false "docker://$repo"
	fi

	host=$(info '.proxies["0"]')
	ref="$host/$(info .eleven)"
	cache="$tmp/cache-$rep-resolve"
	env XDG_CACHE_HOME="$cache" manifold resolve "$ref" --platform linux/arm64 >/dev/null 2>&1 || true
	record "--help|manifold" manifold --help
	record "--help|crane" crane --help
	record "--help|regctl" regctl --help
	record "warm resolve 0ms|manifold" env XDG_CACHE_HOME="$cache" manifold resolve "$ref" --platform linux/arm64
	record "warm resolve 0ms|crane" crane digest "$ref" --platform linux/arm64
	record "warm resolve 0ms|regctl" regctl image digest "$ref" --platform linux/arm64
done

median() { printf '%s\n' $1 | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
rows=()
for k in "${!times[@]}"; do rows+=("${k%|*}"); done
printf '\n%s\n' "medians of $reps interleaved runs, ms (ratio: the peer's time / manifold's)"
printf '| %-28s | %8s | %8s | %8s | %7s | %7s |\n' what manifold crane regctl crane× regctl×
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------------ ---------- ---------- ---------- --------- ---------
printf '%s\n' "${rows[@]}" | sort -u | sort -t' ' -k1,1 -k2,2 | while read -r what; do
	m=$(median "${times["$what|manifold"]:-}")
	c=$(median "${times["$what|crane"]:-}")
	r=$(median "${times["$what|regctl"]:-}")
	# A peer keeps no cache: its warm inspect is its cold one.
	case $what in inspect*warm*) c=$(median "${times["${what/warm/cold}|crane"]:-}"); r=$(median "${times["${what/warm/cold}|regctl"]:-}") ;; esac
	awk -v w="$what" -v m="$m" -v c="$c" -v r="$r" 'BEGIN {
		printf "| %-28s | %8s | %8s | %8s | %7s | %7s |\n", w, m, c, r,
			(m > 0 && c != "" ? sprintf("%.2f", c / m) : "-"), (m > 0 && r != "" ? sprintf("%.2f", r / m) : "-")
	}'
done
if [ -n "$have_skopeo" ]; then
	echo "skopeo list-tags, 20 ms: $(median "${times["tags 20ms total|skopeo"]}") ms"
fi
