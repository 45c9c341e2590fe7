package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/manifold-dev/manifold/internal/faultproxy"
	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// snapshotDir returns every file under dir with its content.
func snapshotDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFaultsKeepTheUIAlive opens a tree from a real registry behind the
// fault proxy, then for each fault refreshes: the screen explains the
// fault, the UI still answers keys (help opens and closes, the cursor
// moves, esc goes back), nothing staged changes, and once the fault clears
// r brings the tree back.
func TestFaultsKeepTheUIAlive(t *testing.T) {
	env, ref, st, staged, c := newFaultEnv(t)
	faults := []struct {
		name  string
		fault faultproxy.Fault
		want  string // on screen after the refresh
	}{
		{"reset mid-body", faultproxy.Fault{Kind: faultproxy.Reset}, "Failed to fetch " + ref},
		{"short body", faultproxy.Fault{Kind: faultproxy.Short}, "unexpected EOF"},
		{"slow headers", faultproxy.Fault{Kind: faultproxy.SlowHeaders, Delay: time.Minute}, "Timed out"},
		{"slowloris", faultproxy.Fault{Kind: faultproxy.Slowloris, Delay: 100 * time.Millisecond}, "Timed out"},
		{"5xx", faultproxy.Fault{Kind: faultproxy.Status, Code: http.StatusInternalServerError}, "500"},
		{"429 Retry-After", faultproxy.Fault{Kind: faultproxy.TooMany, RetryAfter: "3600"}, "Rate limited (429)"},
		{"malformed JSON", faultproxy.Fault{Kind: faultproxy.Malformed}, "press r"},
		{"oversized", faultproxy.Fault{Kind: faultproxy.Huge, Size: model.MaxManifestSize + 1, Chunked: true}, "limit"},
	}
	hs := newHarness(t, c, ref, 240, 30, uitest.WithStore(st)) // wide: the status line holds the whole error
	if !strings.Contains(hs.screen(), "linux/arm64") {
		t.Fatalf("tree not shown:\n%s", hs.screen())
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			f.fault.Match = faultproxy.Manifests
			env.proxy.Set(f.fault)
			before := env.proxy.Hits()
			hs.keys("r")
			s := hs.screen()
			if env.proxy.Hits() == before {
				t.Fatalf("r did not reach the registry")
			}
			if f.want != "" && !strings.Contains(s, f.want) {
				t.Fatalf("after %s the screen lacks %q:\n%s", f.name, f.want, s)
			}
			// The UI still answers keys.
			hs.keys("?")
			help := hs.screen()
			hs.keys("?")
			if help == hs.screen() {
				t.Fatalf("after %s, ? changed nothing:\n%s", f.name, help)
			}
			hs.keys("j", "k")
			if _, ok := hs.m.top().(*tree.Model); !ok {
				t.Fatalf("after %s the tree page is gone: %T", f.name, hs.m.top())
			}
			// Nothing staged changed.
			if got := snapshotDir(t, st.Dir()); !equalMaps(got, staged) {
				t.Fatalf("after %s the staging store changed", f.name)
			}
			// The fault clears: r brings the tree back.
			env.proxy.Clear()
			// A faulted request the harness gave up on may still be served:
			// wait for it to end before the refresh.
			if !env.proxy.Idle(10 * time.Second) {
				t.Fatalf("after %s a request is still being served", f.name)
			}
			hs.keys("r")
			if s := hs.screen(); !strings.Contains(s, "linux/arm64") || strings.Contains(s, "press r") {
				t.Fatalf("after %s cleared, r did not restore the tree:\n%s", f.name, s)
			}
		})
	}
	if l, err := st.Load("keep"); err != nil || len(l.Entries) != 1 {
		t.Fatalf("staged list after the faults: %+v, %v", l, err)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestMoreFaultsKeepTheUIAlive covers the faults that are not a broken
// fetch of a healthy index: a refused connection, a token that expires and
// stays refused, a wrong Content-Type, an index whose entries lack a
// platform and an index that names itself. Each is seen (the proxy served
// it), explained on screen, leaves the UI answering keys and the staged
// lists untouched, and clears with r.
func TestMoreFaultsKeepTheUIAlive(t *testing.T) {
	env, ref, st, staged, c := newFaultEnv(t)
	hs := newHarness(t, c, ref, 240, 30, uitest.WithStore(st))
	if !strings.Contains(hs.screen(), "linux/arm64") {
		t.Fatalf("tree not shown:\n%s", hs.screen())
	}
	raw, err := c.Get(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	var idx struct {
		Manifests []struct {
			MediaType string `json:"mediaType"`
			Digest    string `json:"digest"`
			Size      int64  `json:"size"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(raw.Raw, &idx); err != nil || len(idx.Manifests) != 2 {
		t.Fatalf("index: %v", err)
	}
	noPlat, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": model.MediaTypeOCIIndex, "manifests": idx.Manifests})
	self := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"manifests":[{"mediaType":%q,"digest":%q,"size":100}]}`,
		model.MediaTypeOCIIndex, model.MediaTypeOCIIndex, idx.Manifests[0].Digest))
	tagOnly := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/manifests/v1") }

	check := func(t *testing.T, name string, fired func() bool, want ...string) {
		t.Helper()
		s := hs.screen()
		if !fired() {
			t.Fatalf("%s: the fault never fired", name)
		}
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Fatalf("after %s the screen lacks %q:\n%s", name, w, s)
			}
		}
		hs.keys("?")
		help := hs.screen()
		hs.keys("?")
		if help == hs.screen() {
			t.Fatalf("after %s, ? changed nothing:\n%s", name, help)
		}
		hs.keys("j", "k")
		if got := snapshotDir(t, st.Dir()); !equalMaps(got, staged) {
			t.Fatalf("after %s the staging store changed", name)
		}
	}
	restore := func(t *testing.T, name string) {
		t.Helper()
		env.proxy.Clear()
		hs.keys("r")
		if s := hs.screen(); !strings.Contains(s, "linux/arm64") || strings.Contains(s, "press r") {
			t.Fatalf("after %s cleared, r did not restore the tree:\n%s", name, s)
		}
	}
	hitsSince := func() func() bool {
		before := env.proxy.Hits()
		return func() bool { return env.proxy.Hits() > before }
	}

	t.Run("wrong Content-Type", func(t *testing.T) {
		env.proxy.Set(faultproxy.Fault{Kind: faultproxy.WrongType, Match: faultproxy.Manifests})
		fired := hitsSince()
		hs.keys("r")
		check(t, "wrong Content-Type", fired, "linux/arm64", "linux/amd64") // verified bytes: the tree stands
		restore(t, "wrong Content-Type")
	})
	t.Run("index without platforms", func(t *testing.T) {
		env.proxy.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: tagOnly, Body: noPlat, MediaType: model.MediaTypeOCIIndex})
		fired := hitsSince()
		hs.keys("r")
		check(t, "index without platforms", fired, "2 platforms")
		if s := hs.screen(); strings.Contains(s, "linux/arm64") {
			t.Fatalf("an entry shows a platform the index never named:\n%s", s)
		}
		restore(t, "index without platforms")
	})
	t.Run("self-referring index", func(t *testing.T) {
		env.proxy.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: faultproxy.Manifests, Body: self, MediaType: model.MediaTypeOCIIndex})
		fired := hitsSince()
		hs.keys("r")
		check(t, "self-referring index", fired, "digest mismat")
		restore(t, "self-referring index")
	})
	t.Run("token expires and stays refused", func(t *testing.T) {
		env.proxy.RequireToken("", "", -1)
		t.Cleanup(func() { env.proxy.RequireToken("", "", 0) })
		refused := env.proxy.TokensRefused()
		hs.keys("r")
		check(t, "expired token", func() bool { return env.proxy.TokensRefused() > refused }, "401")
		env.proxy.RequireToken("", "", 0)
		hs.keys("r")
		if s := hs.screen(); !strings.Contains(s, "linux/arm64") {
			t.Fatalf("with good tokens again, r did not restore the tree:\n%s", s)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		bad := faultproxy.RefusedAddr(t) + "/app:v1"
		hs.keys(":")
		hs.typeText(bad)
		hs.keys("enter")
		check(t, "connection refused", func() bool { return true }, "Connection refused", "is the registry running")
		hs.keys("esc")
		if s := hs.screen(); !strings.Contains(s, "linux/arm64") {
			t.Fatalf("esc after a refused connection did not go back to the tree:\n%s", s)
		}
	})
}

// newFaultEnv is a registry behind the fault proxy with app:v1 (ref), a
// staged list in a store of its own that no fault may touch (st, and its
// snapshot staged), and a client with short timeouts so that slow faults end
// within the harness's wait.
func newFaultEnv(t *testing.T) (env *hostileEnv, ref string, st *stagestore.Store, staged map[string]string, c *registry.Client) {
	t.Helper()
	env = newHostileEnv(t)
	ref = env.host + "/app:v1"
	st, err := stagestore.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(&model.StagedList{Name: "keep", Target: env.host + "/app:multi", Entries: []model.StagedEntry{{
		Source: ref, Repository: env.host + "/app", Digest: "sha256:" + strings.Repeat("a", 64),
		MediaType: model.MediaTypeOCIManifest, Size: 100, Platform: &model.Platform{OS: "linux", Architecture: "amd64"},
	}}}); err != nil {
		t.Fatal(err)
	}
	staged = snapshotDir(t, st.Dir())
	c, err = registry.New(registry.Options{Keychain: authn.NewMultiKeychain(),
		Timeouts: registry.Timeouts{Header: 500 * time.Millisecond, Stall: 500 * time.Millisecond, Backoff: time.Millisecond, MaxWait: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return env, ref, st, staged, c
}
