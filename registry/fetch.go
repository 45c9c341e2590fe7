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
	"time"

	"github.com/google/go-containerregistry/pkg/name"

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

// send sends the request newReq builds through the client's handshake
// (handshake.go), the one place a request gets its credentials, following
// redirects when follow is set (registries redirect blobs to storage; the
// handshake only authenticates registry API paths).
func (c *Client) send(newReq func() (*http.Request, error), follow bool) (*http.Response, error) {
	req, err := newReq()
	if err != nil {
		return nil, err
	}
	if follow {
		return (&http.Client{Transport: c.hs}).Do(req)
	}
	return c.hs.RoundTrip(req)
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
// capped at limit (Content-Length first, then the read), the
// bytes must hash to the digest asked for or, for a tag, to
// Docker-Content-Digest when the registry sends it, and schema 1 is refused.
func (c *Client) fetchManifest(ctx context.Context, ref name.Reference, head bool, limit int64) (*fetched, error) {
	repo := ref.Context()
	what := "manifest " + ref.String()
	id, byDigest := identifier(ref)
	method := http.MethodGet
	if head {
		method = http.MethodHead
	}
	resp, err := c.send(func() (*http.Request, error) {
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
		return nil, unknownManifest(ref, statusError("fetch "+what, resp))
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
	if resp.ContentLength > limit {
		return nil, &TooLargeError{What: what, Size: resp.ContentLength, Limit: limit}
	}
	if head {
		if byDigest && header != "" && header != id {
			return nil, &DigestMismatchError{What: what, Want: id, Got: header}
		}
		// want is "" when a tag's HEAD has no Docker-Content-Digest: the
		// caller falls back to a GET.
		if ctype == model.MediaTypeSchema1 || ctype == model.MediaTypeSchema1Signed {
			return nil, fmt.Errorf("%s: %w", what, model.ErrSchema1)
		}
		if !byDigest {
			c.cache.recordTag(ref.String(), want, time.Now())
		}
		return &fetched{digest: want, mediaType: ctype, size: resp.ContentLength}, nil
	}
	raw, err := c.readBudgeted(ctx, resp, limit, what)
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
	if !byDigest {
		c.cache.recordTag(ref.String(), got, time.Now())
	}
	return &fetched{digest: got, mediaType: mt, size: int64(len(raw)), raw: raw}, nil
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

// getBlob GETs a blob by digest (following redirects to storage) and
// returns the 200 response, whose body the caller reads and closes, and the
// blob's name for errors.
func (c *Client) getBlob(ctx context.Context, repo name.Repository, digest string) (*http.Response, string, error) {
	what := "blob " + repo.Name() + "@" + digest
	if err := model.ValidateDigest(digest); err != nil {
		return nil, what, fmt.Errorf("%s: %w", what, err)
	}
	resp, err := c.send(func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, c.blobURL(repo, digest), nil)
	}, true)
	if err != nil {
		return nil, what, fmt.Errorf("fetch %s: %w", what, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, what, statusError("fetch "+what, resp)
	}
	return resp, what, nil
}

// fetchBlobLimit GETs a blob by digest, capped at limit and verified.
func (c *Client) fetchBlobLimit(ctx context.Context, repo name.Repository, digest string, limit int64) ([]byte, error) {
	resp, what, err := c.getBlob(ctx, repo, digest)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		return nil, &TooLargeError{What: what, Size: resp.ContentLength, Limit: limit}
	}
	raw, err := c.readBudgeted(ctx, resp, limit, what)
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

// fetchTree fetches everything plan needs below root into store, pipelined:
// when a manifest arrives, what it names (the configs of an image, the
// children of a nested index) is requested at once, while the rest are
// still in flight. There is no barrier between levels, so a cold tree costs
// one round trip per level along its longest path, not the slowest request
// of every level. Only the new manifest is walked on arrival (a walk of the
// whole tree per answer would parse every manifest again: quadratic); when
// nothing is in flight, one walk from the root picks up anything the local
// walks could not see (referrers' manifests, attestation layers) and the
// fetch ends when it names nothing new. Nesting stops at model.MaxDepth as
// in the root walk. Requests go through the host's adaptive limiter.
// progress, when set, is called after each answer (it throttles itself).
// Errors are kept in the store, per entry. Each child manifest and config
// is capped at Limits.ChildBytes, and nothing more is fetched once the
// tree's budget is spent (what is in flight can pass it: at most the
// host's limit × ChildBytes).
func (c *Client) fetchTree(ctx context.Context, repo name.Repository, root string, plan model.Plan, store model.Store, budget *treeBudget, progress func(final bool)) {
	type result struct {
		w     model.Want
		depth int
		res   model.Content
	}
	lim := c.limiter(repo.RegistryStr())
	results := make(chan result)
	asked := map[string]bool{}
	pending := 0
	children := 0 // child manifests asked for, over the whole tree
	launch := func(wants []model.Want, depth int) {
		// Children past the tree's cap are left out (LeftOut counts them),
		// and so are their referrers, asked for in the same round.
		var left map[string]bool
		for _, w := range wants {
			if !w.Child || asked[w.Digest] {
				continue
			}
			if plan.MaxChildren > 0 && children >= plan.MaxChildren {
				if left == nil {
					left = map[string]bool{}
				}
				left[w.Digest] = true
				continue
			}
			children++
		}
		for _, w := range wants {
			if left[w.Digest] {
				continue
			}
			key := w.Digest
			if w.Kind == model.WantReferrers {
				key = model.ReferrersKey(w.Digest)
			}
			if asked[key] {
				continue
			}
			asked[key] = true
			pending++
			go func() {
				if err := lim.acquire(ctx); err != nil {
					results <- result{w, depth, model.Content{Err: err}}
					return
				}
				res := c.fetchWant(ctx, repo, w, budget)
				lim.release(throttled(res.Err))
				results <- result{w, depth, res}
			}()
		}
		// What is known goes out together: the index's children (at most
		// plan.MaxChildren), not a slow start's first 128.
		lim.expect(pending)
	}
	launch(model.NeededFor(root, store, plan), 1)
	for pending > 0 {
		r := <-results
		pending--
		if r.w.Kind != model.WantReferrers {
			store[r.w.Digest] = r.res
		} else {
			store[model.ReferrersKey(r.w.Digest)] = r.res
			for d, content := range r.res.Referrers.Manifests {
				if _, have := store[d]; !have {
					store[d] = content
				}
			}
		}
		if ctx.Err() != nil {
			continue // drain what is in flight
		}
		if r.w.Kind == model.WantManifest && r.res.Err == nil && !r.res.NotFound && r.depth < model.MaxDepth {
			launch(model.NeededFor(r.w.Digest, store, plan), r.depth+1)
		}
		if r.w.Kind == model.WantReferrers {
			// The referrer manifests (and, for those fetched by tag, their
			// layers) go out as soon as the list is in.
			launch(model.NeededFor(r.w.Digest, store, plan), r.depth+1)
		}
		if pending == 0 {
			launch(model.NeededFor(root, store, plan), 1)
		}
		if progress != nil {
			progress(pending == 0)
		}
	}
}

// fetchWant fetches one thing a plan asked for; a 404 becomes a marked
// entry.
func (c *Client) fetchWant(ctx context.Context, repo name.Repository, w model.Want, budget *treeBudget) (res model.Content) {
	if w.Kind != model.WantReferrers && !budget.room() {
		return model.Content{MediaType: w.MediaType, Err: &TooLargeError{
			What: "the tree of " + repo.Name() + " (not fetched: " + w.Digest + ")", Size: -1, Limit: budget.limit}}
	}
	defer func() { budget.spend(len(res.Raw)) }()
	child := c.opts.Limits.ChildBytes
	switch w.Kind {
	case model.WantBlob:
		raw, err := c.blob(ctx, repo, w.Digest, child)
		res = model.Content{MediaType: w.MediaType, Raw: raw, Err: err}
	case model.WantManifest:
		m, err := c.get(ctx, repo.Digest(w.Digest), child)
		res = model.Content{Err: err}
		if err == nil {
			res = model.Content{MediaType: m.MediaType, Raw: m.Raw}
		}
	case model.WantLayer:
		raw, err := c.artifactBlob(ctx, repo, w.Digest)
		res = model.Content{MediaType: w.MediaType, Raw: raw, Err: err}
	case model.WantReferrers:
		res = model.Content{Referrers: c.referrers(ctx, repo, w.Digest)}
	default:
		res = model.Content{Err: fmt.Errorf("fetch %s: unknown kind of want %d", w.Digest, w.Kind)}
	}
	if notFound(res.Err) {
		res = model.Content{MediaType: w.MediaType, NotFound: true}
	}
	return res
}

// throttled reports whether err says the registry wants fewer requests.
func throttled(err error) bool {
	return errors.Is(err, ErrTooManyRequests) || isStatus(err, http.StatusServiceUnavailable) || errors.Is(err, ErrTimeout)
}

// Concurrency per host. A tree of 200 platforms holds 400 requests that do
// not depend on each other; with 32 at a time they queue for seven round
// trips. The limit starts at startConcurrency (128), grows by one per answer (a
// doubling per round trip, as TCP's slow start) up to maxConcurrency, and
// halves when the registry pushes back (429, 503, a timeout, or a retry of
// one). A fetch that knows its first wave (an index names its children, at
// most Limits.Children of them) raises the limit to that wave at once, up to
// maxConcurrency, unless the host has pushed back before: 200 children go
// out together instead of 128 and then 72 (a round trip less). Options.Concurrency, when set, is a fixed limit instead.
const (
	startConcurrency = 128
	maxConcurrency   = 256
	minConcurrency   = 4
)

// hostLimiter bounds the requests in flight to one host.
type hostLimiter struct {
	mu      sync.Mutex
	limit   int
	max     int
	adapt   bool
	inUse   int
	waiters []chan struct{}
	// backedOff is set once the host pushed back: no more bursts.
	backedOff bool
}

func newHostLimiter(fixed int) *hostLimiter {
	if fixed > 0 {
		return &hostLimiter{limit: fixed, max: fixed}
	}
	return &hostLimiter{limit: startConcurrency, max: maxConcurrency, adapt: true}
}

// limiter returns the limiter of host.
func (c *Client) limiter(host string) *hostLimiter {
	c.limMu.Lock()
	defer c.limMu.Unlock()
	l, ok := c.limiters[host]
	if !ok {
		l = newHostLimiter(c.fixedConcurrency)
		c.limiters[host] = l
	}
	return l
}

func (l *hostLimiter) acquire(ctx context.Context) error {
	l.mu.Lock()
	if l.inUse < l.limit {
		l.inUse++
		l.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	l.waiters = append(l.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		for i, w := range l.waiters {
			if w == ch {
				l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
				l.mu.Unlock()
				return ctx.Err()
			}
		}
		l.mu.Unlock()
		l.release(false) // granted while giving up: hand it on
		return ctx.Err()
	}
}

func (l *hostLimiter) release(pushedBack bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inUse--
	if l.adapt {
		if pushedBack {
			l.limit = max(minConcurrency, l.limit/2)
			l.backedOff = true
		} else if l.limit < l.max {
			l.limit++
		}
	}
	l.wake()
}

// expect tells the limiter that n requests wait to go out together (a
// fetch's first wave): an adaptive limit that has not been pushed back
// rises to n, at most to its maximum, and lets them out.
func (l *hostLimiter) expect(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.adapt || l.backedOff || n <= l.limit {
		return
	}
	l.limit = min(n, l.max)
	l.wake()
}

// wake hands free places to waiters, oldest first; l.mu is held.
func (l *hostLimiter) wake() {
	for len(l.waiters) > 0 && l.inUse < l.limit {
		ch := l.waiters[0]
		l.waiters = l.waiters[1:]
		l.inUse++
		close(ch)
	}
}

// pushBack halves the limit of a host that asked to wait (a retry).
func (l *hostLimiter) pushBack() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.adapt {
		l.limit = max(minConcurrency, l.limit/2)
		l.backedOff = true
	}
}

// bodyBudget bounds the bytes of manifest and config bodies being read at
// once, whatever the number of requests in flight: a body takes its
// announced size, or its limit when the registry announces none (chunked),
// before it is read, and gives it back when read. With 256 requests in
// flight and unannounced 1 MiB bodies, memory would otherwise grow to 256
// MiB and more (reading doubles the buffer as it grows).
const bodyBudget = 32 << 20

// readBudgeted reads resp's body (at most limit bytes) within the client's
// body budget.
func (c *Client) readBudgeted(ctx context.Context, resp *http.Response, limit int64, what string) ([]byte, error) {
	n := limit
	if resp.ContentLength >= 0 && resp.ContentLength < limit {
		n = resp.ContentLength
	}
	n = min(max(n, 1), bodyBudget)
	if err := c.bodies.Acquire(ctx, n); err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	defer c.bodies.Release(n)
	return readLimited(resp.Body, limit, what)
}
