#!/usr/bin/env bash
# screenshots.sh: run `manifold demo` under tmux, drive it with send-keys and
# render each screen (tmux capture-pane -e) to SVG in screenshots/.
# Needs tmux (installed here with apt-get when missing and possible) and
# nothing else from the network.
#
# The demo registry listens on DEMO_ADDR (127.0.0.1:5000 by default) so the
# screenshots do not change from run to run; set DEMO_ADDR=127.0.0.1:PORT if
# that port is taken.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin/manifold}
OUT=${OUT:-screenshots}
COLS=${COLS:-120}
ROWS=${ROWS:-34}
DEMO_ADDR=${DEMO_ADDR:-127.0.0.1:5000}

if ! command -v tmux >/dev/null; then
  if command -v apt-get >/dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
    echo "screenshots.sh: tmux is missing; installing it with ${SUDO:+sudo }apt-get" >&2
    $SUDO apt-get install -y -qq tmux >&2 || $SUDO sh -c 'apt-get update -qq && apt-get install -y -qq tmux' >&2 || true
  fi
  command -v tmux >/dev/null || {
    echo "screenshots.sh: tmux is needed and could not be installed; install it (apt-get install tmux, brew install tmux, dnf install tmux) and run make screenshots again" >&2
    exit 1
  }
fi
[ -x "$BIN" ] || go build -o "$BIN" ./cmd/manifold
go build -o bin/ansi2svg ./scripts/ansi2svg
mkdir -p "$OUT"

S="manifold-shots-$$"
TMP=$(mktemp -d)
trap 'tmux kill-session -t "$S" 2>/dev/null || true; rm -rf "$TMP"' EXIT
# A private HOME so the run neither reads nor writes the user's state.
tmux new-session -d -s "$S" -x "$COLS" -y "$ROWS" \
  "env -u NO_COLOR HOME=$TMP XDG_CONFIG_HOME=$TMP/config XDG_DATA_HOME=$TMP/data XDG_CACHE_HOME=$TMP/cache DOCKER_CONFIG=$TMP/docker TERM=xterm-256color COLORTERM=truecolor $BIN demo --addr $DEMO_ADDR --theme dark 2>$TMP/err; sleep 600"

keys() { tmux send-keys -t "$S" "$@"; sleep 0.3; }
# wait_for TEXT: until the screen shows TEXT (15 s at most).
wait_for() {
  for _ in $(seq 1 150); do
    if tmux capture-pane -p -t "$S" | grep -qF -- "$1"; then sleep 0.2; return 0; fi
    sleep 0.1
  done
  echo "screenshots.sh: timed out waiting for '$1'; the screen was:" >&2
  tmux capture-pane -p -t "$S" >&2
  cat "$TMP/err" >&2
  exit 1
}
shot() { tmux capture-pane -e -p -t "$S" | bin/ansi2svg -cols "$COLS" -title "manifold — $2" >"$OUT/$1.svg"; echo "wrote $OUT/$1.svg"; }

wait_for "Repositories"
wait_for "tools/migrate"
shot 01-repositories "repositories of the demo registry"

keys / w e b
wait_for "filter"
shot 02-filter "fuzzy filter"
keys Enter Enter
wait_for "Tags  5 tags"
shot 03-tags "tags with digests"

keys j j Enter # v1.1.0 (v1.0.0 is the release before, one platform)
wait_for "▾ index"
keys j j j j j Enter j j Enter # past the annotations and the supply-chain rows
wait_for "layer 3"
shot 04-tree "tree: index, platform entries, manifest, config, layers"

keys v
wait_for "Raw JSON"
shot 05-raw "raw JSON"
keys Escape; keys Escape; keys Escape # raw → tree → tags → repositories (one key at a time: ESC ESC reads as alt+esc)
wait_for "Repositories"

keys :
keys C-u "library/golang:1.24" Enter
wait_for "windows/amd64:10.0.26100"
keys m
wait_for "Resolve matrix"
shot 06-resolve "resolve matrix"
keys Escape; keys Escape # resolve → tree → repositories
wait_for "Repositories"

keys : C-u "acme/broken:latest" Enter
wait_for "missing (404)"
keys j j # the linux/arm64 entry: the side pane explains the mismatch
shot 07-broken "a missing child and a platform/config mismatch"
keys Escape # back to the repositories
wait_for "Repositories"
keys Escape # clear the filter
keys / m a n y Enter Enter
wait_for "Tags  2,000 tags"
keys s
wait_for "by version"
shot 08-many-tags "2,000 tags sorted by version"

# Copy two platforms of a demo image to another repository, from the TUI (c).
keys Escape; keys Escape # tags → repositories
wait_for "Repositories"
keys : C-u "library/golang:1.23" Enter
wait_for "windows/amd64:10.0.26100"
keys c
wait_for "platforms:"
keys "mirror/golang:1.23-arm" Tab "linux/arm64,linux/arm/v7" Enter
wait_for "TO TRANSFER"
shot 10-copy-plan "the plan of a copy of two platforms (c)"
keys y
wait_for "done:"
shot 11-copy "the copy, done"
keys Escape

# The signed, attested image: the supply chain under linux/arm64, then its
# SBOM's packages, filtered.
keys : C-u "acme/signed:v1" Enter
wait_for "signed (not verified)"
keys j j j l # linux/arm64
keys j l     # its supply chain
wait_for "builder github.com/docker/buildx"
shot 15-supply-chain "supply chain: signatures, provenance, SBOMs (not verified)"
keys j j Enter # the SPDX SBOM
wait_for "SBOM linux/arm64"
keys / b s d Enter
wait_for "filter: bsd"
shot 16-sbom "an SBOM's packages, fuzzy-filtered"
keys Escape; keys Escape; keys Escape # filter → tree → back

keys ?
shot 09-help "full help"
keys ? # close the help
# Mark one tag (M), move to another, diff them (D): two aligned columns.
keys : C-u "acme/web" Enter
wait_for "Tags  5 tags"
keys j M # v1.0.0 (by name, after latest)
wait_for "marked"
keys j D # v1.1.0
wait_for " added, "
shot 13-diff "diff of two tags, marked with M and opened with D"

# The resolve matrix explains each host's pick (WHY), Windows hosts by
# containerd's Windows comparer; x removes a host.
keys : C-u "library/golang:1.24" Enter
wait_for "windows/amd64:10.0.26100"
keys m
wait_for "Resolve matrix"
keys G k k
shot 14-resolve-explained "resolve matrix: why each host pulls its entry"

keys q
