package verbs

import (
	"context"
	"errors"
	"fmt"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/model"
)

// Store is what the staging verbs need from the staged-list store;
// *stagestore.Store satisfies it.
type Store interface {
	Load(name string) (*model.StagedList, error)
	Change(name string, fn func(cur *model.StagedList) (*model.StagedList, error)) (*model.StagedList, int64, error)
}

var _ Store = (*stagestore.Store)(nil)

// StageOptions say how StageInto treats a list that exists or not.
type StageOptions struct {
	// Amend adds to a list already staged under the name; without it a
	// staged list of that name is an error matching stagestore.ErrExists.
	Amend bool
	// Keep starts a list not staged yet from the index the tag holds
	// (entries, attestations, annotations); without it the list starts
	// empty. Either way the list's Base is what the tag holds.
	Keep bool
	// ListOnly refuses to start from a tag that holds a single image
	// (create --amend): the error matches ErrNotAList.
	ListOnly bool
	// Edit, when set, changes the list before the entries are added (a
	// media type, say). It runs under the store's lock: no I/O.
	Edit func(*model.StagedList)
}

// Staged is what StageInto did.
type Staged struct {
	List     *model.StagedList
	Revision int64
	Added    int
	Skipped  []model.Skipped
	// Start is set when the list was started from the tag by this call.
	Start *Start
}

// ErrNotAList is StageInto refusing, with ListOnly, to start from a tag
// that holds a single image.
var ErrNotAList = errors.New("the tag holds a single image, not a list")

// errGone is a list that was staged when StageInto looked and had gone
// when it took the lock: it starts from the tag again.
var errGone = errors.New("the staged list was discarded meanwhile")

// StageInto adds entries to the staged list called name (target is the tag
// it will be pushed to), starting the list from the tag when it is not
// staged yet. Everything from the network is fetched first; the change
// itself runs under the store's lock, so parallel StageIntos of one list,
// from any number of processes, all land, and of two racing creates
// without Amend exactly one succeeds. r may be nil (a registry that cannot
// be asked): a new list then starts empty with no base.
func StageInto(ctx context.Context, r Reader, st Store, name, target string, entries []model.StagedEntry, opts StageOptions) (*Staged, error) {
	var start *Start
	for attempt := 0; ; attempt++ {
		if _, err := st.Load(name); errors.Is(err, stagestore.ErrNotFound) && start == nil {
			if r == nil {
				start = &Start{List: &model.StagedList{Name: name, Target: target}, Now: &TagState{Ref: target}}
			} else if start, err = StartFromTag(ctx, r, name, target, opts.Keep); err != nil {
				return nil, err
			}
			if opts.ListOnly && start.Now.Exists() && !start.Kept {
				return nil, fmt.Errorf("%s: %w", target, ErrNotAList)
			}
		}
		res := &Staged{}
		l, rev, err := st.Change(name, func(cur *model.StagedList) (*model.StagedList, error) {
			switch {
			case cur != nil && !opts.Amend:
				return nil, fmt.Errorf("%s: %w", name, stagestore.ErrExists)
			case cur == nil && start == nil:
				return nil, errGone
			case cur == nil:
				cur, res.Start = start.List.Clone(), start
			}
			if opts.Edit != nil {
				opts.Edit(cur)
			}
			res.Added, res.Skipped = cur.AddReport(entries...)
			return cur, nil
		})
		if errors.Is(err, errGone) && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, err
		}
		res.List, res.Revision = l, rev
		return res, nil
	}
}
