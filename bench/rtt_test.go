// Package bench measures manifold against a registry with a fixed delay on
// every request. It is test-only: `go test ./bench` does nothing unless
// MANIFOLD_RTT is set; bench/rtt.sh drives it.
package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/registry"
)

// delay is the simulated round-trip time (MANIFOLD_RTT_DELAY, e.g. "50ms").
func delay() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("MANIFOLD_RTT_DELAY")); err == nil {
		return d
	}
	return 50 * time.Millisecond
}

// delayingProxy is a reverse proxy on loopback that waits d before
// forwarding each request, and counts them.
type delayingProxy struct {
	srv      *httptest.Server
	requests atomic.Int64

	mu    sync.Mutex
	first time.Time
	trace []string // arrival times, with MANIFOLD_RTT_TRACE set
}

var trace = os.Getenv("MANIFOLD_RTT_TRACE") != ""

func startProxy(tb testing.TB, target string, d time.Duration) *delayingProxy {
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	p := &delayingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	back := http.DefaultTransport.(*http.Transport).Clone()
	back.MaxIdleConnsPerHost = 64 // the proxy must not add dials of its own
	rp.Transport = back
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		if trace {
			p.mu.Lock()
			if p.first.IsZero() {
				p.first = time.Now()
			}
			p.trace = append(p.trace, fmt.Sprintf("%6.1f ms  %s %s", float64(time.Since(p.first).Microseconds())/1000, r.Method, r.URL.Path))
			p.mu.Unlock()
		}
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		rp.ServeHTTP(w, r)
	}))
	tb.Cleanup(p.srv.Close)
	return p
}

func (p *delayingProxy) host() string { return p.srv.Listener.Addr().String() }

// setup starts distribution, seeds the 11-platform index with attestations
// and puts the delaying proxy in front. It returns the proxy and the tag
// reference through it. With MANIFOLD_RTT_IMAGE=signed the reference is
// the signed fixture instead: two platforms with BuildKit attestations,
// cosign .sig/.att tags and an oras-style referrer (tag schema, as
// distribution has no referrers API).
func setup(tb testing.TB) (*delayingProxy, string) {
	r := testregistry.Start(tb, testregistry.Options{})
	set, err := fixtures.Push(context.Background(), r.Host, fixtures.Only(fixtures.Eleven))
	if err != nil {
		tb.Fatal(err)
	}
	p := startProxy(tb, r.URL, delay())
	if os.Getenv("MANIFOLD_RTT_IMAGE") == "signed" {
		signer, err := fixtures.NewSigner()
		if err != nil {
			tb.Fatal(err)
		}
		s, err := fixtures.PushSigned(context.Background(), r.Host, signer)
		if err != nil {
			tb.Fatal(err)
		}
		return p, s.Ref(p.host())
	}
	return p, set[fixtures.Eleven].Ref(p.host())
}

// TestRTTServer serves the delayed registry for bench/rtt.sh: it writes the
// reference to MANIFOLD_RTT_HOSTFILE and runs until MANIFOLD_RTT_STOPFILE
// exists (or 10 minutes pass).
func TestRTTServer(t *testing.T) {
	if os.Getenv("MANIFOLD_RTT") == "" {
		t.Skip("set MANIFOLD_RTT=1 (bench/rtt.sh does) to serve the delayed registry")
	}
	p, ref := setup(t)
	if f := os.Getenv("MANIFOLD_RTT_HOSTFILE"); f != "" {
		if err := os.WriteFile(f+".tmp", []byte(ref+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(f+".tmp", f); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Println("serving", ref, "with", delay(), "per request")
	stop := os.Getenv("MANIFOLD_RTT_STOPFILE")
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		if stop != "" {
			if _, err := os.Stat(stop); err == nil {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Println("requests served:", p.requests.Load())
	p.mu.Lock()
	for _, l := range p.trace {
		fmt.Println(l)
	}
	p.mu.Unlock()
}

// BenchmarkTreeRTT measures a cold registry.Tree(All) of the 11-platform
// index with attestations (22 entries) through the delaying proxy, in
// round trips' worth of time. Gated like TestRTTServer because each
// iteration sleeps on purpose.
func BenchmarkTreeRTT(b *testing.B) {
	if os.Getenv("MANIFOLD_RTT") == "" {
		b.Skip("set MANIFOLD_RTT=1 to run")
	}
	benchTree(b, registry.TreeOptions{All: true})
}

// BenchmarkTreeSupplyRTT is BenchmarkTreeRTT with the supply chain
// (inspect --all): referrer lookups go out with the children. Side by side
// with BenchmarkTreeRTT it shows what the lookups cost on an image with no
// referrers; with MANIFOLD_RTT_IMAGE=signed, on one with referrers.
func BenchmarkTreeSupplyRTT(b *testing.B) {
	if os.Getenv("MANIFOLD_RTT") == "" {
		b.Skip("set MANIFOLD_RTT=1 to run")
	}
	benchTree(b, registry.TreeOptions{All: true, Supply: true})
}

func benchTree(b *testing.B, opts registry.TreeOptions) {
	p, ref := setup(b)
	b.ResetTimer()
	start := p.requests.Load()
	for b.Loop() {
		c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), CacheDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Tree(context.Background(), ref, opts); err != nil {
			b.Fatal(err)
		}
		// As the CLI does before it exits (and before b.TempDir is removed).
		if err := c.Flush(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp/float64(delay().Nanoseconds()), "rtts/op")
	b.ReportMetric(float64(p.requests.Load()-start)/float64(b.N), "requests/op")
}
