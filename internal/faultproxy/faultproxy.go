// Package faultproxy is a test-only fault injector that sits in front of a
// registry handler (testregistry.Options.Wrap, or its own httptest server)
// and, on demand, breaks the answers a client gets: resets, short bodies,
// slow headers, slowloris bodies, 5xx, 429 with Retry-After, bearer tokens
// that expire, malformed JSON, wrong Content-Type, replaced content and
// oversized bodies. Faults are switched on with Set and off with Clear, so a
// test can check that a retry works once the fault clears.
//
// Import it from _test.go files only.
package faultproxy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Kind names a fault.
type Kind int

const (
	// None passes requests through.
	None Kind = iota
	// Reset sends the headers and half the body, then resets the TCP
	// connection.
	Reset
	// Short announces the full Content-Length, sends half the body and
	// closes the connection cleanly.
	Short
	// SlowHeaders waits Delay before answering (or until the client gives
	// up).
	SlowHeaders
	// Slowloris sends the headers at once, then one body byte per Delay.
	Slowloris
	// Status answers Code with a registry-style JSON error body.
	Status
	// TooMany answers 429 with the Retry-After header RetryAfter.
	TooMany
	// Malformed answers 200 with a manifest Content-Type and a body that is
	// not JSON.
	Malformed
	// WrongType passes the real answer with Content-Type: text/html.
	WrongType
	// Replace answers 200 with Body, MediaType and Body's digest as
	// Docker-Content-Digest.
	Replace
	// Huge answers with Size bytes: announced in Content-Length, or
	// chunked when Chunked is set. LieLength, when set, is announced
	// instead while Size bytes are written.
	Huge
)

// Fault is one fault and which requests it hits.
type Fault struct {
	Kind Kind
	// Match picks the requests hit; nil means every request other than the
	// /v2/ ping and the token endpoint.
	Match func(*http.Request) bool
	// Times is how many matching requests are hit; 0 means all until Clear.
	Times int

	Delay      time.Duration // SlowHeaders, Slowloris
	Code       int           // Status
	RetryAfter string        // TooMany
	Body       []byte        // Replace; Status (the error body, when set)
	MediaType  string        // Replace, Status
	Size       int64         // Huge
	Chunked    bool          // Huge
	LieLength  int64         // Huge
}

// Manifests matches manifest requests.
func Manifests(r *http.Request) bool { return strings.Contains(r.URL.Path, "/manifests/") }

// Blobs matches blob requests.
func Blobs(r *http.Request) bool { return strings.Contains(r.URL.Path, "/blobs/") }

// Tags matches tag list requests.
func Tags(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/tags/list") }

// Catalog matches catalog requests.
func Catalog(r *http.Request) bool { return r.URL.Path == "/v2/_catalog" }

// Path matches requests whose path ends with suffix.
func Path(suffix string) func(*http.Request) bool {
	return func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, suffix) }
}

// Proxy injects faults in front of a handler.
type Proxy struct {
	mu      sync.Mutex
	fault   *Fault
	used    int
	hits    int
	seen    int
	tok     *tokenAuth
	tokens  int
	expired int
	// inflight counts requests being served; idle is closed (and replaced)
	// when it drops to zero.
	inflight int
	idle     chan struct{}
}

// New returns a Proxy that passes everything through until Set.
func New() *Proxy { return &Proxy{} }

// Set switches a fault on, replacing any other.
func (p *Proxy) Set(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault, p.used = &f, 0
}

// Clear switches the fault off.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = nil
}

// Hits returns how many requests a fault hit since New.
func (p *Proxy) Hits() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits
}

// Requests returns how many requests were seen since New.
func (p *Proxy) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen
}

// RequireToken puts bearer-token auth in front of the handler: the /v2/
// ping and every request without a valid token get a 401 challenge whose
// realm is /token on the same host. The token endpoint demands basic
// credentials user:password when user is not empty. Each token is good for
// uses requests, then it "expires" (401 invalid_token), as a short-lived
// registry token does; uses 0 means forever, and a negative uses hands out
// tokens that are already expired.
func (p *Proxy) RequireToken(user, password string, uses int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tok = &tokenAuth{user: user, password: password, uses: uses, left: map[string]int{}}
}

// TokensRefused returns how many requests were refused because their
// token had expired: proof that the expiry fault fired.
func (p *Proxy) TokensRefused() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.expired
}

// TokensIssued returns how many tokens the token endpoint handed out.
func (p *Proxy) TokensIssued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tokens
}

type tokenAuth struct {
	user, password string
	uses           int
	left           map[string]int
	n              int
}

// Start serves the proxy in front of next on a new httptest server, closed
// when the test ends, and returns its host:port.
func (p *Proxy) Start(t testing.TB, next http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(p.Wrap(next))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// RefusedAddr returns a host:port on which nothing listens: connecting is
// refused.
func RefusedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Wrap is a testregistry.Options.Wrap.
func (p *Proxy) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.begin()
		defer p.end()
		if r.URL.Path == "/token" {
			p.serveToken(w, r)
			return
		}
		if !p.authorize(w, r) {
			return
		}
		f := p.take(r)
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		serveFault(*f, next, w, r)
	})
}

func (p *Proxy) begin() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight++
}

func (p *Proxy) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if p.inflight == 0 && p.idle != nil {
		close(p.idle)
		p.idle = nil
	}
}

// Idle waits until no request is being served (a faulted request the
// client gave up on has finished on the server side too), or until
// timeout, and reports whether the proxy is idle. Tests wait on it instead
// of sleeping.
func (p *Proxy) Idle(timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		if p.inflight == 0 {
			p.mu.Unlock()
			return true
		}
		if p.idle == nil {
			p.idle = make(chan struct{})
		}
		idle := p.idle
		p.mu.Unlock()
		select {
		case <-idle:
		case <-deadline.C:
			return false
		}
	}
}

// take returns the fault for r, counting the hit, or nil.
func (p *Proxy) take(r *http.Request) *Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen++
	f := p.fault
	if f == nil {
		return nil
	}
	if f.Match == nil {
		if r.URL.Path == "/v2/" || r.URL.Path == "/v2" {
			return nil
		}
	} else if !f.Match(r) {
		return nil
	}
	if f.Times > 0 && p.used >= f.Times {
		return nil
	}
	p.used++
	p.hits++
	return f
}

func (p *Proxy) serveToken(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tok == nil {
		http.NotFound(w, r)
		return
	}
	if p.tok.user != "" {
		u, pw, ok := r.BasicAuth()
		if !ok || u != p.tok.user || pw != p.tok.password {
			writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "bad credentials")
			return
		}
	}
	p.tok.n++
	p.tokens++
	tok := fmt.Sprintf("faultproxy-token-%d", p.tok.n)
	p.tok.left[tok] = p.tok.uses
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"token": tok, "access_token": tok, "expires_in": 300})
}

// authorize checks the bearer token when RequireToken is on, answering the
// 401 itself, and strips Authorization before the registry sees it.
func (p *Proxy) authorize(w http.ResponseWriter, r *http.Request) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tok == nil {
		return true
	}
	challenge := fmt.Sprintf(`Bearer realm="http://%s/token",service="faultproxy"`, r.Host)
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	left, known := p.tok.left[tok]
	if !ok || !known {
		w.Header().Set("WWW-Authenticate", challenge)
		writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
		return false
	}
	if p.tok.uses != 0 {
		if left <= 0 {
			p.expired++
			w.Header().Set("WWW-Authenticate", challenge+`,error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "token expired")
			return false
		}
		p.tok.left[tok] = left - 1
	}
	r.Header.Del("Authorization")
	return true
}

func writeError(w http.ResponseWriter, code int, errCode, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"errors":[{"code":%q,"message":%q}]}`, errCode, msg)
}

// record runs next and returns what it answered.
func record(next http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	return rec
}

func serveFault(f Fault, next http.Handler, w http.ResponseWriter, r *http.Request) {
	switch f.Kind {
	case Reset, Short:
		rec := record(next, r)
		body := rec.Body.Bytes()
		if len(body) < 2 {
			body = bytes.Repeat([]byte("x"), 64)
		}
		hijackWrite(w, rec.Code, rec.Header(), int64(len(body)), body[:len(body)/2], f.Kind == Reset)
	case SlowHeaders:
		select {
		case <-time.After(f.Delay):
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
	case Slowloris:
		rec := record(next, r)
		copyHeader(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		fl, _ := w.(http.Flusher)
		for _, b := range rec.Body.Bytes() {
			if _, err := w.Write([]byte{b}); err != nil {
				return
			}
			if fl != nil {
				fl.Flush()
			}
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		}
	case Status:
		if f.Body != nil { // the registry's own (perhaps hostile) error body
			mt := f.MediaType
			if mt == "" {
				mt = "application/json"
			}
			w.Header().Set("Content-Type", mt)
			w.WriteHeader(f.Code)
			_, _ = w.Write(f.Body)
			break
		}
		writeError(w, f.Code, "UNKNOWN", fmt.Sprintf("injected %d", f.Code))
	case TooMany:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, http.StatusTooManyRequests, "TOOMANYREQUESTS", "slow down")
	case Malformed:
		w.Header().Set("Content-Type", "application/vnd.oci.image.index.v1+json")
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write([]byte(`{"schemaVersion":2,"manifests":[{"mediaType":`))
		}
	case WrongType:
		rec := record(next, r)
		copyHeader(w.Header(), rec.Header())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	case Replace:
		sum := sha256.Sum256(f.Body)
		w.Header().Set("Content-Type", f.MediaType)
		w.Header().Set("Docker-Content-Digest", "sha256:"+hex.EncodeToString(sum[:]))
		w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(f.Body)
		}
	case Huge:
		serveHuge(f, w, r)
	default:
		next.ServeHTTP(w, r)
	}
}

func serveHuge(f Fault, w http.ResponseWriter, r *http.Request) {
	const mt = "application/vnd.oci.image.index.v1+json"
	if f.LieLength > 0 {
		chunk := bytes.Repeat([]byte(" "), int(min(f.Size, 1<<20)))
		h := http.Header{"Content-Type": {mt}}
		hijackStream(w, h, f.LieLength, chunk, f.Size)
		return
	}
	w.Header().Set("Content-Type", mt)
	if !f.Chunked {
		w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	chunk := bytes.Repeat([]byte(" "), 32<<10)
	for left := f.Size; left > 0; {
		n := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			return
		}
		left -= n
	}
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = append([]string(nil), v...)
	}
}

// hijackWrite writes a raw HTTP/1.1 response announcing length bytes, sends
// part, then closes the connection (with a TCP reset when reset is set).
func hijackWrite(w http.ResponseWriter, code int, h http.Header, length int64, part []byte, reset bool) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", code, http.StatusText(code))
	h = h.Clone()
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	h.Set("Connection", "close")
	_ = h.Write(buf)
	buf.WriteString("\r\n")
	buf.Write(part)
	_ = buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
}

// hijackStream announces length bytes but writes total bytes of chunk
// repeated: a Content-Length that lies.
func hijackStream(w http.ResponseWriter, h http.Header, length int64, chunk []byte, total int64) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	buf.WriteString("HTTP/1.1 200 OK\r\n")
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	h.Set("Connection", "close")
	_ = h.Write(buf)
	buf.WriteString("\r\n")
	for left := total; left > 0; {
		n := min(left, int64(len(chunk)))
		if _, err := buf.Write(chunk[:n]); err != nil {
			return
		}
		left -= n
	}
	_ = buf.Flush()
}
