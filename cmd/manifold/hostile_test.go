package main

import (
	"strings"
	"testing"

	hostilereg "github.com/manifold-dev/manifold/internal/hostile"
)

// hostileEnv starts a hostile registry (internal/hostile) with a clean
// docker config and cache.
func hostileEnv(t *testing.T, s *hostilereg.Server) string {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
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
