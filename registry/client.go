// Package registry is manifold's adapter over go-containerregistry: it lists
// repositories and tags, fetches and verifies manifests and configs, caches
// content by digest and builds model trees. It knows nothing of terminals.
package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"golang.org/x/sync/semaphore"
	"golang.org/x/sync/singleflight"

	"github.com/manifold-dev/manifold/model"
)

// EnvInsecure names hosts, comma-separated, that are reached over plain HTTP.
const EnvInsecure = "MANIFOLD_INSECURE_REGISTRIES"

// Options configure a Client.
type Options struct {
	// Insecure lists registry hosts (host or host:port) reached over plain
	// HTTP. localhost and 127.0.0.1 always are.
	Insecure []string
	// InsecureAuto lists hosts reached as docker's --insecure reaches them:
	// over TLS without verifying the certificate when the host speaks TLS,
	// else over plain HTTP (one probe per host). Never a default.
	InsecureAuto []string
	// SkipVerify lists hosts reached over TLS without verifying their
	// certificate (podman's --tls-verify=false); never plain HTTP.
	SkipVerify []string
	// CAFile adds a PEM bundle of CAs to the system pool.
	CAFile string
	// CAFiles adds PEM bundles of CAs trusted for one host each (host or
	// host:port → file), on top of the system pool and CAFile.
	CAFiles map[string]string
	// Keychain resolves credentials; authn.DefaultKeychain when nil.
	Keychain authn.Keychain
	// CacheDir holds content fetched by digest; "" disables the disk cache.
	CacheDir string
	// CacheMaxBytes bounds the disk cache (see cacheprune.go): when a
	// client starts, and whenever its writes take the cache past it, the
	// entries used longest ago are removed until the rest fit. 0 means
	// DefaultCacheBytes (512 MiB), a negative number no bound.
	CacheMaxBytes int64
	// Transport is the base HTTP transport; a clone of
	// http.DefaultTransport keeping Concurrency idle connections when nil.
	Transport http.RoundTripper
	// Concurrency fixes the requests in flight per host when a tree is
	// fetched; when zero the limit adapts (128 at first, up to 256, halved
	// when the registry pushes back: see hostLimiter). Pushes copy at most
	// Concurrency children at a time (32 when zero).
	Concurrency int
	// PageSize is the n= of catalog and tag pages. When zero, tag listings
	// leave the page size to the registry (see Tags) and catalogs ask
	// DefaultPageSize.
	PageSize int
	// UserAgent is sent with each request.
	UserAgent string
	// Timeouts bound each request and its retries (see transport.go).
	Timeouts Timeouts
	// Limits bound the bytes, pages and requests taken from a registry
	// (see limits.go).
	Limits Limits
	// OnRetry, when set, is told of each retry on 429 or 5xx and its wait.
	OnRetry func(RetryEvent)
	// Debug, when set, receives a log of requests with credentials redacted.
	Debug io.Writer
	// ReadOnly refuses every write (push, delete, retag, copy) with an
	// error that errors.Is ErrReadOnly, in the transport (readonly.go).
	ReadOnly bool
	// AllowTokenRealms names token-server hosts (host or host:port) that
	// may be on a private address although the registry is not (see
	// checkRealm). EnvTokenRealms adds to it.
	AllowTokenRealms []string
	// OnNotice, when set, is told what the user should know once, e.g.
	// that a registry's credentials go to a token server on another host.
	OnNotice func(string)
}

// Client talks to registries. It is safe for concurrent use and reuses one
// authenticated transport per scope, so the auth handshake happens once.
type Client struct {
	opts       Options
	rateLimits *rateLimits // the latest rate-limit headers, by host
	insecure   map[string]bool
	unsafe     *insecureHosts // --insecure and --tls-verify=false hosts

	cache *diskCache

	// hs authenticates every request (handshake.go); ggcr is hs dressed
	// for go-containerregistry, so that its operations skip their own
	// handshake.
	hs   *handshake
	ggcr http.RoundTripper
	// session holds credentials given to Login, before the keychain.
	session *SessionKeychain

	fixedConcurrency int // Options.Concurrency as given
	// bodies is the byte budget of bodies being read (fetch.go).
	bodies   *semaphore.Weighted
	limMu    sync.Mutex
	limiters map[string]*hostLimiter

	// refSupport remembers, by host, whether the referrers API answered
	// (referrers.go).
	refMu      sync.Mutex
	refSupport map[string]model.Support

	// kindMemo and kindFlight serve the tags list's kind column
	// (tagkind.go): kinds by digest, and one GET per digest at a time.
	kindMemo   tagKindMemo
	kindFlight singleflight.Group
}

// New returns a Client. MANIFOLD_INSECURE_REGISTRIES adds to opts.Insecure.
func New(opts Options) (*Client, error) {
	if opts.Keychain == nil {
		opts.Keychain = authn.DefaultKeychain
	}
	fixed := opts.Concurrency
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Transport == nil {
		// HTTP/1.1 needs a connection per request in flight: keep them
		// alive (the default of 2 idle would make every answer's
		// connection close, and the next request dial and, over TLS,
		// handshake again). MaxConnsPerHost stays unlimited: the host
		// limiter bounds them. HTTP/2 registries multiplex on one.
		ht := http.DefaultTransport.(*http.Transport).Clone()
		ht.MaxIdleConnsPerHost = max(fixed, maxConcurrency)
		ht.MaxIdleConns = max(ht.MaxIdleConns, ht.MaxIdleConnsPerHost)
		opts.Transport = ht
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.UserAgent == "" {
		opts.UserAgent = "manifold"
	}
	c := &Client{insecure: map[string]bool{}, cache: newDiskCache(opts.CacheDir), fixedConcurrency: fixed, limiters: map[string]*hostLimiter{}, bodies: semaphore.NewWeighted(bodyBudget)}
	// A retry (429, 5xx) is the registry pushing back: fewer at a time.
	userRetry := opts.OnRetry
	opts.OnRetry = func(ev RetryEvent) {
		c.limiter(ev.Host).pushBack()
		if userRetry != nil {
			userRetry(ev)
		}
	}
	if sk, ok := opts.Keychain.(*SessionKeychain); ok {
		c.session = sk
	} else {
		c.session = NewSessionKeychain(opts.Keychain)
	}
	if c.cache != nil {
		switch {
		case opts.CacheMaxBytes < 0:
			c.cache.max = -1
		case opts.CacheMaxBytes > 0:
			c.cache.max = opts.CacheMaxBytes
		}
		// No scan here: walking the whole cache (a stat per entry) on
		// every start cost a warm command milliseconds per thousand
		// entries. The first write measures the directory and evicts if
		// it is over the limit (a lowered limit included); `manifold
		// cache prune` does it at once.
	}
	hosts := append([]string(nil), opts.Insecure...)
	if env := os.Getenv(EnvInsecure); env != "" {
		hosts = append(hosts, strings.Split(env, ",")...)
	}
	for _, h := range hosts {
		if h = strings.TrimSpace(h); h != "" {
			c.insecure[h] = true
		}
	}
	c.rateLimits = &rateLimits{}
	c.unsafe = newInsecureHosts(opts.InsecureAuto, opts.SkipVerify)
	rt, err := newTransportRL(opts, c.rateLimits)
	if err != nil {
		return nil, err
	}
	opts.Transport = &plainHTTPGuard{next: rt, insecure: c.isInsecure}
	if opts.ReadOnly {
		opts.Transport = &readOnlyGuard{next: opts.Transport}
	}
	c.opts = opts
	c.hs = &handshake{next: opts.Transport, realmRT: rt, keychain: c.session, ua: opts.UserAgent,
		cache: c.cache, scheme: c.Scheme, allowed: allowedRealms(opts.AllowTokenRealms), notice: opts.OnNotice,
		now: time.Now, hosts: map[string]*hostAuth{}}
	if c.ggcr, err = ggcrTransport(c.hs); err != nil {
		return nil, err
	}
	return c, nil
}

func allowedRealms(hosts []string) map[string]bool {
	out := map[string]bool{}
	if env := os.Getenv(EnvTokenRealms); env != "" {
		hosts = append(hosts, strings.Split(env, ",")...)
	}
	for _, h := range hosts {
		if h = strings.TrimSpace(h); h != "" {
			out[h] = true
		}
	}
	return out
}

// ggcrTransport wraps rt so that go-containerregistry uses it as it is:
// its remote package skips its own ping, token and retry layers for a
// *transport.Wrapper, and a Wrapper is only made by its handshake, so that
// handshake is run once here against a ping answered in memory.
func ggcrTransport(rt http.RoundTripper) (http.RoundTripper, error) {
	shim := &pingShim{next: rt}
	reg, err := name.NewRegistry("manifold.invalid")
	if err != nil {
		return nil, err
	}
	w, err := transport.NewWithContext(context.Background(), reg, authn.Anonymous, shim, nil)
	if err != nil {
		return nil, fmt.Errorf("set up the registry transport: %w", err)
	}
	shim.built.Store(true)
	return w, nil
}

// pingShim answers go-containerregistry's set-up ping (to a name that is
// never dialled) until built, then passes every request on.
type pingShim struct {
	next  http.RoundTripper
	built atomic.Bool
}

func (p *pingShim) RoundTrip(req *http.Request) (*http.Response, error) {
	if !p.built.Load() && req.URL.Host == "manifold.invalid" {
		return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	return p.next.RoundTrip(req)
}

// Transport is the client's HTTP transport: the scheme guard, retries,
// timeouts and the --ca-file pool, without credentials. Code that must talk
// to a registry outside the Client (a login check) should use it rather
// than http.DefaultTransport.
func (c *Client) Transport() http.RoundTripper { return c.opts.Transport }

// ErrPlainHTTP is returned for a plain-HTTP request to a registry host that
// is reached over TLS (see Client.Scheme).
var ErrPlainHTTP = errors.New("plain HTTP refused: this registry is reached over TLS; name it with --insecure-registry (or MANIFOLD_INSECURE_REGISTRIES) to allow HTTP")

// plainHTTPGuard refuses plain HTTP to a host the client reaches over TLS.
// go-containerregistry reaches private-range IPs (10/8, 172.16/12,
// 192.168/16) over HTTP on its own, falling back to it when TLS fails; the
// guard keeps those on verified TLS unless the user named the host. A
// redirect (a blob moved to storage) is left to the registry: the content is
// verified by digest either way.
type plainHTTPGuard struct {
	next     http.RoundTripper
	insecure func(host string) bool
}

func (g *plainHTTPGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && req.Response == nil && !g.insecure(req.URL.Host) && ggcrPlainHTTP(req.URL.Host) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%s: %w", req.URL.Host, ErrPlainHTTP)
	}
	return g.next.RoundTrip(req)
}

// ggcrPlainHTTP reports whether go-containerregistry would reach host over
// plain HTTP without being told to.
func ggcrPlainHTTP(host string) bool {
	r, err := name.NewRegistry(host)
	return err == nil && r.Scheme() == "http"
}

// Scheme is how the client reaches a registry host: "http" for localhost
// (and *.localhost), 127.0.0.1, [::1] and the hosts named in
// Options.Insecure or MANIFOLD_INSECURE_REGISTRIES (with or without the
// port), "https" with the certificate verified for every other host,
// private-range IPs included.
func (c *Client) Scheme(host string) string {
	if c.isInsecure(host) {
		return "http"
	}
	return "https"
}

// nameOpts returns the go-containerregistry name options for a host.
func (c *Client) nameOpts(host string) []name.Option {
	if c.isInsecure(host) {
		return []name.Option{name.Insecure}
	}
	return nil
}

func (c *Client) isInsecure(host string) bool {
	if c.insecure[host] {
		return true
	}
	if c.unsafe != nil {
		// Named with --insecure: what the host speaks, even on loopback;
		// with --tls-verify=false: TLS, unverified.
		if c.unsafe.isAuto(host) {
			return c.unsafe.plainHTTP(host)
		}
		if c.unsafe.isSkip(host) {
			return false
		}
	}
	h := host
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "127.0.0.1" || h == "[::1]" || c.insecure[h]
}

// ParseReference parses a tag or digest reference, honouring insecure hosts.
func (c *Client) ParseReference(ref string) (name.Reference, error) {
	if err := CheckInput(ref); err != nil {
		return nil, err
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("invalid reference %q: %w", ref, err)
	}
	if err := checkRepoPath(ref, r.Context()); err != nil {
		return nil, err
	}
	if opts := c.nameOpts(r.Context().RegistryStr()); opts != nil {
		return name.ParseReference(ref, opts...)
	}
	return r, nil
}

// ParseRepository parses a repository name, honouring insecure hosts.
func (c *Client) ParseRepository(repo string) (name.Repository, error) {
	if err := CheckInput(repo); err != nil {
		return name.Repository{}, err
	}
	r, err := name.NewRepository(repo)
	if err != nil {
		return name.Repository{}, fmt.Errorf("invalid repository %q: %w", repo, err)
	}
	if err := checkRepoPath(repo, r); err != nil {
		return name.Repository{}, err
	}
	if opts := c.nameOpts(r.RegistryStr()); opts != nil {
		return name.NewRepository(repo, opts...)
	}
	return r, nil
}

// ParseRegistry parses a registry host, honouring insecure hosts.
func (c *Client) ParseRegistry(reg string) (name.Registry, error) {
	r, err := name.NewRegistry(reg)
	if err != nil {
		return name.Registry{}, fmt.Errorf("invalid registry %q: %w", reg, err)
	}
	if opts := c.nameOpts(r.RegistryStr()); opts != nil {
		return name.NewRegistry(reg, opts...)
	}
	return r, nil
}

// Manifest is a manifest as fetched, verified against its digest.
type Manifest struct {
	Repository string // registry/repository
	Digest     string
	MediaType  string
	Size       int64
	Raw        []byte // nil after Head
}

// Get fetches the manifest a reference points at, in any of the four media
// types, and verifies it (see fetchManifest). A digest reference, or a tag
// whose digest a HEAD confirms, is served from the disk cache when present.
func (c *Client) Get(ctx context.Context, ref string) (*Manifest, error) {
	r, err := c.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	return c.get(ctx, r, c.opts.Limits.ManifestBytes)
}

// get fetches a manifest of at most limit bytes (see Get).
func (c *Client) get(ctx context.Context, r name.Reference, limit int64) (*Manifest, error) {
	repo := r.Context()
	id, byDigest := identifier(r)
	if byDigest {
		if mt, raw, ok := c.cache.get(id); ok && mt != blobType {
			if int64(len(raw)) > limit {
				return nil, &TooLargeError{What: "manifest " + r.String(), Size: int64(len(raw)), Limit: limit}
			}
			return &Manifest{Repository: repo.Name(), Digest: id, MediaType: mt, Size: int64(len(raw)), Raw: raw}, nil
		}
	} else if c.cache.seenTag(r.String()) {
		// Seen before: one HEAD says whether the cached content still is
		// what the tag points at. The tag's digest always comes from the
		// registry, never from the cache.
		// A HEAD without Docker-Content-Digest leaves the digest
		// unknown: then the GET by tag below is the answer.
		h, err := c.fetchManifest(ctx, r, true, limit)
		if err != nil {
			return nil, err
		}
		if h.digest != "" {
			if mt, raw, ok := c.cache.get(h.digest); ok && mt != blobType && int64(len(raw)) <= limit {
				return &Manifest{Repository: repo.Name(), Digest: h.digest, MediaType: mt, Size: int64(len(raw)), Raw: raw}, nil
			}
			r = repo.Digest(h.digest)
		}
	}
	f, err := c.fetchManifest(ctx, r, false, limit)
	if err != nil {
		return nil, err
	}
	c.cache.putAsync(f.digest, f.mediaType, f.raw)
	if !byDigest {
		c.cache.markTag(r.String(), f.digest)
	}
	return &Manifest{Repository: repo.Name(), Digest: f.digest, MediaType: f.mediaType, Size: f.size, Raw: f.raw}, nil
}

// Head asks the registry what a reference points at without fetching it:
// the digest (Docker-Content-Digest), media type and size; when the HEAD
// answer has no digest, a GET (verified) finds it. It is never
// answered from the cache.
func (c *Client) Head(ctx context.Context, ref string) (*Manifest, error) {
	r, err := c.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	f, err := c.fetchManifest(ctx, r, true, c.opts.Limits.ManifestBytes)
	if err == nil && f.digest == "" {
		// Some registries leave Docker-Content-Digest out of HEAD
		// answers: a GET, verified as usual, says what the tag holds.
		f, err = c.fetchManifest(ctx, r, false, c.opts.Limits.ManifestBytes)
	}
	if err != nil {
		return nil, err
	}
	return &Manifest{Repository: r.Context().Name(), Digest: f.digest, MediaType: f.mediaType, Size: f.size}, nil
}

// Blob fetches a small blob (an image config) by digest, capped at
// Limits.ManifestBytes and verified, from the disk cache when present.
func (c *Client) Blob(ctx context.Context, repository, digest string) ([]byte, error) {
	repo, err := c.ParseRepository(repository)
	if err != nil {
		return nil, err
	}
	return c.blob(ctx, repo, digest, c.opts.Limits.ManifestBytes)
}

// blob fetches a blob of at most limit bytes (see Blob).
func (c *Client) blob(ctx context.Context, repo name.Repository, digest string, limit int64) ([]byte, error) {
	if _, raw, ok := c.cache.get(digest); ok {
		if int64(len(raw)) > limit {
			return nil, &TooLargeError{What: "blob " + repo.Name() + "@" + digest, Size: int64(len(raw)), Limit: limit}
		}
		return raw, nil
	}
	raw, err := c.fetchBlobLimit(ctx, repo, digest, limit)
	if err != nil {
		return nil, err
	}
	c.cache.putAsync(digest, blobType, raw)
	return raw, nil
}

// blobType marks cache entries fetched from the blob endpoint.
const blobType = "blob"

// TreeOptions say how much of a tree to fetch.
type TreeOptions struct {
	// All fetches every child manifest and config, not only the top level.
	All bool
	// Supply also finds what is attached to the index and each image
	// (referrers API or tag schema, cosign tags, in-index attestations)
	// and decodes it. The referrer lookups go out with the children.
	Supply bool
	// MaxChildren caps the child manifests fetched per index: 0 means
	// Limits.Children (256), a negative number no cap. Entries past it
	// are the index's descriptors only; Tree.LeftOut counts them.
	MaxChildren int
	// Progress, when set, is given the tree as it fills in: once as soon as
	// the top level has arrived (its entries, with platforms and sizes from
	// the index), then as children and configs arrive, at most every
	// ProgressEvery. It runs on the fetching goroutine and must not block
	// for long; the tree it gets is its own.
	Progress func(*model.Tree)
}

// ProgressEvery is the least time between two TreeOptions.Progress calls
// (after the first).
const ProgressEvery = 40 * time.Millisecond

// treeBudget is what one tree may still keep (Limits.TreeBytes).
type treeBudget struct {
	left  atomic.Int64
	limit int64
}

// room reports whether the budget has room, before a fetch.
func (b *treeBudget) room() bool { return b.left.Load() > 0 }

func (b *treeBudget) spend(n int) { b.left.Add(-int64(n)) }

// Tree fetches a reference and builds its tree: the top-level manifest
// first, then everything below it pipelined (see fetchTree): each child
// manifest is asked for the moment its index arrives and each config the
// moment its manifest does, with no wait between levels. A missing (404)
// or broken child becomes a marked entry; only a failing top level is an
// error.
func (c *Client) Tree(ctx context.Context, ref string, opts TreeOptions) (*model.Tree, error) {
	r, err := c.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	if opts.Supply {
		var wait func()
		ctx, wait = c.withTagMemo(ctx, r.Context())
		defer wait()
	}
	m, err := c.get(ctx, r, c.opts.Limits.ManifestBytes)
	if err != nil {
		return nil, err
	}
	store := model.Store{m.Digest: {MediaType: m.MediaType, Raw: m.Raw}}
	maxChildren := opts.MaxChildren
	switch {
	case maxChildren == 0:
		maxChildren = c.opts.Limits.Children
	case maxChildren < 0:
		maxChildren = 0
	}
	plan := model.Plan{Configs: opts.All, Supply: opts.Supply, MaxChildren: maxChildren}
	build := func() (*model.Tree, error) {
		t, err := model.Build(ref, m.Repository, m.Digest, store)
		if err == nil && (opts.All || opts.Supply) {
			t.LeftOut = model.LeftOut(m.Digest, store, plan.MaxChildren)
		}
		return t, err
	}
	var progress func(final bool)
	if opts.Progress != nil {
		var last time.Time
		progress = func(final bool) {
			if now := time.Now(); final || now.Sub(last) >= ProgressEvery {
				last = now
				if t, err := build(); err == nil {
					opts.Progress(t)
				}
			}
		}
		progress(true) // the index's entries, before any child
	}
	if opts.All || opts.Supply {
		budget := &treeBudget{limit: c.opts.Limits.TreeBytes}
		budget.left.Store(budget.limit)
		c.fetchTree(ctx, r.Context(), m.Digest, plan, store, budget, progress)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("fetch %s: %w", ref, err)
		}
	}
	return build()
}

// Supply continues a fetched tree with what is attached to it: the
// referrers of the index and of each image, their manifests and layers,
// and the layers of in-index attestations. Nothing the tree already holds
// is fetched again. The TUI paints the tree first and calls this after.
func (c *Client) Supply(ctx context.Context, t *model.Tree) (*model.Tree, error) {
	r, err := c.ParseRepository(t.Repository)
	if err != nil {
		return nil, err
	}
	ctx, wait := c.withTagMemo(ctx, r)
	defer wait()
	store := model.StoreOf(t)
	plan := model.Plan{Configs: true, Supply: true, MaxChildren: c.opts.Limits.Children}
	budget := &treeBudget{limit: c.opts.Limits.TreeBytes}
	budget.left.Store(budget.limit)
	c.fetchTree(ctx, r, t.Digest, plan, store, budget, nil)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fetch the supply chain of %s: %w", t.Reference, err)
	}
	full, err := model.Build(t.Reference, t.Repository, t.Digest, store)
	if err == nil {
		full.LeftOut = model.LeftOut(t.Digest, store, plan.MaxChildren)
	}
	return full, err
}

// checkRepoPath refuses repository paths with an empty component
// ("/library/alpine", "host//app", "app/"), which go-containerregistry
// accepts but no registry serves: usually an unset shell variable.
func checkRepoPath(input string, r name.Repository) error {
	if strings.HasPrefix(input, "/") {
		return fmt.Errorf("invalid reference %q: it starts with '/' (is a shell variable before it unset?)", input)
	}
	for _, part := range strings.Split(r.RepositoryStr(), "/") {
		if part == "" {
			return fmt.Errorf("invalid reference %q: the repository path %q has an empty component", input, r.RepositoryStr())
		}
	}
	return nil
}
