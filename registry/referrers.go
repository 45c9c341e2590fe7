package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/manifold-dev/manifold/model"
)

// Referrer discovery: what is attached to a digest, from every place tools
// put it (see shared/PROTOCOL.md, "Supply-chain artifacts: where they
// live"):
//
//   - the OCI 1.1 referrers API, GET /v2/<name>/referrers/<digest>, with
//     Link pagination;
//   - where that answers 404, the referrers tag schema: tag
//     <alg>-<hex> holding an index of the referrers' descriptors;
//   - cosign's tags <alg>-<hex>.sig, .att and .sbom.
//
// All lookups for one digest run at once; a tree asks for every digest of
// a wave at once. Referrer lists are never served from the cache (they
// change); the manifests they name are, by digest.

// maxReferrerPages bounds how many Link pages of one referrers list are
// followed.
const maxReferrerPages = 10

// maxReferrersBody caps one referrers page in bytes (decoded, after any
// Content-Encoding).
const maxReferrersBody = 16 << 20

// cosignSuffixes are cosign's tag suffixes and the kind each holds.
var cosignSuffixes = []struct {
	suffix string
	kind   model.Kind
}{{".sig", model.KindSignature}, {".att", model.KindAttestation}, {".sbom", model.KindSBOM}}

// Referrers finds what is attached to digest in repository: the referrers
// API or its tag schema fallback, and cosign's tags. The list says which
// lookups failed (Errs): then "nothing found" means "could not tell". Only
// a bad repository or digest is an error.
func (c *Client) Referrers(ctx context.Context, repository, digest string) (*model.ReferrerList, error) {
	repo, err := c.ParseRepository(repository)
	if err != nil {
		return nil, err
	}
	if err := model.ValidateDigest(digest); err != nil {
		return nil, fmt.Errorf("referrers of %s: %w", digest, err)
	}
	return c.referrers(ctx, repo, digest), nil
}

func (c *Client) referrers(ctx context.Context, repo name.Repository, digest string) *model.ReferrerList {
	out := &model.ReferrerList{Support: model.SupportUnknown, Manifests: map[string]model.Content{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1 + len(cosignSuffixes))
	go func() {
		defer wg.Done()
		items, support, truncated, err := c.referrersIndex(ctx, repo, digest)
		mu.Lock()
		defer mu.Unlock()
		out.Support, out.Truncated = support, truncated
		out.Items = append(items, out.Items...)
		if err != nil {
			out.Errs = append(out.Errs, err.Error())
		}
	}()
	for _, cs := range cosignSuffixes {
		go func() {
			defer wg.Done()
			tag := tagSchema(digest) + cs.suffix
			if !c.tagExists(ctx, repo, tag) {
				return
			}
			m, err := c.get(ctx, repo.Tag(tag), c.opts.Limits.ManifestBytes)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case notFound(err):
			case err != nil:
				out.Errs = append(out.Errs, fmt.Sprintf("cosign tag %s: %v", tag, err))
			default:
				out.Items = append(out.Items, model.Referrer{
					Descriptor: model.Descriptor{Digest: m.Digest, MediaType: m.MediaType, Size: m.Size},
					Source:     model.SourceCosign, Tag: tag, Kind: cs.kind,
				})
				out.Manifests[m.Digest] = model.Content{MediaType: m.MediaType, Raw: m.Raw}
			}
		}()
	}
	wg.Wait()
	return out
}

// tagSchema is the referrers tag schema's tag for digest.
func tagSchema(digest string) string { return model.ReferrersTag(digest) }

// referrersIndex asks the referrers API, following Link pages, and falls
// back to the tag schema when the API is missing (404). Until a host has
// answered on the API, the tag schema is asked at the same time, so a
// registry without the API costs no extra round; once it has, only the
// API is asked.
func (c *Client) referrersIndex(ctx context.Context, repo name.Repository, digest string) ([]model.Referrer, model.Support, bool, error) {
	host := repo.RegistryStr()
	known := c.referrersSupport(host)
	var tagItems []model.Referrer
	var tagErr error
	tagDone := make(chan struct{})
	if known == model.SupportUnknown {
		go func() {
			defer close(tagDone)
			tagItems, tagErr = c.referrersTag(ctx, repo, digest)
		}()
	} else {
		close(tagDone)
	}
	items, found, truncated, err := c.referrersAPI(ctx, repo, digest)
	<-tagDone
	switch {
	case err != nil:
		return items, model.SupportUnknown, false, err
	case !found:
		// Not remembered: a registry with the API answers 404 too for a
		// repository it does not have yet (NAME_UNKNOWN).
		if known == model.SupportAPI {
			tagItems, tagErr = c.referrersTag(ctx, repo, digest)
		}
		return tagItems, model.SupportTagFallback, false, tagErr
	}
	c.setReferrersSupport(host, model.SupportAPI)
	return items, model.SupportAPI, truncated, nil
}

func (c *Client) referrersSupport(host string) model.Support {
	c.refMu.Lock()
	defer c.refMu.Unlock()
	if s, ok := c.refSupport[host]; ok {
		return s
	}
	return model.SupportUnknown
}

func (c *Client) setReferrersSupport(host string, s model.Support) {
	c.refMu.Lock()
	defer c.refMu.Unlock()
	if c.refSupport == nil {
		c.refSupport = map[string]model.Support{}
	}
	c.refSupport[host] = s
}

// referrersAPI reads GET /v2/<name>/referrers/<digest>, page by page;
// found is false when the API is missing (404 on the first page).
func (c *Client) referrersAPI(ctx context.Context, repo name.Repository, digest string) (items []model.Referrer, found, truncated bool, err error) {
	what := "referrers of " + repo.Name() + "@" + digest
	u := c.referrersURL(repo, digest)
	for page := 0; u != ""; page++ {
		if page == maxReferrerPages {
			return items, true, true, nil
		}
		resp, err := c.send(func() (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err == nil {
				req.Header.Set("Accept", model.MediaTypeOCIIndex)
			}
			return req, err
		}, false)
		if err != nil {
			return items, false, false, fmt.Errorf("%s: %w", what, err)
		}
		if page == 0 && resp.StatusCode == http.StatusNotFound {
			discard(resp)
			return nil, false, false, nil
		}
		if resp.StatusCode != http.StatusOK {
			return items, false, false, statusError(what, resp)
		}
		descs, cut, err := decodeReferrers(resp.Body, model.MaxReferrers-len(items))
		resp.Body.Close()
		if err != nil {
			return items, true, false, fmt.Errorf("%s: %w", what, err)
		}
		for _, d := range descs {
			items = append(items, model.Referrer{Descriptor: d, Source: model.SourceAPI})
		}
		if cut || len(items) >= model.MaxReferrers {
			return items, true, true, nil
		}
		next, err := nextLink(resp)
		if err != nil {
			return items, true, false, fmt.Errorf("%s: %w", what, err)
		}
		u = ""
		if next != nil && next.Host == resp.Request.URL.Host {
			u = next.String() // never follow a page to another host
		}
	}
	return items, true, false, nil
}

func (c *Client) referrersURL(repo name.Repository, digest string) string {
	u := url.URL{Scheme: c.Scheme(repo.RegistryStr()), Host: repo.RegistryStr(), Path: "/v2/" + repo.RepositoryStr() + "/referrers/" + digest}
	return u.String()
}

// referrersTag reads the tag schema index of digest; a missing tag means
// nothing is attached.
func (c *Client) referrersTag(ctx context.Context, repo name.Repository, digest string) ([]model.Referrer, error) {
	tag := tagSchema(digest)
	if !c.tagExists(ctx, repo, tag) {
		return nil, nil
	}
	m, err := c.get(ctx, repo.Tag(tag), c.opts.Limits.ManifestBytes)
	switch {
	case notFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("referrers tag %s: %w", tag, err)
	case !model.IsIndexMediaType(m.MediaType):
		return nil, fmt.Errorf("referrers tag %s holds a %s, not an index", tag, model.MediaTypeName(m.MediaType))
	}
	descs, _, err := model.ParseIndex(m.MediaType, m.Raw)
	if err != nil {
		return nil, fmt.Errorf("referrers tag %s: %w", tag, err)
	}
	var items []model.Referrer
	for i, d := range descs {
		if i == model.MaxReferrers {
			break
		}
		items = append(items, model.Referrer{Descriptor: d, Source: model.SourceTag, Tag: tag})
	}
	return items, nil
}

// decodeReferrers reads the manifests of a referrers index as a stream and
// stops after max descriptors, so a list of 100,000 costs no more than the
// first max. The body is capped at maxReferrersBody.
func decodeReferrers(body io.Reader, max int) ([]model.Descriptor, bool, error) {
	lr := &io.LimitedReader{R: body, N: maxReferrersBody + 1}
	dec := json.NewDecoder(lr)
	fail := func(err error) ([]model.Descriptor, bool, error) {
		if lr.N <= 0 {
			return nil, false, &TooLargeError{What: "referrers list", Size: -1, Limit: maxReferrersBody}
		}
		return nil, false, fmt.Errorf("referrers list: %w", err)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fail(errors.Join(err, errors.New("not a JSON object")))
	}
	var out []model.Descriptor
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		if key, _ := t.(string); key != "manifests" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return fail(errors.Join(err, errors.New("manifests is not an array")))
		}
		for dec.More() {
			if len(out) >= max {
				return out, true, nil
			}
			var d model.Descriptor
			if err := dec.Decode(&d); err != nil {
				return fail(err)
			}
			out = append(out, d)
		}
		if _, err := dec.Token(); err != nil {
			return fail(err)
		}
	}
	return out, false, nil
}

// tagMemo is one fetch's view of a repository's tags, so cosign's tags and
// the tag schema are asked for only where they exist: one listing instead
// of four probes per image. It holds the first page only; a repository
// with more tags than a page (or one that refuses listings) is probed tag
// by tag as before. It lives for one Tree or Supply call, so a refresh
// sees new signatures.
type tagMemo struct {
	once sync.Once
	ok   bool // the whole list fits the first page
	tags map[string]bool
}

type tagMemoKey struct{}

// withTagMemo returns ctx carrying a fresh tag memo for repo, whose
// listing starts at once: it runs beside the top-level manifest, so it is
// ready when the referrer lookups go out with the children.
// The returned wait ends when the listing has.
func (c *Client) withTagMemo(ctx context.Context, repo name.Repository) (context.Context, func()) {
	ctx = context.WithValue(ctx, tagMemoKey{}, &tagMemo{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.tagExists(ctx, repo, "")
	}()
	return ctx, func() { <-done }
}

// errFirstPage stops a listing after its first page.
var errFirstPage = errors.New("first page read")

// tagExists reports whether tag may exist in repo: false only when the
// memo's listing is complete and lacks it.
func (c *Client) tagExists(ctx context.Context, repo name.Repository, tag string) bool {
	m, _ := ctx.Value(tagMemoKey{}).(*tagMemo)
	if m == nil {
		return true
	}
	m.once.Do(func() {
		tags := map[string]bool{}
		err := c.Tags(ctx, repo.Name(), func(p Page) error {
			for _, t := range p.Names {
				tags[t] = true
			}
			if p.More {
				return errFirstPage
			}
			m.ok = true
			return nil
		})
		if err != nil && !errors.Is(err, errFirstPage) {
			m.ok = false
		}
		m.tags = tags
	})
	return !m.ok || m.tags[tag]
}
