package registry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// startPushRegistry starts a real distribution registry in-process and
// returns its host:port. wrap, when set, wraps the handler (to watch or
// break requests).
func startPushRegistry(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	return testregistry.Start(t, testregistry.Options{Wrap: wrap}).Host
}

// failNth is a RoundTripper that fails the nth request (1-based) once, as a
// crash or a dropped connection would, and counts every request.
type failNth struct {
	base  http.RoundTripper
	n     int64
	count atomic.Int64
}

var errInjected = errors.New("injected failure")

func (f *failNth) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.count.Add(1) == f.n {
		return nil, errInjected
	}
	return f.base.RoundTrip(r)
}

func newTestClient(t *testing.T, rt http.RoundTripper) *Client {
	t.Helper()
	if rt == nil {
		rt = http.DefaultTransport
	}
	c, err := New(Options{Keychain: authn.NewMultiKeychain(), Transport: rt, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pushImage writes a random single-platform image with the given config
// platform to ref and returns it.
func pushImage(t *testing.T, ref string, p v1.Platform, oci bool) v1.Image {
	t.Helper()
	return pushImageWith(t, ref, p, oci)
}

// pushImageWith is pushImage through the given remote options.
func pushImageWith(t *testing.T, ref string, p v1.Platform, oci bool, opts ...remote.Option) v1.Image {
	t.Helper()
	img, err := random.Image(256, 2)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant, cf.OSVersion = p.OS, p.Architecture, p.Variant, p.OSVersion
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	if oci {
		img = mutate.MediaType(img, types.OCIManifestSchema1)
		img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img, opts...); err != nil {
		t.Fatalf("write %s: %v", ref, err)
	}
	return img
}

// stageImage turns a pushed image into a staged entry the way `create`
// does: through the client's tree.
func stageImage(t *testing.T, c *Client, ref string) model.StagedEntry {
	t.Helper()
	tr, err := c.Tree(context.Background(), ref, TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	es, err := model.EntriesFromTree(ref, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	return es[0]
}

func digestOf(t *testing.T, img v1.Image) string {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// fixture pushes three images into two source repositories and stages a list
// of them for host/app:v1, annotated as arm/v7 and with a windows os.version.
func fixture(t *testing.T, host string, c *Client) (*model.StagedList, map[string]string) {
	t.Helper()
	amd := pushImage(t, host+"/src-a:amd64", v1.Platform{OS: "linux", Architecture: "amd64"}, false)
	arm := pushImage(t, host+"/src-b:arm", v1.Platform{OS: "linux", Architecture: "arm"}, false)
	win := pushImage(t, host+"/src-b:win", v1.Platform{OS: "windows", Architecture: "amd64", OSVersion: "10.0.20348.2113"}, false)
	l := &model.StagedList{Name: host + "/app:v1", Target: host + "/app:v1"}
	l.Add(stageImage(t, c, host+"/src-a:amd64"), stageImage(t, c, host+"/src-b:arm"), stageImage(t, c, host+"/src-b:win"))
	if err := l.Annotate(1, model.PlatformEdit{Variant: "v7"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.Annotate(2, model.PlatformEdit{OSVersion: "10.0.20348.2113"}, nil); err != nil {
		t.Fatal(err)
	}
	return l, map[string]string{"linux/amd64": digestOf(t, amd), "linux/arm/v7": digestOf(t, arm), "windows/amd64:10.0.20348.2113": digestOf(t, win)}
}

// readBack checks, with ggcr directly, that ref is an index with exactly the
// wanted platform → digest entries in order, and that every child resolves
// in ref's repository with its config and layers.
func readBack(t *testing.T, ref string, want map[string]string, order []string) v1.ImageIndex {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Index(r)
	if err != nil {
		t.Fatalf("read back %s: %v", ref, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != len(order) {
		t.Fatalf("%s has %d entries, want %d", ref, len(im.Manifests), len(order))
	}
	for i, d := range im.Manifests {
		p := model.Platform{OS: d.Platform.OS, Architecture: d.Platform.Architecture, Variant: d.Platform.Variant, OSVersion: d.Platform.OSVersion}
		if p.String() != order[i] {
			t.Errorf("entry %d is %s, want %s", i, p, order[i])
		}
		if d.Digest.String() != want[order[i]] {
			t.Errorf("entry %d (%s) digest %s, want %s", i, p, d.Digest, want[order[i]])
		}
		child, err := remote.Image(r.Context().Digest(d.Digest.String()))
		if err != nil {
			t.Fatalf("child %s does not resolve in %s: %v", d.Digest, r.Context(), err)
		}
		if _, err := child.RawConfigFile(); err != nil {
			t.Fatalf("child %s config missing in %s: %v", d.Digest, r.Context(), err)
		}
		layers, _ := child.Layers()
		for _, l := range layers {
			ld, _ := l.Digest()
			if _, err := remote.Layer(r.Context().Digest(ld.String())); err != nil {
				t.Fatalf("layer %s missing in %s: %v", ld, r.Context(), err)
			}
		}
	}
	return idx
}

var fixtureOrder = []string{"linux/amd64", "linux/arm/v7", "windows/amd64:10.0.20348.2113"}

func TestPushFromTwoRepositories(t *testing.T) {
	host := startPushRegistry(t, nil)
	c := newTestClient(t, nil)
	l, want := fixture(t, host, c)
	before := l.Clone()
	var steps []string
	res, err := c.Push(context.Background(), l, PushOptions{Tags: []string{"latest"}, Progress: func(ev PushEvent) { steps = append(steps, ev.Step) }})
	if err != nil {
		t.Fatal(err)
	}
	_, wantDigest, _ := l.Render()
	if res.Digest != wantDigest || res.Mounted != 3 || len(res.Tags) != 2 {
		t.Fatalf("result %+v", res)
	}
	joined := strings.Join(steps, ",")
	if !strings.HasPrefix(joined, "check,mount,mount,mount,index,index,verify,verify") {
		t.Fatalf("progress steps: %s", joined)
	}
	idx := readBack(t, host+"/app:v1", want, fixtureOrder)
	if d, _ := idx.Digest(); d.String() != wantDigest {
		t.Fatalf("pushed digest %s, want %s", d, wantDigest)
	}
	readBack(t, host+"/app:latest", want, fixtureOrder)
	if mt, _ := idx.MediaType(); mt != types.DockerManifestList {
		t.Fatalf("media type %s: docker children without annotations make a Docker list", mt)
	}
	r1, _, _ := before.Render()
	r2, _, _ := l.Render()
	if string(r1) != string(r2) || l.Base != before.Base {
		t.Fatal("push changed the staged list")
	}
	// Pushing the same list again is idempotent: everything exists.
	l.Base = wantDigest
	res, err = c.Push(context.Background(), l, PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Existing != 3 || res.Digest != wantDigest {
		t.Fatalf("second push %+v", res)
	}
}

func TestPushOCIIndexWithAttestationsAndAnnotations(t *testing.T) {
	host := startPushRegistry(t, nil)
	c := newTestClient(t, nil)
	// A BuildKit-like source index: image + attestation.
	imgA := pushImage(t, host+"/src:tmp-a", v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	att, err := random.Image(128, 1)
	if err != nil {
		t.Fatal(err)
	}
	att = mutate.MediaType(att, types.OCIManifestSchema1)
	dA := digestOf(t, imgA)
	src := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	src = mutate.AppendManifests(src,
		mutate.IndexAddendum{Add: imgA, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"},
			Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: dA}}})
	srcRef, _ := name.ParseReference(host + "/src:multi")
	if err := remote.WriteIndex(srcRef, src); err != nil {
		t.Fatal(err)
	}
	tr, err := c.Tree(context.Background(), host+"/src:multi", TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	es, err := model.EntriesFromTree(host+"/src:multi", tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := &model.StagedList{Name: "x", Target: host + "/app:v2", Annotations: map[string]string{"org.opencontainers.image.source": "https://example.com"}}
	l.Add(es...)
	res, err := c.Push(context.Background(), l, PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := name.ParseReference(host + "/app:v2")
	idx, err := remote.Index(r)
	if err != nil {
		t.Fatal(err)
	}
	im, _ := idx.IndexManifest()
	if im.MediaType != types.OCIImageIndex || im.Annotations["org.opencontainers.image.source"] != "https://example.com" || len(im.Manifests) != 2 {
		t.Fatalf("index %+v", im)
	}
	if im.Manifests[1].Annotations[model.AnnotationReferenceDigest] != dA {
		t.Fatalf("attestation lost its annotations: %+v", im.Manifests[1])
	}
	for _, d := range im.Manifests {
		if _, err := remote.Image(r.Context().Digest(d.Digest.String())); err != nil {
			t.Fatalf("child %s does not resolve: %v", d.Digest, err)
		}
	}
	if res.Mounted != 2 {
		t.Fatalf("result %+v", res)
	}
}

// TestPushSurvivesACrashAtEachStep fails the push at each of its requests in
// turn. Each failed push leaves the staged list as it was, and a re-run with
// a fresh client (a new process) completes with the same digest.
func TestPushSurvivesACrashAtEachStep(t *testing.T) {
	// Count the requests of a whole push.
	host := startPushRegistry(t, nil)
	counter := &failNth{base: http.DefaultTransport}
	c := newTestClient(t, counter)
	l, _ := fixture(t, host, c)
	counter.count.Store(0)
	if _, err := c.Push(context.Background(), l, PushOptions{}); err != nil {
		t.Fatal(err)
	}
	total := int(counter.count.Load())
	if total < 10 {
		t.Fatalf("a push took only %d requests", total)
	}
	failed := 0
	for n := 1; n <= total; n++ {
		host := startPushRegistry(t, nil)
		setup := newTestClient(t, nil)
		l, want := fixture(t, host, setup)
		before, _, _ := l.Render()
		// A fresh client, so the request count starts with the push.
		crashing := newTestClient(t, &failNth{base: http.DefaultTransport, n: int64(n)})
		_, err := crashing.Push(context.Background(), l, PushOptions{})
		if err != nil {
			failed++
			if !errors.Is(err, errInjected) {
				t.Fatalf("request %d: error does not carry the cause: %v", n, err)
			}
		}
		after, _, _ := l.Render()
		if string(before) != string(after) || l.Base != "" {
			t.Fatalf("request %d: the staged list changed", n)
		}
		if _, err := newTestClient(t, nil).Push(context.Background(), l, PushOptions{}); err != nil {
			t.Fatalf("re-run after failing request %d: %v", n, err)
		}
		readBack(t, host+"/app:v1", want, fixtureOrder)
	}
	if failed < total/2 {
		t.Fatalf("only %d of %d injected failures stopped the push", failed, total)
	}
	t.Logf("%d requests per push; %d injected failures stopped it", total, failed)
}

func TestPushStopsWhenTheTagMoved(t *testing.T) {
	host := startPushRegistry(t, nil)
	c := newTestClient(t, nil)
	l, _ := fixture(t, host, c)
	res, err := c.Push(context.Background(), l, PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Stage an edit of what is there now.
	l.Base = res.Digest
	if err := l.Annotate(0, model.PlatformEdit{Variant: "v2"}, nil); err != nil {
		t.Fatal(err)
	}
	// Someone else moves the tag.
	other := pushImage(t, host+"/app:v1", v1.Platform{OS: "linux", Architecture: "s390x"}, false)
	_, err = c.Push(context.Background(), l, PushOptions{})
	var moved *TagMovedError
	if !errors.As(err, &moved) {
		t.Fatalf("push over a moved tag: %v", err)
	}
	if moved.Base != res.Digest || moved.Current != digestOf(t, other) {
		t.Fatalf("moved: %+v", moved)
	}
	if got, _ := c.HeadDigest(context.Background(), host+"/app:v1"); got != digestOf(t, other) {
		t.Fatal("the stopped push wrote the tag")
	}
	// --force writes anyway.
	res2, err := c.Push(context.Background(), l, PushOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.HeadDigest(context.Background(), host+"/app:v1"); got != res2.Digest {
		t.Fatal("forced push did not write the tag")
	}
	// A stale base counts as moved, unless the tag already holds this very
	// list (a re-run of a push that failed after writing the tag).
	l.Base = "sha256:" + strings.Repeat("0", 64)
	if _, err := c.Push(context.Background(), l, PushOptions{}); err != nil {
		t.Fatalf("re-run onto the list itself: %v", err)
	}
	l.Annotate(0, model.PlatformEdit{Variant: "v3"}, nil)
	if _, err := c.Push(context.Background(), l, PushOptions{}); !errors.As(err, &moved) {
		t.Fatalf("stale base: %v", err)
	}
}

func TestPushAcrossRegistriesNeedsConfirmation(t *testing.T) {
	hostA := startPushRegistry(t, nil)
	var requestsB atomic.Int64
	hostB := startPushRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requestsB.Add(1); h.ServeHTTP(w, r) })
	})
	c := newTestClient(t, nil)
	img := pushImage(t, hostB+"/far:v1", v1.Platform{OS: "linux", Architecture: "arm64"}, false)
	pushImage(t, hostA+"/near:v1", v1.Platform{OS: "linux", Architecture: "amd64"}, false)
	l := &model.StagedList{Name: "x", Target: hostA + "/app:v1"}
	l.Add(stageImage(t, c, hostA+"/near:v1"), stageImage(t, c, hostB+"/far:v1"))
	plan, err := c.PlanPush(l, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Children[0].Action != Mount || plan.Children[1].Action != CrossRegistry {
		t.Fatalf("plan %+v", plan.Children)
	}
	requestsB.Store(0)
	_, err = c.Push(context.Background(), l, PushOptions{})
	var cross *CrossRegistryError
	if !errors.As(err, &cross) || len(cross.Children) != 1 || !strings.Contains(err.Error(), hostB) {
		t.Fatalf("unconfirmed cross-registry push: %v", err)
	}
	if requestsB.Load() != 0 {
		t.Fatal("an unconfirmed push talked to the other registry")
	}
	res, err := c.Push(context.Background(), l, PushOptions{AllowCrossRegistry: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 1 || res.Mounted != 1 {
		t.Fatalf("result %+v", res)
	}
	readBack(t, hostA+"/app:v1", map[string]string{"linux/arm64": digestOf(t, img), "linux/amd64": l.Entries[0].Digest}, []string{"linux/amd64", "linux/arm64"})
}

func TestPushRefusesBlockingFindingsWithoutARequest(t *testing.T) {
	var n atomic.Int64
	host := startPushRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); h.ServeHTTP(w, r) })
	})
	c := newTestClient(t, nil)
	l, _ := fixture(t, host, c)
	l.Entries[0].Platform.Variant = "v7" // amd64/v7
	n.Store(0)
	_, err := c.Push(context.Background(), l, PushOptions{})
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "variant v7") {
		t.Fatalf("got %v", err)
	}
	if n.Load() != 0 {
		t.Fatalf("%d requests for a list that cannot be pushed", n.Load())
	}
}

func TestPlanPushTags(t *testing.T) {
	c := newTestClient(t, nil)
	l := &model.StagedList{Target: "localhost:5000/app:v1", Entries: []model.StagedEntry{{Repository: "localhost:5000/app", Digest: "sha256:" + strings.Repeat("a", 64), Size: 1, MediaType: model.MediaTypeOCIManifest,
		Platform: &model.Platform{OS: "linux", Architecture: "amd64"}}}}
	p, err := c.PlanPush(l, []string{"latest", "localhost:5000/app:1.0", "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Tags, " ") != "localhost:5000/app:v1 localhost:5000/app:latest localhost:5000/app:1.0" {
		t.Fatalf("tags %v", p.Tags)
	}
	if p.Children[0].Action != InPlace {
		t.Fatalf("child in the target repo: %v", p.Children[0].Action)
	}
	if _, err := c.PlanPush(l, []string{"localhost:5000/other:x"}); err == nil {
		t.Fatal("tag in another repository accepted")
	}
	l.Target = "localhost:5000/app@sha256:" + strings.Repeat("b", 64)
	if _, err := c.PlanPush(l, nil); err == nil {
		t.Fatal("digest target accepted")
	}
}

func TestRetagAndDelete(t *testing.T) {
	host := startPushRegistry(t, nil)
	c := newTestClient(t, nil)
	l, want := fixture(t, host, c)
	res, err := c.Push(context.Background(), l, PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Same repository: a new tag, same bytes.
	d, err := c.Retag(ctx, host+"/app:v1", host+"/app:stable")
	if err != nil || d != res.Digest {
		t.Fatalf("retag: %s %v", d, err)
	}
	// Another repository: children come along.
	if _, err := c.Retag(ctx, host+"/app:v1", host+"/mirror:v1"); err != nil {
		t.Fatal(err)
	}
	readBack(t, host+"/mirror:v1", want, fixtureOrder)
	if _, err := c.Retag(ctx, host+"/app:v1", host+"/app@"+res.Digest); err == nil {
		t.Fatal("retag onto a digest accepted")
	}
	gone, err := c.Delete(ctx, host+"/mirror:v1")
	if err != nil || gone != res.Digest {
		t.Fatalf("delete: %s %v", gone, err)
	}
	// Distribution drops the tags of a deleted manifest.
	if got, _ := c.HeadDigest(ctx, host+"/mirror@"+res.Digest); got != "" {
		t.Fatalf("mirror@%s still resolves", got)
	}
	if got, _ := c.HeadDigest(ctx, host+"/mirror:v1"); got != "" {
		t.Fatalf("mirror:v1 still resolves to %s", got)
	}
	if _, err := c.Delete(ctx, host+"/mirror@"+res.Digest); err == nil {
		t.Fatal("deleting a missing manifest succeeded")
	}
	// The original repository is untouched.
	if got, _ := c.HeadDigest(ctx, host+"/app:v1"); got != res.Digest {
		t.Fatal("delete in mirror touched app")
	}
}

func TestDeleteRefusedByTheRegistry(t *testing.T) {
	host := startPushRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusMethodNotAllowed)
				w.Write([]byte(`{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	c := newTestClient(t, nil)
	img := pushImage(t, host+"/a:v1", v1.Platform{OS: "linux", Architecture: "amd64"}, false)
	_, err := c.Delete(context.Background(), host+"/a:v1")
	if !errors.Is(err, ErrDeleteUnsupported) {
		t.Fatalf("got %v", err)
	}
	if got, _ := c.HeadDigest(context.Background(), host+"/a:v1"); got != digestOf(t, img) {
		t.Fatal("the manifest is gone")
	}
}

// A registry that reports another digest for the tag after the PUT (it
// rewrote the index, or another writer raced the push) fails the push:
// the user is told the tag does not hold what was pushed, never "pushed".
func TestPushFailsWhenTheTagReadsBackAnotherDigest(t *testing.T) {
	var written atomic.Bool
	var other atomic.Value // the digest the lying registry reports
	host := startPushRegistry(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tagURL := strings.HasSuffix(r.URL.Path, "/app/manifests/v1")
			if tagURL && r.Method == http.MethodPut {
				next.ServeHTTP(w, r)
				written.Store(true)
				return
			}
			if tagURL && written.Load() && (r.Method == http.MethodHead || r.Method == http.MethodGet) {
				w.Header().Set("Content-Type", string(types.OCIImageIndex))
				w.Header().Set("Docker-Content-Digest", other.Load().(string))
				w.Header().Set("Content-Length", "100")
				w.WriteHeader(http.StatusOK)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	c := newTestClient(t, nil)
	l, want := fixture(t, host, c)
	other.Store(want["linux/amd64"])
	_, pushed, _ := l.Render()
	res, err := c.Push(context.Background(), l, PushOptions{})
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("push = %+v, %v; want a *VerifyError", res, err)
	}
	if ve.Tag != host+"/app:v1" || ve.Want != pushed || ve.Got != want["linux/amd64"] {
		t.Fatalf("VerifyError %+v: want tag %s, want %s, got %s", ve, host+"/app:v1", pushed, want["linux/amd64"])
	}
	if !written.Load() {
		t.Fatal("the index was never PUT")
	}
}
