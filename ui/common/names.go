package common

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
)

// HostOf returns the registry host of a repository or reference.
func HostOf(s string) string {
	if r, err := name.ParseReference(s); err == nil {
		return r.Context().RegistryStr()
	}
	if r, err := name.NewRepository(s); err == nil {
		return r.RegistryStr()
	}
	return ""
}

// RepoPath returns the repository path without the host.
func RepoPath(s string) string {
	if r, err := name.NewRepository(s); err == nil {
		return r.RepositoryStr()
	}
	return s
}

// SplitRef returns the repository (with host) and the tag or digest.
func SplitRef(ref string) (repo, id string) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return ref, ""
	}
	return r.Context().Name(), r.Identifier()
}

// ShortDigest shows the first 12 hex digits of a digest.
func ShortDigest(d string) string {
	// Cut first, then escape: escaping first could cut an escape or a
	// multi-byte character in half.
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		d = d[i+1 : i+13]
	}
	return termsafe.String(d)
}

// HumanSize formats bytes as B, kB, MB, GB (decimal, as registries show).
func HumanSize(n int64) string {
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

// ShortMediaType is the vocabulary's short name for a media type, sanitized.
func ShortMediaType(mt string) string { return termsafe.String(model.MediaTypeName(mt)) }

// copyMsg reports a copy to the clipboard.
func CopyCmd(s string) tea.Cmd {
	return tea.Batch(tea.SetClipboard(s), SetStatus("Copied "+termsafe.String(s), false))
}

func StripANSI(s string) string { return ansi.Strip(s) }

// HostLike tells a registry host (localhost, ghcr.io) from a tag with dots
// (1.0, v1.2.3, 3.20-alpine): a host ends in an alphabetic label.
func HostLike(s string) bool {
	if s == "localhost" {
		return true
	}
	i := strings.LastIndexByte(s, '.')
	if i < 0 || i == len(s)-1 {
		return false
	}
	for _, r := range s[i+1:] {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// RelativeTo puts host in front of a name typed without one, so that
// "acme/web:1" opens in the registry being browsed; a name that starts with
// a host (ghcr.io/…, localhost:5000/…) is left alone.
func RelativeTo(host, name string) string {
	if host == "" {
		return name
	}
	first, _, slash := strings.Cut(name, "/")
	if slash {
		// docker's rule: a first component with '.' or ':' is a host.
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			return name
		}
		return host + "/" + name
	}
	// No slash: "ghcr.io" and "localhost:5000" are registries, "cli:2.0"
	// and "alpine" are names in this one.
	if h, _, _ := strings.Cut(name, ":"); strings.Contains(h, ".") || h == "localhost" {
		return name
	}
	return host + "/" + name
}

func FirstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
