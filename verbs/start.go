package verbs

import (
	"context"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Start is a list started from a tag.
type Start struct {
	List *model.StagedList
	Now  *TagState
	// Kept is true when the tag held an index whose entries, attestations
	// and annotations the list starts with; false for a new tag or a tag
	// holding a single image (the list starts empty).
	Kept bool
}

// StartFromTag starts a staged list called name for the tag target from
// what the tag holds now. An index is staged unchanged; a single image or a
// missing tag gives an empty list. Base is the digest the tag holds ("" for
// a new tag), so a push notices when the tag moves in the meantime.
//
// With keep false only the digest is asked for (a new list that will
// replace whatever the tag holds).
func StartFromTag(ctx context.Context, r Reader, name, target string, keep bool) (*Start, error) {
	var (
		now *TagState
		err error
	)
	if keep {
		now, err = TagNow(ctx, r, target, registry.TreeOptions{All: true})
	} else {
		var d string
		d, err = r.HeadDigest(ctx, target)
		now = &TagState{Ref: target, Digest: d}
	}
	if err != nil {
		return nil, err
	}
	s := &Start{Now: now, List: &model.StagedList{Name: name, Target: target, Base: now.Digest}}
	if now.Tree != nil && now.Tree.IsIndex() {
		l, err := model.StagedFromTree(name, target, now.Tree)
		if err != nil {
			return nil, err
		}
		l.Base = now.Digest
		s.List, s.Kept = l, true
	}
	return s, nil
}

// EntryOf finds the entry image names in l (as model.StagedList.Find does:
// source, digest or digest prefix, platform), or, when image is a
// reference that names none of them, the entry pinned at the digest the
// reference points at now.
func EntryOf(ctx context.Context, r Reader, l *model.StagedList, image string) (*model.StagedEntry, error) {
	i, err := l.Find(image)
	if err == nil {
		return &l.Entries[i], nil
	}
	d, herr := r.HeadDigest(ctx, image)
	if herr != nil || d == "" {
		return nil, err
	}
	for j := range l.Entries {
		if l.Entries[j].Digest == d {
			return &l.Entries[j], nil
		}
	}
	return nil, err
}
