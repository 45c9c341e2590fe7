package registry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// tokenEnv is a distribution registry with `auth: token` and its token
// server on another loopback address (127.0.0.2), seeded through the
// handshake itself (go-containerregistry's own would refuse that realm).
type tokenEnv struct {
	reg *testregistry.Registry
	set fixtures.Set
	cnt *testregistry.Counter
}

const tokenUser, tokenPass = "alice", "wonderland"

func newTokenEnv(t *testing.T, ta testregistry.TokenAuth, fo ...fixtures.Option) *tokenEnv {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if ta.Users == nil {
		ta.Users = map[string]string{tokenUser: tokenPass}
	}
	cnt := &testregistry.Counter{}
	r := testregistry.Start(t, testregistry.Options{Token: &ta, Wrap: cnt.Wrap})
	e := &tokenEnv{reg: r, cnt: cnt}
	if len(fo) > 0 {
		seed := e.client(t, tokenUser, tokenPass, nil)
		set, err := fixtures.Push(context.Background(), r.Host, append(fo, fixtures.WithRemote(remote.WithTransport(seed.ggcr)))...)
		if err != nil {
			t.Fatalf("seed through the handshake: %v", err)
		}
		e.set = set
	}
	r.Tokens.Reset()
	cnt.Reset()
	return e
}

// client returns a client with user's credentials ("" for anonymous).
func (e *tokenEnv) client(t *testing.T, user, pass string, edit func(*Options)) *Client {
	t.Helper()
	opts := Options{Keychain: authn.NewMultiKeychain()}
	if user != "" {
		opts.Keychain = staticKeychain{authn.FromConfig(authn.AuthConfig{Username: user, Password: pass})}
	}
	if edit != nil {
		edit(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	flushAtCleanup(t, c)
	return c
}

func scopesAsked(reqs []testregistry.TokenRequest) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.User+" "+strings.Join(r.Scopes, " "))
	}
	return out
}

// Anonymous pull tokens, reused across every request of a tree and across
// trees; the realm is on 127.0.0.2, a private address, allowed because the
// registry itself is on loopback.
func TestTokenAnonymousPullAndReuse(t *testing.T) {
	e := newTokenEnv(t, testregistry.TokenAuth{AnonymousPull: true}, fixtures.Only(fixtures.Eleven))
	f := e.set[fixtures.Eleven]
	if h, _, _ := net.SplitHostPort(e.reg.Tokens.Host); h != "127.0.0.2" {
		t.Logf("token server on %s (127.0.0.2 not bindable here)", e.reg.Tokens.Host)
	}
	c := e.client(t, "", "", nil)
	ctx := context.Background()
	tr, err := c.Tree(ctx, f.Ref(e.reg.Host), TreeOptions{All: true})
	if err != nil {
		t.Fatalf("anonymous tree through token auth: %v", err)
	}
	checkEntries(t, "token", tr.Entries, f.Entries)
	reqs := e.reg.Tokens.Requests()
	if len(reqs) != 1 || reqs[0].User != "" || len(reqs[0].Granted) != 1 || reqs[0].Granted[0] != "repository:"+f.Repo+":pull" {
		t.Fatalf("token requests for one cold tree: %v, want one anonymous pull token", scopesAsked(reqs))
	}
	n := len(f.Entries)
	if got := e.cnt.Total(); got != 2+2*n {
		t.Errorf("cold tree: %d registry requests, want %d (one 401, the index, %d children, %d configs):\n%s", got, 2+2*n, n, n, strings.Join(e.cnt.Log(), "\n"))
	}
	t.Logf("cold tree, token auth: 1 token request, %d registry requests", e.cnt.Total())

	// Reuse: a listing and a second tree of the same repository ask for
	// no new token.
	e.cnt.Reset()
	if err := c.Tags(ctx, e.reg.Host+"/"+f.Repo, func(Page) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, f.Ref(e.reg.Host)); err != nil {
		t.Fatal(err)
	}
	if got := len(e.reg.Tokens.Requests()); got != 1 {
		t.Errorf("%d token requests after a listing and a get: the token was not reused", got)
	}
	if got := e.cnt.Total(); got != 2 {
		t.Errorf("warm listing and get: %v, want one request each (no ping, no 401)", e.cnt.Log())
	}

	// A new process with the same cache dir goes straight to the token
	// server: no 401 first.
	cache := t.TempDir()
	c1 := e.client(t, "", "", func(o *Options) { o.CacheDir = cache })
	if _, err := c1.Get(ctx, f.Ref(e.reg.Host)); err != nil {
		t.Fatal(err)
	}
	e.cnt.Reset()
	c2 := e.client(t, "", "", func(o *Options) { o.CacheDir = cache })
	if err := c2.Tags(ctx, e.reg.Host+"/"+f.Repo, func(Page) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if e.cnt.Total() != 1 || c2.TokenRequests() != 1 {
		t.Errorf("listing with a warm host hint: %v and %d token requests, want one request and one token", e.cnt.Log(), c2.TokenRequests())
	}
}

// A push upgrades the pull token to pull,push; a cross-repository mount asks
// for pull on the source in the same token; a wrong password is reported
// as such.
func TestTokenScopeUpgradeAndCrossRepoMount(t *testing.T) {
	e := newTokenEnv(t, testregistry.TokenAuth{})
	host := e.reg.Host
	c := e.client(t, tokenUser, tokenPass, nil)
	seed := func(ref string, p v1.Platform) {
		t.Helper()
		pushImageWith(t, ref, p, false, remote.WithTransport(c.ggcr))
	}
	seed(host+"/src-a:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	seed(host+"/src-b:arm64", v1.Platform{OS: "linux", Architecture: "arm64"})
	e.reg.Tokens.Reset()

	c = e.client(t, tokenUser, tokenPass, nil) // a fresh client: no tokens held
	l := &model.StagedList{Name: host + "/app:v1", Target: host + "/app:v1"}
	l.Add(stageImage(t, c, host+"/src-a:amd64"), stageImage(t, c, host+"/src-b:arm64"))
	pulls := len(e.reg.Tokens.Requests())
	res, err := c.Push(context.Background(), l, PushOptions{Tags: []string{"latest"}})
	if err != nil {
		t.Fatalf("push with token auth: %v", err)
	}
	if res.Mounted != 2 || len(res.Tags) != 2 {
		t.Fatalf("push result %+v", res)
	}
	reqs := e.reg.Tokens.Requests()[pulls:]
	t.Logf("token requests: %d to stage (pull), %d to push: %v", pulls, len(reqs), scopesAsked(reqs))
	var mountA, mountB, upgrade bool
	for _, r := range reqs {
		s := strings.Join(r.Scopes, " ")
		if strings.Contains(s, "repository:app:pull,push") {
			upgrade = true
			mountA = mountA || strings.Contains(s, "repository:src-a:pull")
			mountB = mountB || strings.Contains(s, "repository:src-b:pull")
		}
	}
	if !upgrade || !mountA || !mountB {
		t.Fatalf("token requests %v: want pull,push on app with pull on each mount source in the same token", scopesAsked(reqs))
	}
	// The mounts worked: the children resolve in app (no "manifest blob
	// unknown" on the index PUT, which the push already proved), and a
	// token covering pull,push on app serves later pulls of app.
	before := len(e.reg.Tokens.Requests())
	if _, err := c.Tree(context.Background(), host+"/app:v1", TreeOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if got := len(e.reg.Tokens.Requests()) - before; got != 0 {
		t.Errorf("%d more token requests to read back app: the push token was not reused", got)
	}

	// A wrong password: the token server's 401 is said in words.
	bad := e.client(t, tokenUser, "wrong", nil)
	_, err = bad.Get(context.Background(), host+"/app:v1")
	if !errors.Is(err, ErrBadCredentials) || !strings.Contains(err.Error(), host+": incorrect username or password") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("wrong password: %v", err)
	}
	// Login checks the repository being opened, not only the password.
	if err := c.VerifyLogin(context.Background(), host, "app", tokenUser, "wrong"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("login with a wrong password: %v", err)
	}
	if err := c.VerifyLogin(context.Background(), host, "app", tokenUser, tokenPass); err != nil {
		t.Fatalf("login: %v", err)
	}
}

// An expired token (the registry refuses it though expires_in said it was
// good) is replaced once, single-flight: concurrent requests that all meet
// the 401 fetch one new token between them. A token past its expires_in is
// renewed before use, without a 401.
func TestTokenExpiredRefreshedOnce(t *testing.T) {
	e := newTokenEnv(t, testregistry.TokenAuth{AnonymousPull: true}, fixtures.Only(fixtures.Eleven))
	f := e.set[fixtures.Eleven]
	ctx := context.Background()
	c := e.client(t, "", "", nil)
	e.reg.Tokens.ExpireNext(1)
	tr, err := c.Tree(ctx, f.Ref(e.reg.Host), TreeOptions{All: true})
	if err != nil {
		t.Fatalf("tree with an expired first token: %v", err)
	}
	checkEntries(t, "expired", tr.Entries, f.Entries)
	reqs := e.reg.Tokens.Requests()
	if len(reqs) != 2 || !reqs[0].Expired || reqs[1].Expired {
		t.Fatalf("token requests %+v, want the expired one and one replacement", reqs)
	}

	// Every child in flight at once holds the token when it expires.
	e.reg.Tokens.Reset()
	c2 := e.client(t, "", "", nil)
	if _, err := c2.Get(ctx, f.Ref(e.reg.Host)); err != nil {
		t.Fatal(err)
	}
	e.reg.Tokens.Reset()
	ha := c2.hs.hostState(e.reg.Host)
	ha.mu.Lock()
	for _, tk := range ha.tokens {
		tk.value = "expired." + tk.value // refused by the registry as an expired one is
	}
	ha.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, len(f.Entries))
	for i, en := range f.Entries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c2.Get(ctx, e.reg.Host+"/"+f.Repo+"@"+en.Digest)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("child %d after expiry: %v", i, err)
		}
	}
	if n := len(e.reg.Tokens.Requests()); n != 1 {
		t.Fatalf("%d concurrent requests met an expired token and fetched %d tokens, want 1", len(f.Entries), n)
	}

	// By the clock: past expires_in, the token is renewed before use.
	e.reg.Tokens.Reset()
	e.cnt.Reset()
	c2.hs.now = func() time.Time { return time.Now().Add(10 * time.Minute) }
	if _, err := c2.Head(ctx, f.Ref(e.reg.Host)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.reg.Tokens.Requests()); n != 1 || e.cnt.Total() != 1 {
		t.Fatalf("after expires_in: %d token requests and %v, want one token and one request (no 401)", n, e.cnt.Log())
	}
}

// A catalog refused for lack of scope says what it means.
func TestTokenCatalogRefused(t *testing.T) {
	e := newTokenEnv(t, testregistry.TokenAuth{AnonymousPull: true, Catalog: []string{"admin"}, Users: map[string]string{tokenUser: tokenPass, "admin": "root"}},
		fixtures.Only(fixtures.SingleOCI))
	err := e.client(t, tokenUser, tokenPass, nil).Repositories(context.Background(), e.reg.Host, func(Page) error { return nil })
	if !errors.Is(err, ErrNoCatalog) || !strings.Contains(err.Error(), "may not list") || !strings.Contains(err.Error(), "by name") {
		t.Fatalf("catalog without the scope: %v", err)
	}
	var names []string
	err = e.client(t, "admin", "root", nil).Repositories(context.Background(), e.reg.Host, func(p Page) error {
		names = append(names, p.Names...)
		return nil
	})
	if err != nil || len(names) == 0 {
		t.Fatalf("catalog with the scope: %v %v", names, err)
	}
}

// The token-realm policy: the registry's own host and public hosts are
// fine; a private address only for a private registry or when allowed.
func TestCheckRealm(t *testing.T) {
	for _, tc := range []struct {
		reg, scheme, realm string
		allowed            string
		ok                 bool
	}{
		{"registry.example", "https", "https://auth.example/token", "", true},
		{"registry.example", "https", "https://registry.example:5001/jwt/auth", "", true}, // GitLab: another port
		{"registry.example", "https", "https://10.0.0.5/token", "", false},
		{"registry.example", "https", "https://127.0.0.2:5000/token", "", false},
		{"registry.example", "https", "https://localhost/token", "", false},
		{"registry.example", "https", "https://10.0.0.5/token", "10.0.0.5", true},
		{"registry.example", "https", "http://auth.example/token", "", false},  // plain HTTP from TLS
		{"10.0.0.4:5000", "https", "https://10.0.0.5/service/token", "", true}, // Harbor by IP
		{"127.0.0.1:5000", "http", "http://127.0.0.2:5001/token", "", true},
		{"10.0.0.4:5000", "https", "https://169.254.169.254/latest", "", false}, // metadata service
		{"registry.example", "https", "file:///etc/passwd", "", false},
	} {
		u, err := url.Parse(tc.realm)
		if err != nil {
			t.Fatal(err)
		}
		err = checkRealm(tc.reg, tc.scheme, u, allowedRealms([]string{tc.allowed}))
		if (err == nil) != tc.ok {
			t.Errorf("registry %s, realm %s (allowed %q): %v, want ok=%v", tc.reg, tc.realm, tc.allowed, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--allow-token-realm "+u.Host) {
			t.Errorf("refusal does not say what to do: %v", err)
		}
	}
}

// A registry on a public name whose token server is on a private address
// is refused, saying how to allow it; allowed, it works. Every dial goes to
// loopback: the name only decides the policy.
func TestTokenRealmRefusedForAPublicRegistry(t *testing.T) {
	e := newTokenEnv(t, testregistry.TokenAuth{AnonymousPull: true}, fixtures.Only(fixtures.SingleOCI))
	f := e.set[fixtures.SingleOCI]
	const public = "registry.example:5000"
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == public {
			addr = e.reg.Host
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	client := func(allow []string) *Client {
		ht := http.DefaultTransport.(*http.Transport).Clone()
		ht.DialContext = dial
		return e.client(t, "", "", func(o *Options) { o.Transport, o.Insecure, o.AllowTokenRealms = ht, []string{public}, allow })
	}
	ref := public + "/" + f.Repo + ":" + f.Tag
	_, err := client(nil).Get(context.Background(), ref)
	var re *RealmError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "--allow-token-realm "+e.reg.Tokens.Host) {
		t.Fatalf("private realm for a public registry: %v", err)
	}
	if _, err := client([]string{e.reg.Tokens.Host}).Get(context.Background(), ref); err != nil {
		t.Fatalf("allowed realm: %v", err)
	}
}

// Credentials going to a token server on another host are announced, once
// (remembered in the cache dir).
func TestTokenCredentialsToAnotherHostAnnouncedOnce(t *testing.T) {
	e := newTokenEnv(t, testregistry.TokenAuth{}, fixtures.Only(fixtures.SingleOCI))
	f := e.set[fixtures.SingleOCI]
	if hostname(e.reg.Tokens.Host) == hostname(e.reg.Host) {
		t.Skip("token server on the registry's own address here")
	}
	cache := t.TempDir()
	var mu sync.Mutex
	var notices []string
	mk := func() *Client {
		return e.client(t, tokenUser, tokenPass, func(o *Options) {
			o.CacheDir = cache
			o.OnNotice = func(s string) { mu.Lock(); notices = append(notices, s); mu.Unlock() }
		})
	}
	c := mk()
	if _, err := c.Tree(context.Background(), f.Ref(e.reg.Host), TreeOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	c.hs.now = func() time.Time { return time.Now().Add(time.Hour) } // a second token
	if _, err := c.Head(context.Background(), f.Ref(e.reg.Host)); err != nil {
		t.Fatal(err)
	}
	if _, err := mk().Head(context.Background(), f.Ref(e.reg.Host)); err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], e.reg.Tokens.Host) || !strings.Contains(notices[0], e.reg.Host) {
		t.Fatalf("notices %q, want one naming the registry and the token server", notices)
	}
}

func TestScopesFor(t *testing.T) {
	for _, tc := range []struct{ method, url, want string }{
		{"GET", "/v2/", ""},
		{"GET", "/v2/_catalog?n=100", "registry:catalog:*"},
		{"HEAD", "/v2/app/manifests/v1", "repository:app:pull"},
		{"GET", "/v2/a/manifests/b/manifests/sha256:abc", "repository:a/manifests/b:pull"},
		{"GET", "/v2/org/app/tags/list", "repository:org/app:pull"},
		{"GET", "/v2/app/referrers/sha256:abc", "repository:app:pull"},
		{"PUT", "/v2/app/manifests/v1", "repository:app:pull,push"},
		{"POST", "/v2/app/blobs/uploads/?mount=sha256:abc&from=lib/src", "repository:app:pull,push repository:lib/src:pull"},
		{"PATCH", "/v2/app/blobs/uploads/1234-uuid", "repository:app:pull,push"},
		{"DELETE", "/v2/app/manifests/sha256:abc", "repository:app:delete"},
	} {
		req, _ := http.NewRequest(tc.method, "https://r.example"+tc.url, nil)
		if got := strings.Join(scopesFor(req).list(), " "); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.method, tc.url, got, tc.want)
		}
	}
}

func TestParseChallenge(t *testing.T) {
	ch, scope, ok := parseChallenge([]string{`Bearer realm="https://auth.example/token",service="registry.example",scope="repository:app:pull,push repository:src:pull",error="insufficient_scope"`})
	if !ok || ch.Scheme != "bearer" || ch.Realm != "https://auth.example/token" || ch.Service != "registry.example" {
		t.Fatalf("%+v %v", ch, ok)
	}
	if got := strings.Join(scope.list(), " "); got != "repository:app:pull,push repository:src:pull" {
		t.Fatalf("scope %q", got)
	}
	if ch, _, ok := parseChallenge([]string{`Basic realm="x"`}); !ok || ch.Scheme != "basic" {
		t.Fatalf("basic: %+v", ch)
	}
	if _, _, ok := parseChallenge([]string{`Bearer service="no-realm"`, `Negotiate`}); ok {
		t.Fatal("a bearer challenge without a realm was accepted")
	}
}

// A push whose token expires half way: every token is good for two
// uses of its token, so tokens run out between the children, the index PUTs
// and the read-backs. The PUTs are sent again with their bodies rewound
// (GetBody), each expiry costs one new token, and both tags are written.
func TestPushWithTokensExpiringMidway(t *testing.T) {
	e := newFaultEnv(t)
	ctx := deadline(t, 20*time.Second)
	c := e.client(Timeouts{})
	l := &model.StagedList{Name: e.ref, Target: e.reg.Ref("app:v2")}
	tr, err := c.Tree(ctx, e.ref, TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	es, err := model.EntriesFromTree(e.ref, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Add(es...)
	e.proxy.RequireToken("", "", 2)
	c = e.client(Timeouts{})
	res, err := c.Push(ctx, l, PushOptions{Tags: []string{"v2-copy"}})
	if err != nil {
		t.Fatalf("push with expiring tokens: %v", err)
	}
	if len(res.Tags) != 2 {
		t.Fatalf("pushed tags %v, want both", res.Tags)
	}
	refused, issued := e.proxy.TokensRefused(), e.proxy.TokensIssued()
	t.Logf("push with tokens good for 2 requests: %d refused, %d issued, %d token requests counted by the client", refused, issued, c.TokenRequests())
	if refused == 0 {
		t.Fatal("no token expired during the push: the fault never fired")
	}
	// One pull token, one pull,push token (the scope upgrade), then one per
	// expiry.
	if issued > refused+2 {
		t.Fatalf("%d tokens issued for %d expiries: refreshes were not single-flight", issued, refused)
	}
	for _, tag := range []string{"app:v2", "app:v2-copy"} {
		d, err := c.HeadDigest(ctx, e.reg.Ref(tag))
		if err != nil || d != res.Digest {
			t.Fatalf("%s holds %q (%v), want %s", tag, d, err, res.Digest)
		}
	}
}

// A remembered realm that no longer answers (the token server moved) does
// not make the host unreadable: the registry is asked again.
func TestStaleRealmHintIsRelearned(t *testing.T) {
	e := newTokenEnv(t, testregistry.TokenAuth{AnonymousPull: true}, fixtures.Only(fixtures.SingleOCI))
	f := e.set[fixtures.SingleOCI]
	cache := t.TempDir()
	newDiskCache(cache).markHostChallenge(e.reg.Host, challenge{Scheme: "bearer", Realm: "http://127.0.0.1:1/gone", Service: "old"})
	c := e.client(t, "", "", func(o *Options) { o.CacheDir = cache })
	if _, err := c.Get(context.Background(), f.Ref(e.reg.Host)); err != nil {
		t.Fatalf("with a stale realm hint: %v", err)
	}
	if ch, ok := newDiskCache(cache).hostChallenge(e.reg.Host); !ok || ch.Realm != e.reg.Tokens.Realm {
		t.Fatalf("hint after relearning: %+v", ch)
	}
}
