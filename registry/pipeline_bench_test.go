package registry

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"

	"github.com/manifold-dev/manifold/internal/faultproxy"
)

// BenchmarkTreeRoundTrips fetches a whole tree (index, every child, every
// config) cold — a new client, no cache, no host hint — from a registry
// in-process with a fixed delay on every request, and reports the wall time
// in round trips (rtt/op: elapsed / delay). With no ping and the fetch
// pipelined, an open registry costs the index, the children and the
// configs: 3 dependent rounds, as long as the host limiter lets the
// children out together. Token auth adds the 401 and the token: 5.
//
// "open+cache" is "open" with a disk cache, new and empty for each tree,
// as the CLI runs cold: the manifests and configs are queued for the disk
// as they arrive and Tree does not wait for them. The writes still queued
// when Tree returns are flushed off the clock (as the CLI flushes after
// printing), and that wait is reported on its own: flush-rtt/op.
//
// The registry is go-containerregistry's in-memory one (behind the fault
// proxy's token auth for "token"): distribution's in-memory driver spends
// about 2 ms of CPU per request, which on a small machine would measure
// the server, not the round trips.
//
// rtt/op adds the rounds and the CPU between them (both ends share this
// machine's cores); BenchmarkTreeRounds (rounds_bench_test.go) tells them
// apart.
func BenchmarkTreeRoundTrips(b *testing.B) {
	delay := benchDelay
	for _, auth := range []string{"open", "token", "open+cache"} {
		for _, n := range []int{11, 64, 200} {
			b.Run(fmt.Sprintf("%s/platforms=%d", auth, n), func(b *testing.B) {
				ref, cnt := treeBenchRegistry(b, n, auth == "token")
				cnt.Delay = delay
				ctx := context.Background()
				var flushed time.Duration
				b.ResetTimer()
				for range b.N {
					var opts Options
					if auth == "open+cache" {
						// As the CLI runs: a disk cache, new and empty each
						// time (cold), written as the tree arrives.
						b.StopTimer()
						opts.CacheDir = b.TempDir()
						b.StartTimer()
					}
					c := readClient(b, opts)
					tr, err := c.Tree(ctx, ref, TreeOptions{All: true})
					if err != nil {
						b.Fatal(err)
					}
					if len(tr.Entries) != n || tr.Entries[n-1].Image == nil || tr.Entries[n-1].Image.Config == nil {
						b.Fatalf("incomplete tree of %d entries", len(tr.Entries))
					}
					if auth == "open+cache" {
						b.StopTimer()
						start := time.Now()
						if err := c.Flush(ctx); err != nil {
							b.Fatal(err)
						}
						flushed += time.Since(start)
						b.StartTimer()
					}
				}
				el := b.Elapsed()
				b.ReportMetric(float64(el)/float64(delay)/float64(b.N), "rtt/op")
				b.ReportMetric(float64(cnt.Total())/float64(b.N), "requests/op")
				if auth == "open+cache" {
					b.ReportMetric(float64(flushed)/float64(delay)/float64(b.N), "flush-rtt/op")
				}
			})
		}
	}
}

// benchDelay is the simulated round trip of BenchmarkTreeRoundTrips.
var benchDelay = 50 * time.Millisecond

// BenchmarkTreeRoundTripsServerApart is BenchmarkTreeRoundTrips with the
// registry (the same go-containerregistry in-memory registry, fault proxy
// and delay) in a process of its own, as a user's registry is: in one
// process the server's allocations are the client's garbage collection
// (its assists and marking slow the client) and its goroutines share the
// client's scheduler. On a 2-core machine both processes still share the
// cores, so it also reports the CPU time each side spent per tree
// (client-cpu-ms/op: this process, server-cpu-ms/op: the registry's),
// which the machine's load does not change.
func BenchmarkTreeRoundTripsServerApart(b *testing.B) {
	delay := benchDelay
	for _, auth := range []string{"open", "token"} {
		for _, n := range []int{11, 64, 200} {
			b.Run(fmt.Sprintf("%s/platforms=%d", auth, n), func(b *testing.B) {
				b.Setenv("DOCKER_CONFIG", b.TempDir())
				srv := startBenchServer(b)
				ref := srv.host + fmt.Sprintf("/wide:%d", n)
				platforms := make([]string, n)
				for i := range platforms {
					platforms[i] = fmt.Sprintf("linux/arch%d", i)
				}
				seedIndex(b, ref, platforms...)
				if auth == "token" {
					srv.control(b, "token")
				}
				srv.control(b, "delay?d="+delay.String())
				ctx := context.Background()
				req0, srvCPU0 := srv.stats(b)
				cpu0 := processCPU()
				b.ResetTimer()
				start := time.Now()
				for range b.N {
					c := readClient(b, Options{})
					tr, err := c.Tree(ctx, ref, TreeOptions{All: true})
					if err != nil {
						b.Fatal(err)
					}
					if len(tr.Entries) != n || tr.Entries[n-1].Image == nil || tr.Entries[n-1].Image.Config == nil {
						b.Fatalf("incomplete tree of %d entries", len(tr.Entries))
					}
				}
				el := time.Since(start)
				b.StopTimer()
				cpu := processCPU() - cpu0
				req1, srvCPU1 := srv.stats(b)
				b.ReportMetric(float64(el)/float64(delay)/float64(b.N), "rtt/op")
				b.ReportMetric(float64(req1-req0)/float64(b.N), "requests/op")
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "client-cpu-ms/op")
				b.ReportMetric(float64((srvCPU1-srvCPU0).Microseconds())/1000/float64(b.N), "server-cpu-ms/op")
			})
		}
	}
}

// benchServer is the registry process of BenchmarkTreeRoundTripsServerApart.
type benchServer struct {
	host string
}

// startBenchServer runs this test binary again as TestTreeBenchServer and
// waits for its address; the process ends with the benchmark.
func startBenchServer(b *testing.B) *benchServer {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTreeBenchServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MANIFOLD_BENCH_SERVER=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close() // the server's signal to stop
		if err := cmd.Wait(); err != nil {
			b.Errorf("registry process: %v", err)
		}
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if host, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return &benchServer{host: host}
		}
	}
	b.Fatalf("registry process ended before it listened: %v", sc.Err())
	return nil
}

// control asks the registry process to change: "token", "delay?d=50ms".
func (s *benchServer) control(b *testing.B, what string) {
	b.Helper()
	resp, err := http.Get("http://" + s.host + "/_bench/" + what)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("registry process: %s: %s %s", what, resp.Status, body)
	}
}

// stats returns the requests the registry process has counted and the CPU
// time it has used.
func (s *benchServer) stats(b *testing.B) (requests int64, cpu time.Duration) {
	b.Helper()
	resp, err := http.Get("http://" + s.host + "/_bench/stats")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var ns int64
	if _, err := fmt.Fscan(resp.Body, &requests, &ns); err != nil {
		b.Fatalf("registry process stats: %v", err)
	}
	return requests, time.Duration(ns)
}

// TestTreeBenchServer is the registry process of
// BenchmarkTreeRoundTripsServerApart (it skips unless started by it): the
// in-memory registry behind the fault proxy and the delay, on loopback,
// until its stdin closes. /_bench/ paths (not counted, not delayed) set the
// delay, turn token auth on and report the requests and CPU time.
func TestTreeBenchServer(t *testing.T) {
	if os.Getenv("MANIFOLD_BENCH_SERVER") != "1" {
		t.Skip("the registry process of BenchmarkTreeRoundTripsServerApart")
	}
	proxy := faultproxy.New()
	reg := proxy.Wrap(ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0))))
	var delay, requests atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if what, ok := strings.CutPrefix(r.URL.Path, "/_bench/"); ok {
			switch what {
			case "token":
				proxy.RequireToken("", "", 0)
			case "delay":
				d, err := time.ParseDuration(r.URL.Query().Get("d"))
				if err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				delay.Store(int64(d))
			case "stats":
				fmt.Fprintln(w, requests.Load(), int64(processCPU()))
			default:
				http.NotFound(w, r)
			}
			return
		}
		requests.Add(1)
		if d := time.Duration(delay.Load()); d > 0 {
			tm := time.NewTimer(d)
			select {
			case <-tm.C:
			case <-r.Context().Done():
				tm.Stop()
				return
			}
		}
		reg.ServeHTTP(w, r)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Minute}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println("listening", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	srv.Close()
}
