package registry

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/faultproxy"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// faultEnv is a real registry behind a fault proxy, seeded with one
// two-platform index at app:v1.
type faultEnv struct {
	t      *testing.T
	proxy  *faultproxy.Proxy
	reg    *testregistry.Registry
	ref    string
	index  v1.ImageIndex
	events []RetryEvent
	mu     sync.Mutex
}

func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	p := faultproxy.New()
	reg := testregistry.Start(t, testregistry.Options{Wrap: p.Wrap})
	e := &faultEnv{t: t, proxy: p, reg: reg, ref: reg.Ref("app:v1")}
	e.index = seedIndex(t, e.ref, "linux/amd64", "linux/arm64")
	return e
}

// seedIndex pushes an index of small random images, one per platform.
func seedIndex(t testing.TB, ref string, platforms ...string) v1.ImageIndex {
	t.Helper()
	return seedIndexWith(t, ref, platforms)
}

// seedIndexWith is seedIndex through the given remote options.
func seedIndexWith(t testing.TB, ref string, platforms []string, opts ...remote.Option) v1.ImageIndex {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, ps := range platforms {
		img, err := random.Image(64, 1)
		if err != nil {
			t.Fatal(err)
		}
		p, err := v1.ParsePlatform(ps)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: p}})
	}
	idx := mutate.AppendManifests(empty.Index, adds...)
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, idx, opts...); err != nil {
		t.Fatalf("seed %s: %v", ref, err)
	}
	return idx
}

// client returns a Client with short timeouts and fast backoff, recording
// retry events.
func (e *faultEnv) client(to Timeouts, opts ...func(*Options)) *Client {
	e.t.Helper()
	if to.Backoff == 0 {
		to.Backoff = 5 * time.Millisecond
	}
	o := Options{Keychain: authn.NewMultiKeychain(), Timeouts: to, Concurrency: 4,
		OnRetry: func(ev RetryEvent) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.events = append(e.events, ev)
		}}
	for _, f := range opts {
		f(&o)
	}
	c, err := New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *faultEnv) retries() []RetryEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]RetryEvent(nil), e.events...)
}

// deadline is the context every fault test runs under: nothing may hang.
func deadline(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

// recovers checks that the same fetch works once the fault is cleared.
func (e *faultEnv) recovers(ctx context.Context, c *Client) {
	e.t.Helper()
	e.proxy.Clear()
	tr, err := c.Tree(ctx, e.ref, TreeOptions{All: true})
	if err != nil {
		e.t.Fatalf("after the fault cleared: %v", err)
	}
	if len(tr.Entries) != 2 || tr.Entries[0].Image == nil || tr.Entries[0].Image.Config == nil {
		e.t.Fatalf("after the fault cleared: incomplete tree %+v", tr.Entries)
	}
}

func TestFaultConnectionRefused(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	_, err := c.Get(ctx, faultproxy.RefusedAddr(t)+"/app:v1")
	// Each system words it its own way (Windows: "actively refused it"):
	// the kind and manifold's hint are the same everywhere.
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want ErrRefused", err)
	}
	wantErr(t, err, "nothing is listening at")
	e.recovers(ctx, c)
}

func TestFaultResetMidBody(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Reset, Match: faultproxy.Manifests})
	_, err := c.Get(ctx, e.ref)
	// The reset reaches the client as the system's reset error, or as a
	// body cut short, depending on when it lands.
	if err == nil || !(isReset(err) || errors.Is(err, io.ErrUnexpectedEOF)) {
		t.Fatalf("err = %v, want a connection reset / unexpected EOF", err)
	}
	wantErr(t, err, "manifest "+e.ref)
	e.recovers(ctx, c)
}

func TestFaultShortBody(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Short, Match: faultproxy.Manifests})
	_, err := c.Get(ctx, e.ref)
	wantErr(t, err, "manifest "+e.ref, "unexpected EOF")
	// A short config blob inside a tree marks that image, not the tree.
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Short, Match: faultproxy.Blobs})
	tr, err := c.Tree(ctx, e.ref, TreeOptions{All: true})
	if err != nil {
		t.Fatalf("tree with short config bodies: %v", err)
	}
	for _, en := range tr.Entries {
		if en.Image == nil || !strings.Contains(en.Image.ConfigErr, "unexpected EOF") {
			t.Fatalf("entry %s: ConfigErr = %q, want unexpected EOF", en.Digest, configErr(en))
		}
	}
	e.recovers(ctx, c)
}

func configErr(en *model.Entry) string {
	if en.Image == nil {
		return "(no image: " + en.Err + ")"
	}
	return en.Image.ConfigErr
}

func TestFaultSlowHeaders(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{Header: 300 * time.Millisecond})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.SlowHeaders, Match: faultproxy.Manifests, Delay: time.Minute})
	// The error names the 300ms header timeout: it fired, not the test's
	// 20s deadline (no clock needed to tell).
	_, err := c.Get(ctx, e.ref)
	wantErr(t, err, "did not answer GET /v2/app/manifests/v1 within 300ms")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("errors.Is(%v, ErrTimeout) = false", err)
	}
	e.recovers(ctx, c)
}

func TestFaultSlowloris(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{Stall: 300 * time.Millisecond, MinBytes: 256})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Slowloris, Match: faultproxy.Manifests, Delay: 20 * time.Millisecond})
	_, err := c.Get(ctx, e.ref)
	wantErr(t, err, "stalled while sending GET /v2/app/manifests/v1", "fewer than 256 bytes in 300ms", "connection cut")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("errors.Is(%v, ErrTimeout) = false", err)
	}
	e.recovers(ctx, c)
}

func TestFault5xxRetried(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Status, Code: http.StatusServiceUnavailable, Match: faultproxy.Manifests, Times: 2})
	if _, err := c.Get(ctx, e.ref); err != nil {
		t.Fatalf("two 503s then 200: %v", err)
	}
	evs := e.retries()
	if len(evs) != 2 || evs[0].Attempt != 2 || evs[1].Attempt != 3 || !strings.Contains(evs[0].Reason, "503") || evs[0].Host != e.reg.Host {
		t.Fatalf("retry events = %+v", evs)
	}
	if evs[1].Wait != 2*evs[0].Wait {
		t.Fatalf("backoff did not double: %s then %s", evs[0].Wait, evs[1].Wait)
	}

	// Always failing: exactly Attempts tries, then the registry's own error.
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Status, Code: http.StatusBadGateway, Match: faultproxy.Manifests})
	before := e.proxy.Hits()
	_, err := c.Get(ctx, e.ref)
	wantErr(t, err, "manifest "+e.ref, "502")
	if n := e.proxy.Hits() - before; n != 4 {
		t.Fatalf("always-502 manifest was tried %d times, want 4", n)
	}
	e.recovers(ctx, c)
}

func TestFault5xxTagListNotMultiplied(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Status, Code: http.StatusInternalServerError, Match: faultproxy.Tags})
	err := c.Tags(ctx, e.reg.Host+"/app", func(Page) error { return nil })
	wantErr(t, err, "list tags of "+e.reg.Host+"/app")
	// go-containerregistry's own retry is off: 4 tries, not 4 × 3.
	if n := e.proxy.Hits(); n != 4 {
		t.Fatalf("tag list was tried %d times, want 4", n)
	}
	e.proxy.Clear()
	var tags []string
	if err := c.Tags(ctx, e.reg.Host+"/app", func(p Page) error { tags = append(tags, p.Names...); return nil }); err != nil || len(tags) != 1 {
		t.Fatalf("after clearing: tags %v, err %v", tags, err)
	}
}

func TestFault429RetryAfterHonoured(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.TooMany, RetryAfter: "1", Match: faultproxy.Manifests, Times: 1})
	start := time.Now()
	if _, err := c.Get(ctx, e.ref); err != nil {
		t.Fatalf("429 then 200: %v", err)
	}
	if took := time.Since(start); took < time.Second {
		t.Fatalf("Retry-After: 1 not honoured: answered after %s", took)
	}
	evs := e.retries()
	if len(evs) != 1 || evs[0].Wait != time.Second || !strings.Contains(evs[0].Reason, "429 Too Many Requests (Retry-After 1s)") {
		t.Fatalf("retry events = %+v", evs)
	}
	if s := evs[0].String(); !strings.Contains(s, "retrying GET /v2/app/manifests/v1 in 1s (attempt 2 of 4)") {
		t.Fatalf("event text = %q", s)
	}
}

func TestFault429TooLongAWaitFailsAtOnce(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{MaxWait: 2 * time.Second})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.TooMany, RetryAfter: "3600", Match: faultproxy.Manifests})
	_, err := c.Get(ctx, e.ref)
	wantErr(t, err, "429 Too Many Requests", "asks to wait 1h0m0s (Retry-After), more than manifold waits (2s)")
	if !errors.Is(err, ErrTooManyRequests) {
		t.Fatalf("errors.Is(%v, ErrTooManyRequests) = false", err)
	}
	// One request (the client may HEAD before it GETs: at most two) and no
	// retry: a wait is announced by a retry event before it starts, so no
	// event means no wait (counted, not timed).
	if e.proxy.Hits() > 2 || len(e.retries()) != 0 {
		t.Fatalf("a 1h Retry-After was waited for or retried: hits %d, events %v", e.proxy.Hits(), e.retries())
	}

	// 429 without a usable Retry-After: bounded backoff, then a clear error.
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.TooMany, Match: faultproxy.Manifests})
	_, err = c.Get(ctx, e.ref)
	wantErr(t, err, "429 Too Many Requests for GET /v2/app/manifests/v1, still after 4 attempts")
	if n := len(e.retries()); n != 3 {
		t.Fatalf("%d retries, want 3", n)
	}
	e.recovers(ctx, c)
}

func TestFaultTokenExpiryReauthenticatesOnce(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	// Each token is good for two requests: the client must fetch a new one
	// when the old one is refused.
	e.proxy.RequireToken("", "", 2)
	c := e.client(Timeouts{})
	tr, err := c.Tree(ctx, e.ref, TreeOptions{All: true})
	if err != nil {
		t.Fatalf("tree with expiring tokens: %v", err)
	}
	for _, en := range tr.Entries {
		if en.Err != "" || en.Image == nil || en.Image.Config == nil {
			t.Fatalf("entry %s: %q", en.Digest, en.Err)
		}
	}
	t.Logf("expiring tokens: %d issued for one tree", e.proxy.TokensIssued())
	if e.proxy.TokensRefused() == 0 {
		t.Fatal("no request was refused for an expired token: the fault never fired")
	}
	if n := e.proxy.TokensIssued(); n < 2 {
		t.Fatalf("%d tokens issued: the expired token was not refreshed", n)
	}

	// Tokens that are refused at once: one refresh, then the 401 is reported.
	e2 := newFaultEnv(t)
	e2.proxy.RequireToken("", "", -1)
	c2 := e2.client(Timeouts{})
	_, err = c2.Get(ctx, e2.ref)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	wantErr(t, err, "manifest "+e2.ref)
	t.Logf("tokens refused at once: %d asked for, then %v", e2.proxy.TokensIssued(), err)
	if n, r := e2.proxy.TokensIssued(), e2.proxy.TokensRefused(); n != 2 || r != 2 {
		t.Fatalf("%d tokens asked for and %d refused, want 2 and 2: the first and one re-authentication", n, r)
	}
}

func TestFaultMalformedJSON(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Malformed, Match: faultproxy.Path("/manifests/v1")})
	_, err := c.Tree(ctx, e.ref, TreeOptions{All: true})
	if err == nil {
		t.Fatal("malformed index parsed without error")
	}
	wantErr(t, err, e.ref)
	e.recovers(ctx, c)
}

func TestFaultWrongContentType(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.WrongType, Match: faultproxy.Manifests})
	tr, err := c.Tree(ctx, e.ref, TreeOptions{All: true})
	// The bytes are verified by digest and carry their own mediaType, so a
	// lying Content-Type must not break the tree.
	if err != nil {
		t.Fatalf("text/html Content-Type: %v", err)
	}
	if !tr.IsIndex() || len(tr.Entries) != 2 || tr.Entries[1].Image == nil {
		t.Fatalf("tree under a wrong Content-Type: index %v, entries %d", tr.IsIndex(), len(tr.Entries))
	}
	if n := e.proxy.Hits(); n < 3 {
		t.Fatalf("the wrong Content-Type was served %d times, want the index and both children", n)
	}
}

func TestFaultIndexWithoutPlatforms(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	m, err := e.index.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[`)
	for i, d := range m.Manifests {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"mediaType":%q,"digest":%q,"size":%d}`, d.MediaType, d.Digest, d.Size)
	}
	b.WriteString(`]}`)
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: faultproxy.Path("/manifests/v1"),
		Body: []byte(b.String()), MediaType: "application/vnd.oci.image.index.v1+json"})
	tr, err := c.Tree(ctx, e.ref, TreeOptions{All: true})
	if err != nil {
		t.Fatalf("index without platforms: %v", err)
	}
	if len(tr.Entries) != 2 {
		t.Fatalf("%d entries", len(tr.Entries))
	}
	for _, en := range tr.Entries {
		if en.Platform != nil && en.Platform.OS != "" {
			t.Fatalf("entry %s got a platform %+v the registry never sent", en.Digest, en.Platform)
		}
		if en.Image == nil || en.Image.Config == nil {
			t.Fatalf("entry %s not fetched: %q", en.Digest, en.Err)
		}
	}
}

func TestFaultSelfReferringIndex(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	m, err := e.index.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	// The top index names one child: itself, by a digest the proxy answers
	// with the index bytes. No content can hash to its own digest, so the
	// client must stop at a digest mismatch, not follow a loop.
	child := m.Manifests[0].Digest.String()
	self := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":%q,"size":100}]}`, child)
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Replace, Body: []byte(self), MediaType: "application/vnd.oci.image.index.v1+json",
		Match: func(r *http.Request) bool { return faultproxy.Manifests(r) }})
	tr, err := c.Tree(ctx, e.ref, TreeOptions{All: true})
	if err != nil {
		t.Fatalf("self-referring index: %v", err)
	}
	if len(tr.Entries) != 1 || !strings.Contains(tr.Entries[0].Err, "digest mismatch") {
		t.Fatalf("entries %d, err %q: want one entry marked with a digest mismatch", len(tr.Entries), tr.Entries[0].Err)
	}
	if n := e.proxy.Hits(); n > 4 {
		t.Fatalf("%d manifest requests for a two-level loop", n)
	}
}

func TestFaultManifestTooLarge(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 30*time.Second)
	c := e.client(Timeouts{})
	const big = model.MaxManifestSize + 1<<20
	cases := []struct {
		name  string
		fault faultproxy.Fault
		want  []string
	}{
		{"announced", faultproxy.Fault{Kind: faultproxy.Huge, Size: big}, []string{fmt.Sprintf("is %d bytes, more than the %d-byte limit", big, model.MaxManifestSize)}},
		{"chunked", faultproxy.Fault{Kind: faultproxy.Huge, Size: big, Chunked: true}, []string{fmt.Sprintf("more than the %d-byte limit", model.MaxManifestSize)}},
		{"lying Content-Length", faultproxy.Fault{Kind: faultproxy.Huge, Size: big, LieLength: 100}, []string{e.ref}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.fault.Match = faultproxy.Manifests
			e.proxy.Set(tc.fault)
			// Tree, not Get: a lying length yields 100 bytes of nothing,
			// which only parsing refuses.
			_, err := c.Tree(ctx, e.ref, TreeOptions{})
			if err == nil {
				t.Fatal("oversized manifest accepted")
			}
			wantErr(t, err, tc.want...)
		})
	}
	// A config blob is capped the same way.
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Huge, Size: big, Chunked: true, Match: faultproxy.Blobs})
	m, _ := e.index.IndexManifest()
	img, _ := e.index.Image(m.Manifests[0].Digest)
	cfg, _ := img.ConfigName()
	_, err := c.Blob(ctx, e.reg.Host+"/app", cfg.String())
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("huge config: %v, want ErrTooLarge", err)
	}
	e.recovers(ctx, c)
}

func TestFaultTLSUntrusted(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	reg := testregistry.Start(t, testregistry.Options{TLS: true})
	ctx := deadline(t, 20*time.Second)
	// The registry must not be treated as insecure: name it "localhost".
	host := strings.Replace(reg.Host, "127.0.0.1", "localhost", 1)
	// The CA is trusted, so the name is all that is wrong (Windows and
	// macOS check the chain before the name, Go's own verifier the name
	// first).
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: reg.CertPool}
	c, err := New(Options{Keychain: authn.NewMultiKeychain(), Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	// The test certificate names 127.0.0.1, not localhost: a name mismatch
	// is explained as such, and never as "turn verification off".
	_, err = c.Get(ctx, host+"/app:v1")
	var te *TLSError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *TLSError in the chain", err)
	}
	wantErr(t, err, "certificate of "+host+" is not valid for that name", "check the registry address")
}

func TestTLSHint(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	reg := testregistry.Start(t, testregistry.Options{TLS: true})
	ctx := deadline(t, 20*time.Second)
	rt, err := newTransport(Options{Transport: http.DefaultTransport.(*http.Transport).Clone()})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, reg.URL+"/v2/", nil)
	_, err = rt.RoundTrip(req)
	var te *TLSError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TLSError", err)
	}
	// How to trust a CA differs: Go reads SSL_CERT_FILE only where it
	// verifies by itself; Windows and macOS have a system store.
	store := map[string]string{"windows": "certutil -addstore Root", "darwin": "System keychain"}[runtime.GOOS]
	if store == "" {
		store = "SSL_CERT_FILE"
	}
	wantErr(t, err, "not trusted", "--ca-file FILE", store)
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		if strings.Contains(err.Error(), "SSL_CERT_FILE") {
			t.Fatalf("TLS error %q names SSL_CERT_FILE, which Go ignores on %s", err, runtime.GOOS)
		}
	}
	for _, bad := range []string{"insecure", "InsecureSkipVerify", "skip"} {
		if strings.Contains(err.Error(), bad) {
			t.Fatalf("TLS error %q suggests turning verification off", err)
		}
	}
	// With the CA it verifies.
	rt, err = newTransport(Options{Transport: http.DefaultTransport.(*http.Transport).Clone(), CAFile: reg.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("with --ca-file: %v", err)
	}
	drain(resp)
}

func TestDebugRedactsSecrets(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	const user, pass = "alice", "s3cret-Pa55"
	e.proxy.RequireToken(user, pass, 0)
	var log bytes.Buffer
	var mu sync.Mutex
	c := e.client(Timeouts{}, func(o *Options) {
		o.Keychain = staticKeychain{authn.FromConfig(authn.AuthConfig{Username: user, Password: pass})}
		o.Debug = lockedWriter{&log, &mu}
	})
	if _, err := c.Tree(ctx, e.ref, TreeOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	out := log.String()
	mu.Unlock()
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	for _, secret := range []string{pass, basic, "faultproxy-token-"} {
		if strings.Contains(out, secret) {
			t.Fatalf("--debug output leaks %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"Authorization: [redacted]", "→ GET http://" + e.reg.Host + "/v2/app/manifests/v1", "← 200 OK GET"} {
		if !strings.Contains(out, want) {
			t.Fatalf("--debug output lacks %q:\n%s", want, out)
		}
	}
	// Bad credentials: the error names the problem, never the secret.
	c2 := e.client(Timeouts{}, func(o *Options) {
		o.Keychain = staticKeychain{authn.FromConfig(authn.AuthConfig{Username: user, Password: "wrong-" + pass})}
	})
	_, err := c2.Get(ctx, e.ref)
	if err == nil || strings.Contains(err.Error(), pass) {
		t.Fatalf("bad credentials: err = %v", err)
	}
}

type staticKeychain struct{ a authn.Authenticator }

func (k staticKeychain) Resolve(authn.Resource) (authn.Authenticator, error) { return k.a, nil }

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestNestingDepthCapped(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	// Six indexes, each holding the next; the innermost holds an image.
	var idx v1.ImageIndex = e.index
	for range model.MaxDepth + 2 {
		idx = mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: idx})
	}
	ref := e.reg.Ref("app:deep")
	r, _ := name.ParseReference(ref)
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	before := e.proxy.Requests()
	tr, err := c.Tree(ctx, ref, TreeOptions{All: true})
	if err != nil {
		t.Fatalf("deep tree: %v", err)
	}
	depth, capped := 0, ""
	for es := tr.Entries; len(es) > 0; es = es[0].Children {
		depth++
		if es[0].Err != "" {
			capped = es[0].Err
		}
	}
	if depth > model.MaxDepth+1 || !strings.Contains(capped, fmt.Sprintf("nested deeper than %d", model.MaxDepth)) {
		t.Fatalf("followed %d levels, mark %q", depth, capped)
	}
	if n := e.proxy.Requests() - before; n > model.MaxDepth+4 {
		t.Fatalf("%d requests for a capped tree", n)
	}
}

func TestRetryObserverFromContext(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Status, Code: http.StatusServiceUnavailable, Match: faultproxy.Manifests, Times: 1})
	var seen []RetryEvent
	var mu sync.Mutex
	octx := WithRetryObserver(ctx, func(ev RetryEvent) { mu.Lock(); seen = append(seen, ev); mu.Unlock() })
	if _, err := c.Get(octx, e.ref); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0].Attempt != 2 || !strings.Contains(seen[0].Reason, "503") {
		t.Fatalf("observer saw %+v", seen)
	}
	if len(e.retries()) != 1 {
		t.Fatalf("Options.OnRetry saw %d events, want 1 as well", len(e.retries()))
	}
}

// The size promise is 4 MiB, as a number (not derived from the constant, so
// raising or lowering the limit fails here): a manifest of exactly 4 MiB is
// read (and then refused only as bad JSON), one byte more is refused as too
// large before it is parsed, announced or chunked.
func TestManifestLimitIsFourMiB(t *testing.T) {
	const fourMiB = 4 * 1024 * 1024
	e := newFaultEnv(t)
	ctx := deadline(t, 30*time.Second)
	c := e.client(Timeouts{Attempts: 1})
	for _, chunked := range []bool{false, true} {
		e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Huge, Size: fourMiB, Chunked: chunked, Match: faultproxy.Manifests})
		_, err := c.Tree(ctx, e.ref, TreeOptions{})
		if err == nil || errors.Is(err, ErrTooLarge) {
			t.Fatalf("chunked=%v: a manifest of exactly 4 MiB: %v, want it read and refused as malformed", chunked, err)
		}
		e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Huge, Size: fourMiB + 1, Chunked: chunked, Match: faultproxy.Manifests})
		_, err = c.Tree(ctx, e.ref, TreeOptions{})
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than the 4194304-byte limit") {
			t.Fatalf("chunked=%v: 4 MiB + 1 byte: %v, want ErrTooLarge naming the 4194304-byte limit", chunked, err)
		}
	}
}

// A HEAD by digest that the registry answers with another digest is not
// believed: the push asks "is this child already in the target?" by HEAD,
// and a lying answer would skip copying a child the index then points at.
func TestHeadByDigestAnsweredWithAnotherDigestFails(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	m, err := e.index.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	child := m.Manifests[0].Digest.String()
	other := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}`)
	e.proxy.Set(faultproxy.Fault{Kind: faultproxy.Replace, Body: other, MediaType: "application/vnd.oci.image.manifest.v1+json", Match: faultproxy.Manifests})
	ref := e.reg.Host + "/app@" + child
	_, err = c.Head(ctx, ref)
	var dm *DigestMismatchError
	if !errors.As(err, &dm) || dm.Want != child || dm.Got == child {
		t.Fatalf("HEAD %s answered with another digest: %v, want a *DigestMismatchError", ref, err)
	}
	if d, err := c.HeadDigest(ctx, ref); err == nil {
		t.Fatalf("HeadDigest believed the lying registry: %s", d)
	}
	e.proxy.Clear()
	if d, err := c.HeadDigest(ctx, ref); err != nil || d != child {
		t.Fatalf("after the fault: %s, %v", d, err)
	}
}
