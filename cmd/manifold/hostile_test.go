package main

import (
	"github.com/manifold-dev/manifold/internal/userdirs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	hostilereg "github.com/manifold-dev/manifold/internal/hostile"
)

// hostileEnv starts a hostile registry (internal/hostile) with a clean
// docker config and cache.
func hostileEnv(t *testing.T, s *hostilereg.Server) string {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	userdirs.SetCache(t, t.TempDir())
	return s.Start(t)
}

// A registry error body with newlines cannot print a line of its own: the
// forged "manifold: pushed …" stays inside the one error line, escaped.
func TestHostileErrorBodyCannotForgeALine(t *testing.T) {
	forged := "manifold: pushed evil@sha256:0000"
	for _, body := range []string{
		`{"errors":[{"code":"DENIED","message":"nope\n` + forged + `\n"}]}`,
		"nope\n" + forged + "\n",
	} {
		s := &hostilereg.Server{ErrorBody: []byte(body)}
		host := hostileEnv(t, s)
		for _, args := range [][]string{{"inspect", host + "/app:v1"}, {"tags", host + "/app"}, {"platforms", host + "/app:v1"}} {
			before := s.Requests()
			code, out, errs := runCLI(args...)
			what := strings.Join(args, " ")
			if code == 0 {
				t.Fatalf("%s: exit 0 on a 404: %s", what, out)
			}
			if s.Requests() == before {
				t.Fatalf("%s: the registry was never asked", what)
			}
			for _, line := range strings.Split(out+errs, "\n") {
				if strings.HasPrefix(line, forged) {
					t.Fatalf("%s: the registry forged a line:\n%s", what, errs)
				}
			}
			if !strings.Contains(errs, `\x0a`+forged) {
				t.Fatalf("%s: the registry's message is not shown escaped on its line:\n%s", what, errs)
			}
			assertNoControl(t, what, errs)
		}
	}
}

// inspect --all on an index of more children than the eager cap says how
// many it left out and which flag fetches them; the flag does.
func TestHostileInspectLeavesOutChildren(t *testing.T) {
	s := &hostilereg.Server{Children: 260, ChildSize: 2 << 10}
	host := hostileEnv(t, s)
	code, out, errs := runCLI("inspect", host+"/fat:v1", "--all")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "left out 4 child manifests past the first 256") || !strings.Contains(errs, "--max-children 260") {
		t.Fatalf("stderr does not say what was left out and how to get it:\n%s", errs)
	}
	if got := s.ChildrenServed(); got != 256 {
		t.Fatalf("%d children fetched, want the first 256", got)
	}
	if n := strings.Count(out, "linux/amd64"); n != 260 {
		t.Fatalf("%d entries listed, want all 260:\n%s", n, out)
	}
	code, _, errs = runCLI("inspect", host+"/fat:v1", "--all", "--max-children", "260")
	if code != 0 || strings.Contains(errs, "left out") {
		t.Fatalf("--max-children 260: exit %d, %s", code, errs)
	}
	if got := s.ChildrenServed(); got != 260 {
		t.Fatalf("--max-children 260 fetched %d children", got)
	}
}

// manifold cache info and prune: the cache after a fat index is within the
// limit the config file sets, and prune --all empties it.
func TestHostileCacheCommands(t *testing.T) {
	s := &hostilereg.Server{Children: 80, ChildSize: 8 << 10}
	host := hostileEnv(t, s)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("cache:\n  size: 128KiB\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MANIFOLD_CONFIG", cfg)
	if code, _, errs := runCLI("inspect", host+"/fat:v1", "--all"); code != 0 {
		t.Fatalf("inspect: %s", errs)
	}
	if s.ChildrenServed() != 80 {
		t.Fatalf("%d children served", s.ChildrenServed())
	}
	out := mustRun(t, "cache", "info")
	var entries, size int64
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "entries":
			entries, _ = strconv.ParseInt(f[1], 10, 64)
		case len(f) >= 4 && f[0] == "size":
			size, _ = strconv.ParseInt(strings.TrimPrefix(f[len(f)-2], "("), 10, 64)
		}
	}
	if entries == 0 || size == 0 || size > 128<<10 || !strings.Contains(out, "(131072 bytes)") {
		t.Fatalf("cache info after 80 × 8 KiB children with a 128 KiB limit:\n%s", out)
	}
	out = mustRun(t, "cache", "prune", "--all")
	if !strings.Contains(out, "the cache holds "+humanSize(0)) {
		t.Fatalf("prune --all: %s", out)
	}
}

// The limits of a tree come from the config file too.
func TestHostileLimitsFromConfig(t *testing.T) {
	s := &hostilereg.Server{Children: 5, ChildSize: 2 << 10}
	host := hostileEnv(t, s)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("limits:\n  children: 2\n  child-bytes: 1KiB\n  request-timeout: 1m\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MANIFOLD_CONFIG", cfg)
	code, out, errs := runCLI("inspect", host+"/fat:v1", "--all", "--max-children", "0")
	if code != 0 || s.ChildrenServed() != 5 {
		t.Fatalf("exit %d, %d children: %s", code, s.ChildrenServed(), errs)
	}
	if !strings.Contains(out, "more than the 1024-byte limit") {
		t.Fatalf("limits.child-bytes not applied:\n%s", out)
	}
	info := mustRun(t, "info")
	for _, want := range []string{"limits.children", "limits.request-timeout", "1m0s"} {
		if !strings.Contains(info, want) {
			t.Fatalf("manifold info does not show %s:\n%s", want, info)
		}
	}
	s2 := &hostilereg.Server{Children: 5, ChildSize: 512}
	host2 := s2.Start(t)
	if _, _, errs := runCLI("inspect", host2+"/fat:v1", "--all"); !strings.Contains(errs, "left out 3 child manifests") || s2.ChildrenServed() != 2 {
		t.Fatalf("limits.children 2 not applied (%d children): %s", s2.ChildrenServed(), errs)
	}
}
