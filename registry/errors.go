package registry

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

// Sentinel errors the UI and CLI test with errors.Is. Errors that come from an
// HTTP status also keep the *transport.Error (with the registry's own
// diagnostics) in their chain for errors.As.
var (
	ErrNotFound        = errors.New("not found")
	ErrUnauthorized    = errors.New("unauthorized")
	ErrDenied          = errors.New("access denied")
	ErrTooManyRequests = errors.New("too many requests")
	ErrDigestMismatch  = errors.New("digest mismatch")
	ErrTooLarge        = errors.New("too large")
)

// ErrNoCatalog is returned by Repositories for registries that do not serve
// the _catalog endpoint (Docker Hub, GHCR, …).
var ErrNoCatalog = errors.New("this registry does not list its repositories (no _catalog endpoint): open a repository by name instead")

// StatusError is a registry answer with an unexpected HTTP status. It
// matches ErrNotFound (404), ErrUnauthorized (401), ErrDenied (403) and
// ErrTooManyRequests (429) with errors.Is, and unwraps to the
// *transport.Error holding the registry's diagnostics.
type StatusError struct {
	What   string // what was asked for, e.g. "manifest example.com/app:v1"
	Status int
	Err    error
}

func (e *StatusError) Error() string { return e.What + ": " + e.Err.Error() }
func (e *StatusError) Unwrap() error { return e.Err }

// Is matches the sentinel for the status.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrDenied:
		return e.Status == http.StatusForbidden
	case ErrTooManyRequests:
		return e.Status == http.StatusTooManyRequests
	}
	return false
}

// DigestMismatchError says content did not hash to the digest it should
// have. It never holds the content.
type DigestMismatchError struct {
	What string // e.g. "manifest example.com/app:v1"
	Want string // the digest asked for, or Docker-Content-Digest for a tag
	Got  string // the digest of the bytes received
}

func (e *DigestMismatchError) Error() string {
	return fmt.Sprintf("%s: digest mismatch: expected %s, received content hashes to %s (the registry or a proxy altered it)", e.What, e.Want, e.Got)
}

// Is matches ErrDigestMismatch.
func (e *DigestMismatchError) Is(target error) bool { return target == ErrDigestMismatch }

// TooLargeError says content exceeded the size manifold reads.
type TooLargeError struct {
	What  string
	Size  int64 // the announced size, or -1 when only reading found out
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size >= 0 {
		return fmt.Sprintf("%s is %d bytes, more than the %d-byte limit: refused", e.What, e.Size, e.Limit)
	}
	return fmt.Sprintf("%s is more than the %d-byte limit: refused", e.What, e.Limit)
}

// Is matches ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// statusError builds a *StatusError from a response with an unexpected
// status; it reads (and closes) a bounded part of the body for diagnostics.
func statusError(what string, resp *http.Response) error {
	defer resp.Body.Close()
	err := transport.CheckError(resp, http.StatusOK)
	if err == nil {
		err = fmt.Errorf("unexpected status %s", termsafe.String(resp.Status))
	}
	return &StatusError{What: what, Status: resp.StatusCode, Err: err}
}

// isStatus reports whether err is a registry error with the given HTTP status.
func isStatus(err error, code int) bool {
	var se *StatusError
	if errors.As(err, &se) && se.Status == code {
		return true
	}
	var te *transport.Error
	return errors.As(err, &te) && te.StatusCode == code
}

// readLimited reads at most limit bytes from r and fails, naming what, when
// there is more.
func readLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{What: what, Size: -1, Limit: limit}
	}
	return b, nil
}

// networkHint says what to check for the network errors people meet most:
// nothing listening, a name that does not resolve, a timeout.
func networkHint(err error, host string) string {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return " (the name " + host + " does not resolve: check its spelling, or your network and DNS)"
	case isRefused(err):
		return " (nothing is listening at " + host + ": is the registry running, and is the port right?)"
	case errors.As(err, &op) && op.Timeout():
		return " (no answer from " + host + ": check the address, a proxy or a firewall)"
	}
	return ""
}
