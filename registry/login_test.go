package registry

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/internal/testregistry"
)

// Login is checked through the client's own transport: the user's CA file
// applies, and refused credentials are reported without the secret.
func TestVerifyLoginUsesTheClientTransport(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	r := testregistry.Start(t, testregistry.Options{TLS: true, Htpasswd: map[string]string{"alice": "wonder"}})
	ctx := context.Background()

	c, err := New(Options{CAFile: r.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.VerifyLogin(ctx, r.Host, "", "alice", "wonder"); err != nil {
		t.Fatalf("good credentials over TLS with --ca-file: %v", err)
	}
	err = c.VerifyLogin(ctx, r.Host, "", "alice", "hunter2")
	if !errors.Is(err, ErrBadCredentials) || !strings.Contains(err.Error(), r.Host+": incorrect username or password") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("wrong password: %v", err)
	}

	bare, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := bare.VerifyLogin(ctx, r.Host, "", "alice", "wonder"); err == nil {
		t.Fatal("login to a registry with an untrusted certificate succeeded without --ca-file")
	}
}
