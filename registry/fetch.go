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
		return &fetched{digest: want, mediaType: ctype, size: resp.ContentLength}, nil
	}
	raw, err := readLimited(resp.Body, limit, what)
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
	resp, err := c.send(func() (*http.Request, error) {
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
