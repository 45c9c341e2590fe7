package registry

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/faultproxy"
	"github.com/manifold-dev/manifold/internal/testregistry"
)

func TestSaveCredentialsPlainConfig(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOCKER_CONFIG", dir)
	if err := SaveCredentials("registry.example.com:5000", "alice", "tok-123"); err != nil {
		t.Fatal(err)
	}
	if err := SaveCredentials("docker.io", "bob", "hub-secret"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "tok-123") {
		t.Fatalf("secret stored in clear: %s", raw)
	}
	var cfg struct {
		Auths map[string]struct{ Auth string } `json:"auths"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Auths["https://index.docker.io/v1/"]; !ok {
		t.Fatalf("Docker Hub not stored under docker's key: %s", raw)
	}
	// The default keychain (what every manifold client uses) reads them back.
	for host, want := range map[string]authn.AuthConfig{
		"registry.example.com:5000": {Username: "alice", Password: "tok-123"},
		"index.docker.io":           {Username: "bob", Password: "hub-secret"},
	} {
		reg, _ := name.NewRegistry(host)
		a, err := authn.DefaultKeychain.Resolve(reg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.Authorization()
		if err != nil || got.Username != want.Username || got.Password != want.Password {
			t.Fatalf("%s: read back %+v, %v", host, got, err)
		}
	}
	where, err := CredentialStore("registry.example.com:5000")
	if err != nil || !strings.Contains(where, filepath.Join(dir, "config.json")) || !strings.Contains(where, "not encrypted") {
		t.Fatalf("CredentialStore = %q, %v", where, err)
	}
	// Nothing but the docker config was written.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("files in DOCKER_CONFIG: %v", entries)
	}
}

// helperOutEnv names the file a fake docker credential helper records
// what it is asked to store in; helperSecretEnv is the secret it answers a
// get with.
const (
	helperOutEnv    = "MANIFOLD_TEST_HELPER_OUT"
	helperSecretEnv = "MANIFOLD_TEST_HELPER_SECRET"
)

// This test binary is a docker credential helper when it runs under a
// docker-credential-* name (a copy made by installHelper): an executable
// on every system, docker-credential-NAME.exe on Windows, found on PATH
// the way docker's own helpers are (wincred, osxkeychain, pass).
func init() {
	base := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if !strings.HasPrefix(base, "docker-credential-") {
		return
	}
	in, _ := io.ReadAll(os.Stdin)
	switch os.Args[len(os.Args)-1] {
	case "store":
		if err := os.WriteFile(os.Getenv(helperOutEnv), in, 0o600); err != nil {
			os.Exit(2)
		}
	case "get":
		host := strings.TrimSpace(string(in))
		json.NewEncoder(os.Stdout).Encode(map[string]string{"ServerURL": host, "Username": "bob", "Secret": os.Getenv(helperSecretEnv)})
	default:
		os.Stdout.WriteString("unknown action\n")
		os.Exit(1)
	}
	os.Exit(0)
}

// installHelper puts docker-credential-NAME (.exe on Windows), a copy of
// this test binary, first on PATH.
func installHelper(t *testing.T, name string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	exe := "docker-credential-" + name
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	if err := os.WriteFile(filepath.Join(bin, exe), raw, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// Credentials are saved through the docker credential helper the docker
// config names, and read back through it by the keychain, on every system
// (on Windows the helper is docker-credential-NAME.exe, found by PATHEXT).
func TestCredentialHelperIsFoundAndUsed(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(t.TempDir(), "stored.json")
	installHelper(t, "manifoldtest")
	t.Setenv(helperOutEnv, out)
	t.Setenv(helperSecretEnv, "from-the-helper")
	t.Setenv("DOCKER_CONFIG", dir)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"credsStore":"manifoldtest"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if where, err := CredentialStore("ghcr.io"); err != nil || where != "docker-credential-manifoldtest" {
		t.Fatalf("CredentialStore = %q, %v", where, err)
	}
	if err := SaveCredentials("ghcr.io", "alice", "ghp_secret"); err != nil {
		t.Fatal(err)
	}
	var got struct{ ServerURL, Username, Secret string }
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &got); err != nil || got.ServerURL != "ghcr.io" || got.Username != "alice" || got.Secret != "ghp_secret" {
		t.Fatalf("helper got %s (%v)", raw, err)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	if strings.Contains(string(cfg), "ghp_secret") || strings.Contains(string(cfg), "alice") {
		t.Fatalf("credentials leaked into config.json: %s", cfg)
	}
	// The keychain manifold uses by default asks the helper.
	reg, err := name.NewRegistry("ghcr.io")
	if err != nil {
		t.Fatal(err)
	}
	a, err := authn.DefaultKeychain.Resolve(reg)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := a.Authorization()
	if err != nil || cred.Username != "bob" || cred.Password != "from-the-helper" {
		t.Fatalf("keychain read %+v, %v: want what the helper answers", cred, err)
	}
}

func TestSaveCredentialsErrors(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	if err := SaveCredentials("ghcr.io", "", "x"); err == nil {
		t.Fatal("empty user accepted")
	}
	if err := SaveCredentials("bad host/", "u", "x"); err == nil {
		t.Fatal("invalid host accepted")
	}
	// A helper that fails: the error names the helper, not the secret.
	dir := t.TempDir()
	t.Setenv("DOCKER_CONFIG", dir)
	t.Setenv("PATH", t.TempDir())
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"credHelpers":{"ghcr.io":"missing"}}`), 0o600)
	err := SaveCredentials("ghcr.io", "alice", "ghp_secret")
	if err == nil || !strings.Contains(err.Error(), "docker-credential-missing") || strings.Contains(err.Error(), "ghp_secret") {
		t.Fatalf("err = %v", err)
	}
}

func TestSessionKeychainRetriesWithTypedCredentials(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	p := faultproxy.New()
	p.RequireToken("alice", "typed-in", 0)
	reg := testregistry.Start(t, testregistry.Options{Wrap: p.Wrap})
	seedIndexThroughProxy(t, p, reg)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	kc := NewSessionKeychain(authn.NewMultiKeychain())
	c, err := New(Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(ctx, reg.Ref("app:v1"))
	if err == nil {
		t.Fatal("anonymous pull of a protected registry succeeded")
	}
	if strings.Contains(err.Error(), "typed-in") {
		t.Fatal("error holds the password")
	}
	kc.Set(reg.Host, "alice", "typed-in")
	// A fresh client (as the UI makes after a login) with the session keychain.
	c, _ = New(Options{Keychain: kc})
	if _, err := c.Get(ctx, reg.Ref("app:v1")); err != nil {
		t.Fatalf("with typed-in credentials: %v", err)
	}
	issued := p.TokensIssued()
	if issued == 0 {
		t.Fatal("the pull succeeded without the token endpoint checking the typed-in credentials")
	}
	// Forgotten (refused) credentials are no longer sent: a fresh client is
	// anonymous again and the token endpoint hands out nothing more.
	kc.Forget(reg.Host)
	c, _ = New(Options{Keychain: kc})
	if _, err := c.Get(ctx, reg.Ref("app:v1")); err == nil {
		t.Fatal("after Forget the pull still used the typed-in credentials")
	}
	if p.TokensIssued() != issued {
		t.Fatalf("after Forget the token endpoint issued %d more tokens", p.TokensIssued()-issued)
	}
	if files, _ := os.ReadDir(os.Getenv("DOCKER_CONFIG")); len(files) != 0 {
		t.Fatalf("session credentials were written to disk: %v", files)
	}
}

// seedIndexThroughProxy seeds app:v1 while the proxy's token auth is
// bypassed (a second, unauthenticated registry view is not available, so
// the token endpoint's credentials are used).
func seedIndexThroughProxy(t *testing.T, p *faultproxy.Proxy, reg *testregistry.Registry) {
	t.Helper()
	p.RequireToken("", "", 0)
	seedIndex(t, reg.Ref("app:v1"), "linux/amd64")
	p.RequireToken("alice", "typed-in", 0)
}

// Credentials typed in for one registry are never handed to another: the
// keychain resolves any other host (another port of the same address, the
// bare name, Docker Hub) to the next keychain, here anonymous.
func TestSessionKeychainScopesCredentialsToTheirHost(t *testing.T) {
	kc := NewSessionKeychain(authn.NewMultiKeychain())
	kc.Set("registry.example.com:5000", "alice", "typed-in")
	kc.Set("docker.io", "bob", "hub-secret")
	for host, want := range map[string]authn.AuthConfig{
		"registry.example.com:5000": {Username: "alice", Password: "typed-in"},
		"registry.example.com:5001": {},
		"registry.example.com":      {},
		"other.example.com:5000":    {},
		"index.docker.io":           {Username: "bob", Password: "hub-secret"},
		"ghcr.io":                   {},
	} {
		reg, err := name.NewRegistry(host)
		if err != nil {
			t.Fatal(err)
		}
		a, err := kc.Resolve(reg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.Authorization()
		if err != nil {
			t.Fatal(err)
		}
		if got.Username != want.Username || got.Password != want.Password {
			t.Errorf("%s resolves to %q/%q, want %q/%q", host, got.Username, got.Password, want.Username, want.Password)
		}
		if want.Username == "" && a != authn.Anonymous {
			t.Errorf("%s resolves to %T, want anonymous", host, a)
		}
	}
}

// On the wire: after a login to registry A, a pull from registry B (which
// happens to accept the same user and password) goes out anonymous and is
// refused, and B never sees an Authorization header.
func TestSessionCredentialsNeverSentToAnotherRegistry(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	a := testregistry.Start(t, testregistry.Options{Htpasswd: map[string]string{"alice": "typed-in"}})
	var mu sync.Mutex
	var sentToB []string
	b := testregistry.Start(t, testregistry.Options{Htpasswd: map[string]string{"alice": "typed-in"},
		Wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if h := r.Header.Get("Authorization"); h != "" {
					mu.Lock()
					sentToB = append(sentToB, r.Method+" "+r.URL.Path)
					mu.Unlock()
				}
				next.ServeHTTP(w, r)
			})
		}})
	seed := authn.FromConfig(authn.AuthConfig{Username: "alice", Password: "typed-in"})
	for _, r := range []*testregistry.Registry{a, b} {
		ref, _ := name.ParseReference(r.Ref("app:v1"))
		img, err := random.Image(64, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, img, remote.WithAuth(seed)); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	sentToB = nil // the seeding itself authenticated
	mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	kc := NewSessionKeychain(authn.NewMultiKeychain())
	kc.Set(a.Host, "alice", "typed-in")
	c, err := New(Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, a.Ref("app:v1")); err != nil {
		t.Fatalf("registry A with its typed-in credentials: %v", err)
	}
	if _, err := c.Get(ctx, b.Ref("app:v1")); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("registry B with A's credentials: %v, want ErrUnauthorized", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sentToB) != 0 {
		t.Fatalf("credentials sent to registry B: %v", sentToB)
	}
}
