package registry

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit is what a registry said about its pull limit, from Docker
// Hub's headers (RateLimit-Limit: 100;w=21600, RateLimit-Remaining:
// 76;w=21600, Docker-RateLimit-Source: 203.0.113.7) on any response,
// 429s included. Docker documents that a HEAD does not count against it.
type RateLimit struct {
	Host      string
	Limit     int           // pulls per window; -1 when not said (or malformed)
	Remaining int           // -1 when not said
	Window    time.Duration // w=; 0 when not said
	Source    string        // the IP or account the limit applies to
	Reset     time.Duration // RateLimit-Reset or Retry-After on a 429, when sent
	At        time.Time     // when the response came
}

// ParseRateLimit reads the headers; ok is false when none is present. The
// forms seen in the wild are accepted: "100;w=21600", "100", ";w=21600"
// (no number: limit unknown, window kept) and spaces around the parts.
func ParseRateLimit(h http.Header, now time.Time) (RateLimit, bool) {
	rl := RateLimit{Limit: -1, Remaining: -1, At: now}
	found := false
	if v, ok := headerValue(h, "RateLimit-Limit"); ok {
		found = true
		rl.Limit, rl.Window = parseQuota(v)
	}
	if v, ok := headerValue(h, "RateLimit-Remaining"); ok {
		found = true
		var w time.Duration
		rl.Remaining, w = parseQuota(v)
		if rl.Window == 0 {
			rl.Window = w
		}
	}
	if v, ok := headerValue(h, "Docker-RateLimit-Source"); ok {
		found = true
		rl.Source = strings.TrimSpace(v)
	}
	if v, ok := headerValue(h, "RateLimit-Reset"); ok {
		found = true
		if n, err := strconv.Atoi(strings.TrimSpace(strings.Split(v, ";")[0])); err == nil && n >= 0 {
			rl.Reset = time.Duration(n) * time.Second
		}
	}
	return rl, found
}

func headerValue(h http.Header, name string) (string, bool) {
	vs := h.Values(name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// parseQuota reads "N;w=SECONDS" (either part may be missing or empty).
func parseQuota(v string) (n int, window time.Duration) {
	n = -1
	parts := strings.Split(v, ";")
	if x, err := strconv.Atoi(strings.TrimSpace(parts[0])); err == nil && x >= 0 {
		n = x
	}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.TrimSpace(k) == "w" {
			if s, err := strconv.Atoi(strings.TrimSpace(val)); err == nil && s > 0 {
				window = time.Duration(s) * time.Second
			}
		}
	}
	return n, window
}

// String is one line: "76 of 100 pulls left in a 6h window (for 203.0.113.7)".
func (r RateLimit) String() string {
	var b strings.Builder
	switch {
	case r.Remaining >= 0 && r.Limit >= 0:
		fmt.Fprintf(&b, "%d of %d pulls left", r.Remaining, r.Limit)
	case r.Remaining >= 0:
		fmt.Fprintf(&b, "%d pulls left (limit not said)", r.Remaining)
	case r.Limit >= 0:
		fmt.Fprintf(&b, "limit %d pulls (remaining not said)", r.Limit)
	default:
		b.WriteString("rate limited (the registry sent no usable numbers)")
	}
	if r.Window > 0 {
		fmt.Fprintf(&b, " in a %s window", shortDuration(r.Window))
	}
	if r.Source != "" {
		fmt.Fprintf(&b, " (for %s)", r.Source)
	}
	return b.String()
}

// Short is the status line's form: "pulls 76/100".
func (r RateLimit) Short() string {
	lim := "?"
	if r.Limit >= 0 {
		lim = strconv.Itoa(r.Limit)
	}
	rem := "?"
	if r.Remaining >= 0 {
		rem = strconv.Itoa(r.Remaining)
	}
	return "pulls " + rem + "/" + lim
}

// WhenReset says when pulls come back after a 429.
func (r RateLimit) WhenReset() string {
	switch {
	case r.Reset > 0:
		return "the window resets in " + shortDuration(r.Reset) + " (at " + r.At.Add(r.Reset).Format("15:04 MST") + ")"
	case r.Window > 0:
		return "the window is " + shortDuration(r.Window) + " and rolls: pulls free up as the oldest leave it, all of them by " + r.At.Add(r.Window).Format("15:04 MST")
	}
	return "the registry did not say when the window resets"
}

func shortDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// rateLimits keeps the latest RateLimit of each host.
type rateLimits struct {
	mu sync.Mutex
	by map[string]RateLimit
}

func (r *rateLimits) record(host string, rl RateLimit) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.by == nil {
		r.by = map[string]RateLimit{}
	}
	rl.Host = host
	r.by[host] = rl
}

func (r *rateLimits) get(host string) (RateLimit, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rl, ok := r.by[host]
	return rl, ok
}

// rateLimitTransport records the rate-limit headers of every response,
// each attempt of a retry included, so a 429's headers are kept too.
type rateLimitTransport struct {
	next  http.RoundTripper
	store *rateLimits
}

func (t *rateLimitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp != nil {
		if rl, ok := ParseRateLimit(resp.Header, time.Now()); ok {
			if resp.StatusCode == http.StatusTooManyRequests && rl.Reset == 0 {
				if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
					rl.Reset = d
				}
			}
			t.store.record(hostKey(req.URL.Host), rl)
		}
	}
	return resp, err
}

// hostKey is the host a limit is filed under: Docker Hub's several names
// are one.
func hostKey(h string) string {
	switch h {
	case "registry-1.docker.io", "index.docker.io", "docker.io", "auth.docker.io":
		return "docker.io"
	}
	return h
}

// RateLimit returns the latest rate limit host's responses carried.
func (c *Client) RateLimit(host string) (RateLimit, bool) { return c.rateLimits.get(hostKey(host)) }
