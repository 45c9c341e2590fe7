package testregistry

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Counter is a Wrap that counts the requests a registry receives, by kind,
// and can add a fixed delay to each (to simulate round-trip time).
type Counter struct {
	// Delay is slept before each request is served.
	Delay time.Duration

	mu    sync.Mutex
	kinds map[string]int
	log   []string
	// seen is closed (and replaced) each time a request is counted.
	seen chan struct{}
}

// Wrap is an Options.Wrap.
func (c *Counter) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		if c.kinds == nil {
			c.kinds = map[string]int{}
		}
		k := Kind(r)
		c.kinds[k]++
		c.log = append(c.log, k+" "+r.URL.Path)
		if c.seen != nil {
			close(c.seen)
			c.seen = nil
		}
		c.mu.Unlock()
		if c.Delay > 0 {
			select {
			case <-time.After(c.Delay):
			case <-r.Context().Done():
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Kind names a request: "GET /v2/", "GET manifest", "HEAD manifest",
// "GET blob", "GET tags", "GET catalog", "PUT manifest", …
func Kind(r *http.Request) string {
	p := r.URL.Path
	what := "other"
	switch {
	case p == "/v2/" || p == "/v2":
		what = "/v2/"
	case p == "/v2/_catalog":
		what = "catalog"
	case strings.Contains(p, "/manifests/"):
		what = "manifest"
	case strings.Contains(p, "/blobs/uploads"):
		what = "upload"
	case strings.Contains(p, "/blobs/"):
		what = "blob"
	case strings.HasSuffix(p, "/tags/list"):
		what = "tags"
	}
	return r.Method + " " + what
}

// Count returns how many requests of a kind were seen.
func (c *Counter) Count(kind string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.kinds[kind]
}

// Total returns how many requests were seen.
func (c *Counter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.log)
}

// Log returns every request seen, in order, as "KIND PATH".
func (c *Counter) Log() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...)
}

// Reset forgets every request seen.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.kinds = nil
	c.log = nil
}

// Await waits until at least n requests were seen since the last Reset, or
// until timeout, and reports whether they were: tests wait on the requests
// themselves, never on a sleep.
func (c *Counter) Await(n int, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		if len(c.log) >= n {
			c.mu.Unlock()
			return true
		}
		if c.seen == nil {
			c.seen = make(chan struct{})
		}
		seen := c.seen
		c.mu.Unlock()
		select {
		case <-seen:
		case <-deadline.C:
			return c.Total() >= n
		}
	}
}
