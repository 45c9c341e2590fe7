package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/manifold-dev/manifold/internal/version"
)

func TestVersion(t *testing.T) {
	want := version.Get().String()
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errOut := runCLI(args...)
		if code != 0 || strings.TrimSpace(out) != want || errOut != "" {
			t.Fatalf("%v: %d %q %q", args, code, out, errOut)
		}
	}
	if !strings.Contains(want, runtime.Version()) || !strings.HasPrefix(want, "manifold ") {
		t.Fatalf("version line %q lacks the Go version", want)
	}
	_, out, _ := runCLI("version", "-o", "json")
	var info version.Info
	if err := json.Unmarshal([]byte(out), &info); err != nil || info.GoVersion == "" || info.Version == "" {
		t.Fatalf("%v %+v", err, info)
	}
	if code, _, errOut := runCLI("version", "-o", "yaml"); code == 0 || !strings.Contains(errOut, "text or json") {
		t.Fatalf("bad -o: %d %q", code, errOut)
	}
}

// TestUserAgentNamesManifold: every request says manifold/VERSION.
func TestUserAgentNamesManifold(t *testing.T) {
	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		http.NotFound(w, r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	runCLI("inspect", host+"/app:v1")
	mu.Lock()
	defer mu.Unlock()
	if len(agents) == 0 {
		t.Fatal("no request made")
	}
	for _, a := range agents {
		if !strings.Contains(a, version.UserAgent()) {
			t.Fatalf("User-Agent %q lacks %q", a, version.UserAgent())
		}
	}
}
