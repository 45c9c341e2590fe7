package main

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/internal/userdirs"
)

// A CLI command that waits on a 429 says so on stderr, with the wait, and
// still succeeds once the registry answers.
func TestCLIReportsRetries(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	userdirs.SetCache(t, t.TempDir())
	var limited atomic.Int32
	r := testregistry.Start(t, testregistry.Options{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if strings.Contains(req.URL.Path, "/manifests/") && req.Method == http.MethodGet && limited.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			next.ServeHTTP(w, req)
		})
	}})
	set, err := fixtures.Push(t.Context(), r.Host, fixtures.Only("docker-list"))
	if err != nil {
		t.Fatal(err)
	}
	limited.Store(0)
	fx := set["docker-list"]
	var stdout, stderr strings.Builder
	if code := run([]string{"platforms", fx.Ref(r.Host)}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "429") && !strings.Contains(strings.ToLower(stderr.String()), "too many") {
		t.Fatalf("the wait on a 429 was not reported on stderr: %q", stderr.String())
	}
	if !strings.Contains(stderr.String(), "retrying") || !strings.Contains(stderr.String(), "1s") {
		t.Fatalf("the retry notice lacks the wait: %q", stderr.String())
	}
	t.Logf("stderr: %s", stderr.String())
	if !strings.Contains(stdout.String(), "Manifest List: Yes") {
		t.Fatalf("stdout after the retry: %q", stdout.String())
	}
}
