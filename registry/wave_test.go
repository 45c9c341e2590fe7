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
)

// The first wave is sized from the index: its 200 children are all in
// flight together (a slow start of 128 would hold 72 back, and the gate,
// which answers none until 200 wait, would time out). A host that pushed
// back gets no burst: the halved limit holds.
func TestFirstWaveGoesOutTogether(t *testing.T) {
	g := &gate{kind: "GET manifest", n: 200, open: make(chan struct{})}
	srv := httptest.NewServer(g.wrap(ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))))
	t.Cleanup(srv.Close)
	ref := strings.TrimPrefix(srv.URL, "http://") + "/wide:200"
	platforms := make([]string, 200)
	for i := range platforms {
		platforms[i] = fmt.Sprintf("linux/arch%d", i)
	}
	seedIndex(t, ref, platforms...)
	g.mu.Lock()
	g.max, g.failed = 0, false
	g.mu.Unlock()

	c := readClient(t, Options{})
	tr, err := c.Tree(deadline(t, time.Minute), ref, TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tr.Entries); n != 200 || tr.Entries[199].Image == nil || tr.Entries[199].Image.Config == nil {
		t.Fatalf("incomplete tree of %d entries", n)
	}
	g.mu.Lock()
	if g.failed || g.max != 200 {
		t.Errorf("children: at most %d in flight together (gate failed %v), want all 200", g.max, g.failed)
	}
	g.mu.Unlock()

	// Pushed back once (a 429's retry): the limit halves to 64 and the
	// next tree's wave does not raise it.
	c = readClient(t, Options{})
	c.limiter(strings.TrimPrefix(srv.URL, "http://")).pushBack()
	g.mu.Lock()
	g.n, g.max, g.failed, g.open = 64, 0, false, make(chan struct{})
	g.mu.Unlock()
	if _, err := c.Tree(deadline(t, time.Minute), ref, TreeOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failed || g.max != 64 {
		t.Errorf("after a push-back: at most %d in flight (gate failed %v), want the halved limit 64", g.max, g.failed)
	}
}

// expect raises an adaptive limit to a known wave, never past its maximum,
// and never once the host has pushed back; a fixed limit stays fixed.
func TestHostLimiterExpect(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel() // acquire fails at once where it would have to wait
	take := func(l *hostLimiter, n int) int {
		got := 0
		for range n {
			if l.acquire(done) == nil {
				got++
			}
		}
		return got
	}
	l := newHostLimiter(0)
	if got := take(l, 300); got != startConcurrency {
		t.Fatalf("slow start lets %d out, want %d", got, startConcurrency)
	}
	l.expect(200)
	if got := take(l, 300); got != 200-startConcurrency {
		t.Fatalf("a wave of 200 lets %d more out, want %d", got, 200-startConcurrency)
	}
	l.expect(1000)
	if got := take(l, 300); got != maxConcurrency-200 {
		t.Fatalf("a wave of 1000 lets %d more out, want %d (the maximum)", got, maxConcurrency-200)
	}

	l = newHostLimiter(0)
	l.pushBack()
	l.expect(200)
	if got := take(l, 300); got != startConcurrency/2 {
		t.Fatalf("after a push-back %d go out, want %d", got, startConcurrency/2)
	}
	l = newHostLimiter(0)
	take(l, 10)
	l.release(true) // a 429 answer
	l.expect(200)
	if got := take(l, 300); got != startConcurrency/2-9 {
		t.Fatalf("after a throttled answer %d more go out, want %d", got, startConcurrency/2-9)
	}

	l = newHostLimiter(8)
	l.expect(200)
	if got := take(l, 300); got != 8 {
		t.Fatalf("a fixed limit of 8 lets %d out", got)
	}
}
