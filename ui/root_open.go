package ui

import (
	"strings"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/model/attest"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/pages/copyto"
	"github.com/manifold-dev/manifold/ui/pages/raw"
	"github.com/manifold-dev/manifold/ui/pages/repos"
	"github.com/manifold-dev/manifold/ui/pages/resolve"
	"github.com/manifold-dev/manifold/ui/pages/sbom"
	"github.com/manifold-dev/manifold/ui/pages/staging"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/pages/tree"
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

// openTarget returns the page for what s names. A bare tag or digest typed
// while a repository is open (repo != "") opens in that repository.
func openTarget(c *common.Common, s, repo string) common.Page {
	s = strings.TrimSpace(s)
	if repo != "" && !strings.Contains(s, "/") {
		switch {
		case strings.HasPrefix(s, "sha256:"):
			return tree.New(c, repo+"@"+s)
		case strings.HasPrefix(s, "@"):
			return tree.New(c, repo+s)
		case !strings.ContainsAny(s, ":@") && !common.HostLike(s):
			return tree.New(c, repo+":"+s)
		}
	}
	switch Classify(s) {
	case KindRegistry:
		return repos.New(c, s)
	case KindReference:
		return tree.NewStandalone(c, s)
	default:
		return tags.NewStandalone(c, s)
	}
}

// pages are the page constructors the root gives every page
// (common.Pages), so that pages open each other without importing each
// other.
func pages() common.Pages {
	return common.Pages{
		Open: openTarget,
		Tags: func(c *common.Common, repo string) common.Page { return tags.New(c, repo) },
		Tree: func(c *common.Common, ref string) common.Page { return tree.New(c, ref) },
		Raw: func(c *common.Common, title string, doc []byte, ref string, node func(*model.Tree) (string, []byte, bool)) common.Page {
			return raw.New(c, title, doc, ref, node)
		},
		Resolve: func(c *common.Common, t *model.Tree, ref string) common.Page {
			return resolve.New(c, t, ref)
		},
		SBOM: func(c *common.Common, where string, sb *attest.SBOM) common.Page { return sbom.New(c, where, sb) },
		Copy: func(c *common.Common, src, host, platform string) common.Page {
			return copyto.New(c, src, host, platform)
		},
		Staging: func(c *common.Common) common.Page { return staging.New(c) },
	}
}
