package registry

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/manifold-dev/manifold/model"
)

// Why a TagKind was not read (model.TagKind.Why).
const (
	// KindRateLimited: the registry counts pulls (it sent rate-limit
	// headers), and a manifest GET is a pull even by digest; the kind
	// column does not spend the user's pulls, so it shows what the HEAD
	// said.
	KindRateLimited = "rate-limited"
	// KindTooLarge: the HEAD announced a manifest over Limits.ChildBytes.
	KindTooLarge = "too large"
)

// tagKindMemoMax bounds the kinds a client remembers by digest.
const tagKindMemoMax = 4096

// TagKind says what the manifest a HEAD found is, for the tags list's kind
// column: ref is the tag's reference and head its HEAD answer (digest,
// media type, size). The HEAD's media type says list or image; the count
// of platforms and image-or-artifact need the manifest, which is taken, in
// this order, from what this client already read (no request), from the
// disk cache (no request), or fetched by digest (one GET, capped at
// Limits.ChildBytes, verified, stored in the disk cache, and the tag marked
// as seen, so opening it afterwards costs one HEAD). The same digest is
// read once however many tags ask at the same time.
//
// No GET is made when the registry has sent rate-limit headers (Docker Hub
// counts manifest GETs, by digest too, against the pull limit; HEADs are
// free), nor when the HEAD announced a body over the cap: then the HEAD's
// kind comes back with Why set. A failed GET returns the HEAD's kind and
// the error.
func (c *Client) TagKind(ctx context.Context, ref string, head *Manifest) (model.TagKind, error) {
	k := model.KindFromMediaType(head.MediaType)
	if !k.NeedsBody() {
		return k, nil
	}
	if err := model.ValidateDigest(head.Digest); err != nil {
		return k, fmt.Errorf("kind of %s: %w", ref, err)
	}
	if got, ok := c.kindMemo.get(head.Digest); ok {
		return got, nil
	}
	if mt, raw, ok := c.cache.get(head.Digest); ok && mt != blobType {
		if got, err := model.TagKindOf(mt, raw); err == nil {
			c.kindMemo.put(head.Digest, got)
			return got, nil
		}
	}
	r, err := c.ParseReference(ref)
	if err != nil {
		return k, err
	}
	repo := r.Context()
	if _, limited := c.RateLimit(repo.RegistryStr()); limited {
		k.Why = KindRateLimited
		return k, nil
	}
	limit := c.opts.Limits.ChildBytes
	if head.Size > limit {
		k.Why = KindTooLarge
		return k, nil
	}
	read := func() (any, error) {
		// Another caller's read may have finished between this one's
		// memo look and its Do: then it is in the memo.
		if got, ok := c.kindMemo.get(head.Digest); ok {
			return got, nil
		}
		m, err := c.get(ctx, repo.Digest(head.Digest), limit)
		if err != nil {
			return nil, err
		}
		got, err := model.TagKindOf(m.MediaType, m.Raw)
		if err != nil {
			return nil, fmt.Errorf("kind of %s: %w", ref, err)
		}
		c.kindMemo.put(head.Digest, got)
		return got, nil
	}
	v, err, _ := c.kindFlight.Do(head.Digest, read)
	for range 2 {
		// The caller whose GET this one joined left (its context was
		// cancelled) while this one still waits: ask again.
		if err == nil || ctx.Err() != nil || !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			break
		}
		v, err, _ = c.kindFlight.Do(head.Digest, read)
	}
	if err != nil {
		return k, err
	}
	if _, byDigest := identifier(r); !byDigest {
		c.cache.markTag(r.String(), head.Digest)
	}
	return v.(model.TagKind), nil
}

// tagKindMemo remembers kinds by digest (content-addressed: never stale),
// at most tagKindMemoMax; past that it starts again empty.
type tagKindMemo struct {
	mu sync.Mutex
	by map[string]model.TagKind
}

func (m *tagKindMemo) get(digest string) (model.TagKind, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.by[digest]
	return k, ok
}

func (m *tagKindMemo) put(digest string, k model.TagKind) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.by == nil || len(m.by) >= tagKindMemoMax {
		m.by = map[string]model.TagKind{}
	}
	m.by[digest] = k
}
