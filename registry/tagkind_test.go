package registry

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// pushSBOMArtifact pushes `oras attach`'s SBOM referrer of subject under
// repo:tag and returns its reference.
func pushSBOMArtifact(t *testing.T, host, repo, tag string, subject *fixtures.Fixture) string {
	t.Helper()
	h, err := v1.NewHash(subject.Digest)
	if err != nil {
		t.Fatal(err)
	}
	img, err := fixtures.OrasReferrer(model.MediaTypeSPDX, "sbom.spdx.json", []byte(`{"spdxVersion":"SPDX-2.3"}`),
		v1.Descriptor{MediaType: "application/vnd.oci.image.index.v1+json", Digest: h, Size: int64(len(subject.Raw))})
	if err != nil {
		t.Fatal(err)
	}
	ref := host + "/" + repo + ":" + tag
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	return ref
}

// headKind is what the tags list does for one row: a HEAD, then TagKind.
func headKind(t *testing.T, c *Client, ref string) model.TagKind {
	t.Helper()
	h, err := c.Head(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	k, err := c.TagKind(context.Background(), ref, h)
	if err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	return k
}

// TestTagKind: lists, a nested list, images and an artifact, each read
// with one GET by digest; then the same client, and a new one on the same
// cache dir, answer without a request, and opening a tag afterwards costs
// its HEAD only.
func TestTagKind(t *testing.T) {
	var cnt testregistry.Counter
	r, set := seeded(t, testregistry.Options{Wrap: cnt.Wrap},
		fixtures.Only(fixtures.DockerList, fixtures.Eleven, fixtures.Nested, fixtures.SingleOCI, fixtures.SingleDocker, fixtures.OCIAttest))
	art := pushSBOMArtifact(t, r.Host, "fixtures/eleven", "sbom", set[fixtures.Eleven])
	cache := t.TempDir()
	c := readClient(t, Options{CacheDir: cache})
	want := map[string]string{
		set[fixtures.DockerList].Ref(r.Host):   "list · 7 platforms",
		set[fixtures.Eleven].Ref(r.Host):       "list · 11 platforms",
		set[fixtures.OCIAttest].Ref(r.Host):    "list · 2 platforms",
		set[fixtures.Nested].Ref(r.Host):       "list · 1 platform, 1 list",
		set[fixtures.SingleOCI].Ref(r.Host):    "image",
		set[fixtures.SingleDocker].Ref(r.Host): "image",
		art:                                    "artifact (SPDX)",
	}
	for ref, label := range want {
		cnt.Reset()
		k := headKind(t, c, ref)
		if got := k.Labels(); len(got) == 0 || got[0] != label {
			t.Errorf("%s: %q, want %q", ref, got, label)
		}
		if l := cnt.Log(); cnt.Count("HEAD manifest") != 1 || cnt.Count("GET manifest") != 1 || len(l) != 2 || !strings.Contains(l[1], "/manifests/sha256:") {
			t.Errorf("%s: %v, want the HEAD and one GET by digest", ref, l)
		}
	}
	for i, cl := range []*Client{c, readClient(t, Options{CacheDir: cache})} {
		for ref, label := range want {
			cnt.Reset()
			if got := headKind(t, cl, ref).Labels(); got[0] != label {
				t.Errorf("warm %d %s: %q", i, ref, got)
			}
			if cnt.Total() != 1 || cnt.Count("HEAD manifest") != 1 {
				t.Errorf("warm %d %s: %v, want the HEAD alone", i, ref, cnt.Log())
			}
		}
	}
	// Opening a tag whose kind was read: one HEAD, the body from the cache.
	c3 := readClient(t, Options{CacheDir: t.TempDir()})
	ref := set[fixtures.DockerList].Ref(r.Host)
	headKind(t, c3, ref)
	cnt.Reset()
	if m, err := c3.Get(context.Background(), ref); err != nil || m.Digest != set[fixtures.DockerList].Digest {
		t.Fatalf("get after the kind: %v %v", m, err)
	}
	if cnt.Total() != 1 || cnt.Count("HEAD manifest") != 1 {
		t.Errorf("opening after the kind: %v, want one HEAD", cnt.Log())
	}
}

// TestTagKindOncePerDigest: forty tags of one digest asked at the same
// time cost one GET.
func TestTagKindOncePerDigest(t *testing.T) {
	var cnt testregistry.Counter
	r, set := seeded(t, testregistry.Options{Wrap: cnt.Wrap}, fixtures.Only(fixtures.Eleven))
	c := readClient(t, Options{})
	f := set[fixtures.Eleven]
	h, err := c.Head(context.Background(), f.Ref(r.Host))
	if err != nil {
		t.Fatal(err)
	}
	cnt.Reset()
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, err := c.TagKind(context.Background(), fmt.Sprintf("%s/%s:t%d", r.Host, f.Repo, i), h)
			if err != nil || k.Platforms != 11 {
				t.Errorf("%d: %+v %v", i, k, err)
			}
		}()
	}
	wg.Wait()
	if cnt.Total() != 1 || cnt.Count("GET manifest") != 1 {
		t.Errorf("%v, want one GET", cnt.Log())
	}
}

// TestTagKindRateLimited: once the registry has sent Docker Hub's
// rate-limit headers, the kind is the HEAD's and no manifest is GET (a
// GET is a pull, a HEAD is not); the cache still answers.
func TestTagKindRateLimited(t *testing.T) {
	var cnt testregistry.Counter
	limit := func(next http.Handler) http.Handler {
		return cnt.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("RateLimit-Limit", "100;w=21600")
			w.Header().Set("RateLimit-Remaining", "76;w=21600")
			next.ServeHTTP(w, r)
		}))
	}
	r, set := seeded(t, testregistry.Options{Wrap: limit}, fixtures.Only(fixtures.Eleven, fixtures.SingleOCI))
	cache := t.TempDir()
	c := readClient(t, Options{CacheDir: cache})
	for _, f := range []*fixtures.Fixture{set[fixtures.Eleven], set[fixtures.SingleOCI]} {
		cnt.Reset()
		k := headKind(t, c, f.Ref(r.Host))
		if k.Read || k.Why != KindRateLimited || len(k.Labels()) != 1 {
			t.Errorf("%s: %+v %q, want the HEAD's kind, rate-limited", f.Name, k, k.Labels())
		}
		if cnt.Count("GET manifest") != 0 || cnt.Total() != 1 {
			t.Errorf("%s: %v, want the HEAD alone", f.Name, cnt.Log())
		}
	}
	if got := headKind(t, c, set[fixtures.Eleven].Ref(r.Host)).Labels(); got[0] != "list" {
		t.Errorf("rate-limited list: %q", got)
	}
	// The body in the cache (an inspect made it) costs no pull: counted.
	if _, err := c.Get(context.Background(), set[fixtures.Eleven].Ref(r.Host)); err != nil {
		t.Fatal(err)
	}
	cnt.Reset()
	if k := headKind(t, c, set[fixtures.Eleven].Ref(r.Host)); !k.Read || k.Platforms != 11 {
		t.Errorf("cached body, rate-limited registry: %+v", k)
	}
	if cnt.Count("GET manifest") != 0 {
		t.Errorf("%v: a GET for a cached body", cnt.Log())
	}
}

// TestTagKindHostile: a body over the cap is not asked for when the HEAD
// announces it, and cut when it does not; garbage and a body that is not
// what its digest says give the HEAD's kind and an error, never a made-up
// count; nothing garbage is kept.
func TestTagKindHostile(t *testing.T) {
	var mu sync.Mutex
	lie := "" // what GET by digest answers instead, when set
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			body := lie
			mu.Unlock()
			if body != "" && (r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/manifests/sha256:") || strings.HasSuffix(r.URL.Path, "/manifests/evil")) {
				// evil: a tag whose digest is the garbage's own, so it
				// passes the digest check.
				w.Header().Set("Docker-Content-Digest", hashOf("sha256:", []byte(body)))
				w.Header().Set("Content-Type", model.MediaTypeOCIIndex)
				_, _ = w.Write([]byte(body))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	r, set := seeded(t, testregistry.Options{Wrap: wrap}, fixtures.Only(fixtures.Eleven))
	f := set[fixtures.Eleven]
	for _, body := range []string{"garbage \x1b]52;c;aGk=\x07", `{"schemaVersion":2,"manifests":[{"digest":"sha256:zz\x1b[2J"}]}`, strings.Repeat("[", 2<<20)} {
		mu.Lock()
		lie = body
		mu.Unlock()
		c := readClient(t, Options{CacheDir: t.TempDir(), Limits: Limits{ChildBytes: 1 << 20}})
		h, err := c.Head(context.Background(), f.Ref(r.Host))
		if err != nil {
			t.Fatal(err)
		}
		k, err := c.TagKind(context.Background(), f.Ref(r.Host), h)
		if err == nil || k.Read || !slices.Equal(k.Labels(), []string{"list"}) {
			t.Errorf("body %.20q: %+v %v, want the HEAD's list and an error", body, k, err)
		}
		if _, ok := c.kindMemo.get(h.Digest); ok {
			t.Errorf("body %.20q: remembered", body)
		}
		evil := r.Host + "/" + f.Repo + ":evil"
		if h, err = c.Head(context.Background(), evil); err != nil {
			t.Fatal(err)
		}
		k, err = c.TagKind(context.Background(), evil, h)
		if err == nil || k.Read || !slices.Equal(k.Labels(), []string{"list"}) {
			t.Errorf("evil %.20q: %+v %v, want the HEAD's list and an error", body, k, err)
		}
		if _, ok := c.kindMemo.get(h.Digest); ok {
			t.Errorf("evil %.20q: remembered", body)
		}
	}
	// Announced over the cap: not asked for.
	var cnt testregistry.Counter
	r2, set2 := seeded(t, testregistry.Options{Wrap: cnt.Wrap}, fixtures.Only(fixtures.Eleven))
	c := readClient(t, Options{Limits: Limits{ChildBytes: 100}})
	cnt.Reset()
	k := headKind(t, c, set2[fixtures.Eleven].Ref(r2.Host))
	if k.Read || k.Why != KindTooLarge || cnt.Count("GET manifest") != 0 {
		t.Errorf("over the cap: %+v, %v", k, cnt.Log())
	}
}
