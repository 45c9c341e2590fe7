package registry

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/manifold-dev/manifold/model"
)

// The primitives a copy is made of: ask whether a blob or manifest is at the
// target, mount a blob from another repository of the same registry, stream
// a blob from one registry to another (verified by digest as it passes), and
// PUT a manifest. Each write goes to one repository through a transport with
// push scope on it (and pull scope on the repositories it mounts from, in
// the same token: registries refuse a mount otherwise).

// BlobExists reports whether repository holds the blob (HEAD). A 404 is
// (false, nil).
func (c *Client) BlobExists(ctx context.Context, repository, digest string) (bool, error) {
	repo, err := c.ParseRepository(repository)
	if err != nil {
		return false, err
	}
	if err := model.ValidateDigest(digest); err != nil {
		return false, fmt.Errorf("blob %s: %w", digest, err)
	}
	resp, err := c.send(func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodHead, c.blobURL(repo, digest), nil)
	}, true)
	if err != nil {
		return false, fmt.Errorf("check blob %s@%s: %w", repo.Name(), digest, err)
	}
	defer discard(resp)
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, statusError("check blob "+repo.Name()+"@"+digest, resp)
}

// OpenBlob streams a blob by digest. The reader fails at the end when the
// bytes do not hash to digest or are not size bytes long, and as soon as
// more than size bytes arrive, so nothing unverified is ever accepted.
func (c *Client) OpenBlob(ctx context.Context, repository, digest string, size int64) (io.ReadCloser, error) {
	repo, err := c.ParseRepository(repository)
	if err != nil {
		return nil, err
	}
	resp, what, err := c.getBlob(ctx, repo, digest)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength >= 0 && size >= 0 && resp.ContentLength != size {
		resp.Body.Close()
		return nil, fmt.Errorf("fetch %s: the registry announces %d bytes, the manifest says %d", what, resp.ContentLength, size)
	}
	return newVerifyReader(resp.Body, what, digest, size), nil
}

type verifyReader struct {
	body       io.ReadCloser
	h          hash.Hash
	what, want string
	size, n    int64
}

func newVerifyReader(body io.ReadCloser, what, digest string, size int64) *verifyReader {
	var h hash.Hash = sha256.New()
	if strings.HasPrefix(digest, "sha512:") {
		h = sha512.New()
	}
	return &verifyReader{body: body, h: h, what: what, want: digest, size: size}
}

func (v *verifyReader) Read(p []byte) (int, error) {
	n, err := v.body.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.size >= 0 && v.n > v.size {
		return n, &TooLargeError{What: v.what, Size: -1, Limit: v.size}
	}
	if err == io.EOF {
		if v.size >= 0 && v.n != v.size {
			return n, fmt.Errorf("%s: received %d bytes, the manifest says %d", v.what, v.n, v.size)
		}
		alg, _, _ := strings.Cut(v.want, ":")
		if got := alg + ":" + hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			return n, &DigestMismatchError{What: v.what, Want: v.want, Got: got}
		}
	}
	return n, err
}

func (v *verifyReader) Close() error { return v.body.Close() }

// Writer writes blobs and manifests into one repository. Its requests go
// through the client's handshake (handshake.go) like every other: it asks
// for push scope on the repository, and for a mount also pull on the
// source repository, in the same token.
type Writer struct {
	c    *Client
	repo name.Repository
	rt   http.RoundTripper
}

// Writer sets up writes to repository. mountFrom names the repositories
// blobs will be mounted from; the handshake works the scopes out from each
// request, so it is only checked here.
func (c *Client) Writer(ctx context.Context, repository string, mountFrom ...string) (*Writer, error) {
	repo, err := c.ParseRepository(repository)
	if err != nil {
		return nil, err
	}
	for _, from := range mountFrom {
		if _, err := c.ParseRepository(from); err != nil {
			return nil, err
		}
	}
	return &Writer{c: c, repo: repo, rt: c.hs}, nil
}

// Repository is the repository the writer writes to.
func (w *Writer) Repository() string { return w.repo.Name() }

func (w *Writer) url(path string, q url.Values) string {
	u := url.URL{Scheme: w.c.Scheme(w.repo.RegistryStr()), Host: w.repo.RegistryStr(), Path: "/v2/" + w.repo.RepositoryStr() + path}
	if q != nil {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Mount asks the registry to mount digest from another repository of the
// same registry. It reports whether the blob is now there; when the
// registry declines (202), it returns the upload it opened instead, for
// Upload to use.
func (w *Writer) Mount(ctx context.Context, digest, from string) (mounted bool, upload string, err error) {
	src, err := w.c.ParseRepository(from)
	if err != nil {
		return false, "", err
	}
	q := url.Values{"mount": {digest}, "from": {src.RepositoryStr()}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url("/blobs/uploads/", q), nil)
	if err != nil {
		return false, "", err
	}
	resp, err := w.rt.RoundTrip(req)
	if err != nil {
		return false, "", fmt.Errorf("mount %s from %s into %s: %w", digest, src.Name(), w.repo.Name(), err)
	}
	switch resp.StatusCode {
	case http.StatusCreated:
		discard(resp)
		return true, "", nil
	case http.StatusAccepted:
		loc, err := w.location(resp)
		discard(resp)
		return false, loc, err
	}
	return false, "", describeWriteErr(statusError("mount "+digest+" into "+w.repo.Name(), resp))
}

func (w *Writer) location(resp *http.Response) (string, error) {
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", fmt.Errorf("upload to %s: the registry sent no Location", w.repo.Name())
	}
	u, err := resp.Request.URL.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("upload to %s: bad Location: %w", w.repo.Name(), err)
	}
	return u.String(), nil
}

// Upload writes a blob of size bytes from body, in one request after the
// upload is opened (upload, when not "", is an upload Mount opened). The
// registry checks the digest too.
func (w *Writer) Upload(ctx context.Context, digest string, size int64, body io.Reader, upload string) error {
	if upload == "" {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url("/blobs/uploads/", nil), nil)
		if err != nil {
			return err
		}
		resp, err := w.rt.RoundTrip(req)
		if err != nil {
			return fmt.Errorf("start upload of %s to %s: %w", digest, w.repo.Name(), err)
		}
		if resp.StatusCode != http.StatusAccepted {
			return describeWriteErr(statusError("start upload of "+digest+" to "+w.repo.Name(), resp))
		}
		upload, err = w.location(resp)
		discard(resp)
		if err != nil {
			return err
		}
	}
	u, err := url.Parse(upload)
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("digest", digest)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), io.NopCloser(body))
	if err != nil {
		return err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := w.rt.RoundTrip(req)
	if err != nil {
		return fmt.Errorf("upload %s to %s: %w", digest, w.repo.Name(), err)
	}
	if resp.StatusCode != http.StatusCreated {
		return describeWriteErr(statusError("upload "+digest+" to "+w.repo.Name(), resp))
	}
	discard(resp)
	return nil
}

// PutManifest writes raw under tagOrDigest (a digest for children, a tag
// for the index written last).
func (w *Writer) PutManifest(ctx context.Context, tagOrDigest, mediaType string, raw []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, w.url("/manifests/"+tagOrDigest, nil), strings.NewReader(string(raw)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mediaType)
	resp, err := w.rt.RoundTrip(req)
	if err != nil {
		return fmt.Errorf("write manifest %s:%s: %w", w.repo.Name(), tagOrDigest, err)
	}
	if resp.StatusCode != http.StatusCreated {
		return describeWriteErr(statusError("write manifest "+w.repo.Name()+":"+tagOrDigest, resp))
	}
	discard(resp)
	return nil
}
