package tags_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/pages/tags"
)

// longTag is a tag name that leaves little room at 60 columns.
const longTag = "release-candidate-2026-12-01-nightly"

// kindsRepo starts a registry (behind wrap, when set) whose repository
// "kinds" holds a tag of each kind: Docker and OCI lists, a nested list,
// a list with attestations, an image and an SBOM artifact (oras attach).
// It returns the registry and the label each tag's kind should start with.
func kindsRepo(t *testing.T, wrap func(http.Handler) http.Handler) (*testregistry.Registry, map[string]string) {
	t.Helper()
	reg := testregistry.Start(t, testregistry.Options{Wrap: wrap})
	ctx := context.Background()
	set, err := fixtures.Push(ctx, reg.Host, fixtures.Only(fixtures.DockerList, fixtures.Eleven, fixtures.Nested, fixtures.SingleOCI, fixtures.OCIAttest))
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for tag, fx := range map[string]string{"docker-list": fixtures.DockerList, "eleven": fixtures.Eleven, longTag: fixtures.Eleven,
		"nested": fixtures.Nested, "oci-attest": fixtures.OCIAttest, "single": fixtures.SingleOCI} {
		if _, err := c.Retag(ctx, set[fx].Ref(reg.Host), reg.Host+"/kinds:"+tag); err != nil {
			t.Fatal(err)
		}
	}
	want["docker-list"] = "list · 7 platforms"
	want["eleven"] = "list · 11 platforms"
	want[longTag] = "list · 11 platforms"
	want["nested"] = "list · 1 platform, 1 list"
	want["oci-attest"] = "list · 2 platforms"
	want["single"] = "image"
	h, err := v1.NewHash(set[fixtures.Eleven].Digest)
	if err != nil {
		t.Fatal(err)
	}
	img, err := fixtures.OrasReferrer(model.MediaTypeSPDX, "sbom.spdx.json", []byte(`{"spdxVersion":"SPDX-2.3"}`),
		v1.Descriptor{MediaType: model.MediaTypeOCIIndex, Digest: h, Size: int64(len(set[fixtures.Eleven].Raw))})
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(reg.Host+"/kinds:sbom", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	want["sbom"] = "artifact (SPDX)"
	// Without the referrers API, go-containerregistry also wrote the
	// referrers tag schema's index: a list of one artifact.
	want["sha256-"+h.Hex] = "list · 1 entry, no platform"
	return reg, want
}

func kindClient(t *testing.T, cache string) *registry.Client {
	t.Helper()
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	// Cache writes go on behind the fetches: done before the dir is removed.
	t.Cleanup(func() { _ = c.Flush(context.Background()) })
	return c
}

// rowOf returns the screen line of tag's row.
func rowOf(t *testing.T, scr, tag string) string {
	t.Helper()
	for _, l := range strings.Split(scr, "\n") {
		if f := strings.Fields(strings.TrimPrefix(l, "▸")); len(f) > 0 && f[0] == tag {
			return l
		}
	}
	t.Fatalf("no row for %s:\n%s", tag, scr)
	return ""
}

// TestKindColumn: each tag's kind in full at 200 columns, read with one
// HEAD and one GET by digest per tag (no GET by tag); a second visit, and
// a new process on the same cache, cost the HEADs only. At 60 and 80 the
// column shortens or goes before a tag's name is cut.
func TestKindColumn(t *testing.T) {
	var cnt testregistry.Counter
	reg, want := kindsRepo(t, cnt.Wrap)
	cache := t.TempDir()
	c := kindClient(t, cache)
	repo := reg.Host + "/kinds"
	cnt.Reset()
	hs := open(t, c, repo, 200, 30)
	scr := hs.Screen()
	for tag, label := range want {
		if row := rowOf(t, scr, tag); !strings.Contains(row, " "+label+" ") {
			t.Errorf("row of %s lacks %q:\n%s", tag, label, row)
		}
	}
	if strings.Contains(scr, "no platform counts") || strings.Contains(scr, "no counts") {
		t.Errorf("a registry without rate limits has the note:\n%s", scr)
	}
	n := len(want)
	byDigest := 0
	for _, l := range cnt.Log() {
		if strings.HasPrefix(l, "GET manifest") && strings.Contains(l, "/manifests/sha256:") {
			byDigest++
		}
	}
	// longTag and eleven share a digest: read once.
	if h, g := cnt.Count("HEAD manifest"), cnt.Count("GET manifest"); h != n || g != n-1 || byDigest != g {
		t.Errorf("cold: %d HEADs, %d GETs (%d by digest), want %d HEADs and %d GETs by digest:\n%s", h, g, byDigest, n, n-1, strings.Join(cnt.Log(), "\n"))
	}
	for i, cl := range []*registry.Client{c, kindClient(t, cache)} {
		cnt.Reset()
		hs := open(t, cl, repo, 200, 30)
		if cnt.Count("GET manifest") != 0 || cnt.Count("HEAD manifest") != n {
			t.Errorf("visit %d: %v, want the %d HEADs only", i+2, cnt.Log(), n)
		}
		if row := rowOf(t, hs.Screen(), "eleven"); !strings.Contains(row, "list · 11 platforms") {
			t.Errorf("visit %d: %q", i+2, row)
		}
	}
	for _, w := range []int{60, 80} {
		hs := open(t, c, repo, w, 24)
		scr := hs.Screen()
		for tag := range want {
			if len(tag) > w-2-1-12 {
				continue // cut with or without a kind (the referrers tag)
			}
			row := rowOf(t, scr, tag)
			if len([]rune(row)) > w {
				t.Errorf("%d cols: row of %d cells: %q", w, len([]rune(row)), row)
			}
			if !strings.Contains(row, " "+tag+" ") && !strings.HasSuffix(row, tag) {
				t.Errorf("%d cols: the name of %s is cut: %q", w, tag, row)
			}
		}
		if row := rowOf(t, scr, longTag); w == 60 && (strings.Contains(row, "platforms") || !strings.Contains(row, " list ")) {
			t.Errorf("60 cols: the long tag's kind should shorten to list: %q", row)
		}
		if row := rowOf(t, scr, "eleven"); !strings.Contains(row, "list · 11 platforms") {
			t.Errorf("%d cols: a short name keeps the full kind: %q", w, row)
		}
	}
}

// limitSwitch is a Wrap that sends Docker Hub's rate-limit headers while
// on is set (the seeding before goes without them).
type limitSwitch struct {
	mu sync.Mutex
	on bool
}

func (l *limitSwitch) set(on bool) {
	l.mu.Lock()
	l.on = on
	l.mu.Unlock()
}

func (l *limitSwitch) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		on := l.on
		l.mu.Unlock()
		if on {
			w.Header().Set("RateLimit-Limit", "100;w=21600")
			w.Header().Set("RateLimit-Remaining", "76;w=21600")
		}
		next.ServeHTTP(w, r)
	})
}

// TestKindColumnRateLimited: on a registry that sent rate-limit headers
// the column costs HEADs only: it shows what they tell (list, image), and
// the title says why the counts are missing.
func TestKindColumnRateLimited(t *testing.T) {
	var cnt testregistry.Counter
	var lim limitSwitch
	reg, want := kindsRepo(t, func(next http.Handler) http.Handler { return cnt.Wrap(lim.wrap(next)) })
	lim.set(true)
	c := kindClient(t, t.TempDir())
	cnt.Reset()
	hs := open(t, c, reg.Host+"/kinds", 200, 30)
	scr := hs.Screen()
	if g := cnt.Count("GET manifest"); g != 0 || cnt.Count("HEAD manifest") != len(want) {
		t.Errorf("%d GETs, %d HEADs, want HEADs only:\n%s", g, cnt.Count("HEAD manifest"), strings.Join(cnt.Log(), "\n"))
	}
	for tag, label := range want {
		short := "list"
		if !strings.HasPrefix(label, "list") {
			short = "image" // the artifact too: the HEAD cannot tell
		}
		row := rowOf(t, scr, tag)
		if !strings.Contains(row, " "+short+" ") || strings.Contains(row, "platform") || strings.Contains(row, "artifact") {
			t.Errorf("row of %s: %q, want %q from the HEAD alone", tag, row, short)
		}
	}
	if !strings.Contains(scr, strings.TrimSpace(tags.KindNotes[0])) {
		t.Errorf("the title does not say why the counts are missing:\n%s", scr)
	}
}

// TestKindColumnHostile: bodies that are garbage, escape sequences, too
// large, or an artifact type full of escapes never break a row: the row
// keeps its width, no escape reaches the terminal, and the kind is the
// HEAD's or sanitized.
func TestKindColumnHostile(t *testing.T) {
	evil := map[string][]byte{
		"evil-garbage": []byte("garbage \x1b]52;c;aGk=\x07\x1b[2J"),
		"evil-huge":    []byte(`{"schemaVersion":2,"manifests":[` + strings.Repeat(`{"mediaType":"x","digest":"sha256:`+strings.Repeat("0", 64)+`","size":1},`, 20000) + `{}]}`),
		"evil-type": []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/x\u001b]52;c;aGk=\u0007\u001b[31m` + strings.Repeat("y", 300) + `",` +
			`"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}`),
	}
	digestOf := func(b []byte) string { s := sha256.Sum256(b); return "sha256:" + hex.EncodeToString(s[:]) }
	byDigest := map[string][]byte{}
	for _, b := range evil {
		byDigest[digestOf(b)] = b
	}
	var mu sync.Mutex
	lying := false
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			lie := lying
			mu.Unlock()
			i := strings.LastIndex(r.URL.Path, "/manifests/")
			if !lie || i < 0 {
				next.ServeHTTP(w, r)
				return
			}
			id := r.URL.Path[i+len("/manifests/"):]
			body, ok := evil[id]
			if !ok {
				body, ok = byDigest[id]
			}
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			mt := model.MediaTypeOCIIndex
			if strings.Contains(string(body), "artifactType") {
				mt = model.MediaTypeOCIManifest
			}
			w.Header().Set("Content-Type", mt)
			w.Header().Set("Docker-Content-Digest", digestOf(body))
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			if r.Method == http.MethodGet {
				_, _ = w.Write(body)
			}
		})
	}
	reg, _ := kindsRepo(t, wrap)
	c := kindClient(t, t.TempDir())
	for tag := range evil {
		// The tags must be listed: point them at anything.
		if _, err := c.Retag(context.Background(), reg.Host+"/kinds:single", reg.Host+"/kinds:"+tag); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	lying = true
	mu.Unlock()
	for _, w := range []int{60, 80, 200} {
		hs := open(t, c, reg.Host+"/kinds", w, 24)
		raw := hs.M.View().Content
		if strings.ContainsAny(raw, "\x07") || strings.Contains(raw, "\x1b]") || strings.Contains(raw, "\x1b[2J") {
			t.Fatalf("%d cols: an escape reached the screen: %q", w, raw)
		}
		scr := hs.Screen()
		for _, l := range strings.Split(scr, "\n") {
			if n := len([]rune(l)); n > w {
				t.Errorf("%d cols: line of %d: %q", w, n, l)
			}
		}
		for _, tag := range []string{"evil-garbage", "evil-huge"} {
			if row := rowOf(t, scr, tag); !strings.Contains(row, " list ") || strings.Contains(row, "platform") {
				t.Errorf("%d cols: %s: %q, want the HEAD's list", w, tag, row)
			}
		}
		row := rowOf(t, scr, "evil-type")
		if !strings.Contains(row, "artifact") {
			t.Errorf("%d cols: evil-type: %q", w, row)
		}
		if w == 200 && !strings.Contains(row, `application/x\x1b]52;c;aGk=\x07\x1b[31myyy`) {
			t.Errorf("200 cols: the type is not shown sanitized: %q", row)
		}
	}
}

// TestKindGoldens: the tags list with its kind column at 60×20, 80×24 and
// 200×60, against a real registry, and against the same registry once it
// sends rate-limit headers (the HEADs' kinds, and the title's note). The
// registry's port is written as 55555.
func TestKindGoldens(t *testing.T) {
	var limit limitSwitch
	reg, _ := kindsRepo(t, limit.wrap)
	host := reg.Host[:strings.LastIndexByte(reg.Host, ':')+1] + "55555"
	for _, lim := range []bool{false, true} {
		limit.set(lim)
		for _, sz := range [][2]int{{60, 20}, {80, 24}, {200, 60}} {
			name := fmt.Sprintf("kinds-%dx%d", sz[0], sz[1])
			if lim {
				name = fmt.Sprintf("kinds-limited-%dx%d", sz[0], sz[1])
			}
			t.Run(name, func(t *testing.T) {
				hs := open(t, kindClient(t, t.TempDir()), reg.Host+"/kinds", sz[0], sz[1])
				scr := hs.Screen()
				for i, l := range strings.Split(scr, "\n") {
					if w := len([]rune(l)); w > sz[0] {
						t.Errorf("line %d is %d wide", i, w)
					}
				}
				golden.RequireEqual(t, []byte(strings.ReplaceAll(scr, reg.Host, host)))
			})
		}
	}
}
