package registry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
)

// A 404 says what was missing as the registry said it: NAME_UNKNOWN is the
// repository, MANIFEST_UNKNOWN for a tag is the tag.
func TestUnknownSaysWhatIsMissing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/" {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		if strings.Contains(r.URL.Path, "/norepo/") {
			w.Write([]byte(`{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"norepo"}}]}`))
			return
		}
		w.Write([]byte(`{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"latest"}}]}`))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	c, err := New(Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = c.Get(ctx, host+"/library/nope:latest")
	var u *UnknownError
	if !errors.As(err, &u) || !errors.Is(err, ErrTagUnknown) || !errors.Is(err, ErrNotFound) || u.Tag != "latest" || u.Repository != host+"/library/nope" {
		t.Fatalf("missing tag: %v (%+v)", err, u)
	}
	_, err = c.Get(ctx, host+"/norepo/x:v1")
	if !errors.Is(err, ErrRepositoryUnknown) || errors.Is(err, ErrTagUnknown) {
		t.Fatalf("missing repository: %v", err)
	}
	_, err = c.Get(ctx, host+"/library/nope@sha256:"+strings.Repeat("a", 64))
	if !errors.Is(err, ErrManifestUnknown) {
		t.Fatalf("missing digest: %v", err)
	}
}

func TestNetErrorKinds(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := New(Options{Keychain: authn.NewMultiKeychain(), Timeouts: Timeouts{MaxWait: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(context.Background(), addr+"/a:b")
	var ne *NetError
	if !errors.Is(err, ErrRefused) || !errors.As(err, &ne) || ne.Host != addr {
		t.Fatalf("refused: %v", err)
	}
}

func TestCheckInput(t *testing.T) {
	for in, want := range map[string]string{
		"http://localhost:5000/app:v1": "drop http://; plain HTTP is",
		"HTTPS://ghcr.io/o/r":          "drop https://",
		"localhost:5000/App:v1":        "repository names must be lowercase (app)",
		"Docker.io/library/Alpine":     "repository names must be lowercase (library/alpine)",
	} {
		err := CheckInput(in)
		var re *ReferenceError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
	for _, ok := range []string{"Docker.io/library/alpine:Latest", "LOCALHOST:5000/app:V1", "alpine@sha256:ABC"} {
		if err := CheckInput(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
}
