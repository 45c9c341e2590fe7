package registry

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// The error vocabulary the front ends word for people. Each is matched
// with errors.Is (the sentinels) or errors.As (the types); neither the UI
// nor the CLI looks into error strings or HTTP statuses.
var (
	// ErrRefused: nothing listens at the registry's address.
	ErrRefused = errors.New("connection refused")
	// ErrNoSuchHost: the registry's name does not resolve.
	ErrNoSuchHost = errors.New("no such host")
	// ErrSpeaksHTTP: the registry answered HTTPS with plain HTTP.
	ErrSpeaksHTTP = errors.New("the registry speaks plain HTTP")
	// ErrTagUnknown, ErrRepositoryUnknown and ErrManifestUnknown say what a
	// 404 was missing, as far as the registry says (see UnknownError).
	ErrTagUnknown        = errors.New("no such tag")
	ErrRepositoryUnknown = errors.New("no such repository")
	ErrManifestUnknown   = errors.New("no such manifest")
)

// NetError is a request that failed before the registry answered.
type NetError struct {
	Host string
	Kind error // ErrRefused, ErrNoSuchHost or ErrSpeaksHTTP (timeouts are *TimeoutError)
	Err  error
}

func (e *NetError) Error() string { return e.Err.Error() }
func (e *NetError) Unwrap() error { return e.Err }

// Is matches the kind.
func (e *NetError) Is(target error) bool { return target == e.Kind }

// netErrorTransport files the network failures people meet most under
// their NetError kind.
type netErrorTransport struct{ next http.RoundTripper }

func (t *netErrorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		return resp, nil
	}
	if kind := netKind(err); kind != nil {
		return nil, &NetError{Host: req.URL.Host, Kind: kind, Err: err}
	}
	return nil, err
}

func netKind(err error) error {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return ErrNoSuchHost
	case isRefused(err):
		return ErrRefused
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http's own words, with no type to match.
		return ErrSpeaksHTTP
	}
	return nil
}

// UnknownError is a 404 for a manifest, saying what was missing when the
// registry said so: the tag (MANIFEST_UNKNOWN for a tag), the repository
// (NAME_UNKNOWN), or the manifest of a digest. Kind is nil when the
// registry did not say (a HEAD has no body): the tag or the repository.
type UnknownError struct {
	Repository string // registry/repository
	Tag        string // "" for a digest
	Digest     string
	Kind       error // ErrTagUnknown, ErrRepositoryUnknown, ErrManifestUnknown or nil
	Err        error
}

func (e *UnknownError) Error() string { return e.Err.Error() }
func (e *UnknownError) Unwrap() error { return e.Err }

// Is matches the kind (and, through Err, ErrNotFound).
func (e *UnknownError) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// unknownManifest wraps a 404 for the manifest ref in an *UnknownError.
func unknownManifest(ref name.Reference, err error) error {
	if !isStatus(err, http.StatusNotFound) {
		return err
	}
	u := &UnknownError{Repository: ref.Context().Name(), Err: err}
	if t, ok := ref.(name.Tag); ok {
		u.Tag = t.TagStr()
	} else {
		u.Digest = ref.Identifier()
	}
	var te *transport.Error
	if errors.As(err, &te) {
		for _, d := range te.Errors {
			switch d.Code {
			case transport.NameUnknownErrorCode:
				u.Kind = ErrRepositoryUnknown
			case transport.ManifestUnknownErrorCode:
				if u.Kind == nil {
					u.Kind = ErrManifestUnknown
					if u.Tag != "" {
						u.Kind = ErrTagUnknown
					}
				}
			}
		}
	}
	return u
}

// ReferenceError is a reference manifold refuses before asking a
// registry, in words that say how to fix it.
type ReferenceError struct {
	Input   string
	Problem string
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("invalid reference %q: %s", e.Input, e.Problem)
}

// CheckInput refuses the mistakes people make typing a reference: a URL
// scheme, upper case in the repository path. ParseReference and
// ParseRepository call it; a front end may too, before it has a client.
func CheckInput(input string) error {
	for _, scheme := range []string{"http://", "https://"} {
		if strings.HasPrefix(strings.ToLower(input), scheme) {
			return &ReferenceError{Input: input, Problem: "drop " + scheme + "; plain HTTP is used for localhost and 127.0.0.1, and for a host named with --insecure-registry HOST or --insecure (a reference is HOST/REPOSITORY:TAG)"}
		}
	}
	path := input
	if i := strings.IndexByte(path, '@'); i >= 0 {
		path = path[:i]
	}
	if i := strings.LastIndexByte(path, ':'); i > strings.LastIndexByte(path, '/') {
		path = path[:i] // the tag may have capitals
	}
	if i := strings.IndexByte(path, '/'); i >= 0 && (strings.ContainsAny(path[:i], ".:") || path[:i] == "localhost") {
		path = path[i+1:] // the host is case-insensitive
	}
	if path != strings.ToLower(path) {
		return &ReferenceError{Input: input, Problem: "repository names must be lowercase (" + strings.ToLower(path) + ")"}
	}
	return nil
}
