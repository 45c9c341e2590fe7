package verbs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// uploads counts, per blob digest, the uploads a registry accepted (201 to a
// PUT with ?digest=), and the mounts it made.
type uploads struct {
	mu      sync.Mutex
	done    map[string]int
	mounted map[string]int
	writes  int // every POST/PUT/PATCH/DELETE
}

func (u *uploads) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		next.ServeHTTP(rec, r)
		u.mu.Lock()
		defer u.mu.Unlock()
		if u.done == nil {
			u.done, u.mounted = map[string]int{}, map[string]int{}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			u.writes++
		}
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodPut && q.Get("digest") != "" && rec.status == http.StatusCreated:
			u.done[q.Get("digest")]++
		case r.Method == http.MethodPost && q.Get("mount") != "" && rec.status == http.StatusCreated:
			u.mounted[q.Get("mount")]++
		}
	})
}

func (u *uploads) reset() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.done, u.mounted, u.writes = nil, nil, 0
}

func (u *uploads) counts() (map[string]int, map[string]int, int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	d, m := map[string]int{}, map[string]int{}
	for k, v := range u.done {
		d[k] = v
	}
	for k, v := range u.mounted {
		m[k] = v
	}
	return d, m, u.writes
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// failNth fails the nth request (1-based) it sees, once, as a dropped
// connection or a killed process would.
type failNth struct {
	base  http.RoundTripper
	n     int64
	count atomic.Int64
	fired atomic.Bool
}

var errInjected = errors.New("injected failure")

func (f *failNth) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.count.Add(1) == f.n {
		f.fired.Store(true)
		return nil, errInjected
	}
	return f.base.RoundTrip(r)
}

func newClient(t *testing.T, rt http.RoundTripper, kc authn.Keychain) *registry.Client {
	t.Helper()
	if rt == nil {
		rt = http.DefaultTransport
	}
	if kc == nil {
		kc = authn.NewMultiKeychain()
	}
	c, err := registry.New(registry.Options{Keychain: kc, Transport: rt, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type staticKeychain map[string]authn.AuthConfig

func (k staticKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if a, ok := k[r.RegistryStr()]; ok {
		return authn.FromConfig(a), nil
	}
	return authn.Anonymous, nil
}

func seedEleven(t *testing.T, host string) *fixtures.Fixture {
	t.Helper()
	set, err := fixtures.Push(context.Background(), host, fixtures.Only(fixtures.Eleven))
	if err != nil {
		t.Fatal(err)
	}
	return set[fixtures.Eleven]
}

// readIndex reads an index back with go-containerregistry and checks that
// every child manifest and blob it names exists.
func readIndex(t *testing.T, ref string, kc authn.Keychain) (v1.Hash, *v1.IndexManifest) {
	t.Helper()
	if kc == nil {
		kc = authn.NewMultiKeychain()
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Index(r, remote.WithAuthFromKeychain(kc))
	if err != nil {
		t.Fatalf("read back %s: %v", ref, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range im.Manifests {
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatalf("child %s of %s: %v", d.Digest, ref, err)
		}
		layers, err := img.Layers()
		if err != nil {
			t.Fatalf("layers of %s: %v", d.Digest, err)
		}
		for _, l := range layers {
			rc, err := l.Compressed()
			if err != nil {
				t.Fatalf("layer of %s: %v", d.Digest, err)
			}
			if _, err := io.Copy(io.Discard, rc); err != nil { // verifies the digest
				t.Fatalf("layer of %s: %v", d.Digest, err)
			}
			rc.Close()
		}
		if _, err := img.RawConfigFile(); err != nil {
			t.Fatalf("config of %s: %v", d.Digest, err)
		}
	}
	h, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h, im
}

func TestCopyEverythingAcrossRegistriesKeepsTheDigest(t *testing.T) {
	src := testregistry.Start(t, testregistry.Options{})
	var up uploads
	dst := testregistry.Start(t, testregistry.Options{Htpasswd: map[string]string{"ci": "s3cret"}, Wrap: up.wrap})
	f := seedEleven(t, src.Host)
	kc := staticKeychain{dst.Host: {Username: "ci", Password: "s3cret"}}
	c := newClient(t, nil, kc)
	ctx := context.Background()

	plan, err := PlanCopy(ctx, c, f.Ref(src.Host), dst.Ref("mirror/eleven:v1"), CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Filtered || plan.Digest != f.Digest {
		t.Fatalf("unfiltered plan: digest %s filtered %v, want %s unchanged", plan.Digest, plan.Filtered, f.Digest)
	}
	tot := plan.Totals()
	if tot.Copy == 0 || tot.Mount != 0 || tot.Skip != 0 {
		t.Fatalf("empty target across registries: want only copies, got %+v", tot)
	}
	if tot.Manifests != len(f.Entries) {
		t.Fatalf("plan has %d manifests, the index has %d entries", tot.Manifests, len(f.Entries))
	}
	if _, _, w := up.counts(); w != 0 {
		t.Fatalf("planning wrote %d times", w)
	}
	res, err := Copy(ctx, c, plan, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != tot.Copy || res.BytesCopied != tot.CopyBytes {
		t.Fatalf("copied %d blobs / %d bytes, planned %d / %d", res.Copied, res.BytesCopied, tot.Copy, tot.CopyBytes)
	}
	h, im := readIndex(t, dst.Ref("mirror/eleven:v1"), kc)
	if h.String() != f.Digest {
		t.Fatalf("target digest %s, source %s: a full copy is byte for byte", h, f.Digest)
	}
	if len(im.Manifests) != len(f.Entries) {
		t.Fatalf("target has %d entries, want %d", len(im.Manifests), len(f.Entries))
	}
	done, _, _ := up.counts()
	for d, n := range done {
		if n != 1 {
			t.Errorf("blob %s uploaded %d times", d, n)
		}
	}
}

func TestCopyTwoOfElevenPlatformsTakesTheirAttestations(t *testing.T) {
	src := testregistry.Start(t, testregistry.Options{})
	var up uploads
	dst := testregistry.Start(t, testregistry.Options{Wrap: up.wrap})
	f := seedEleven(t, src.Host)
	c := newClient(t, nil, nil)
	ctx := context.Background()
	reqs := []model.Platform{mustPlatform(t, "linux/arm64"), mustPlatform(t, "linux/arm/v7")}

	plan, err := PlanCopy(ctx, c, f.Ref(src.Host), dst.Ref("app:arm"), CopyOptions{Platforms: reqs})
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Filtered || plan.Digest == f.Digest {
		t.Fatalf("filtered copy must change the digest: %s (source %s)", plan.Digest, f.Digest)
	}
	if len(plan.Picks) != 2 || plan.Picks[0].Platform.String() != "linux/arm64" || plan.Picks[1].Platform.String() != "linux/arm/v7" {
		t.Fatalf("picks: %+v", plan.Picks)
	}
	want := map[string]bool{}
	for _, e := range f.Entries {
		if e.Platform == "linux/arm64" || e.Platform == "linux/arm/v7" {
			want[e.Digest] = true
		}
	}
	for _, e := range f.Entries {
		if want[e.AttestationFor] {
			want[e.Digest] = true
		}
	}
	if len(want) != 4 {
		t.Fatalf("fixture: want 2 images + 2 attestations, got %d", len(want))
	}
	if _, err := Copy(ctx, c, plan, 4, nil); err != nil {
		t.Fatal(err)
	}
	h, im := readIndex(t, dst.Ref("app:arm"), nil)
	if h.String() != plan.Digest {
		t.Fatalf("target digest %s, plan %s", h, plan.Digest)
	}
	got := map[string]bool{}
	for _, d := range im.Manifests {
		got[d.Digest.String()] = true
	}
	if len(got) != len(want) {
		t.Fatalf("target entries %v, want %v", got, want)
	}
	for d := range want {
		if !got[d] {
			t.Errorf("entry %s missing from the filtered copy", d)
		}
	}
	// The dropped platforms were not written at all.
	for _, e := range f.Entries {
		if want[e.Digest] {
			continue
		}
		if d, err := c.HeadDigest(ctx, dst.Host+"/app@"+e.Digest); err != nil || d != "" {
			t.Errorf("dropped entry %s (%s) is at the target (%q, %v)", e.Digest, e.Platform, d, err)
		}
	}
	// Every other byte of the index is the source's: only "manifests" shrank.
	var a, b map[string]json.RawMessage
	if err := json.Unmarshal(f.Raw, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(plan.Raw, &b); err != nil {
		t.Fatal(err)
	}
	for k, v := range a {
		if k != "manifests" && !bytes.Equal(v, b[k]) {
			t.Errorf("index field %q changed: %s → %s", k, v, b[k])
		}
	}
}

func TestCopyPlatformThatMatchesNothingWritesNothing(t *testing.T) {
	src := testregistry.Start(t, testregistry.Options{})
	var up uploads
	dst := testregistry.Start(t, testregistry.Options{Wrap: up.wrap})
	f := seedEleven(t, src.Host)
	c := newClient(t, nil, nil)
	_, err := PlanCopy(context.Background(), c, f.Ref(src.Host), dst.Ref("app:x"), CopyOptions{Platforms: []model.Platform{mustPlatform(t, "windows/amd64")}})
	if !errors.Is(err, model.ErrNoPlatformMatch) {
		t.Fatalf("want ErrNoPlatformMatch, got %v", err)
	}
	if !strings.Contains(err.Error(), "linux/arm/v7") {
		t.Errorf("the error should list what there is: %v", err)
	}
	if _, _, w := up.counts(); w != 0 {
		t.Fatalf("%d writes after a failed plan", w)
	}
}

func TestCopyWithinARegistryMounts(t *testing.T) {
	var up uploads
	reg := testregistry.Start(t, testregistry.Options{Wrap: up.wrap})
	f := seedEleven(t, reg.Host)
	up.reset()
	c := newClient(t, nil, nil)
	ctx := context.Background()
	plan, err := PlanCopy(ctx, c, f.Ref(reg.Host), reg.Ref("promoted/eleven:v1"), CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tot := plan.Totals()
	if tot.Copy != 0 || tot.Mount == 0 {
		t.Fatalf("same registry: want mounts only, got %+v", tot)
	}
	res, err := Copy(ctx, c, plan, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Mounted != tot.Mount || res.BytesCopied != 0 {
		t.Fatalf("result %+v, plan %+v", res, tot)
	}
	done, mounted, _ := up.counts()
	if len(done) != 0 {
		t.Fatalf("%d blobs uploaded within one registry; want mounts", len(done))
	}
	if len(mounted) != tot.Mount {
		t.Fatalf("registry saw %d mounts, plan %d", len(mounted), tot.Mount)
	}
	if h, _ := readIndex(t, reg.Ref("promoted/eleven:v1"), nil); h.String() != f.Digest {
		t.Fatalf("promoted digest %s, want %s", h, f.Digest)
	}
}

func TestCopySkipsWhatTheTargetHas(t *testing.T) {
	src := testregistry.Start(t, testregistry.Options{})
	var up uploads
	dst := testregistry.Start(t, testregistry.Options{Wrap: up.wrap})
	f := seedEleven(t, src.Host)
	c := newClient(t, nil, nil)
	ctx := context.Background()
	// The target already holds every platform but two.
	all := f.Images()
	var most []model.Platform
	for _, e := range all[:len(all)-2] {
		most = append(most, mustPlatform(t, e.Platform))
	}
	first, err := PlanCopy(ctx, c, f.Ref(src.Host), dst.Ref("app:most"), CopyOptions{Platforms: most})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Copy(ctx, c, first, 4, nil); err != nil {
		t.Fatal(err)
	}
	before, _, _ := up.counts()
	plan, err := PlanCopy(ctx, c, f.Ref(src.Host), dst.Ref("app:v1"), CopyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tot := plan.Totals()
	if tot.Skip < len(before) || tot.Copy == 0 {
		t.Fatalf("plan %+v: want the %d blobs already there skipped and the rest copied", tot, len(before))
	}
	for _, b := range plan.Blobs {
		if before[b.Digest] > 0 && b.Action != BlobSkip {
			t.Errorf("blob %s is at the target but planned as %s", b.Digest, b.Action)
		}
	}
	if _, err := Copy(ctx, c, plan, 4, nil); err != nil {
		t.Fatal(err)
	}
	after, _, _ := up.counts()
	for d, n := range after {
		if n > 1 {
			t.Errorf("blob %s sent %d times", d, n)
		}
	}
	if len(after)-len(before) != tot.Copy {
		t.Errorf("sent %d new blobs, planned %d", len(after)-len(before), tot.Copy)
	}
}

// A copy that fails at any request is run again and completes, sends no blob
// twice, and never leaves the tag pointing at an index with missing children.
func TestCopyFailedAtEachRequestThenRerun(t *testing.T) {
	src := testregistry.Start(t, testregistry.Options{})
	f := seedEleven(t, src.Host)
	ctx := context.Background()
	reqs := []model.Platform{mustPlatform(t, "linux/amd64"), mustPlatform(t, "linux/arm64")}

	// Count the requests of a clean copy first.
	probe := testregistry.Start(t, testregistry.Options{})
	counter := &failNth{base: http.DefaultTransport}
	pc := newClient(t, counter, nil)
	plan, err := PlanCopy(ctx, pc, f.Ref(src.Host), probe.Ref("app:v1"), CopyOptions{Platforms: reqs})
	if err != nil {
		t.Fatal(err)
	}
	planned := counter.count.Load()
	if _, err := Copy(ctx, pc, plan, 2, nil); err != nil {
		t.Fatal(err)
	}
	total := counter.count.Load() - planned
	t.Logf("a 2-of-11 copy: %d requests to plan, %d to copy", planned, total)
	if total < 10 {
		t.Fatalf("a copy of 2 platforms took only %d requests", total)
	}
	if testing.Short() {
		total = min(total, 12)
	}
	for n := int64(1); n <= total; n++ {
		var up uploads
		dst := testregistry.Start(t, testregistry.Options{Wrap: up.wrap})
		target := dst.Ref("app:v1")
		plan, err := PlanCopy(ctx, newClient(t, nil, nil), f.Ref(src.Host), target, CopyOptions{Platforms: reqs})
		if err != nil {
			t.Fatal(err)
		}
		fail := &failNth{base: http.DefaultTransport, n: n}
		_, err = Copy(ctx, newClient(t, fail, nil), plan, 2, nil)
		if !fail.fired.Load() {
			t.Fatalf("request %d: the fault did not fire", n)
		}
		if err == nil {
			// Some requests are tried again by design (the ping tries
			// https, then http): then the copy must simply be complete.
			if h, _ := readIndex(t, target, nil); h.String() != plan.Digest {
				t.Fatalf("request %d: reported success, but the target holds %s", n, h)
			}
			continue
		}
		// The tag is either absent or complete.
		c := newClient(t, nil, nil)
		if d, err := c.HeadDigest(ctx, target); err != nil {
			t.Fatal(err)
		} else if d != "" {
			readIndex(t, target, nil)
		}
		// Run again with a new plan, as a user would.
		again, err := PlanCopy(ctx, c, f.Ref(src.Host), target, CopyOptions{Platforms: reqs})
		if err != nil {
			t.Fatalf("request %d: re-plan: %v", n, err)
		}
		if _, err := Copy(ctx, c, again, 2, nil); err != nil {
			t.Fatalf("request %d: re-run: %v", n, err)
		}
		if h, _ := readIndex(t, target, nil); h.String() != plan.Digest {
			t.Fatalf("request %d: digest %s after re-run, want %s", n, h, plan.Digest)
		}
		done, _, _ := up.counts()
		for d, k := range done {
			if k > 1 {
				t.Errorf("request %d: blob %s transferred %d times", n, d, k)
			}
		}
	}
}

// A source that alters a blob is caught while it streams: the copy fails and
// the target never gets the blob.
func TestCopyVerifiesEveryByte(t *testing.T) {
	var tamper atomic.Bool
	src := testregistry.Start(t, testregistry.Options{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tamper.Load() && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
				rec := &bodyFlipper{ResponseWriter: w}
				next.ServeHTTP(rec, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}})
	var up uploads
	dst := testregistry.Start(t, testregistry.Options{Wrap: up.wrap})
	f := seedEleven(t, src.Host)
	c := newClient(t, nil, nil)
	ctx := context.Background()
	plan, err := PlanCopy(ctx, c, f.Ref(src.Host), dst.Ref("app:v1"), CopyOptions{Platforms: []model.Platform{mustPlatform(t, "linux/amd64")}})
	if err != nil {
		t.Fatal(err)
	}
	tamper.Store(true)
	_, err = Copy(ctx, c, plan, 1, nil)
	if !errors.Is(err, registry.ErrDigestMismatch) {
		t.Fatalf("want a digest mismatch, got %v", err)
	}
	if done, _, _ := up.counts(); len(done) != 0 {
		t.Fatalf("the target accepted %d blobs from a lying source", len(done))
	}
	if d, _ := c.HeadDigest(ctx, dst.Ref("app:v1")); d != "" {
		t.Fatalf("the tag was written after a failed copy: %s", d)
	}
}

// bodyFlipper flips one byte of the body it passes on.
type bodyFlipper struct {
	http.ResponseWriter
	flipped bool
}

func (b *bodyFlipper) Write(p []byte) (int, error) {
	if !b.flipped && len(p) > 0 {
		q := append([]byte(nil), p...)
		q[len(q)/2] ^= 0xff
		b.flipped = true
		return b.ResponseWriter.Write(q)
	}
	return b.ResponseWriter.Write(p)
}

func mustPlatform(t *testing.T, s string) model.Platform {
	t.Helper()
	p, err := model.ParsePlatform(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Two registries with token auth and different credentials: the copy asks
// each token server for its own scopes, and a mount inside one registry
// gets pull on the source repository in the same token as the push.
func TestCopyBetweenTokenRegistriesWithTheirOwnCredentials(t *testing.T) {
	plain := testregistry.Start(t, testregistry.Options{})
	f := seedEleven(t, plain.Host)
	src := testregistry.Start(t, testregistry.Options{Token: &testregistry.TokenAuth{Users: map[string]string{"alice": "a-pass"}}})
	var up uploads
	dst := testregistry.Start(t, testregistry.Options{Wrap: up.wrap, Token: &testregistry.TokenAuth{Users: map[string]string{"bob": "b-pass"}}})
	kc := staticKeychain{src.Host: {Username: "alice", Password: "a-pass"}, dst.Host: {Username: "bob", Password: "b-pass"}}
	ctx := context.Background()
	copyTo := func(c *registry.Client, from, to string) *CopyPlan {
		t.Helper()
		plan, err := PlanCopy(ctx, c, from, to, CopyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Copy(ctx, c, plan, 4, nil); err != nil {
			t.Fatalf("copy %s to %s: %v", from, to, err)
		}
		return plan
	}
	copyTo(newClient(t, nil, kc), f.Ref(plain.Host), src.Ref("app/eleven:v1"))
	src.Tokens.Reset()
	dst.Tokens.Reset()

	c := newClient(t, nil, kc)
	plan := copyTo(c, src.Ref("app/eleven:v1"), dst.Ref("mirror/eleven:v1"))
	if plan.Digest != f.Digest {
		t.Fatalf("digest %s after two copies, want %s", plan.Digest, f.Digest)
	}
	for _, r := range src.Tokens.Requests() {
		if r.User != "alice" || r.Status != http.StatusOK {
			t.Errorf("source token request %+v: want alice's, granted", r)
		}
		for _, s := range r.Scopes {
			if strings.Contains(s, "push") {
				t.Errorf("the source was asked for %s: a copy only reads it", s)
			}
		}
	}
	pushed := false
	for _, r := range dst.Tokens.Requests() {
		if r.User != "bob" || r.Status != http.StatusOK {
			t.Errorf("target token request %+v: want bob's, granted", r)
		}
		for _, s := range r.Scopes {
			pushed = pushed || s == "repository:mirror/eleven:pull,push"
		}
	}
	if !pushed {
		t.Errorf("no push token for the target: %+v", dst.Tokens.Requests())
	}
	t.Logf("token requests: source %d, target %d", len(src.Tokens.Requests()), len(dst.Tokens.Requests()))

	// Within the target registry: mounts, with pull on the source
	// repository in the push token.
	dst.Tokens.Reset()
	up.reset()
	promoted := copyTo(c, dst.Ref("mirror/eleven:v1"), dst.Ref("prod/eleven:v1"))
	if tot := promoted.Totals(); tot.Mount == 0 || tot.Copy != 0 {
		t.Fatalf("promotion plan %+v: want mounts", tot)
	}
	if done, mounted, _ := up.counts(); len(done) != 0 || len(mounted) != promoted.Totals().Mount {
		t.Fatalf("promotion: %d uploads, %d mounts (planned %d)", len(done), len(mounted), promoted.Totals().Mount)
	}
	both := false
	for _, r := range dst.Tokens.Requests() {
		has := map[string]bool{}
		for _, s := range r.Granted {
			has[s] = true
		}
		both = both || (has["repository:prod/eleven:pull,push"] || has["repository:prod/eleven:push,pull"]) && has["repository:mirror/eleven:pull"]
	}
	if !both {
		t.Errorf("no token granted push on prod/eleven with pull on mirror/eleven: %+v", dst.Tokens.Requests())
	}
}
