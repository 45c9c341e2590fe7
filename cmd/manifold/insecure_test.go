package main

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// --insecure (docker) and --tls-verify=false (podman) reach a registry with
// a self-signed certificate, only when asked and only for the registries
// the command names; --insecure also reaches a plain-HTTP one.
func TestInsecureReachesSelfSignedRegistries(t *testing.T) {
	editEnv(t)
	// 127.0.0.2: a host neither manifold nor go-containerregistry reaches
	// over plain HTTP by default, as a registry.internal would be.
	tlsReg := testregistry.Start(t, testregistry.Options{TLS: true, Addr: "127.0.0.2:0"})
	// The test seeds it trusting anything; manifold must not.
	rt := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	set, err := fixtures.Push(context.Background(), tlsReg.Host, fixtures.Only(fixtures.OCIAttest), fixtures.WithRemote(remote.WithTransport(rt)))
	if err != nil {
		t.Fatal(err)
	}
	ref := set[fixtures.OCIAttest].Ref(tlsReg.Host)
	digest := set[fixtures.OCIAttest].Digest

	// Never by default.
	if code, _, errs := mf(t, "inspect", ref); code == 0 {
		t.Fatalf("a self-signed registry was read without --insecure:\n%s", errs)
	}
	for _, flag := range []string{"--insecure", "--tls-verify=false"} {
		out := mustMF(t, "inspect", ref, flag, "-o", "json")
		if !strings.Contains(out, digest) {
			t.Fatalf("inspect %s: %s", flag, out)
		}
	}
	// The edit path: create and push with --insecure, read back.
	list := tlsReg.Host + "/app:v1"
	mustMF(t, "create", list, ref, "--insecure")
	mustMF(t, "annotate", list, "linux/amd64", "--annotation", "k=v", "--insecure")
	out := mustMF(t, "push", list, "--insecure")
	if !strings.Contains(out, list+"@sha256:") {
		t.Fatalf("push: %s", out)
	}
	if code, _, _ := mf(t, "push", list); code == 0 {
		t.Fatal("push without --insecure reached the self-signed registry")
	}
	// A plain-HTTP registry named with --insecure is reached over HTTP.
	plain := testregistry.Start(t, testregistry.Options{})
	pset, err := fixtures.Push(context.Background(), plain.Host, fixtures.Only(fixtures.SingleOCI))
	if err != nil {
		t.Fatal(err)
	}
	if out := mustMF(t, "inspect", pset[fixtures.SingleOCI].Ref(plain.Host), "--insecure", "-o", "json"); !strings.Contains(out, pset[fixtures.SingleOCI].Digest) {
		t.Fatalf("plain HTTP with --insecure: %s", out)
	}
}
