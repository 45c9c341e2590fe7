package verbs

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Side is one side of a diff: a reference (tag or digest) or a staged list.
type Side struct {
	Ref    string
	Staged *model.StagedList
}

// Name is how the side is shown.
func (s Side) Name() string {
	if s.Staged != nil {
		return "staged:" + s.Staged.Name
	}
	return s.Ref
}

// maxSideFetches bounds the child reads of a staged side in flight.
const maxSideFetches = 8

// Diff reads both sides at once, with every child and config, and compares
// them platform by platform (model.DiffRefs).
func Diff(ctx context.Context, r TreeReader, from, to Side) (*model.RefDiff, error) {
	var ft, tt *model.Tree
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { ft, err = ReadSide(gctx, r, from); return err })
	g.Go(func() (err error) { tt, err = ReadSide(gctx, r, to); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return model.DiffRefs(ft, tt), nil
}

// ReadSide fetches what a side holds, children and configs included.
func ReadSide(ctx context.Context, r TreeReader, s Side) (*model.Tree, error) {
	if s.Staged != nil {
		return StagedTree(ctx, r, s.Staged)
	}
	t, err := r.Tree(ctx, s.Ref, registry.TreeOptions{All: true})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.Ref, err)
	}
	return t, nil
}

// StagedTree is the tree a staged list would push: its rendered index, with
// each entry's manifest and config read from the repository it lives in
// now. An entry that cannot be read becomes a marked entry, as in a tree
// read from a registry.
func StagedTree(ctx context.Context, r TreeReader, l *model.StagedList) (*model.Tree, error) {
	raw, digest, err := l.Render()
	if err != nil {
		return nil, fmt.Errorf("render staged list %s: %w", l.Name, err)
	}
	store := model.Store{digest: {MediaType: l.EffectiveMediaType(), Raw: raw}}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(maxSideFetches)
	for _, e := range l.Entries {
		g.Go(func() error {
			t, err := r.Tree(gctx, e.Ref(), registry.TreeOptions{All: true})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				store[e.Digest] = model.Content{Err: fmt.Errorf("read %s: %w", e.Ref(), err)}
				return nil
			}
			addTreeContent(store, t)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return model.Build("staged:"+l.Name, repositoryOf(l.Target), digest, store)
}

// addTreeContent puts a fetched tree's manifests and configs into store.
func addTreeContent(store model.Store, t *model.Tree) {
	store[t.Digest] = model.Content{MediaType: t.MediaType, Raw: t.Raw}
	addImage(store, t.Image)
	var walk func([]*model.Entry)
	walk = func(es []*model.Entry) {
		for _, e := range es {
			switch {
			case e.Missing:
				store[e.Digest] = model.Content{NotFound: true}
			case e.Image != nil:
				store[e.Digest] = model.Content{MediaType: e.Image.MediaType, Raw: e.Image.Raw}
				addImage(store, e.Image)
			case e.NestedRaw != nil:
				store[e.Digest] = model.Content{MediaType: e.MediaType, Raw: e.NestedRaw}
				walk(e.Children)
			}
		}
	}
	walk(t.Entries)
}

func addImage(store model.Store, im *model.Image) {
	if im != nil && im.ConfigRaw != nil {
		store[im.ConfigDescriptor.Digest] = model.Content{MediaType: im.ConfigDescriptor.MediaType, Raw: im.ConfigRaw}
	}
}
