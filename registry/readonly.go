package registry

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrReadOnly is returned for every request that would write to a registry
// when the client is read-only (Options.ReadOnly: --readonly, or readonly:
// true in the config file). Test for it with errors.Is.
var ErrReadOnly = errors.New("readonly: manifold was started read-only (--readonly or readonly: true in the config file); nothing is written")

// ReadOnlyError names the write that was refused.
type ReadOnlyError struct {
	Method, Host, Path string
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("readonly: refused %s %s%s (started with --readonly or readonly: true in the config file)", e.Method, e.Host, e.Path)
}

// Is makes errors.Is(err, ErrReadOnly) true.
func (e *ReadOnlyError) Is(target error) bool { return target == ErrReadOnly }

// readOnlyGuard is the one place every write passes through: all of the
// client's requests (reads, pushes, deletes, retags, copies, and whatever
// verb comes next) go through its transport, and the guard refuses the
// distribution API's writes before they leave the machine. A token request
// (a POST to the auth realm with a refresh token) is not a write and passes.
type readOnlyGuard struct{ next http.RoundTripper }

func (g *readOnlyGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if isRegistryWrite(req) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &ReadOnlyError{Method: req.Method, Host: req.URL.Host, Path: req.URL.Path}
	}
	return g.next.RoundTrip(req)
}

// isRegistryWrite: the distribution spec's writes are PUT (manifests,
// finishing an upload), PATCH (upload chunks), DELETE (manifests, blobs)
// and POST to /blobs/uploads/ (starting an upload or a cross-repository
// mount). Every PUT, PATCH and DELETE is refused, whatever its path.
func isRegistryWrite(req *http.Request) bool {
	switch req.Method {
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	case http.MethodPost:
		return strings.Contains(req.URL.Path, "/blobs/uploads")
	}
	return false
}

// ReadOnly reports whether the client refuses writes.
func (c *Client) ReadOnly() bool { return c.opts.ReadOnly }
