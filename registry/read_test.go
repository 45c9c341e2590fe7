package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// readClient returns a client with no credentials (an empty keychain) and
// the given cache dir.
func readClient(t testing.TB, opts Options) *Client {
	t.Helper()
	if opts.Keychain == nil {
		opts.Keychain = authn.NewMultiKeychain()
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	flushAtCleanup(t, c)
	return c
}

// flushAtCleanup writes what c queued for its disk cache before the test's
// temp dirs are removed (registered after them, it runs before them).
func flushAtCleanup(t testing.TB, c *Client) {
	t.Cleanup(func() {
		if err := c.Flush(context.Background()); err != nil {
			t.Error(err)
		}
	})
}

// seeded starts distribution with every fixture pushed.
func seeded(t testing.TB, ro testregistry.Options, fo ...fixtures.Option) (*testregistry.Registry, fixtures.Set) {
	t.Helper()
	r := testregistry.Start(t, ro)
	set, err := fixtures.Push(context.Background(), r.Host, fo...)
	if err != nil {
		t.Fatal(err)
	}
	return r, set
}

// checkEntries compares a fetched tree level against the fixture's expectation.
func checkEntries(t *testing.T, where string, got []*model.Entry, want []fixtures.Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", where, len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		at := fmt.Sprintf("%s entry %d", where, i)
		if g.Digest != w.Digest || g.MediaType != w.MediaType {
			t.Errorf("%s: %s %s, want %s %s", at, g.Digest, g.MediaType, w.Digest, w.MediaType)
		}
		if len(w.Children) > 0 {
			checkEntries(t, at, g.Children, w.Children)
			continue
		}
		if g.Platform == nil || g.Platform.String() != w.Platform {
			t.Errorf("%s: platform %v, want %s", at, g.Platform, w.Platform)
		}
		if g.AttestationFor != w.AttestationFor {
			t.Errorf("%s: attestation for %q, want %q", at, g.AttestationFor, w.AttestationFor)
		}
		if g.Missing != w.Missing {
			t.Errorf("%s: missing %v, want %v", at, g.Missing, w.Missing)
		}
		for k, v := range w.Annotations {
			if g.Annotations[k] != v {
				t.Errorf("%s: annotation %s=%q, want %q", at, k, g.Annotations[k], v)
			}
		}
		if w.Missing {
			if g.Image != nil {
				t.Errorf("%s: missing child has an image", at)
			}
			continue
		}
		if g.Err != "" {
			t.Errorf("%s: error %s", at, g.Err)
		}
		if g.Image == nil || g.Image.ConfigDescriptor.Digest != w.ConfigDigest || len(g.Image.ConfigRaw) == 0 {
			t.Errorf("%s: image/config not loaded: %+v", at, g.Image)
			continue
		}
		mismatch := w.ConfigPlatform != strings.SplitN(w.Platform, ":", 2)[0]
		if (g.Mismatch != "") != mismatch {
			t.Errorf("%s: mismatch %q, want flagged=%v", at, g.Mismatch, mismatch)
		}
	}
}

func TestTreeEveryFixtureByTagAndDigest(t *testing.T) {
	r, set := seeded(t, testregistry.Options{})
	c := readClient(t, Options{CacheDir: t.TempDir()})
	ctx := context.Background()
	for _, n := range set.Names() {
		f := set[n]
		for _, ref := range []string{f.Ref(r.Host), f.DigestRef(r.Host)} {
			tr, err := c.Tree(ctx, ref, TreeOptions{All: true})
			if err != nil {
				t.Errorf("%s: %v", ref, err)
				continue
			}
			if tr.Digest != f.Digest || tr.MediaType != f.MediaType || !bytes.Equal(tr.Raw, f.Raw) {
				t.Errorf("%s: %s %s, want %s %s", ref, tr.Digest, tr.MediaType, f.Digest, f.MediaType)
			}
			for k, v := range f.Annotations {
				if tr.Annotations[k] != v {
					t.Errorf("%s: index annotation %s=%q, want %q", ref, k, tr.Annotations[k], v)
				}
			}
			if f.Entries == nil {
				if tr.Image == nil || tr.Image.Config == nil {
					t.Errorf("%s: single image without config", ref)
				}
				continue
			}
			checkEntries(t, ref, tr.Entries, f.Entries)
		}
	}
}

func TestTreeTopLevelOnly(t *testing.T) {
	var cnt testregistry.Counter
	r, set := seeded(t, testregistry.Options{Wrap: cnt.Wrap}, fixtures.Only(fixtures.DockerList))
	c := readClient(t, Options{})
	cnt.Reset()
	tr, err := c.Tree(context.Background(), set[fixtures.DockerList].Ref(r.Host), TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Entries) != 7 || tr.Entries[0].Image != nil {
		t.Fatalf("entries %d, first image %v", len(tr.Entries), tr.Entries[0].Image)
	}
	if got := cnt.Count("GET manifest"); got != 1 || cnt.Count("GET blob") != 0 {
		t.Errorf("top level only: %v", cnt.Log())
	}
}

// gate holds requests of one kind until n of them are in flight together,
// proving they were sent concurrently; it records the most in flight.
type gate struct {
	kind    string
	n       int
	mu      sync.Mutex
	waiting int
	max     int
	open    chan struct{}
	failed  bool

	// hold, when set, holds every request of kind after the first n
	// until a blob is asked for (closing blobSeen), and records in
	// heldInVain a hold that timed out: with a barrier between levels no
	// config goes out while a child is still pending.
	hold       bool
	seen       int
	blobSeen   chan struct{}
	heldInVain bool
}

func (g *gate) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.hold && testregistry.Kind(r) == "GET blob" {
			g.mu.Lock()
			select {
			case <-g.blobSeen:
			default:
				close(g.blobSeen)
			}
			g.mu.Unlock()
		}
		if testregistry.Kind(r) != g.kind || !strings.Contains(r.URL.Path, "/manifests/sha256:") {
			next.ServeHTTP(w, r)
			return
		}
		g.mu.Lock()
		g.seen++
		if g.hold && g.seen > g.n {
			g.mu.Unlock()
			select {
			case <-g.blobSeen:
			case <-time.After(10 * time.Second):
				g.mu.Lock()
				g.heldInVain = true
				g.mu.Unlock()
			}
			next.ServeHTTP(w, r)
			return
		}
		g.waiting++
		if g.waiting > g.max {
			g.max = g.waiting
		}
		if g.waiting >= g.n {
			select {
			case <-g.open:
			default:
				close(g.open)
			}
		}
		g.mu.Unlock()
		select {
		case <-g.open:
		case <-time.After(10 * time.Second):
			g.mu.Lock()
			g.failed = true
			g.mu.Unlock()
		}
		next.ServeHTTP(w, r)
		g.mu.Lock()
		g.waiting--
		g.mu.Unlock()
	})
}

// TestRoundTrips counts the requests a cold and a warm Tree(All) cost on the
// 11-platform index with attestations, phase by phase.
func TestRoundTrips(t *testing.T) {
	var cnt testregistry.Counter
	g := &gate{kind: "GET manifest", n: 16, open: make(chan struct{}), blobSeen: make(chan struct{})}
	r, set := seeded(t, testregistry.Options{Wrap: func(h http.Handler) http.Handler { return cnt.Wrap(g.wrap(h)) }}, fixtures.Only(fixtures.Eleven))
	g.mu.Lock()
	g.hold, g.seen = true, 0 // seeding is done: count the Tree's children only
	g.mu.Unlock()
	f := set[fixtures.Eleven]
	cache := t.TempDir()
	c := readClient(t, Options{CacheDir: cache, Concurrency: 16})
	cnt.Reset()

	tr, err := c.Tree(context.Background(), f.Ref(r.Host), TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	checkEntries(t, "cold", tr.Entries, f.Entries)
	n := len(f.Entries) // 22: 11 images + 11 attestations
	log := cnt.Log()
	if cnt.Count("GET /v2/") != 0 || cnt.Count("GET manifest") != 1+n || cnt.Count("GET blob") != n || cnt.Total() != 1+2*n {
		t.Fatalf("cold: %d requests, want %d (no ping, 1 index, %d children, %d configs):\n%s", cnt.Total(), 1+2*n, n, n, strings.Join(log, "\n"))
	}
	// The index first (an anonymous registry needs no ping: the first
	// request is the probe), then children and configs pipelined: the
	// children after the first 16 are held until a config is asked for,
	// which happens only without a barrier between levels (a barrier would
	// wait for the held children: the hold times out).
	var phases []string
	for _, l := range log {
		if !strings.HasPrefix(l, "GET /v2/ ") {
			phases = append(phases, l)
		}
	}
	if !strings.HasSuffix(phases[0], "/manifests/"+f.Tag) {
		t.Errorf("cold: first request %q, want the tag", phases[0])
	}
	g.mu.Lock()
	if g.heldInVain {
		t.Errorf("cold: no config went out while the last children were pending: a barrier between levels\n%s", strings.Join(phases, "\n"))
	}
	if g.failed || g.max > 16 || g.max < 16 {
		t.Errorf("children: at most %d in flight (gate failed %v), want exactly the bound 16", g.max, g.failed)
	}
	g.mu.Unlock()

	// Warm, same client: one HEAD of the tag.
	cnt.Reset()
	tr2, err := c.Tree(context.Background(), f.Ref(r.Host), TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if cnt.Total() != 1 || cnt.Count("HEAD manifest") != 1 {
		t.Errorf("warm: %v, want one HEAD", cnt.Log())
	}
	checkEntries(t, "warm", tr2.Entries, f.Entries)

	// Warm, new client (a new process): the cache dir remembers that the
	// host answered its ping anonymously, so no handshake: one HEAD.
	cnt.Reset()
	c2 := readClient(t, Options{CacheDir: cache})
	if _, err := c2.Tree(context.Background(), f.Ref(r.Host), TreeOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if cnt.Total() != 1 || cnt.Count("HEAD manifest") != 1 {
		t.Errorf("warm, new client: %v, want one HEAD", cnt.Log())
	}
	// Without a cache dir a new client needs no ping either: the HEAD
	// itself learns that the host is open.
	cnt.Reset()
	if _, err := readClient(t, Options{}).Head(context.Background(), f.Ref(r.Host)); err != nil {
		t.Fatal(err)
	}
	if cnt.Total() != 1 || cnt.Count("GET /v2/") != 0 {
		t.Errorf("no cache dir: %v, want the HEAD alone", cnt.Log())
	}
}

func TestCacheTagMovesAndCorruption(t *testing.T) {
	var cnt testregistry.Counter
	r, set := seeded(t, testregistry.Options{Wrap: cnt.Wrap}, fixtures.Only(fixtures.DockerList, fixtures.Windows))
	cache := t.TempDir()
	c := readClient(t, Options{CacheDir: cache})
	ctx := context.Background()
	ref := r.Host + "/moving:latest"
	copyTag := func(f *fixtures.Fixture) {
		t.Helper()
		m, err := c.Get(ctx, f.DigestRef(r.Host))
		if err != nil {
			t.Fatal(err)
		}
		// Push the same index under another repo:tag (children first).
		src, _ := c.ParseReference(f.DigestRef(r.Host))
		idx, err := remote.Index(src)
		if err != nil {
			t.Fatal(err)
		}
		dst, _ := c.ParseReference(ref)
		if err := remote.WriteIndex(dst, idx); err != nil {
			t.Fatal(err)
		}
		_ = m
	}
	copyTag(set[fixtures.DockerList])
	t1, err := c.Tree(ctx, ref, TreeOptions{All: true})
	if err != nil || t1.Digest != set[fixtures.DockerList].Digest {
		t.Fatalf("first: %v %v", t1, err)
	}
	// The tag moves: the HEAD sees it, the new content is fetched.
	copyTag(set[fixtures.Windows])
	t2, err := c.Tree(ctx, ref, TreeOptions{All: true})
	if err != nil || t2.Digest != set[fixtures.Windows].Digest {
		t.Fatalf("after move: %v %v", t2, err)
	}
	// Corrupt every cached file: reads notice, refetch and still verify.
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	_ = filepath.WalkDir(filepath.Join(cache, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
			return os.WriteFile(p, []byte(model.MediaTypeOCIIndex+"\n{\"evil\":true}"), 0o644)
		}
		return nil
	})
	if n == 0 {
		t.Fatal("nothing was cached")
	}
	cnt.Reset()
	t3, err := c.Tree(ctx, ref, TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	checkEntries(t, "after corruption", t3.Entries, set[fixtures.Windows].Entries)
	if cnt.Count("GET blob") == 0 || cnt.Count("GET manifest") == 0 {
		t.Errorf("corrupt cache entries were used: %v", cnt.Log())
	}
}

func TestHead(t *testing.T) {
	r, set := seeded(t, testregistry.Options{}, fixtures.Only(fixtures.OCIAttest))
	c := readClient(t, Options{})
	f := set[fixtures.OCIAttest]
	m, err := c.Head(context.Background(), f.Ref(r.Host))
	if err != nil {
		t.Fatal(err)
	}
	if m.Digest != f.Digest || m.MediaType != f.MediaType || m.Size != int64(len(f.Raw)) || m.Raw != nil {
		t.Errorf("head: %+v", m)
	}
	_, err = c.Head(context.Background(), r.Host+"/fixtures/oci-attest:nope")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("head of a missing tag: %v", err)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	status := map[string]int{"/v2/denied/": http.StatusForbidden, "/v2/limited/": http.StatusTooManyRequests}
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for p, code := range status {
				if strings.HasPrefix(r.URL.Path, p) {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(code)
					fmt.Fprintf(w, `{"errors":[{"code":"DENIED","message":"status %d"}]}`, code)
					return
				}
			}
			h.ServeHTTP(w, r)
		})
	}
	r := testregistry.Start(t, testregistry.Options{Wrap: wrap})
	c := readClient(t, Options{})
	ctx := context.Background()
	_, err := c.Get(ctx, r.Host+"/nothing/here:v1")
	var te *transport.Error
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &te) || te.StatusCode != 404 {
		t.Errorf("404: %v", err)
	}
	_, err = c.Get(ctx, r.Host+"/denied/x:v1")
	if !errors.Is(err, ErrDenied) || errors.Is(err, ErrNotFound) {
		t.Errorf("403: %v", err)
	}
	err = c.Tags(ctx, r.Host+"/denied/x", func(Page) error { return nil })
	if !errors.Is(err, ErrDenied) {
		t.Errorf("403 on tags: %v", err)
	}
	for _, e := range []error{ErrTooManyRequests, ErrUnauthorized} {
		code := map[error]int{ErrTooManyRequests: 429, ErrUnauthorized: 401}[e]
		se := &StatusError{What: "x", Status: code, Err: errors.New("y")}
		if !errors.Is(fmt.Errorf("w: %w", se), e) || errors.Is(se, ErrNotFound) {
			t.Errorf("StatusError %d does not match %v only", code, e)
		}
	}
	// Cancellation: a cancelled context stops the fetch with its error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Tree(cctx, r.Host+"/nothing/here:v1", TreeOptions{All: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestAuthFromDockerConfig(t *testing.T) {
	r := testregistry.Start(t, testregistry.Options{Htpasswd: map[string]string{"alice": "wonder"}})
	t.Setenv("DOCKER_CONFIG", r.DockerConfig(t, "alice", "wonder"))
	set, err := fixtures.Push(context.Background(), r.Host, fixtures.Only(fixtures.DockerList), fixtures.WithRemote(remote.WithAuthFromKeychain(authn.DefaultKeychain)))
	if err != nil {
		t.Fatal(err)
	}
	c := readClient(t, Options{Keychain: authn.DefaultKeychain})
	tr, err := c.Tree(context.Background(), set[fixtures.DockerList].Ref(r.Host), TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	checkEntries(t, "auth", tr.Entries, set[fixtures.DockerList].Entries)

	// A stale "anonymous host" hint is ignored when there are credentials.
	cache := t.TempDir()
	newDiskCache(cache).markHostChallenge(r.Host, challenge{Scheme: "none"})
	hinted := readClient(t, Options{Keychain: authn.DefaultKeychain, CacheDir: cache})
	if _, err := hinted.Tree(context.Background(), set[fixtures.DockerList].Ref(r.Host), TreeOptions{All: true}); err != nil {
		t.Errorf("stale hint, with credentials: %v", err)
	}
	// Without credentials it is tried, meets a 401, and is dropped.
	anonHinted := readClient(t, Options{CacheDir: cache})
	if _, err := anonHinted.Get(context.Background(), set[fixtures.DockerList].Ref(r.Host)); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("stale hint, anonymous: %v, want unauthorized", err)
	}
	if ch, ok := newDiskCache(cache).hostChallenge(r.Host); !ok || ch.Scheme != "basic" {
		t.Errorf("stale hint kept after a 401: %+v", ch)
	}

	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials
	anon := readClient(t, Options{Keychain: authn.DefaultKeychain})
	_, err = anon.Get(context.Background(), set[fixtures.DockerList].Ref(r.Host))
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("anonymous: %v, want unauthorized", err)
	}
	t.Setenv("DOCKER_CONFIG", r.DockerConfig(t, "alice", "wrong"))
	bad := readClient(t, Options{Keychain: authn.DefaultKeychain})
	if _, err = bad.Get(context.Background(), set[fixtures.DockerList].Ref(r.Host)); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong password: %v, want unauthorized", err)
	}
}

func TestTLSWithCAFile(t *testing.T) {
	r := testregistry.Start(t, testregistry.Options{TLS: true})
	tlsRT := &http.Transport{TLSClientConfig: r.Server.Client().Transport.(*http.Transport).TLSClientConfig}
	set, err := fixtures.Push(context.Background(), r.Host, fixtures.Only(fixtures.SingleOCI), fixtures.WithRemote(remote.WithTransport(tlsRT)))
	if err != nil {
		t.Fatal(err)
	}
	ref := set[fixtures.SingleOCI].Ref(r.Host)
	c := readClient(t, Options{CAFile: r.CAFile, Transport: http.DefaultTransport.(*http.Transport).Clone()})
	tr, err := c.Tree(context.Background(), ref, TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Digest != set[fixtures.SingleOCI].Digest || tr.Image == nil || tr.Image.Config == nil {
		t.Errorf("tls tree: %+v", tr)
	}
	plain := readClient(t, Options{Transport: http.DefaultTransport.(*http.Transport).Clone()})
	if _, err := plain.Get(context.Background(), ref); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without the CA: %v, want a certificate error", err)
	}
}

// lie rewrites responses for paths with the given suffix.
type lie struct {
	suffix string
	body   func([]byte) []byte // alters the body
	header func(h http.Header) // alters headers
	method string              // only this method ("" = all)
	hits   int
	mu     sync.Mutex
}

func (l *lie) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, l.suffix) || l.method != "" && r.Method != l.method {
			next.ServeHTTP(w, r)
			return
		}
		l.mu.Lock()
		l.hits++
		l.mu.Unlock()
		rec := &recorder{header: http.Header{}, code: 200}
		next.ServeHTTP(rec, r)
		body := rec.buf.Bytes()
		if l.body != nil && rec.code == 200 {
			body = l.body(body)
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if l.header != nil {
			l.header(w.Header())
		}
		w.WriteHeader(rec.code)
		_, _ = w.Write(body)
	})
}

type recorder struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.code = code }
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }

func TestLyingRegistry(t *testing.T) {
	const secret = "TOP-SECRET-BODY"
	evil := func(b []byte) []byte {
		return bytes.Replace(b, []byte(`{`), []byte(`{"x":"`+secret+`",`), 1)
	}
	ctx := context.Background()

	t.Run("tag body altered", func(t *testing.T) {
		l := &lie{suffix: "/manifests/" + fixtures.Tag, body: evil, method: http.MethodGet}
		r, set := seeded(t, testregistry.Options{Wrap: l.wrap}, fixtures.Only(fixtures.DockerList))
		f := set[fixtures.DockerList]
		_, err := readClient(t, Options{}).Get(ctx, f.Ref(r.Host))
		assertMismatch(t, err, f.Digest, secret)
	})
	t.Run("digest body altered", func(t *testing.T) {
		built, err := fixtures.Build(fixtures.Only(fixtures.DockerList))
		if err != nil {
			t.Fatal(err)
		}
		d := built[fixtures.DockerList].Digest
		l := &lie{suffix: "/manifests/" + d, body: evil, method: http.MethodGet, header: func(h http.Header) { h.Del("Docker-Content-Digest") }}
		r, set := seeded(t, testregistry.Options{Wrap: l.wrap}, fixtures.Only(fixtures.DockerList))
		_, err = readClient(t, Options{}).Get(ctx, set[fixtures.DockerList].DigestRef(r.Host))
		assertMismatch(t, err, d, secret)
	})
	t.Run("Docker-Content-Digest altered", func(t *testing.T) {
		const fake = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
		l := &lie{suffix: "/manifests/" + fixtures.Tag, header: func(h http.Header) { h.Set("Docker-Content-Digest", fake) }}
		r, set := seeded(t, testregistry.Options{Wrap: l.wrap}, fixtures.Only(fixtures.SingleDocker))
		f := set[fixtures.SingleDocker]
		_, err := readClient(t, Options{}).Get(ctx, f.Ref(r.Host))
		assertMismatch(t, err, fake, secret)
		if err != nil && !strings.Contains(err.Error(), f.Digest) {
			t.Errorf("error does not name the received digest %s: %v", f.Digest, err)
		}
	})
	t.Run("config blob altered", func(t *testing.T) {
		built, err := fixtures.Build(fixtures.Only(fixtures.SingleOCI))
		if err != nil {
			t.Fatal(err)
		}
		b := built[fixtures.SingleOCI]
		im, err := model.ParseImage(b.Digest, b.MediaType, b.Raw)
		if err != nil {
			t.Fatal(err)
		}
		cfg := im.ConfigDescriptor.Digest
		l := &lie{suffix: "/blobs/" + cfg, body: evil}
		r, set := seeded(t, testregistry.Options{Wrap: l.wrap}, fixtures.Only(fixtures.SingleOCI))
		tr, err := readClient(t, Options{}).Tree(ctx, set[fixtures.SingleOCI].Ref(r.Host), TreeOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		if tr.Image.Config != nil || !strings.Contains(tr.Image.ConfigErr, cfg) || !strings.Contains(tr.Image.ConfigErr, "mismatch") {
			t.Errorf("altered config accepted: config %v, err %q", tr.Image.Config, tr.Image.ConfigErr)
		}
		_, err = readClient(t, Options{}).Blob(ctx, r.Host+"/"+set[fixtures.SingleOCI].Repo, cfg)
		assertMismatch(t, err, cfg, secret)
	})
}

func assertMismatch(t *testing.T, err error, want, secret string) {
	t.Helper()
	var dm *DigestMismatchError
	if !errors.Is(err, ErrDigestMismatch) || !errors.As(err, &dm) {
		t.Fatalf("err = %v, want a digest mismatch", err)
	}
	if dm.Want != want || dm.Got == want || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), dm.Got) {
		t.Errorf("mismatch error does not name both digests: %v", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("mismatch error shows the body: %v", err)
	}
}

func TestOversizedAndSchema1(t *testing.T) {
	big := bytes.Repeat([]byte(" "), model.MaxManifestSize+10)
	big[0] = '{'
	big[len(big)-1] = '}'
	schema1 := []byte(`{"schemaVersion":1,"name":"old/app","tag":"v1","architecture":"amd64","fsLayers":[],"history":[]}`)
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The client stops reading these bodies and hangs up; under
			// Wine the server's write was seen to stay blocked after that
			// (and the test server's Close with it): bound the writes.
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(10 * time.Second))
			switch {
			case strings.HasSuffix(r.URL.Path, "/big/manifests/v1"):
				w.Header().Set("Content-Type", model.MediaTypeOCIManifest)
				w.Header().Set("Content-Length", strconv.Itoa(len(big)))
				_, _ = w.Write(big)
			case strings.HasSuffix(r.URL.Path, "/chunked/manifests/v1"):
				w.Header().Set("Content-Type", model.MediaTypeOCIManifest)
				for i := 0; i < len(big); i += 1 << 20 {
					_, _ = w.Write(big[i:min(i+1<<20, len(big))])
					w.(http.Flusher).Flush() // no Content-Length
				}
			case strings.HasSuffix(r.URL.Path, "/old/manifests/v1"):
				w.Header().Set("Content-Type", model.MediaTypeSchema1Signed)
				_, _ = w.Write(schema1)
			default:
				h.ServeHTTP(w, r)
			}
		})
	}
	r := testregistry.Start(t, testregistry.Options{Wrap: wrap})
	c := readClient(t, Options{})
	ctx := context.Background()
	_, err := c.Get(ctx, r.Host+"/big:v1")
	var tl *TooLargeError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &tl) || tl.Size != int64(len(big)) || !strings.Contains(err.Error(), strconv.Itoa(len(big))) {
		t.Errorf("announced oversize: %v", err)
	}
	_, err = c.Get(ctx, r.Host+"/chunked:v1")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), strconv.Itoa(model.MaxManifestSize)) {
		t.Errorf("streamed oversize: %v", err)
	}
	_, err = c.Get(ctx, r.Host+"/old:v1")
	if !errors.Is(err, model.ErrSchema1) {
		t.Errorf("schema1: %v", err)
	}
}

func TestPaginationAgainstDistribution(t *testing.T) {
	const nTags = 2500
	var cnt testregistry.Counter
	r, set := seeded(t, testregistry.Options{Wrap: cnt.Wrap}, fixtures.WithManyTags(nTags))
	ctx := context.Background()
	for _, size := range []int{100, 1000} {
		cnt.Reset()
		c := readClient(t, Options{PageSize: size})
		var pages int
		var tags []string
		err := c.Tags(ctx, r.Host+"/"+set[fixtures.ManyTags].Repo, func(p Page) error {
			pages++
			tags = append(tags, p.Names...)
			if len(tags) < nTags && !p.More {
				t.Errorf("n=%d page %d: More=false after %d tags", size, pages, len(tags))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := append([]string(nil), set[fixtures.ManyTags].Tags...)
		sort.Strings(tags)
		if len(tags) != nTags || strings.Join(tags, ",") != strings.Join(want, ",") {
			t.Errorf("n=%d: %d tags, want %d", size, len(tags), nTags)
		}
		// Distribution sends a Link after a full last page, so an exact
		// multiple costs one more (empty) page.
		wantPages := nTags/size + 1
		if pages != wantPages || cnt.Count("GET tags") != wantPages {
			t.Errorf("n=%d: %d pages (%d requests), want %d", size, pages, cnt.Count("GET tags"), wantPages)
		}
	}
	// Stopping early: the yield error comes back and no more pages are asked.
	stop := errors.New("enough")
	cnt.Reset()
	err := readClient(t, Options{PageSize: 100}).Tags(ctx, r.Host+"/"+set[fixtures.ManyTags].Repo, func(Page) error { return stop })
	if !errors.Is(err, stop) || cnt.Count("GET tags") != 1 {
		t.Errorf("stop: %v after %d pages", err, cnt.Count("GET tags"))
	}

	// The catalog, 5 per page.
	var repos []string
	err = readClient(t, Options{PageSize: 5}).Repositories(ctx, r.Host, func(p Page) error {
		repos = append(repos, p.Names...)
		return nil
	})
	if err != nil || len(repos) != len(set) {
		t.Errorf("catalog: %v %v, want %d repos", repos, err, len(set))
	}
}

// TestTagsLeavePageSizeToTheRegistry: without a page size, a tag listing
// asks without n= (distribution then answers every tag at once: one
// request for 2,500 tags, where n=1000 costs three), follows the Link of a
// registry that pages anyway, and starts again with n=1000 when the one
// answer is over the page byte cap.
func TestTagsLeavePageSizeToTheRegistry(t *testing.T) {
	const nTags = 2500
	var mu sync.Mutex
	var queries []string
	pageByDefault := false
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/tags/list") {
				mu.Lock()
				queries = append(queries, r.URL.RawQuery)
				paging := pageByDefault
				mu.Unlock()
				if paging && r.URL.Query().Get("n") == "" {
					// Like Quay or Docker Hub: a page size of its own.
					q := r.URL.Query()
					q.Set("n", "700")
					r.URL.RawQuery = q.Encode()
				}
			}
			h.ServeHTTP(w, r)
		})
	}
	r, set := seeded(t, testregistry.Options{Wrap: wrap}, fixtures.WithManyTags(nTags))
	repo := r.Host + "/" + set[fixtures.ManyTags].Repo
	want := append([]string(nil), set[fixtures.ManyTags].Tags...)
	sort.Strings(want)
	list := func(opts Options) ([]string, []string, error) {
		mu.Lock()
		queries = nil
		mu.Unlock()
		var tags []string
		err := readClient(t, opts).Tags(context.Background(), repo, func(p Page) error {
			tags = append(tags, p.Names...)
			return nil
		})
		sort.Strings(tags)
		mu.Lock()
		defer mu.Unlock()
		return tags, append([]string(nil), queries...), err
	}
	check := func(name string, opts Options, wantQueries []string) {
		t.Helper()
		tags, qs, err := list(opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Join(tags, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %d tags, want %d", name, len(tags), nTags)
		}
		if len(qs) != len(wantQueries) {
			t.Fatalf("%s: requests %q, want %d like %q", name, qs, len(wantQueries), wantQueries)
		}
		for i, q := range qs {
			if !strings.HasPrefix(q, wantQueries[i]) {
				t.Errorf("%s: request %d asked %q, want %q…", name, i, q, wantQueries[i])
			}
		}
	}
	check("the registry's page size", Options{}, []string{""})
	check("a page size set", Options{PageSize: 1000}, []string{"n=1000", "last=", "last="})
	check("over the byte cap", Options{Limits: Limits{ListPageBytes: 16 << 10}}, []string{"", "n=1000", "last=", "last="})
	mu.Lock()
	pageByDefault = true
	mu.Unlock()
	check("a registry that pages anyway", Options{}, []string{"", "last=", "last=", "last="})
}

func TestNoCatalog(t *testing.T) {
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v2/_catalog" {
				http.NotFound(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	r := testregistry.Start(t, testregistry.Options{Wrap: wrap})
	err := readClient(t, Options{}).Repositories(context.Background(), r.Host, func(Page) error { return nil })
	if !errors.Is(err, ErrNoCatalog) {
		t.Errorf("err = %v, want ErrNoCatalog", err)
	}
}

func TestDiskCacheRejectsBadEntries(t *testing.T) {
	dir := t.TempDir()
	c := newDiskCache(dir)
	raw := []byte(`{"schemaVersion":2}`)
	d := hashOf("sha256:", raw)
	c.put(d, model.MediaTypeOCIManifest, raw)
	if mt, got, ok := c.get(d); !ok || mt != model.MediaTypeOCIManifest || !bytes.Equal(got, raw) {
		t.Fatalf("round trip: %q %q %v", mt, got, ok)
	}
	// Content stored under the wrong digest is never served.
	wrong := hashOf("sha256:", []byte("other"))
	p, _ := c.path(wrong)
	if err := writeAtomic(p, append([]byte(model.MediaTypeOCIManifest+"\n"), raw...)); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := c.get(wrong); ok {
		t.Error("served content that does not hash to its name")
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("corrupt entry not removed")
	}
	// Names that are not digests never touch the file system.
	for _, bad := range []string{"../../etc/passwd", "sha256:../x", "md5:abc", ""} {
		c.put(bad, "x", raw)
		if _, _, ok := c.get(bad); ok {
			t.Errorf("%q served", bad)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "blobs" {
			t.Errorf("unexpected cache entry %s", e.Name())
		}
	}
	// A nil cache (no CacheDir) is a no-op.
	var none *diskCache
	none.put(d, "x", raw)
	if _, _, ok := none.get(d); ok {
		t.Error("nil cache served content")
	}
}

// TestTreeCancelMidway cancels while the children are in flight (the
// registry holds them): Tree returns the context's error, no tree.
func TestTreeCancelMidway(t *testing.T) {
	arrived := make(chan struct{}, 64)
	hold := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/manifests/sha256:") {
				arrived <- struct{}{}
				<-r.Context().Done() // never answers
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	r, set := seeded(t, testregistry.Options{Wrap: hold}, fixtures.Only(fixtures.DockerList))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := readClient(t, Options{}).Tree(ctx, set[fixtures.DockerList].Ref(r.Host), TreeOptions{All: true})
		errc <- err
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("no child request arrived")
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Tree did not return after cancel")
	}
}

func TestSchemeChoice(t *testing.T) {
	t.Setenv(EnvInsecure, " env.example , other.example:8443,")
	c := readClient(t, Options{Insecure: []string{"myreg.example:5000"}})
	for host, want := range map[string]string{
		"localhost":            "http",
		"localhost:5000":       "http",
		"127.0.0.1:5000":       "http",
		"[::1]:5000":           "http",
		"k3d-reg.localhost:80": "http",
		"myreg.example:5000":   "http",  // --insecure-registry, with its port
		"myreg.example:5001":   "https", // another port is another registry
		"myreg.example":        "https",
		"env.example":          "http", // the environment, no port: every port
		"env.example:5000":     "http",
		"other.example:8443":   "http",
		"other.example":        "https",
		"10.1.2.3:5000":        "https", // go-containerregistry alone would use HTTP here
		"172.16.0.9":           "https",
		"192.168.1.10:5000":    "https",
		"127.0.0.2:5000":       "https",
		"ghcr.io":              "https",
		"registry-1.docker.io": "https",
	} {
		if got := c.Scheme(host); got != want {
			t.Errorf("Scheme(%q) = %s, want %s", host, got, want)
		}
		ref, err := c.ParseReference(host + "/app:v1")
		if err != nil {
			t.Fatal(err)
		}
		if u := c.manifestURL(ref.Context(), "v1"); !strings.HasPrefix(u, want+"://"+host+"/v2/app/manifests/v1") {
			t.Errorf("manifest URL of %s = %s, want scheme %s", host, u, want)
		}
	}
}

// sawTransport records every request that reaches the network and answers
// none of them over TLS (as a registry without a certificate would).
type sawTransport struct {
	mu   sync.Mutex
	seen []string
}

func (s *sawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.seen = append(s.seen, req.Method+" "+req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
	s.mu.Unlock()
	if req.URL.Scheme == "https" {
		return nil, errors.New("tls: first record does not look like a TLS handshake")
	}
	return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Header: http.Header{},
		Body: http.NoBody, Request: req}, nil
}

func (s *sawTransport) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

// A private-range IP is reached over verified TLS only: when TLS fails, the
// client must not fall back to plain HTTP (go-containerregistry's ping does)
// unless the user named the host insecure.
func TestNoPlainHTTPFallbackUnlessNamed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	saw := &sawTransport{}
	c := readClient(t, Options{Transport: saw, Timeouts: Timeouts{Attempts: 1}})
	_, err := c.Get(ctx, "10.1.2.3:5000/app:v1")
	if err == nil {
		t.Fatal("Get over a failing TLS connection succeeded")
	}
	for _, r := range saw.requests() {
		if strings.Contains(r, "http://") {
			t.Errorf("plain HTTP request sent to a host not named insecure: %s (all: %q)", r, saw.requests())
		}
	}
	if len(saw.requests()) == 0 {
		t.Error("no request reached the transport")
	}

	saw = &sawTransport{}
	c = readClient(t, Options{Transport: saw, Timeouts: Timeouts{Attempts: 1}, Insecure: []string{"10.1.2.3:5000"}})
	_, err = c.Get(ctx, "10.1.2.3:5000/app:v1")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Get from a named insecure host: %v, want the 404 its plain-HTTP answer gave", err)
	}
	found := false
	for _, r := range saw.requests() {
		found = found || r == "GET http://10.1.2.3:5000/v2/app/manifests/v1"
	}
	if !found {
		t.Errorf("no plain HTTP manifest request to the named insecure host: %q", saw.requests())
	}
}

func TestPlainHTTPGuard(t *testing.T) {
	saw := &sawTransport{}
	c := readClient(t, Options{Transport: saw, Timeouts: Timeouts{Attempts: 1}})
	rt := c.Transport()
	req, _ := http.NewRequest(http.MethodGet, "http://192.168.1.10:5000/v2/", nil)
	if _, err := rt.RoundTrip(req); !errors.Is(err, ErrPlainHTTP) {
		t.Errorf("plain HTTP to a private IP not named insecure: %v, want ErrPlainHTTP", err)
	}
	// A redirect (blob storage) is the registry's choice: let it through.
	redirected, _ := http.NewRequest(http.MethodGet, "http://192.168.1.11:9000/bucket/blob", nil)
	redirected.Response = &http.Response{StatusCode: http.StatusTemporaryRedirect}
	if resp, err := rt.RoundTrip(redirected); err != nil {
		t.Errorf("redirected request refused: %v", err)
	} else {
		resp.Body.Close()
	}
	if got := saw.requests(); len(got) != 1 || got[0] != "GET http://192.168.1.11:9000/bucket/blob" {
		t.Errorf("requests reaching the network: %q, want only the redirect", got)
	}
}

// TestInsecureRegistryByName reaches a plain-HTTP registry under a name that
// is not localhost (every dial goes to the loopback server): refused with a
// hint until the name is given as insecure, by option or environment.
func TestInsecureRegistryByName(t *testing.T) {
	r, set := seeded(t, testregistry.Options{}, fixtures.Only(fixtures.DockerList))
	f := set[fixtures.DockerList]
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, r.Host)
	}
	client := func(opts Options) *Client {
		ht := http.DefaultTransport.(*http.Transport).Clone()
		ht.DialContext = dial
		opts.Transport = ht
		opts.Timeouts = Timeouts{Attempts: 1}
		return readClient(t, opts)
	}
	const host = "plain.example:5000"
	ref := host + "/" + f.Repo + ":" + fixtures.Tag
	ctx := context.Background()

	_, err := client(Options{}).Get(ctx, ref)
	if err == nil || !strings.Contains(err.Error(), "--insecure-registry "+host) {
		t.Errorf("plain HTTP registry not named insecure: %v, want a refusal naming the flag", err)
	}
	m, err := client(Options{Insecure: []string{host}}).Get(ctx, ref)
	if err != nil || m.Digest != f.Digest {
		t.Errorf("with Insecure %s: %v, %v", host, m, err)
	}
	// The cache dir remembers that the host answered over plain HTTP; that
	// must not carry over to a run that does not name it insecure.
	cache := t.TempDir()
	if _, err := client(Options{Insecure: []string{host}, CacheDir: cache}).Get(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if _, err := client(Options{CacheDir: cache}).Get(ctx, ref); err == nil {
		t.Error("plain HTTP used without --insecure-registry because an earlier run had it")
	}
	t.Setenv(EnvInsecure, "other.example,plain.example")
	m, err = client(Options{CacheDir: cache}).Get(ctx, ref)
	if err != nil || m.Digest != f.Digest {
		t.Errorf("with %s=plain.example: %v, %v", EnvInsecure, m, err)
	}
}

// TestTLSVerifiedByName reaches the TLS registry by a DNS name, as a real
// registry would be (every dial goes to the loopback server, whose test
// certificate names example.com): HTTPS with the certificate checked
// against the CA and the name. (That no plain HTTP is tried is
// TestNoPlainHTTPFallbackUnlessNamed.)
func TestTLSVerifiedByName(t *testing.T) {
	r := testregistry.Start(t, testregistry.Options{TLS: true})
	tlsRT := &http.Transport{TLSClientConfig: r.Server.Client().Transport.(*http.Transport).TLSClientConfig}
	set, err := fixtures.Push(context.Background(), r.Host, fixtures.Only(fixtures.SingleOCI), fixtures.WithRemote(remote.WithTransport(tlsRT)))
	if err != nil {
		t.Fatal(err)
	}
	f := set[fixtures.SingleOCI]
	_, port, _ := net.SplitHostPort(r.Host)
	client := func(caFile string) *Client {
		ht := http.DefaultTransport.(*http.Transport).Clone()
		ht.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, r.Host)
		}
		return readClient(t, Options{CAFile: caFile, Transport: ht, Timeouts: Timeouts{Attempts: 1}})
	}
	ctx := context.Background()
	ref := func(host string) string { return net.JoinHostPort(host, port) + "/" + f.Repo + ":" + fixtures.Tag }

	tr, err := client(r.CAFile).Tree(ctx, ref("example.com"), TreeOptions{All: true})
	if err != nil || tr.Digest != f.Digest || tr.Image == nil || tr.Image.Config == nil {
		t.Fatalf("over TLS by name with the CA: %v %v", tr, err)
	}
	if _, err := client("").Get(ctx, ref("example.com")); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without the CA: %v, want a certificate error", err)
	}
	// The certificate does not name this host: refused, CA or not.
	if _, err := client(r.CAFile).Get(ctx, ref("registry.example.org")); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a certificate for another name: %v, want a certificate error", err)
	}
}

// TestCancelListingsAndGet: a registry that stops answering (after the
// first page of tags, or on a manifest) does not hold a cancelled call.
func TestCancelListingsAndGet(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hanging := make(chan struct{}, 8) // a request reached the registry and hangs
	hang := func(r *http.Request) bool {
		return r.URL.Query().Get("last") != "" || strings.Contains(r.URL.Path, "/manifests/")
	}
	r, set := seeded(t, testregistry.Options{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodGet && hang(req) {
				select {
				case hanging <- struct{}{}:
				default:
				}
				select {
				case <-release:
				case <-req.Context().Done():
				}
				return
			}
			next.ServeHTTP(w, req)
		})
	}}, fixtures.Only(fixtures.ManyTags, fixtures.DockerList), fixtures.WithManyTags(30))
	repo := r.Host + "/" + set[fixtures.ManyTags].Repo
	ref := set[fixtures.DockerList].Ref(r.Host)
	c := readClient(t, Options{PageSize: 10})
	for name, call := range map[string]func(ctx context.Context, first chan<- struct{}) error{
		"tags": func(ctx context.Context, first chan<- struct{}) error {
			return c.Tags(ctx, repo, func(p Page) error {
				select {
				case first <- struct{}{}:
				default:
				}
				return nil
			})
		},
		"get": func(ctx context.Context, first chan<- struct{}) error {
			close(first)
			_, err := c.Get(ctx, ref)
			return err
		},
	} {
		for len(hanging) > 0 { // signals of the call before
			<-hanging
		}
		ctx, cancel := context.WithCancel(context.Background())
		first := make(chan struct{}, 1)
		errc := make(chan error, 1)
		go func() { errc <- call(ctx, first) }()
		select {
		case <-first:
		case err := <-errc:
			cancel()
			t.Fatalf("%s returned before hanging: %v", name, err)
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatalf("%s: first page never arrived", name)
		}
		select {
		case <-hanging: // the hanging request reached the registry
		case err := <-errc:
			cancel()
			t.Fatalf("%s returned before hanging: %v", name, err)
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatalf("%s: the hanging request never reached the registry", name)
		}
		cancel()
		select {
		case err := <-errc:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s after cancel: %v, want context.Canceled", name, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not return after cancel", name)
		}
	}
}

// A reference with an empty path component is refused with a hint, not sent
// to Docker Hub as "index.docker.io//library/alpine".
func TestEmptyPathComponentsAreRefused(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"/library/alpine:3", "localhost:5000//app:1", "localhost:5000/a//b:1"} {
		if _, err := c.ParseReference(ref); err == nil || !strings.Contains(err.Error(), "invalid reference") {
			t.Errorf("ParseReference(%q) = %v, want an invalid reference error", ref, err)
		}
	}
	if _, err := c.ParseRepository("/library/alpine"); err == nil || !strings.Contains(err.Error(), "unset") {
		t.Errorf("ParseRepository(/library/alpine) = %v, want the unset-variable hint", err)
	}
	if _, err := c.ParseReference("localhost:5000/a/b:1"); err != nil {
		t.Errorf("a good reference was refused: %v", err)
	}
}
