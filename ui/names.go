package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
)

// Kind is what an argument names.
type Kind int

// What a start argument or a typed reference names.
const (
	KindNone Kind = iota
	KindRegistry
	KindRepository
	KindReference
)

// Classify says whether s names a registry, a repository or a reference:
// '@' or a ':tag' after the last '/' → reference; a host (has '.' or ':', or
// is localhost) with no '/' → registry; anything else with a name → repository
// (or a reference when it has a tag, as in golang:1.23).
func Classify(s string) Kind {
	s = strings.TrimSpace(s)
	if s == "" {
		return KindNone
	}
	if strings.Contains(s, "@") {
		return KindReference
	}
	slash := strings.LastIndexByte(s, '/')
	if slash < 0 {
		host, _, hasColon := strings.Cut(s, ":")
		if strings.Contains(host, ".") || host == "localhost" {
			return KindRegistry
		}
		if hasColon {
			return KindReference
		}
		return KindRepository
	}
	if strings.Contains(s[slash+1:], ":") {
		return KindReference
	}
	return KindRepository
}

// hostOf returns the registry host of a repository or reference.
func hostOf(s string) string {
	if r, err := name.ParseReference(s); err == nil {
		return r.Context().RegistryStr()
	}
	if r, err := name.NewRepository(s); err == nil {
		return r.RegistryStr()
	}
	return ""
}

// repoPath returns the repository path without the host.
func repoPath(s string) string {
	if r, err := name.NewRepository(s); err == nil {
		return r.RepositoryStr()
	}
	return s
}

// splitRef returns the repository (with host) and the tag or digest.
func splitRef(ref string) (repo, id string) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return ref, ""
	}
	return r.Context().Name(), r.Identifier()
}

// shortDigest shows the first 12 hex digits of a digest.
func shortDigest(d string) string {
	// Cut first, then escape: escaping first could cut an escape or a
	// multi-byte character in half.
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		d = d[i+1 : i+13]
	}
	return termsafe.String(d)
}

// humanSize formats bytes as B, kB, MB, GB (decimal, as registries show).
func humanSize(n int64) string {
	switch {
	case n < 0:
		return "?"
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// shortMediaType is the vocabulary's short name for a media type, sanitized.
func shortMediaType(mt string) string { return termsafe.String(model.MediaTypeName(mt)) }

// copyMsg reports a copy to the clipboard.
func copyCmd(s string) tea.Cmd {
	return tea.Batch(tea.SetClipboard(s), setStatus("Copied "+termsafe.String(s), false))
}

func ansiStrip(s string) string { return ansi.Strip(s) }
