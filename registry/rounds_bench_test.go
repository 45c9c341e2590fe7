package registry

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"

	"github.com/manifold-dev/manifold/internal/faultproxy"
	"github.com/manifold-dev/manifold/internal/testregistry"
)

// BenchmarkTreeRounds separates the two things BenchmarkTreeRoundTrips'
// rtt/op adds up: the rounds of requests that wait on one another, and the
// time the work between them takes. Every op fetches the same cold tree
// twice, once with every request delayed by d (50 ms) and once by 2d. The
// wall time of a cold tree is rounds·delay + work, so
//
//	rounds/op  = (median wall at 2d − median wall at d) / d
//	work-ms/op = median wall at d − rounds·d
//
// rounds/op is the number of dependent round trips however fast the
// machine is (3 for an open registry: the index, the children, the
// configs; 5 with token auth: the 401 and the token before them); work is
// what this machine's CPU adds to the critical path (both ends of the
// connections, on shared cores). rtt/op at d is reported too, as
// BenchmarkTreeRoundTrips measures it.
func BenchmarkTreeRounds(b *testing.B) {
	d := benchDelay
	for _, auth := range []string{"open", "token"} {
		for _, n := range []int{11, 64, 200} {
			b.Run(fmt.Sprintf("%s/platforms=%d", auth, n), func(b *testing.B) {
				ref, cnt := treeBenchRegistry(b, n, auth == "token")
				ctx := context.Background()
				var at1, at2 []time.Duration
				for range b.N {
					for _, delay := range []time.Duration{d, 2 * d} {
						cnt.Delay = delay
						c := readClient(b, Options{})
						start := time.Now()
						tr, err := c.Tree(ctx, ref, TreeOptions{All: true})
						el := time.Since(start)
						if err != nil {
							b.Fatal(err)
						}
						if len(tr.Entries) != n || tr.Entries[n-1].Image == nil || tr.Entries[n-1].Image.Config == nil {
							b.Fatalf("incomplete tree of %d entries", len(tr.Entries))
						}
						if delay == d {
							at1 = append(at1, el)
						} else {
							at2 = append(at2, el)
						}
					}
				}
				m1, m2 := medianDuration(at1), medianDuration(at2)
				rounds := float64(m2-m1) / float64(d)
				b.ReportMetric(rounds, "rounds/op")
				b.ReportMetric((float64(m1)-rounds*float64(d))/float64(time.Millisecond), "work-ms/op")
				b.ReportMetric(float64(m1)/float64(d), "rtt/op")
				b.ReportMetric(float64(cnt.Total())/float64(2*b.N), "requests/op")
			})
		}
	}
}

// treeBenchRegistry serves an index of n platforms (linux/arch0 …) from
// go-containerregistry's in-memory registry behind the fault proxy (its
// token auth when token) and a request counter whose Delay the caller sets.
func treeBenchRegistry(b *testing.B, n int, token bool) (ref string, cnt *testregistry.Counter) {
	b.Helper()
	b.Setenv("DOCKER_CONFIG", b.TempDir())
	cnt = &testregistry.Counter{}
	proxy := faultproxy.New()
	srv := httptest.NewServer(cnt.Wrap(proxy.Wrap(ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0))))))
	b.Cleanup(srv.Close)
	ref = strings.TrimPrefix(srv.URL, "http://") + fmt.Sprintf("/wide:%d", n)
	platforms := make([]string, n)
	for i := range platforms {
		platforms[i] = fmt.Sprintf("linux/arch%d", i)
	}
	seedIndex(b, ref, platforms...)
	if token {
		proxy.RequireToken("", "", 0)
	}
	cnt.Reset()
	return ref, cnt
}

func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
