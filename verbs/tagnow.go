package verbs

import (
	"context"
	"fmt"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// TagState is what a tag holds now.
type TagState struct {
	// Ref is the tag asked about.
	Ref string
	// Digest is what it points at, "" when the tag does not exist.
	Digest string
	// Tree is what it holds, read by digest (so a tag moving during the
	// read cannot mix two versions); nil when the tag does not exist.
	Tree *model.Tree
}

// Exists reports whether the tag exists.
func (s *TagState) Exists() bool { return s != nil && s.Digest != "" }

// TagNow asks the registry (never a cache) what ref holds now: a HEAD for
// the digest, then the tree by that digest.
func TagNow(ctx context.Context, r Reader, ref string, opts registry.TreeOptions) (*TagState, error) {
	d, err := r.HeadDigest(ctx, ref)
	if err != nil {
		return nil, err
	}
	s := &TagState{Ref: ref, Digest: d}
	if d == "" {
		return s, nil
	}
	if s.Tree, err = r.Tree(ctx, ref+"@"+d, opts); err != nil {
		return nil, fmt.Errorf("read %s: %w", ref, err)
	}
	return s, nil
}

// Comparison is a staged list against what its target tag holds now.
type Comparison struct {
	Now *TagState
	// Diff is what pushing the list would change.
	Diff model.ListDiff
	// Moved is true when the tag no longer holds the digest the list was
	// staged from (Base).
	Moved bool
}

// Compare fetches what l's target tag holds now and diffs l against it.
func Compare(ctx context.Context, r Reader, l *model.StagedList) (*Comparison, error) {
	now, err := TagNow(ctx, r, l.Target, registry.TreeOptions{})
	if err != nil {
		return nil, err
	}
	return &Comparison{Now: now, Diff: model.Diff(now.Tree, l), Moved: now.Digest != l.Base}, nil
}
