package registry

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
)

// TestCAFilesPerHost: a CA named for one host is trusted for that host
// only; another registry with another CA still fails verification.
func TestCAFilesPerHost(t *testing.T) {
	a := testregistry.Start(t, testregistry.Options{TLS: true})
	b := testregistry.Start(t, testregistry.Options{TLS: true})
	refOf := func(r *testregistry.Registry) string {
		rt := &http.Transport{TLSClientConfig: r.Server.Client().Transport.(*http.Transport).TLSClientConfig}
		set, err := fixtures.Push(context.Background(), r.Host, fixtures.Only(fixtures.SingleOCI), fixtures.WithRemote(remote.WithTransport(rt)))
		if err != nil {
			t.Fatal(err)
		}
		return set[fixtures.SingleOCI].Ref(r.Host)
	}
	refA, refB := refOf(a), refOf(b)
	c := readClient(t, Options{CAFiles: map[string]string{a.Host: a.CAFile}, Transport: http.DefaultTransport.(*http.Transport).Clone()})
	if _, err := c.Get(context.Background(), refA); err != nil {
		t.Fatalf("host with its CA file: %v", err)
	}
	if _, err := c.Get(context.Background(), refB); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("another host's CA trusted: %v", err)
	}
	if _, err := New(Options{CAFiles: map[string]string{a.Host: "/nonexistent.pem"}}); err == nil || !strings.Contains(err.Error(), a.Host) {
		t.Fatalf("a missing CA file: %v", err)
	}
}
