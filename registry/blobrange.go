package registry

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/manifold-dev/manifold/model"
)

// maxRange bounds a blob range request: ranges are for headers and
// trailers (a gzip ISIZE, a zstd frame header), never for content.
const maxRange = 64

// BlobRange reads bytes first..last (inclusive) of a blob with a Range
// request. ok is false, with no error, when the registry (or the storage
// it redirects to) does not serve ranges: it answers 200 with the whole
// blob (the body is not read), or 416, 501. Nothing is verified: a range
// cannot be hashed; callers use it only for estimates.
func (c *Client) BlobRange(ctx context.Context, repository, digest string, first, last int64) (b []byte, ok bool, err error) {
	repo, err := c.ParseRepository(repository)
	if err != nil {
		return nil, false, err
	}
	what := "blob " + repo.Name() + "@" + digest
	if err := model.ValidateDigest(digest); err != nil {
		return nil, false, fmt.Errorf("%s: %w", what, err)
	}
	n := last - first + 1
	if first < 0 || n <= 0 || n > maxRange {
		return nil, false, fmt.Errorf("%s: range %d-%d: ask for 1 to %d bytes", what, first, last, maxRange)
	}
	resp, err := c.send(func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.blobURL(repo, digest), nil)
		if err == nil {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(first, 10)+"-"+strconv.FormatInt(last, 10))
			// A transparently inflated body would not be the blob's bytes.
			req.Header.Set("Accept-Encoding", "identity")
		}
		return req, err
	}, true)
	if err != nil {
		return nil, false, fmt.Errorf("fetch %s: %w", what, err)
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
	case http.StatusOK, http.StatusRequestedRangeNotSatisfiable, http.StatusNotImplemented:
		resp.Body.Close() // the whole blob, or no ranges: do not read it
		return nil, false, nil
	default:
		return nil, false, statusError("fetch "+what, resp)
	}
	defer resp.Body.Close()
	if cr := resp.Header.Get("Content-Range"); cr != "" {
		var a, z int64
		if _, err := fmt.Sscanf(cr, "bytes %d-%d/", &a, &z); err != nil || a != first || z != last {
			return nil, false, nil // another range than asked for
		}
	}
	b, err = io.ReadAll(io.LimitReader(resp.Body, n+1))
	if err != nil {
		return nil, false, fmt.Errorf("fetch %s: %w", what, err)
	}
	if int64(len(b)) != n {
		return nil, false, nil
	}
	return b, true, nil
}
