package registry

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"

	"github.com/manifold-dev/manifold/internal/faultproxy"
	"github.com/manifold-dev/manifold/internal/testregistry"
)

// BenchmarkTreeRoundTrips fetches a whole tree (index, every child, every
// config) cold — a new client, no cache, no host hint — from a registry
// in-process with a fixed delay on every request, and reports the wall time
// in round trips (rtt/op: elapsed / delay). With no ping and the fetch
// pipelined, an open registry costs the index, the children and the
// configs: 3 dependent rounds, as long as the host limiter lets the
// children out together. Token auth adds the 401 and the token: 5.
//
// The registry is go-containerregistry's in-memory one (behind the fault
// proxy's token auth for "token"): distribution's in-memory driver spends
// about 2 ms of CPU per request, which on a small machine would measure
// the server, not the round trips.
func BenchmarkTreeRoundTrips(b *testing.B) {
	delay := benchDelay
	for _, auth := range []string{"open", "token"} {
		for _, n := range []int{11, 64, 200} {
			b.Run(fmt.Sprintf("%s/platforms=%d", auth, n), func(b *testing.B) {
				b.Setenv("DOCKER_CONFIG", b.TempDir())
				cnt := &testregistry.Counter{}
				proxy := faultproxy.New()
				srv := httptest.NewServer(cnt.Wrap(proxy.Wrap(ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0))))))
				b.Cleanup(srv.Close)
				host := strings.TrimPrefix(srv.URL, "http://")
				ref := host + fmt.Sprintf("/wide:%d", n)
				platforms := make([]string, n)
				for i := range platforms {
					platforms[i] = fmt.Sprintf("linux/arch%d", i)
				}
				seedIndex(b, ref, platforms...)
				if auth == "token" {
					proxy.RequireToken("", "", 0)
				}
				cnt.Reset()
				cnt.Delay = delay
				ctx := context.Background()
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
				b.ReportMetric(float64(el)/float64(delay)/float64(b.N), "rtt/op")
				b.ReportMetric(float64(cnt.Total())/float64(b.N), "requests/op")
			})
		}
	}
}

// benchDelay is the simulated round trip of BenchmarkTreeRoundTrips.
var benchDelay = 50 * time.Millisecond
