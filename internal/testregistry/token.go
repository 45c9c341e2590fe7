package testregistry

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	// Importing it also registers the token access controller.
	"github.com/distribution/distribution/v3/registry/auth/token"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// TokenService and TokenIssuer are the service and issuer the token server
// and the registry agree on.
const (
	TokenService = "manifold-test-registry"
	TokenIssuer  = "manifold-test-token-server"
)

// TokenAuth configures a registry for Docker-spec token auth (`auth:
// token`), as Docker Hub, GHCR and Harbor run it, with a JWT-issuing token
// server that Start starts next to it. Distribution verifies each token's
// signature against the server's certificate (rootcertbundle), its issuer,
// audience, expiry and the access it grants.
type TokenAuth struct {
	// Users may pull and push (and delete) every repository, with these
	// passwords. A wrong password gets 401 from the token server.
	Users map[string]string
	// AnonymousPull grants pull on every repository to anonymous token
	// requests (Docker Hub's public images).
	AnonymousPull bool
	// Catalog names the users granted registry:catalog:*.
	Catalog []string
	// Lifetime is each token's exp and expires_in; 5 minutes when zero.
	Lifetime time.Duration
	// Delay is slept before each token request is answered (a round
	// trip); set it later with TokenServer.Delay.
	Delay time.Duration
	// Addr is where the token server listens; "127.0.0.2:0" (a loopback
	// address other than the registry's, as GitLab runs its token server
	// on another host or port) when empty, else 127.0.0.1 when that
	// address cannot be bound.
	Addr string
}

// TokenServer is a running token server.
type TokenServer struct {
	// Realm is the token endpoint, as named in the registry's challenge.
	Realm string
	// Host is the server's host:port.
	Host string
	// Delay is slept before each answer (simulated round-trip time). Set
	// it before the requests it should slow.
	Delay time.Duration

	opts TokenAuth
	key  *ecdsa.PrivateKey
	kid  string

	mu       sync.Mutex
	requests []TokenRequest
	expire   int
}

// TokenRequest is one request the token server answered.
type TokenRequest struct {
	User    string   // "" for anonymous
	Scopes  []string // as asked, sorted
	Granted []string // what the token grants, sorted
	Status  int
	Expired bool // handed out already expired (ExpireNext)
}

// Requests returns the token requests served so far.
func (s *TokenServer) Requests() []TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TokenRequest(nil), s.requests...)
}

// Reset forgets the requests served so far.
func (s *TokenServer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// ExpireNext makes the next n tokens expired when handed out (exp two
// minutes ago, past distribution's leeway), while the answer's expires_in
// still claims the usual lifetime: the client learns that they expired only
// from the registry's 401, as after a clock skew or a revocation.
func (s *TokenServer) ExpireNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire = n
}

// startTokenServer starts the token server and writes its certificate to
// dir/token.pem for the registry's rootcertbundle.
func startTokenServer(t testing.TB, opts TokenAuth, dir string) (*TokenServer, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("testregistry: token key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: TokenIssuer},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("testregistry: token certificate: %v", err)
	}
	bundle := filepath.Join(dir, "token.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatalf("testregistry: %v", err)
	}
	s := &TokenServer{opts: opts, key: key, kid: token.GetJWKThumbprint(&key.PublicKey), Delay: opts.Delay}
	if s.opts.Lifetime <= 0 {
		s.opts.Lifetime = 5 * time.Minute
	}
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.2:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil && opts.Addr == "" {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatalf("testregistry: token server: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	srv.Listener.Close()
	srv.Listener = l
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	s.Host = l.Addr().String()
	s.Realm = "http://" + s.Host + "/token"
	return s, bundle
}

func (s *TokenServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/token" || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	if s.Delay > 0 {
		select {
		case <-time.After(s.Delay):
		case <-r.Context().Done():
			return
		}
	}
	q := r.URL.Query()
	scopes := q["scope"]
	sort.Strings(scopes)
	user, pass, hasAuth := r.BasicAuth()
	rec := TokenRequest{User: user, Scopes: scopes}
	defer func() {
		s.mu.Lock()
		s.requests = append(s.requests, rec)
		s.mu.Unlock()
	}()
	if hasAuth {
		if want, ok := s.opts.Users[user]; !ok || want != pass {
			rec.Status = http.StatusUnauthorized
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"details":"incorrect username or password"}`)
			return
		}
	}
	if q.Get("service") != TokenService {
		rec.Status = http.StatusBadRequest
		http.Error(w, "unknown service", http.StatusBadRequest)
		return
	}
	var access []*token.ResourceActions
	for _, sc := range scopes {
		typ, rest, ok := strings.Cut(sc, ":")
		i := strings.LastIndexByte(rest, ':')
		if !ok || i < 0 {
			continue
		}
		nm, actions := rest[:i], strings.Split(rest[i+1:], ",")
		var granted []string
		for _, a := range actions {
			if s.allowed(hasAuth, user, typ, a) {
				granted = append(granted, a)
			}
		}
		if len(granted) > 0 {
			access = append(access, &token.ResourceActions{Type: typ, Name: nm, Actions: granted})
			rec.Granted = append(rec.Granted, typ+":"+nm+":"+strings.Join(granted, ","))
		}
	}
	now := time.Now()
	exp := now.Add(s.opts.Lifetime)
	s.mu.Lock()
	if s.expire > 0 {
		s.expire--
		exp = now.Add(-2 * time.Minute)
		rec.Expired = true
	}
	s.mu.Unlock()
	claims := token.ClaimSet{
		Issuer: TokenIssuer, Subject: user, Audience: token.AudienceList{TokenService},
		Expiration: exp.Unix(), NotBefore: now.Add(-time.Minute).Unix(), IssuedAt: now.Unix(),
		JWTID: fmt.Sprintf("%d", now.UnixNano()), Access: access,
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: s.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", s.kid))
	if err != nil {
		rec.Status = http.StatusInternalServerError
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	raw, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		rec.Status = http.StatusInternalServerError
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rec.Status = http.StatusOK
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"token": raw, "access_token": raw, "expires_in": int(s.opts.Lifetime / time.Second), "issued_at": now.UTC().Format(time.RFC3339),
	})
}

func (s *TokenServer) allowed(authed bool, user, typ, action string) bool {
	switch {
	case typ == "registry":
		if !authed {
			return false
		}
		for _, u := range s.opts.Catalog {
			if u == user {
				return true
			}
		}
		return false
	case typ != "repository":
		return false
	case authed:
		return true
	}
	return action == "pull" && s.opts.AnonymousPull
}
