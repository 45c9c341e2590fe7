package registry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
)

// TestReadOnlyRefusesEveryWrite: with ReadOnly, push, retag (same and
// another repository), delete and the copy path's writer (mount, upload,
// manifest PUT) each fail with ErrReadOnly, and no write reaches the
// registry; reads still work.
func TestReadOnlyRefusesEveryWrite(t *testing.T) {
	var writes atomic.Int64
	host := startPushRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				writes.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	})
	rw := newTestClient(t, nil)
	l, _ := fixture(t, host, rw)
	if _, err := rw.Push(context.Background(), l, PushOptions{}); err != nil {
		t.Fatal(err)
	}
	before := writes.Load()
	ro, err := New(Options{Keychain: authn.NewMultiKeychain(), Transport: http.DefaultTransport, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !ro.ReadOnly() || rw.ReadOnly() {
		t.Fatal("ReadOnly() does not say so")
	}
	ctx := context.Background()
	if _, err := ro.Tree(ctx, host+"/app:v1", TreeOptions{All: true}); err != nil {
		t.Fatalf("a read-only client cannot read: %v", err)
	}
	l2 := *l
	l2.Target = host + "/other:v1"
	w, werr := ro.Writer(ctx, host+"/copy")
	checks := map[string]error{
		"push":              func() error { _, err := ro.Push(ctx, &l2, PushOptions{}); return err }(),
		"retag":             func() error { _, err := ro.Retag(ctx, host+"/app:v1", host+"/app:stable"); return err }(),
		"retag across repo": func() error { _, err := ro.Retag(ctx, host+"/app:v1", host+"/mirror:v1"); return err }(),
		"delete":            func() error { _, err := ro.Delete(ctx, host+"/app:v1"); return err }(),
	}
	if werr != nil {
		checks["copy writer"] = werr
	} else {
		_, _, err := w.Mount(ctx, l.Entries[0].Digest, host+"/src-a")
		checks["copy mount"] = err
		checks["copy upload"] = w.Upload(ctx, l.Entries[0].Digest, 3, strings.NewReader("abc"), "")
		checks["copy manifest"] = w.PutManifest(ctx, "v1", "application/vnd.oci.image.index.v1+json", []byte("{}"))
	}
	for what, err := range checks {
		var ro *ReadOnlyError
		if !errors.Is(err, ErrReadOnly) || !errors.As(err, &ro) {
			t.Errorf("%s: %v, want ErrReadOnly", what, err)
		} else if !strings.Contains(err.Error(), "readonly") {
			t.Errorf("%s: message %q does not say readonly", what, err)
		}
	}
	if n := writes.Load() - before; n != 0 {
		t.Fatalf("%d writes reached the registry", n)
	}
}

func TestIsRegistryWrite(t *testing.T) {
	for _, c := range []struct {
		method, path string
		write        bool
	}{
		{"GET", "/v2/app/manifests/v1", false},
		{"HEAD", "/v2/app/blobs/sha256:1", false},
		{"POST", "/token", false}, // a refresh-token exchange
		{"POST", "/v2/auth", false},
		{"POST", "/v2/app/blobs/uploads/", true},
		{"PATCH", "/v2/app/blobs/uploads/uuid", true},
		{"PUT", "/v2/app/manifests/v1", true},
		{"DELETE", "/v2/app/manifests/sha256:1", true},
	} {
		req, _ := http.NewRequest(c.method, "http://h"+c.path, nil)
		if got := isRegistryWrite(req); got != c.write {
			t.Errorf("%s %s: write %v", c.method, c.path, got)
		}
	}
}
