# bench/lib.sh: the setup every bench script shares; source it from the
# repository root. Nothing here reaches beyond loopback.

# bench_init: $tmp, a temporary directory removed on exit, after the server
# test (bench_serve) was told to stop and has ended. A script that has more
# to undo sets bench_on_exit to a command run first.
bench_init() {
	tmp=$(mktemp -d)
	server=""
	bench_on_exit=${bench_on_exit:-}
	trap bench_cleanup EXIT
}

bench_cleanup() {
	if [ -n "$bench_on_exit" ]; then $bench_on_exit || true; fi
	touch "$tmp/stop"
	if [ -n "$server" ]; then wait "$server" 2>/dev/null || true; fi
	rm -rf "$tmp"
}

# bench_build [DIR]: manifold into DIR ($tmp by default) and the bench
# package's test binary (the servers) into $tmp.
bench_build() {
	go build -o "${1:-$tmp}/manifold" ./cmd/manifold
	go test -c -o "$tmp/bench.test" ./bench
}

# bench_serve TEST FILE SECONDS [NAME=VALUE]...: runs the server test TEST of
# ./bench in the background with the variables given, and waits up to
# SECONDS for it to write FILE (what it serves); its log is $tmp/server.log.
bench_serve() {
	local test=$1 file=$2 secs=$3
	shift 3
	env "$@" "$tmp/bench.test" -test.run "^$test\$" -test.v -test.timeout 40m >"$tmp/server.log" 2>&1 &
	server=$!
	for _ in $(seq 1 $((secs * 10))); do [ -s "$file" ] && break; sleep 0.1; done
	[ -s "$file" ] || { cat "$tmp/server.log"; echo "$test did not start within ${secs}s" >&2; exit 1; }
}
