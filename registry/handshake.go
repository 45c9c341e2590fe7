package registry

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

// The handshake is the one place manifold authenticates to registries. It
// is an http.RoundTripper that every request goes through — manifests,
// blobs, listings, referrers and go-containerregistry's pushes alike — and
// it keeps, per host, what it learned: the challenge (none, Basic, or
// Bearer with its realm and service) and the tokens it holds with their
// scopes and expiry.
//
// There is no separate ping. A request to a host whose challenge is unknown
// goes out anonymously; a registry that needs no login answers it (one round
// trip), and one that does answers 401 with the challenge and the scope the
// request needs, so the handshake fetches a token and sends the request
// again. What was learned is kept on disk (realm and service, never a token
// or a credential), so the next process goes straight to the token server.
//
// Each request asks for the scope it needs (pull for reads, pull,push for
// writes, pull on the source repository of a cross-repository mount in the
// same token, registry:catalog:* for the catalog); a token whose scopes
// cover a request is reused, and one request for a token is in flight per
// scope set at a time (single-flight), however many requests wait for it.
// A token is renewed before its expires_in runs out, and a 401 on a token
// drops it and fetches another once; request bodies are rewound (GetBody)
// for the retry.

// EnvTokenRealms names token-server hosts, comma-separated, that manifold
// may ask for tokens although they are on a private address.
const EnvTokenRealms = "MANIFOLD_TOKEN_REALMS"

// tokenBodyLimit caps a token server's answer.
const tokenBodyLimit = 1 << 20

// ErrBadCredentials matches a *CredentialsError.
var ErrBadCredentials = errors.New("incorrect username or password")

// CredentialsError says a registry (or its token server) refused the user
// name and password it was given.
type CredentialsError struct {
	Registry string
	User     string
}

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("%s: incorrect username or password (user %q); check them, or log in again", e.Registry, e.User)
}

// Is matches ErrBadCredentials and ErrUnauthorized.
func (e *CredentialsError) Is(target error) bool {
	return target == ErrBadCredentials || target == ErrUnauthorized
}

// CatalogDeniedError says that the registry lists its repositories, but not
// to this account (a token without registry:catalog:*, as GitLab, Harbor
// and Docker-spec token servers grant to most users). It matches
// ErrNoCatalog: repositories can still be opened by name.
type CatalogDeniedError struct {
	Registry string
	Err      error // the registry's answer
}

func (e *CatalogDeniedError) Error() string {
	return e.Registry + ": this account may not list repositories (the registry refused the catalog scope); open a repository by name instead"
}

// Is matches ErrNoCatalog.
func (e *CatalogDeniedError) Is(target error) bool { return target == ErrNoCatalog }

func (e *CatalogDeniedError) Unwrap() error { return e.Err }

// RealmError refuses a token server that the handshake's policy does not
// allow (see checkRealm).
type RealmError struct {
	Registry string
	Realm    string
	Reason   string
}

func (e *RealmError) Error() string {
	host := e.Realm
	if u, err := url.Parse(e.Realm); err == nil && u.Host != "" {
		host = u.Host
	}
	return fmt.Sprintf("%s sends manifold to the token server %s, which %s; if you trust it, allow it with --allow-token-realm %s (or %s=%s)",
		e.Registry, e.Realm, e.Reason, host, EnvTokenRealms, host)
}

// challenge is what a host asks of a client: Scheme "none" (it answered
// without credentials), "basic" or "bearer" with the token realm and
// service.
type challenge struct {
	Scheme  string `json:"scheme"`
	Realm   string `json:"realm,omitempty"`
	Service string `json:"service,omitempty"`
	// Told is the realm host the user was told receives this registry's
	// credentials (see noticeRealm).
	Told string `json:"told,omitempty"`
	// Proto is "https" for a host named insecure that turned out to serve
	// TLS, "http" when it answered plain HTTP; "" before the first answer.
	Proto string `json:"proto,omitempty"`
}

// hostAuth is what the handshake knows about one registry host.
type hostAuth struct {
	host string

	mu     sync.Mutex
	known  bool
	hinted bool // ch came from the disk, not from this process's answers
	ch     challenge
	auth   authn.Authenticator // resolved once per host
	tokens []*token
}

// token is a bearer token for a set of scopes, or one being fetched.
type token struct {
	scopes  scopeSet
	ready   chan struct{}
	value   string
	expires time.Time
	err     error
}

// handshake is the authenticating transport (see the comment above).
type handshake struct {
	next     http.RoundTripper // guarded: plain HTTP only where allowed
	realmRT  http.RoundTripper // for token servers: the realm policy decides
	keychain authn.Keychain
	ua       string
	cache    *diskCache
	scheme   func(host string) string
	allowed  map[string]bool // token-realm hosts the user allowed
	notice   func(string)
	now      func() time.Time

	mu    sync.Mutex
	hosts map[string]*hostAuth

	tokenRequests atomic.Int64
}

// TokenRequests returns how many token requests the client has made.
func (c *Client) TokenRequests() int64 { return c.hs.tokenRequests.Load() }

func (h *handshake) hostState(host string) *hostAuth {
	h.mu.Lock()
	defer h.mu.Unlock()
	ha, ok := h.hosts[host]
	if !ok {
		ha = &hostAuth{host: host}
		if ch, ok := h.cache.hostChallenge(host); ok {
			ha.known, ha.hinted, ha.ch = true, true, ch
		}
		h.hosts[host] = ha
	}
	return ha
}

// forget drops what is known of host's credentials and tokens (a login
// changed them).
func (h *handshake) forget(host string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ha, ok := h.hosts[host]; ok {
		ha.mu.Lock()
		ha.auth, ha.tokens = nil, nil
		ha.mu.Unlock()
	}
}

func (h *handshake) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, "/v2/") {
		// Not the registry API (a blob redirected to storage): no
		// credentials.
		return h.next.RoundTrip(req)
	}
	ctx := req.Context()
	ha := h.hostState(req.URL.Host)
	need := scopesFor(req)
	// A host reached over plain HTTP (loopback, or named insecure) may
	// serve TLS after all: a 400 saying so switches it to HTTPS.
	insecure := h.scheme(ha.host) == "http"
	refreshes := 0 // refused tokens replaced
	for attempt := 0; ; attempt++ {
		r := req.Clone(ctx)
		proto := ha.proto()
		if insecure && proto == "https" {
			r.URL.Scheme = "https"
		}
		if attempt > 0 && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("rewind the body of %s %s: %w", req.Method, req.URL.Path, err)
			}
			r.Body = body
		}
		r.Header.Set("User-Agent", h.ua)
		sent, err := h.authorize(ctx, ha, r, need)
		if err != nil {
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, err
		}
		resp, err := h.next.RoundTrip(r)
		if err != nil {
			if hint := networkHint(err, ha.host) + plainHTTPHint(err, ha.host, insecure); hint != "" {
				return nil, fmt.Errorf("connect to %s: %w%s", ha.host, err, hint)
			}
			return nil, err
		}
		if insecure && proto == "" && r.URL.Scheme == "http" {
			if resp.StatusCode == http.StatusBadRequest && servesTLS(resp) {
				h.learnProto(ha, "https")
				attempt-- // not an auth attempt
				continue
			}
			h.learnProto(ha, "http")
		}
		if resp.StatusCode != http.StatusUnauthorized {
			if sent == nil && !ha.isKnown() && resp.StatusCode < 500 {
				h.learn(ha, challenge{Scheme: "none"})
			}
			return resp, nil
		}
		ch, scope, ok := parseChallenge(resp.Header.Values("WWW-Authenticate"))
		if !ok {
			return resp, nil
		}
		h.learn(ha, ch)
		need = need.union(scope)
		canRetry := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
		switch {
		case sent == nil && ch.Scheme == "basic" && !h.hasCredentials(ctx, ha):
			return resp, nil // a login is needed: the caller asks for one
		case sent != nil && sent.basic:
			discard(resp)
			return nil, &CredentialsError{Registry: ha.host, User: sent.user}
		case sent != nil && sent.tok != nil:
			// Refused: expired, revoked or short of scope. It is replaced
			// (single-flight), a bounded number of times; a token fetched
			// for this very request and refused is replaced only once, so
			// a token server whose tokens never work costs two.
			ha.drop(sent.tok)
			if !canRetry || refreshes >= 3 || sent.fresh && refreshes >= 1 {
				return resp, nil
			}
			refreshes++
		case !canRetry || attempt > 0:
			return resp, nil
		}
		discard(resp)
	}
}

// sentAuth is what a request carried.
type sentAuth struct {
	tok   *token // a bearer token
	fresh bool   // tok was fetched for this request
	basic bool   // basic credentials
	user  string
}

// authorize sets the Authorization header of r for host ha and returns what
// it sent (nil: nothing).
func (h *handshake) authorize(ctx context.Context, ha *hostAuth, r *http.Request, need scopeSet) (*sentAuth, error) {
	ha.mu.Lock()
	known, ch := ha.known, ha.ch
	ha.mu.Unlock()
	if !known || ch.Scheme == "none" {
		return nil, nil
	}
	auth, err := h.authenticator(ctx, ha)
	if err != nil {
		return nil, err
	}
	if ch.Scheme == "basic" {
		ac, err := authn.Authorization(ctx, auth)
		if err != nil {
			return nil, fmt.Errorf("credentials for %s: %w", ha.host, err)
		}
		switch {
		case ac.RegistryToken != "":
			r.Header.Set("Authorization", "Bearer "+ac.RegistryToken)
		case ac.Username != "" && ac.Password != "":
			r.SetBasicAuth(ac.Username, ac.Password)
		case ac.Auth != "":
			r.Header.Set("Authorization", "Basic "+ac.Auth)
		default:
			return nil, nil
		}
		return &sentAuth{basic: ac.RegistryToken == "", user: ac.Username}, nil
	}
	if len(need) == 0 && auth == authn.Anonymous {
		return nil, nil // the /v2/ ping: asked anonymously
	}
	tok, fresh, err := h.tokenFor(ctx, ha, ch, auth, need)
	if err != nil {
		if ha.dropHint() && ctx.Err() == nil {
			// A remembered realm that fails (moved, gone): ask the
			// registry again, anonymously, for its challenge.
			return nil, nil
		}
		return nil, err
	}
	r.Header.Set("Authorization", "Bearer "+tok.value)
	return &sentAuth{tok: tok, fresh: fresh}, nil
}

func (h *handshake) hasCredentials(ctx context.Context, ha *hostAuth) bool {
	auth, err := h.authenticator(ctx, ha)
	return err == nil && auth != authn.Anonymous
}

func (h *handshake) authenticator(ctx context.Context, ha *hostAuth) (authn.Authenticator, error) {
	ha.mu.Lock()
	auth := ha.auth
	ha.mu.Unlock()
	if auth != nil {
		return auth, nil
	}
	reg, err := name.NewRegistry(ha.host)
	if err != nil {
		return nil, fmt.Errorf("invalid registry %q: %w", ha.host, err)
	}
	auth, err = authn.Resolve(ctx, h.keychain, reg)
	if err != nil {
		return nil, fmt.Errorf("credentials for %s: %w", ha.host, err)
	}
	ha.mu.Lock()
	ha.auth = auth
	ha.mu.Unlock()
	return auth, nil
}

func (ha *hostAuth) proto() string {
	ha.mu.Lock()
	defer ha.mu.Unlock()
	return ha.ch.Proto
}

func (h *handshake) learnProto(ha *hostAuth, proto string) {
	ha.mu.Lock()
	ha.ch.Proto = proto
	ch, known := ha.ch, ha.known
	ha.mu.Unlock()
	if known {
		h.cache.markHostChallenge(ha.host, ch)
	}
}

// servesTLS reports whether a 400 says that plain HTTP reached a TLS port
// (Go: "Client sent an HTTP request to an HTTPS server"; nginx: "The plain
// HTTP request was sent to HTTPS port"). The body is consumed.
func servesTLS(resp *http.Response) bool {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return bytes.Contains(b, []byte("HTTPS"))
}

// plainHTTPHint says what to do when a host reached over TLS speaks plain
// HTTP.
func plainHTTPHint(err error, host string, insecure bool) string {
	if insecure {
		return ""
	}
	if m := err.Error(); strings.Contains(m, "server gave HTTP response to HTTPS client") || strings.Contains(m, "first record does not look like a TLS handshake") {
		return " (it serves plain HTTP: to allow that, name it with --insecure-registry " + host + " or " + EnvInsecure + ")"
	}
	return ""
}

// dropHint forgets a challenge remembered from the disk, reporting whether
// there was one.
func (ha *hostAuth) dropHint() bool {
	ha.mu.Lock()
	defer ha.mu.Unlock()
	if !ha.hinted {
		return false
	}
	ha.known, ha.hinted, ha.tokens = false, false, nil
	return true
}

func (ha *hostAuth) isKnown() bool {
	ha.mu.Lock()
	defer ha.mu.Unlock()
	return ha.known
}

// learn records host's challenge, in memory and on disk.
func (h *handshake) learn(ha *hostAuth, ch challenge) {
	ha.mu.Lock()
	if ha.known && ha.ch.Scheme == ch.Scheme && ha.ch.Realm == ch.Realm && ha.ch.Service == ch.Service {
		ha.mu.Unlock()
		return
	}
	if ha.ch.Realm != ch.Realm {
		ha.tokens = nil
	} else {
		ch.Told = ha.ch.Told
	}
	ch.Proto = ha.ch.Proto
	ha.known, ha.hinted, ha.ch = true, false, ch
	ha.mu.Unlock()
	h.cache.markHostChallenge(ha.host, ch)
}

// drop forgets a token that was refused.
func (ha *hostAuth) drop(t *token) {
	ha.mu.Lock()
	defer ha.mu.Unlock()
	for i, o := range ha.tokens {
		if o == t {
			ha.tokens = append(ha.tokens[:i:i], ha.tokens[i+1:]...)
			return
		}
	}
}

// tokenFor returns a token covering need: one held and not about to
// expire, one being fetched, or a new one (fetched once however many
// requests ask at the same time).
func (h *handshake) tokenFor(ctx context.Context, ha *hostAuth, ch challenge, auth authn.Authenticator, need scopeSet) (_ *token, fresh bool, _ error) {
	for {
		ha.mu.Lock()
		var t *token
		now := h.now()
		kept := ha.tokens[:0]
		for _, o := range ha.tokens {
			select {
			case <-o.ready:
				if o.err != nil || !now.Before(o.expires) {
					continue // failed or expired: dropped
				}
			default:
			}
			kept = append(kept, o)
			if t == nil && o.scopes.covers(need) {
				t = o
			}
		}
		ha.tokens = kept
		if t == nil {
			t = &token{scopes: need, ready: make(chan struct{})}
			ha.tokens = append(ha.tokens, t)
			ha.mu.Unlock()
			t.value, t.expires, t.err = h.fetchToken(ctx, ha, ch, auth, need)
			close(t.ready)
			if t.err != nil {
				ha.drop(t)
				return nil, false, t.err
			}
			return t, true, nil
		}
		ha.mu.Unlock()
		select {
		case <-t.ready:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		if t.err == nil {
			return t, false, nil
		}
		if errors.Is(t.err, context.Canceled) || errors.Is(t.err, context.DeadlineExceeded) {
			continue // the fetcher gave up; this request may still want one
		}
		return nil, false, t.err
	}
}

// fetchToken asks the token server for a token covering scopes, per the
// Docker token spec: GET with basic credentials (or none), or an OAuth2
// refresh-token POST when the credentials are an identity token.
func (h *handshake) fetchToken(ctx context.Context, ha *hostAuth, ch challenge, auth authn.Authenticator, scopes scopeSet) (string, time.Time, error) {
	ac, err := authn.Authorization(ctx, auth)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("credentials for %s: %w", ha.host, err)
	}
	if ac.RegistryToken != "" {
		return ac.RegistryToken, h.now().Add(24 * time.Hour), nil
	}
	realm, err := url.Parse(ch.Realm)
	if err != nil || realm.Host == "" {
		return "", time.Time{}, fmt.Errorf("%s: invalid token realm %q in its WWW-Authenticate challenge", ha.host, ch.Realm)
	}
	if err := checkRealm(ha.host, h.scheme(ha.host), realm, h.allowed); err != nil {
		return "", time.Time{}, err
	}
	user, pass := ac.Username, ac.Password
	if user == "" && ac.Auth != "" {
		if b, err := base64.StdEncoding.DecodeString(ac.Auth); err == nil {
			user, pass, _ = strings.Cut(string(b), ":")
		}
	}
	withCreds := ac.IdentityToken != "" || user != ""
	if withCreds {
		h.noticeRealm(ha, realm)
	}
	var req *http.Request
	if ac.IdentityToken != "" {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ac.IdentityToken},
			"service": {ch.Service}, "client_id": {"manifold"}, "scope": {strings.Join(scopes.list(), " ")}}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, realm.String(), strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		q := realm.Query()
		if ch.Service != "" {
			q.Set("service", ch.Service)
		}
		for _, s := range scopes.list() {
			q.Add("scope", s)
		}
		u := *realm
		u.RawQuery = q.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err == nil && user != "" {
			req.SetBasicAuth(user, pass)
		}
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("token request for %s: %w", ha.host, err)
	}
	req.Header.Set("User-Agent", h.ua)
	h.tokenRequests.Add(1)
	start := h.now()
	resp, err := h.realmRT.RoundTrip(req)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("token for %s from %s: %w", ha.host, realm.Host, redactErr(err, pass))
	}
	defer resp.Body.Close()
	switch {
	case (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) && withCreds:
		return "", time.Time{}, &CredentialsError{Registry: ha.host, User: user}
	case resp.StatusCode != http.StatusOK:
		return "", time.Time{}, statusError("token for "+ha.host+" from "+realm.Host, resp)
	}
	raw, err := readLimited(resp.Body, tokenBodyLimit, "token response from "+realm.Host)
	if err != nil {
		return "", time.Time{}, err
	}
	var tr struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(raw, &tr); err != nil {
		return "", time.Time{}, fmt.Errorf("token for %s from %s: the answer is not JSON: %w", ha.host, realm.Host, err)
	}
	tok := tr.Token
	if tok == "" {
		tok = tr.AccessToken
	}
	if tok == "" {
		return "", time.Time{}, fmt.Errorf("token for %s from %s: the answer holds no token", ha.host, realm.Host)
	}
	// The spec's default lifetime is 60 s. Renew a little early, so that a
	// request does not leave with a token about to run out.
	life := time.Duration(tr.ExpiresIn) * time.Second
	if tr.ExpiresIn <= 0 {
		life = 60 * time.Second
	}
	life = min(life, 24*time.Hour)
	return tok, start.Add(life - min(life/10, 10*time.Second)), nil
}

// noticeRealm tells the user, the first time, that a registry's
// credentials go to a token server on another host (SECURITY.md).
func (h *handshake) noticeRealm(ha *hostAuth, realm *url.URL) {
	if hostname(realm.Host) == hostname(ha.host) {
		return
	}
	ha.mu.Lock()
	told := ha.ch.Told == realm.Host
	if !told {
		ha.ch.Told = realm.Host
	}
	ch := ha.ch
	ha.mu.Unlock()
	if told {
		return
	}
	h.cache.markHostChallenge(ha.host, ch)
	if h.notice != nil {
		h.notice(fmt.Sprintf("sending your credentials for %s to its token server %s, as the registry asks (said once)", ha.host, realm.Host))
	}
}

// checkRealm is the token-server policy. A realm on the registry's own host
// (any port) is allowed, and so is any public host. A realm on a private,
// loopback or link-local address could turn a registry into a way into the
// user's network (or the cloud metadata service), so it is allowed only
// when the registry itself is on a private or loopback address, or when the
// user allowed that host (--allow-token-realm, MANIFOLD_TOKEN_REALMS).
// Plain HTTP to a realm only when the registry itself is reached over HTTP.
func checkRealm(registryHost, registryScheme string, realm *url.URL, allowed map[string]bool) error {
	refuse := func(reason string) error {
		return &RealmError{Registry: registryHost, Realm: realm.Scheme + "://" + realm.Host + realm.Path, Reason: reason}
	}
	if allowed[realm.Host] || allowed[hostname(realm.Host)] {
		return nil
	}
	switch realm.Scheme {
	case "https":
	case "http":
		if registryScheme != "http" {
			return refuse("is plain HTTP while the registry is reached over TLS")
		}
	default:
		return refuse("is not an http(s) URL")
	}
	if hostname(realm.Host) == hostname(registryHost) {
		return nil
	}
	rc := addressClass(hostname(realm.Host))
	switch {
	case rc == public:
		return nil
	case rc == linkLocal:
		return refuse("is on a link-local address (where cloud metadata services live)")
	case addressClass(hostname(registryHost)) == public:
		return refuse("is on a private address while the registry is public")
	}
	return nil
}

type addrClass int

const (
	public addrClass = iota
	private
	linkLocal
)

// addressClass classifies a host name: localhost names and loopback,
// private and unspecified IPs are private; link-local IPs are link-local.
func addressClass(host string) addrClass {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return private
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return public
	}
	ip = ip.Unmap()
	switch {
	case ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast():
		return linkLocal
	case ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified():
		return private
	}
	return public
}

// hostname is host without its port.
func hostname(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.Trim(host, "[]")
}

// parseChallenge reads the WWW-Authenticate headers of a 401: the scheme,
// realm and service, and the scope the request needed (distribution and
// most registries name it).
func parseChallenge(values []string) (challenge, scopeSet, bool) {
	for _, v := range values {
		scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
		scheme = strings.ToLower(scheme)
		if scheme != "bearer" && scheme != "basic" {
			continue
		}
		params := parseParams(rest)
		ch := challenge{Scheme: scheme}
		if scheme == "bearer" {
			ch.Realm, ch.Service = params["realm"], params["service"]
			if ch.Realm == "" {
				continue
			}
		}
		var scope scopeSet
		if s := params["scope"]; s != "" {
			scope = parseScopes(strings.Fields(s)...)
		}
		return ch, scope, true
	}
	return challenge{}, nil, false
}

// parseParams reads auth-params: key=value or key="quoted value", comma
// separated.
func parseParams(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		s = strings.TrimLeft(s, " ,")
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		k = strings.ToLower(strings.TrimSpace(k))
		var v string
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(rest); i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
					b.WriteByte(rest[i])
					continue
				}
				if rest[i] == '"' {
					break
				}
				b.WriteByte(rest[i])
			}
			v, s = b.String(), rest[min(i+1, len(rest)):]
		} else {
			v, s, _ = strings.Cut(rest, ",")
			v = strings.TrimSpace(v)
		}
		out[k] = v
	}
	return out
}

// scopeSet maps a resource ("repository:app", "registry:catalog") to the
// actions asked for on it.
type scopeSet map[string]map[string]bool

// parseScopes reads scopes such as "repository:app:pull,push".
func parseScopes(scopes ...string) scopeSet {
	out := scopeSet{}
	for _, s := range scopes {
		i := strings.LastIndexByte(s, ':')
		if i <= 0 {
			continue
		}
		res := s[:i]
		if out[res] == nil {
			out[res] = map[string]bool{}
		}
		for _, a := range strings.Split(s[i+1:], ",") {
			if a != "" {
				out[res][a] = true
			}
		}
	}
	return out
}

func (s scopeSet) union(o scopeSet) scopeSet {
	if len(o) == 0 {
		return s
	}
	out := scopeSet{}
	for _, set := range []scopeSet{s, o} {
		for res, acts := range set {
			if out[res] == nil {
				out[res] = map[string]bool{}
			}
			for a := range acts {
				out[res][a] = true
			}
		}
	}
	return out
}

// covers reports whether a token asked for s serves a request needing n.
func (s scopeSet) covers(n scopeSet) bool {
	for res, acts := range n {
		have := s[res]
		for a := range acts {
			if !have[a] && !have["*"] {
				return false
			}
		}
	}
	return true
}

// list renders the scopes sorted, e.g. ["repository:app:pull,push"].
func (s scopeSet) list() []string {
	out := make([]string, 0, len(s))
	for res, acts := range s {
		a := make([]string, 0, len(acts))
		for k := range acts {
			a = append(a, k)
		}
		sort.Strings(a)
		out = append(out, res+":"+strings.Join(a, ","))
	}
	sort.Strings(out)
	return out
}

// apiMarkers end the repository name in a registry API path.
var apiMarkers = []string{"/manifests/", "/blobs/uploads", "/blobs/", "/tags/list", "/referrers/"}

// repoEnd is where the repository name ends in a registry API path, or -1.
// A name may hold "manifests" as a component, so the last marker wins
// whose remainder is a plain reference (no slash), an upload or the tag
// list.
func repoEnd(p string) int {
	for _, m := range apiMarkers {
		i := strings.LastIndex(p, m)
		if i <= len("/v2") {
			continue
		}
		rest := p[i+len(m):]
		switch m {
		case "/blobs/uploads":
			return i
		case "/tags/list":
			if rest == "" {
				return i
			}
		default:
			if rest != "" && !strings.Contains(rest, "/") {
				return i
			}
		}
	}
	return -1
}

// scopesFor is the scope a request needs: pull for reads, pull,push for
// writes, delete for deletes, pull on the source of a cross-repository
// mount, registry:catalog:* for the catalog; nothing for the /v2/ ping.
func scopesFor(req *http.Request) scopeSet {
	p := req.URL.Path
	if p == "/v2/_catalog" {
		return parseScopes("registry:catalog:*")
	}
	end := repoEnd(p)
	if end < 0 {
		return nil
	}
	repo := p[len("/v2/"):end]
	actions := "pull"
	switch req.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodDelete:
		actions = "delete"
	default:
		actions = "pull,push"
	}
	s := parseScopes("repository:" + repo + ":" + actions)
	if from := req.URL.Query().Get("from"); from != "" && req.URL.Query().Get("mount") != "" {
		s = s.union(parseScopes("repository:" + from + ":pull"))
	}
	return s
}
