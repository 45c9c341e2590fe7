package ui

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
)

// reportErr sends a page's failure to the root, which explains it.
func reportErr(page int, what string, err error, host string) tea.Cmd {
	return func() tea.Msg { return errorMsg{page: page, what: what, err: err, host: host} }
}

// statusCode returns the HTTP status of a registry error, or 0.
func statusCode(err error) int {
	var te *transport.Error
	if errors.As(err, &te) {
		return te.StatusCode
	}
	return 0
}

// explain turns an error into one status line that says what to do.
// login is true for a 401.
func explain(what string, err error) (text string, login bool) {
	msg := termsafe.String(firstLine(err.Error()))
	var ne net.Error
	switch code := statusCode(err); {
	case errors.Is(err, registry.ErrNoCatalog):
		return "This registry does not list its repositories: press : and type a repository (e.g. library/alpine).", false
	case code == http.StatusUnauthorized:
		return "Not authorised (401) to " + what + ": log in, or check the name.", true
	case code == http.StatusForbidden:
		return "Forbidden (403) to " + what + ": your account lacks access.", false
	case code == http.StatusNotFound:
		return "Not found (404): " + what + " — check the name and tag, then press r or esc.", false
	case code == http.StatusTooManyRequests || errors.Is(err, registry.ErrTooManyRequests):
		var rl *registry.RateLimitError
		if errors.As(err, &rl) && rl.Limit != nil {
			return "Rate limited (429): " + termsafe.String(rl.Limit.String()) + "; " + rl.Limit.WhenReset() + ", then press r.", false
		}
		return "Rate limited (429) by the registry: wait a minute, then press r to retry.", false
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "Timed out: " + what + " — the registry is slow or unreachable; press r to retry.", false
	case strings.Contains(msg, "connection refused"):
		return "Connection refused: " + what + " — is the registry running, and is the host:port right?", false
	case strings.Contains(msg, "no such host"):
		return "Unknown host: " + what + " — check the registry name.", false
	case strings.Contains(msg, "http: server gave HTTP response to HTTPS client"):
		return "The registry speaks plain HTTP: rerun with --insecure-registry HOST.", false
	}
	return "Failed to " + what + ": " + msg + " (press r to retry)", false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
