package registry

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/manifold-dev/manifold/model"
)

// manifestAccept is sent with every manifest request: all four types, so a
// registry neither hides an OCI manifest (404) nor silently swaps a Docker
// list for its linux/amd64 child.
var manifestAccept = strings.Join([]string{
	model.MediaTypeOCIIndex,
	model.MediaTypeDockerList,
	model.MediaTypeOCIManifest,
	model.MediaTypeDockerManifest,
}, ", ")

// scoped is one authenticated transport for a registry+repository pull
// scope, created once (one handshake) and shared by every request.
type scoped struct {
	ready chan struct{}
	rt    http.RoundTripper
	err   error
	// optimistic is set when the handshake was skipped because the host
	// was seen answering anonymously; a 401 then redoes the handshake.
	optimistic bool
}

// send sends req through rt, following redirects when follow is set
// (registries redirect blobs to storage; the auth transports only send
// credentials to the registry's own host).
func send(rt http.RoundTripper, req *http.Request, follow bool) (*http.Response, error) {
	if follow {
		return (&http.Client{Transport: rt}).Do(req)
	}
	return rt.RoundTrip(req)
}

// authScope is what one authenticated transport is for: the pull scope of
// a repository, or the catalog of a registry.
type authScope struct {
	reg   name.Registry
	res   authn.Resource // what credentials are resolved for
	key   string         // the key of Client.scopes
	scope string         // the token scope, e.g. "repository:app:pull"
}

func repoScope(repo name.Repository) authScope {
	return authScope{reg: repo.Registry, res: repo, key: repo.Name(), scope: repo.Scope(transport.PullScope)}
}

func catalogScope(reg name.Registry) authScope {
	return authScope{reg: reg, res: reg, key: reg.RegistryStr() + " catalog", scope: reg.Scope(transport.PullScope)}
}

// do sends a GET or HEAD built by newReq through repo's transport (see
// send).
func (c *Client) do(ctx context.Context, repo name.Repository, newReq func() (*http.Request, error), follow bool) (*http.Response, error) {
	return c.send(ctx, repoScope(repo), newReq, follow)
}

// send sends a GET or HEAD built by newReq through the transport of sc,
// setting it up on first use (see open): the one place a request gets its
// credentials. When an optimistic (handshake-less) transport meets a 401,
// it forgets it, does the handshake and sends the request once more.
func (c *Client) send(ctx context.Context, sc authScope, newReq func() (*http.Request, error), follow bool) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		key := sc.key
		c.mu.Lock()
		s, ok := c.scopes[key]
		if !ok {
			s = &scoped{ready: make(chan struct{})}
			c.scopes[key] = s
		}
		c.mu.Unlock()
		if !ok {
			resp, err := c.open(ctx, sc, s, newReq, follow)
			if resp != nil || err != nil {
				return resp, err
			}
		} else {
			select {
			case <-s.ready:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if s.err != nil {
				return nil, s.err
			}
		}
		req, err := newReq()
		if err != nil {
			return nil, err
		}
		resp, err := send(s.rt, req, follow)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || !s.optimistic || attempt > 0 {
			return resp, err
		}
		discard(resp)
		c.forgetOpen(sc, s)
	}
}

// open sets up s, the transport of repo's pull scope, once. With
// credentials for the host it does the auth handshake (ping, and a token
// for bearer registries). Without any, it skips the handshake for a host
// known to answer anonymously (from this process or the cache dir), and
// otherwise sends the first request anonymously at the same time as the
// handshake: when that answers 200, an anonymous registry cost no extra
// round trip, and the response is returned; otherwise open returns nil and
// the caller sends the request through the handshake's transport.
func (c *Client) open(ctx context.Context, sc authScope, s *scoped, newReq func() (*http.Request, error), follow bool) (_ *http.Response, err error) {
	host := sc.reg.RegistryStr()
	done := func(rt http.RoundTripper, optimistic bool, err error) {
		s.rt, s.optimistic, s.err = rt, optimistic, err
		if err != nil { // not remembered: the next call tries again
			c.mu.Lock()
			delete(c.scopes, sc.key)
			c.mu.Unlock()
		}
		close(s.ready)
	}
	auth, err := authn.Resolve(ctx, c.opts.Keychain, sc.res)
	if err != nil {
		err = fmt.Errorf("credentials for %s: %w", host, err)
		done(nil, false, err)
		return nil, err
	}
	if auth != authn.Anonymous {
		rt, err := c.handshake(ctx, sc, auth)
		done(rt, false, err)
		return nil, err
	}
	c.mu.Lock()
	scheme, known := c.openHosts[host]
	c.mu.Unlock()
	if !known {
		scheme, known = c.cache.openHost(host)
	}
	// The cache dir outlives the flags: a host an earlier run named
	// insecure is reached over plain HTTP only when this run names it too.
	if known && scheme != "https" && !c.isInsecure(host) {
		known = false
	}
	if known {
		done(c.anonymous(host, scheme), true, nil)
		return nil, nil
	}

	type result struct {
		rt  http.RoundTripper
		err error
	}
	hs := make(chan result, 1)
	go func() {
		rt, err := c.handshake(ctx, sc, auth)
		hs <- result{rt, err}
	}()
	// Without credentials, any answer but a 401 (wants a token) or a 400
	// (plain HTTP sent to a TLS port) is what the handshake's transport
	// would get too, so it is the answer.
	anon := c.anonymous(host, c.Scheme(host))
	if req, err := newReq(); err == nil {
		resp, err := send(anon, req, follow)
		switch {
		case err == nil && resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusBadRequest:
			done(anon, true, nil) // the handshake finishes on its own
			return resp, nil
		case err == nil:
			discard(resp)
		case errors.Is(err, ErrTooManyRequests) || errors.Is(err, ErrTimeout) || ctx.Err() != nil:
			done(nil, false, err)
			return nil, err
		}
	}
	select {
	case r := <-hs:
		done(r.rt, false, r.err)
		return nil, r.err
	case <-ctx.Done():
		done(nil, false, ctx.Err())
		return nil, ctx.Err()
	}
}

// forgetOpen drops an optimistic transport after a 401: the host wants
// credentials now, so the next request does the handshake.
func (c *Client) forgetOpen(sc authScope, s *scoped) {
	host := sc.reg.RegistryStr()
	c.mu.Lock()
	if c.scopes[sc.key] == s {
		delete(c.scopes, sc.key)
	}
	delete(c.openHosts, host)
	c.mu.Unlock()
	c.cache.forgetHost(host)
}

// handshake pings the registry and authenticates for the scope sc with
// go-containerregistry's transport. A ping answered 200 (no auth) is
// remembered so later scopes on the host skip it.
func (c *Client) handshake(ctx context.Context, sc authScope, auth authn.Authenticator) (http.RoundTripper, error) {
	host := sc.reg.RegistryStr()
	spy := &pingSpy{inner: c.opts.Transport}
	rt := transport.NewUserAgent(spy, c.opts.UserAgent)
	t, err := transport.NewWithContext(ctx, sc.reg, auth, rt, []string{sc.scope})
	if err != nil {
		if strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
			return nil, fmt.Errorf("connect to %s: %w (it serves plain HTTP: to allow that, name it with --insecure-registry %s or MANIFOLD_INSECURE_REGISTRIES)", host, err, host)
		}
		return nil, fmt.Errorf("connect to %s: %w%s", host, err, networkHint(err, host))
	}
	if scheme, open := spy.result(); open && auth == authn.Anonymous {
		c.mu.Lock()
		c.openHosts[host] = scheme
		c.mu.Unlock()
		c.cache.markOpenHost(host, scheme)
	}
	return t, nil
}

// anonymous is the transport for a host that needs no credentials: the
// scheme its ping answered on, and the user agent.
func (c *Client) anonymous(host, scheme string) http.RoundTripper {
	return &schemeRT{host: host, scheme: scheme, inner: transport.NewUserAgent(c.opts.Transport, c.opts.UserAgent)}
}

type schemeRT struct {
	host, scheme string
	inner        http.RoundTripper
}

func (t *schemeRT) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == t.host && req.URL.Scheme != t.scheme {
		req = req.Clone(req.Context())
		req.URL.Scheme = t.scheme
	}
	return t.inner.RoundTrip(req)
}

// pingSpy watches the handshake's GET /v2/: a 200 means the registry
// serves anonymous pulls, so later handshakes with it can be skipped.
type pingSpy struct {
	inner  http.RoundTripper
	mu     sync.Mutex
	open   bool
	scheme string
	done   bool
}

func (p *pingSpy) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := p.inner.RoundTrip(req)
	if req.URL.Path == "/v2/" && req.Method == http.MethodGet {
		p.mu.Lock()
		if err == nil && resp.StatusCode == http.StatusOK && !p.done {
			p.open, p.scheme, p.done = true, req.URL.Scheme, true
		} else if err == nil && resp.StatusCode == http.StatusUnauthorized {
			p.open, p.done = false, true
		}
		p.mu.Unlock()
	}
	return resp, err
}

func (p *pingSpy) result() (scheme string, open bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.scheme, p.open
}

// discard reads a little of a body, so the connection can be reused, and
// closes it.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// fetched is content fetched and verified.
type fetched struct {
	digest    string
	mediaType string
	size      int64
	raw       []byte // nil for a HEAD
}

// manifestURL is the URL of a manifest by tag or digest.
func (c *Client) manifestURL(repo name.Repository, tagOrDigest string) string {
	u := url.URL{Scheme: c.Scheme(repo.RegistryStr()), Host: repo.RegistryStr(), Path: "/v2/" + repo.RepositoryStr() + "/manifests/" + tagOrDigest}
	return u.String()
}

func (c *Client) blobURL(repo name.Repository, digest string) string {
	u := url.URL{Scheme: c.Scheme(repo.RegistryStr()), Host: repo.RegistryStr(), Path: "/v2/" + repo.RepositoryStr() + "/blobs/" + digest}
	return u.String()
}

// identifier returns the tag or digest of a reference.
func identifier(ref name.Reference) (id string, byDigest bool) {
	if d, ok := ref.(name.Digest); ok {
		return d.DigestStr(), true
	}
	return ref.Identifier(), false
}

// fetchManifest GETs (or HEADs) a manifest and verifies it: the size is
// capped at model.MaxManifestSize (Content-Length first, then the read), the
// bytes must hash to the digest asked for or, for a tag, to
// Docker-Content-Digest when the registry sends it, and schema 1 is refused.
func (c *Client) fetchManifest(ctx context.Context, ref name.Reference, head bool) (*fetched, error) {
	repo := ref.Context()
	what := "manifest " + ref.String()
	id, byDigest := identifier(ref)
	method := http.MethodGet
	if head {
		method = http.MethodHead
	}
	resp, err := c.do(ctx, repo, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, method, c.manifestURL(repo, id), nil)
		if err == nil {
			req.Header.Set("Accept", manifestAccept)
		}
		return req, err
	}, false)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", what, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError("fetch "+what, resp)
	}
	defer resp.Body.Close()
	header := resp.Header.Get("Docker-Content-Digest")
	want := header
	if byDigest {
		want = id
	}
	ctype := resp.Header.Get("Content-Type")
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = strings.TrimSpace(ctype[:i])
	}
	if resp.ContentLength > model.MaxManifestSize {
		return nil, &TooLargeError{What: what, Size: resp.ContentLength, Limit: model.MaxManifestSize}
	}
	if head {
		if byDigest && header != "" && header != id {
			return nil, &DigestMismatchError{What: what, Want: id, Got: header}
		}
		if want == "" {
			return nil, fmt.Errorf("HEAD %s: the registry sent no Docker-Content-Digest", what)
		}
		if ctype == model.MediaTypeSchema1 || ctype == model.MediaTypeSchema1Signed {
			return nil, fmt.Errorf("%s: %w", what, model.ErrSchema1)
		}
		return &fetched{digest: want, mediaType: ctype, size: resp.ContentLength}, nil
	}
	raw, err := readLimited(resp.Body, model.MaxManifestSize, what)
	if err != nil {
		return nil, err
	}
	got := hashOf(want, raw)
	if want != "" && got != want {
		return nil, &DigestMismatchError{What: what, Want: want, Got: got}
	}
	mt := model.DetectMediaType(ctype, raw)
	if mt == model.MediaTypeSchema1 || mt == model.MediaTypeSchema1Signed {
		return nil, fmt.Errorf("%s: %w", what, model.ErrSchema1)
	}
	return &fetched{digest: got, mediaType: mt, size: int64(len(raw)), raw: raw}, nil
}

// fetchBlob GETs a small blob (a config) by digest, capped and verified.
func (c *Client) fetchBlob(ctx context.Context, repo name.Repository, digest string) ([]byte, error) {
	return c.fetchBlobLimit(ctx, repo, digest, model.MaxManifestSize)
}

// artifactBlob fetches a layer of an attestation or referrer (a
// statement, a signature payload, an SBOM), capped at
// model.MaxArtifactSize and verified, from the disk cache when present.
func (c *Client) artifactBlob(ctx context.Context, repo name.Repository, digest string) ([]byte, error) {
	if _, raw, ok := c.cache.get(digest); ok {
		return raw, nil
	}
	raw, err := c.fetchBlobLimit(ctx, repo, digest, model.MaxArtifactSize)
	if err != nil {
		return nil, err
	}
	c.cache.putAsync(digest, blobType, raw)
	return raw, nil
}

// fetchBlobLimit GETs a blob by digest, capped at limit and verified.
func (c *Client) fetchBlobLimit(ctx context.Context, repo name.Repository, digest string, limit int64) ([]byte, error) {
	what := "blob " + repo.Name() + "@" + digest
	if err := model.ValidateDigest(digest); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	resp, err := c.do(ctx, repo, func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, c.blobURL(repo, digest), nil)
	}, true)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", what, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError("fetch "+what, resp)
	}
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		return nil, &TooLargeError{What: what, Size: resp.ContentLength, Limit: limit}
	}
	raw, err := readLimited(resp.Body, limit, what)
	if err != nil {
		return nil, err
	}
	if got := hashOf(digest, raw); got != digest {
		return nil, &DigestMismatchError{What: what, Want: digest, Got: got}
	}
	return raw, nil
}

// hashOf hashes b with the algorithm of like (sha256 unless like is a
// sha512 digest) and returns "alg:hex".
func hashOf(like string, b []byte) string {
	alg := "sha256"
	var h hash.Hash = sha256.New()
	if strings.HasPrefix(like, "sha512:") {
		alg, h = "sha512", sha512.New()
	}
	h.Write(b)
	return alg + ":" + hex.EncodeToString(h.Sum(nil))
}

// notFound reports whether err is a 404.
func notFound(err error) bool { return errors.Is(err, ErrNotFound) }
