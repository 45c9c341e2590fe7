// Package testregistry starts a real distribution/distribution v3 registry
// in-process for tests: in-memory storage, deletes enabled, quiet logs,
// optionally behind htpasswd basic auth and/or TLS, and optionally behind a
// caller's handler (to inject delays, faults or lies).
//
// It is test-only: import it from _test.go files only. Starting a registry is
// cheap (no global health checks, no listeners beyond one httptest server),
// so every test can have its own.
package testregistry

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	"github.com/sirupsen/logrus"
	"golang.org/x/crypto/bcrypt"

	// The storage driver and access controller register themselves.
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
)

// Realm is the basic-auth realm of a registry started with Htpasswd.
const Realm = "manifold-test"

// Options configure a test registry.
type Options struct {
	// Addr is the loopback address to listen on, e.g. "127.0.0.2:0" for a
	// host that clients do not treat as localhost; "" is 127.0.0.1.
	Addr string
	// Htpasswd enables basic auth with these user → password pairs.
	Htpasswd map[string]string
	// TLS serves HTTPS with a certificate from a throwaway test CA.
	TLS bool
	// Wrap, when set, is put in front of the registry handler.
	Wrap func(http.Handler) http.Handler
	// CatalogMaxEntries caps _catalog pages (distribution's default is 1000).
	CatalogMaxEntries int
	// Token, when set, runs the registry with token auth and a token
	// server (see TokenAuth); Registry.Tokens is that server.
	Token *TokenAuth
}

// Registry is a running test registry. It stops when the test ends.
type Registry struct {
	// Host is host:port, e.g. "127.0.0.1:43123"; use it in references.
	Host string
	// URL is the base URL, http:// or https://.
	URL string
	// CAFile is the path of a PEM file with the CA that signed the TLS
	// certificate ("" without TLS). Pass it as registry.Options.CAFile.
	CAFile string
	// CertPool trusts the TLS certificate (nil without TLS).
	CertPool *x509.CertPool
	// Server is the underlying httptest server.
	Server *httptest.Server
	// Tokens is the token server (nil without Options.Token).
	Tokens *TokenServer
}

var quiet sync.Once

// Start runs a registry for the duration of t.
func Start(t testing.TB, opts Options) *Registry {
	t.Helper()
	quiet.Do(func() {
		logrus.SetOutput(io.Discard)
		logrus.SetLevel(logrus.PanicLevel)
	})
	dir := t.TempDir()

	cfg := &configuration.Configuration{}
	cfg.Storage = configuration.Storage{
		"inmemory":    configuration.Parameters{},
		"delete":      configuration.Parameters{"enabled": true},
		"maintenance": configuration.Parameters{"uploadpurging": map[any]any{"enabled": false}},
	}
	cfg.HTTP.Secret = "manifold-test-secret"
	cfg.Log.AccessLog.Disabled = true
	cfg.Log.Level = "panic"
	cfg.Catalog.MaxEntries = 1000
	if opts.CatalogMaxEntries > 0 {
		cfg.Catalog.MaxEntries = opts.CatalogMaxEntries
	}
	if len(opts.Htpasswd) > 0 {
		path := filepath.Join(dir, "htpasswd")
		if err := writeHtpasswd(path, opts.Htpasswd); err != nil {
			t.Fatalf("testregistry: %v", err)
		}
		cfg.Auth = configuration.Auth{"htpasswd": configuration.Parameters{"realm": Realm, "path": path}}
	}

	var tokens *TokenServer
	if opts.Token != nil {
		var bundle string
		tokens, bundle = startTokenServer(t, *opts.Token, dir)
		cfg.Auth = configuration.Auth{"token": configuration.Parameters{
			"realm": tokens.Realm, "service": TokenService, "issuer": TokenIssuer, "rootcertbundle": bundle,
		}}
	}

	ctx, cancel := context.WithCancel(context.Background())
	app := handlers.NewApp(ctx, cfg)
	var h http.Handler = app
	if opts.Wrap != nil {
		h = opts.Wrap(h)
	}

	srv := httptest.NewUnstartedServer(h)
	if opts.Addr != "" {
		ln, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			t.Skipf("testregistry: listen on %s: %v", opts.Addr, err)
		}
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS handshake failures are expected in tests
	if opts.TLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() {
		srv.Close()
		_ = app.Shutdown()
		cancel()
	})

	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatalf("testregistry: %v", err)
	}
	r := &Registry{Host: u.Host, URL: srv.URL, Server: srv, Tokens: tokens}
	if opts.TLS {
		cert := srv.Certificate()
		r.CertPool = x509.NewCertPool()
		r.CertPool.AddCert(cert)
		r.CAFile = filepath.Join(dir, "ca.pem")
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
		if err := os.WriteFile(r.CAFile, pemBytes, 0o600); err != nil {
			t.Fatalf("testregistry: %v", err)
		}
	}
	return r
}

// DockerConfig writes a docker config.json holding basic credentials for
// this registry into a new temp dir and returns the dir, ready for
// t.Setenv("DOCKER_CONFIG", dir).
func (r *Registry) DockerConfig(t testing.TB, user, password string) string {
	t.Helper()
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	cfg := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, r.Host, auth)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatalf("testregistry: %v", err)
	}
	return dir
}

// Ref returns Host + "/" + repoAndTag.
func (r *Registry) Ref(repoAndTag string) string { return r.Host + "/" + repoAndTag }

func writeHtpasswd(path string, users map[string]string) error {
	names := make([]string, 0, len(users))
	for u := range users {
		names = append(names, u)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, u := range names {
		h, err := bcrypt.GenerateFromPassword([]byte(users[u]), bcrypt.MinCost)
		if err != nil {
			return fmt.Errorf("hash password of %s: %w", u, err)
		}
		fmt.Fprintf(&b, "%s:%s\n", u, h)
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
