package testregistry

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

func TestStartPushPull(t *testing.T) {
	var c Counter
	r := Start(t, Options{Wrap: c.Wrap})
	ref, err := name.ParseReference(r.Ref("a/b:t"))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, empty.Image, remote.WithContext(context.Background())); err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Head(ref); err != nil {
		t.Fatal(err)
	}
	if c.Count("PUT manifest") != 1 || c.Count("HEAD manifest") < 1 {
		t.Errorf("counts: %v", c.Log())
	}
	missing, _ := name.ParseReference(r.Ref("a/b:nope"))
	_, err = remote.Head(missing)
	var te *transport.Error
	if !asTransport(err, &te) || te.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD of a missing tag: %v, want 404", err)
	}
}

func TestHtpasswd(t *testing.T) {
	r := Start(t, Options{Htpasswd: map[string]string{"alice": "s3cret"}})
	ref, _ := name.ParseReference(r.Ref("a/b:t"))
	err := remote.Write(ref, empty.Image)
	var te *transport.Error
	if !asTransport(err, &te) || te.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous push: %v, want 401", err)
	}
	auth := remote.WithAuth(&authn.Basic{Username: "alice", Password: "s3cret"})
	if err := remote.Write(ref, empty.Image, auth); err != nil {
		t.Fatalf("push with credentials: %v", err)
	}
	bad := remote.WithAuth(&authn.Basic{Username: "alice", Password: "wrong"})
	if _, err := remote.Head(ref, bad); err == nil {
		t.Fatal("HEAD with a wrong password succeeded")
	}
}

func TestTLS(t *testing.T) {
	r := Start(t, Options{TLS: true})
	if r.CAFile == "" || r.CertPool == nil {
		t.Fatal("no CA exposed")
	}
	ref, _ := name.ParseReference(r.Ref("a/b:t"))
	trusted := remote.WithTransport(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: r.CertPool}})
	if err := remote.Write(ref, empty.Image, trusted); err != nil {
		t.Fatalf("push trusting the CA: %v", err)
	}
	if _, err := remote.Head(ref); err == nil {
		t.Fatal("HEAD without the CA succeeded")
	}
}

func asTransport(err error, te **transport.Error) bool {
	return errors.As(err, te)
}
