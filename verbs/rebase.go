package verbs

import (
	"context"
	"reflect"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Rebased is a staged list started again from what its tag holds now, with
// the user's changes carried over.
type Rebased struct {
	List *model.StagedList
	Now  *TagState
	// Diff is what pushing the rebased list would change against the tag.
	Diff model.ListDiff
	// BaseRead is false when the index the list was staged from could not
	// be read (a new tag, or deleted since): every entry of the list that
	// the tag lacks is then kept as one the user added.
	BaseRead bool
	// Edited are entries of the tag that keep the user's platform and
	// annotations; Added, entries the user added, kept; Dropped, entries the
	// list had from its base that someone removed from the tag since;
	// Removed, entries the user removed that the tag still had.
	Edited, Added, Dropped, Removed []model.StagedEntry
}

// Rebase starts l again from what its target tag holds now and carries
// over what the user changed since the list was staged (its Base): edits
// of platforms and annotations of entries the tag still has, entries they
// added, entries they removed, index annotations they set. Base becomes
// the tag's digest, so the push no longer stops. Nothing is saved.
func Rebase(ctx context.Context, r Reader, l *model.StagedList) (*Rebased, error) {
	now, err := TagNow(ctx, r, l.Target, registry.TreeOptions{All: true})
	if err != nil {
		return nil, err
	}
	var base *model.StagedList
	if l.Base != "" && l.Base != now.Digest {
		if t, err := r.Tree(ctx, l.Target+"@"+l.Base, registry.TreeOptions{All: true}); err == nil && t.IsIndex() {
			base, _ = model.StagedFromTree(l.Name, l.Target, t)
		}
	} else if l.Base != "" && now.Tree != nil && now.Tree.IsIndex() {
		base, _ = model.StagedFromTree(l.Name, l.Target, now.Tree)
	}
	var onto *model.StagedList
	if now.Tree != nil && now.Tree.IsIndex() {
		if onto, err = model.StagedFromTree(l.Name, l.Target, now.Tree); err != nil {
			return nil, err
		}
	}
	rb := rebaseOnto(l, base, onto)
	rb.List.Base = now.Digest
	rb.Now = now
	rb.Diff = model.Diff(now.Tree, rb.List)
	return rb, nil
}

// rebaseOnto merges three lists: mine (the staged list), base (what it was
// staged from; nil when unknown) and theirs (what the tag holds now; nil
// for none or a single image). It is the pure part of Rebase.
func rebaseOnto(mine, base, theirs *model.StagedList) *Rebased {
	rb := &Rebased{BaseRead: base != nil}
	if theirs == nil {
		// The tag is gone (or holds a single image): that is no edit of
		// the list, so nothing of the user's is dropped.
		base = nil
	}
	out := &model.StagedList{Name: mine.Name, Target: mine.Target}
	if theirs != nil {
		out = theirs.Clone()
		out.Name, out.Target = mine.Name, mine.Target
	}
	byDigest := func(l *model.StagedList) map[string]model.StagedEntry {
		m := map[string]model.StagedEntry{}
		if l != nil {
			for _, e := range l.Entries {
				m[e.Digest] = e
			}
		}
		return m
	}
	mineBy, baseBy, theirsBy := byDigest(mine), byDigest(base), byDigest(theirs)

	// The tag's entries, in its order: edited by the user, removed by the
	// user, or as the tag has them.
	kept := out.Entries[:0:0]
	for _, e := range out.Entries {
		m, inMine := mineBy[e.Digest]
		b, inBase := baseBy[e.Digest]
		switch {
		case inMine && (!inBase || !sameDescriptor(m, b)) && !sameDescriptor(m, e):
			kept = append(kept, m)
			rb.Edited = append(rb.Edited, m)
		case !inMine && inBase:
			rb.Removed = append(rb.Removed, e)
		default:
			kept = append(kept, e)
		}
	}
	out.Entries = kept
	// The list's entries the tag lacks: added by the user (kept), or
	// removed from the tag by someone else since (dropped).
	for _, m := range mine.Entries {
		if _, ok := theirsBy[m.Digest]; ok {
			continue
		}
		if _, inBase := baseBy[m.Digest]; inBase {
			rb.Dropped = append(rb.Dropped, m)
			continue
		}
		out.Entries = append(out.Entries, m)
		rb.Added = append(rb.Added, m)
	}
	// Index annotations: the tag's, with the user's changes over them.
	var baseAnn map[string]string
	if base != nil {
		baseAnn = base.Annotations
	}
	changes := map[string]string{}
	for k, v := range mine.Annotations {
		if bv, ok := baseAnn[k]; !ok || bv != v {
			changes[k] = v
		}
	}
	for k := range baseAnn {
		if _, ok := mine.Annotations[k]; !ok {
			changes[k] = ""
		}
	}
	if len(changes) > 0 {
		out.SetAnnotations(changes)
	}
	if mine.MediaType != "" && (base == nil || mine.MediaType != base.MediaType) {
		out.MediaType = mine.MediaType
	}
	rb.List = out
	return rb
}

// sameDescriptor reports whether two entries of one manifest describe it
// alike: platform, annotations, media and artifact type.
func sameDescriptor(a, b model.StagedEntry) bool {
	norm := func(m map[string]string) map[string]string {
		if len(m) == 0 {
			return nil
		}
		return m
	}
	return a.MediaType == b.MediaType && a.ArtifactType == b.ArtifactType &&
		reflect.DeepEqual(a.Platform, b.Platform) && reflect.DeepEqual(norm(a.Annotations), norm(b.Annotations))
}
