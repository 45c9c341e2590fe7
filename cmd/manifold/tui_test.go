package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/registry"
)

func TestRootWithoutTerminalPointsToScripts(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"localhost:5000/app:1"}, &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "manifold inspect localhost:5000/app:1") {
		t.Fatalf("code %d, stderr %q", code, errb.String())
	}
	out.Reset()
	if code := run(nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "--theme") {
		t.Fatalf("no argument and no terminal should print the help (with --theme): code %d\n%s", code, out.String())
	}
	if code := run([]string{"a", "b"}, &out, &errb); code == 0 {
		t.Fatal("two arguments accepted")
	}
}

func TestLastRegistryIsRemembered(t *testing.T) {
	dir := t.TempDir()
	userdirs.SetConfig(t, dir)
	if got := lastRegistry(); got != "" {
		t.Fatalf("fresh config: %q", got)
	}
	rememberRegistry("registry.example.com:5000")
	if got := lastRegistry(); got != "registry.example.com:5000" {
		t.Fatalf("remembered %q", got)
	}
	// A demo registry is never remembered: it is gone after the demo.
	demoHosts["127.0.0.1:40000"] = true
	defer delete(demoHosts, "127.0.0.1:40000")
	rememberRegistry("127.0.0.1:40000")
	if got := lastRegistry(); got != "registry.example.com:5000" {
		t.Fatalf("the demo registry replaced the last one: %q", got)
	}
	// A corrupt state file is ignored, not fatal.
	p := statePath()
	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := lastRegistry(); got != "" {
		t.Fatalf("corrupt state gave %q", got)
	}
	if filepath.Base(filepath.Dir(p)) != "manifold" {
		t.Fatalf("state at %s", p)
	}
}

func TestLoginIsVerifiedAgainstTheRegistry(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "bob" || p != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	session := registry.NewSessionKeychain(nil)
	client, err := registry.New(registry.Options{Keychain: session})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := login(context.Background(), client, host, "", "bob", "wrong"); err == nil || strings.Contains(err.Error(), "wrong") ||
		!strings.Contains(err.Error(), "incorrect username or password") {
		t.Fatalf("refused credentials: err %v (must fail, say so, without the secret)", err)
	}
	if session.Has(host) {
		t.Fatal("refused credentials were kept")
	}
	c, err := login(context.Background(), client, host, "", "bob", "s3cret")
	if err != nil || c != client {
		t.Fatalf("good credentials: %v (the same client must be kept, %p vs %p)", err, c, client)
	}
	if !session.Has(host) {
		t.Fatal("accepted credentials were not kept for the session")
	}
}
