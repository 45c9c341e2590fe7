package ui

import (
	"context"
	"errors"
	"net"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// explain turns an error into one status line that says what to do.
// login is true for a 401. It maps the registry's error vocabulary with
// errors.Is and errors.As: no HTTP statuses, no matching of strings.
func explain(what string, err error) (text string, login bool) {
	msg := termsafe.String(common.FirstLine(err.Error()))
	var (
		ne      net.Error
		unknown *registry.UnknownError
		rl      *registry.RateLimitError
	)
	switch {
	case errors.Is(err, registry.ErrNoCatalog):
		return "This registry does not list its repositories: press : and type a repository (e.g. library/alpine).", false
	case errors.Is(err, registry.ErrUnauthorized):
		return "Not authorised (401) to " + what + ": log in, or check the name.", true
	case errors.Is(err, registry.ErrDenied):
		return "Forbidden (403) to " + what + ": your account lacks access.", false
	case errors.As(err, &unknown):
		return unknownText(unknown) + ": check the name, then press r or esc.", false
	case errors.Is(err, registry.ErrNotFound):
		return "Not found (404): " + what + " — check the name and tag, then press r or esc.", false
	case errors.Is(err, registry.ErrTooManyRequests):
		if errors.As(err, &rl) && rl.Limit != nil {
			return "Rate limited (429): " + termsafe.String(rl.Limit.String()) + "; " + rl.Limit.WhenReset() + ", then press r.", false
		}
		return "Rate limited (429) by the registry: wait a minute, then press r to retry.", false
	case errors.Is(err, registry.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "Timed out: " + what + " — the registry is slow or unreachable; press r to retry.", false
	case errors.Is(err, registry.ErrRefused):
		return "Connection refused: " + what + " — is the registry running, and is the host:port right?", false
	case errors.Is(err, registry.ErrNoSuchHost):
		return "Unknown host: " + what + " — check the registry name.", false
	case errors.Is(err, registry.ErrSpeaksHTTP):
		return "The registry speaks plain HTTP: rerun with --insecure-registry HOST.", false
	}
	return "Failed to " + what + ": " + msg + " (press r to retry)", false
}

// unknownText says what a 404 was missing, as far as the registry said.
func unknownText(u *registry.UnknownError) string {
	repo := termsafe.String(u.Repository)
	switch {
	case errors.Is(u, registry.ErrRepositoryUnknown):
		return "No repository " + repo
	case errors.Is(u, registry.ErrTagUnknown):
		return "No tag " + termsafe.String(u.Tag) + " in " + repo
	case u.Tag == "":
		return "No manifest " + termsafe.String(u.Digest) + " in " + repo
	}
	return "No tag " + termsafe.String(u.Tag) + " in " + repo + " (or no such repository)"
}
