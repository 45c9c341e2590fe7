// Package verbs is the one layer of edit verbs that both front ends call:
// the CLI (cmd/manifold) and the TUI (ui). A verb is a whole user action
// ("what does the tag hold now, and what would a push change", "start a
// list from the tag"), written once here on top of the registry client and
// the staged-list store. Neither front end keeps its own copy.
//
// verbs never imports a UI package: it returns data and errors, and each
// front end words them for its screen.
package verbs

import (
	"context"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Reader is what the read verbs need from a registry; *registry.Client
// satisfies it, and tests may hand in their own.
type Reader interface {
	// HeadDigest returns the digest ref points at now, asking the
	// registry, or "" when it does not exist.
	HeadDigest(ctx context.Context, ref string) (string, error)
	TreeReader
}

// TreeReader is what the verbs that only read trees need (diff, check,
// sizes): the TUI's registry interface satisfies it too.
type TreeReader interface {
	Tree(ctx context.Context, ref string, opts registry.TreeOptions) (*model.Tree, error)
}

var _ Reader = (*registry.Client)(nil)
