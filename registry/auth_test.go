package registry

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"

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

func TestSaveCredentialsUsesHelper(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell-script credential helper")
	}
	dir := t.TempDir()
	bin := t.TempDir()
	out := filepath.Join(t.TempDir(), "stored.json")
	// A docker credential helper that records what it is asked to store.
	script := "#!/bin/sh\ncase \"$1\" in store) cat > " + out + ";; *) exit 1;; esac\n"
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-manifoldtest"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
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
	if !kc.Has(reg.Host) {
		t.Fatal("Has after Set = false")
	}
	// A fresh client (as the UI makes after a login) with the session keychain.
	c, _ = New(Options{Keychain: kc})
	if _, err := c.Get(ctx, reg.Ref("app:v1")); err != nil {
		t.Fatalf("with typed-in credentials: %v", err)
	}
	kc.Forget(reg.Host)
	if kc.Has(reg.Host) {
		t.Fatal("Forget kept the credentials")
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
