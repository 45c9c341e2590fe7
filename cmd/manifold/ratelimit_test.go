package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// rateLimitServer answers every manifest request with status and the
// given headers; it counts GETs (a HEAD must not be one).
func rateLimitServer(t *testing.T, status int, headers map[string]string) (string, *atomic.Int64) {
	t.Helper()
	var gets atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/" {
			w.WriteHeader(http.StatusOK)
			return
		}
		if r.Method == http.MethodGet {
			gets.Add(1)
		}
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), &gets
}

func TestRateLimitCommand(t *testing.T) {
	readEnv(t)
	host, gets := rateLimitServer(t, http.StatusNotFound, map[string]string{
		"RateLimit-Limit": "100;w=21600", "RateLimit-Remaining": "76;w=21600", "Docker-RateLimit-Source": "203.0.113.7"})
	out := mustRun(t, "ratelimit", host)
	if out != host+": 76 of 100 pulls left in a 6h window (for 203.0.113.7)\n" {
		t.Fatalf("ratelimit = %q", out)
	}
	if gets.Load() != 0 {
		t.Fatalf("%d GETs: the check must be a HEAD", gets.Load())
	}
	out = mustRun(t, "ratelimit", host, "-o", "json")
	if !strings.Contains(out, `"remaining": 76`) || !strings.Contains(out, `"windowSeconds": 21600`) {
		t.Fatalf("json: %s", out)
	}

	// The malformed form seen in the wild, with nothing left.
	bad, _ := rateLimitServer(t, http.StatusNotFound, map[string]string{"RateLimit-Limit": ";w=21600", "RateLimit-Remaining": "0;w=21600"})
	out = mustRun(t, "ratelimit", bad)
	if !strings.Contains(out, "0 pulls left (limit not said) in a 6h window") || !strings.Contains(out, "window is 6h") {
		t.Fatalf("malformed: %q", out)
	}

	none, _ := rateLimitServer(t, http.StatusNotFound, nil)
	if code, _, errs := runCLI("ratelimit", none); code == 0 || !strings.Contains(errs, "no rate-limit headers") {
		t.Fatalf("no headers: %d %s", code, errs)
	}
}

// TestTooManyRequestsSaysWhenTheWindowResets: a 429 with the headers and a
// Retry-After longer than manifold waits fails at once, saying when.
func TestTooManyRequestsSaysWhenTheWindowResets(t *testing.T) {
	readEnv(t)
	host, _ := rateLimitServer(t, http.StatusTooManyRequests, map[string]string{
		"RateLimit-Limit": "100;w=21600", "RateLimit-Remaining": "0;w=21600", "Retry-After": "3600"})
	code, _, errs := runCLI("inspect", host+"/library/alpine:3.20")
	if code == 0 || !strings.Contains(errs, "429") || !strings.Contains(errs, "0 of 100 pulls left in a 6h window") || !strings.Contains(errs, "the window resets in 1h") {
		t.Fatalf("429: %d %s", code, errs)
	}
	out := mustRun(t, "ratelimit", host)
	if !strings.Contains(out, "0 of 100 pulls left") || !strings.Contains(out, "resets in 1h") {
		t.Fatalf("ratelimit on a 429: %q", out)
	}
}
