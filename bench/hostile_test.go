package bench

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/manifold-dev/manifold/internal/hostile"
)

// TestHostileServer serves the hostile registries bench/hostile.sh runs
// manifold against (internal/hostile): a 1 GiB gzip bomb as a tags page,
// an index of 500 children of 4 MB each (announced, and chunked), and a tag
// list whose Link repeats forever. It writes "name host:port" lines to
// MANIFOLD_HOSTILE_HOSTFILE, and "name requests bytes" lines to
// MANIFOLD_HOSTILE_STATS every 50 ms until MANIFOLD_HOSTILE_STOPFILE
// appears. Gated on MANIFOLD_HOSTILE.
func TestHostileServer(t *testing.T) {
	if os.Getenv("MANIFOLD_HOSTILE") == "" {
		t.Skip("set MANIFOLD_HOSTILE=1 (bench/hostile.sh does) to serve the hostile registries")
	}
	servers := []struct {
		name string
		s    *hostile.Server
	}{
		{"bomb", &hostile.Server{GzipBomb: 1 << 30}},
		{"fat", &hostile.Server{Children: 500, ChildSize: 4_000_000}},
		{"fatchunked", &hostile.Server{Children: 500, ChildSize: 4_000_000, Chunked: true}},
		{"link", &hostile.Server{Link: hostile.LinkRepeat}},
	}
	var hosts strings.Builder
	for _, sv := range servers {
		fmt.Fprintf(&hosts, "%s %s\n", sv.name, sv.s.Start(t))
	}
	writeFile(t, os.Getenv("MANIFOLD_HOSTILE_HOSTFILE"), hosts.String())
	stop := os.Getenv("MANIFOLD_HOSTILE_STOPFILE")
	for end := time.Now().Add(20 * time.Minute); time.Now().Before(end); {
		var st strings.Builder
		for _, sv := range servers {
			fmt.Fprintf(&st, "%s %d %d %d\n", sv.name, sv.s.Requests(), sv.s.BytesSent(), sv.s.ChildrenServed())
		}
		writeFile(t, os.Getenv("MANIFOLD_HOSTILE_STATS"), st.String())
		if _, err := os.Stat(stop); stop != "" && err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writeFile writes s to path atomically (nothing when path is "").
func writeFile(t *testing.T, path, s string) {
	if path == "" {
		return
	}
	if err := os.WriteFile(path+".tmp", []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}
