package common

import (
	"os"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/verbs"
)

// StageStore keeps staged lists; *stagestore.Store satisfies it.
type StageStore interface {
	verbs.Store
	List() ([]stagestore.Summary, error)
	LoadRev(name string) (*model.StagedList, int64, error)
	// SaveIf saves only over the revision the pane read: a list another
	// manifold (the CLI) changed meanwhile is not overwritten.
	SaveIf(l *model.StagedList, rev int64) (int64, error)
	Update(name string, fn func(*model.StagedList) error) (*model.StagedList, error)
	Rename(from, to string) error
	Discard(name string) error
}

var _ StageStore = (*stagestore.Store)(nil)

// OpenStageStore opens the staging store: Options.StageStore, or the
// default one.
func (o *Options) OpenStageStore() (StageStore, error) {
	if o != nil && o.StageStore != nil {
		return o.StageStore()
	}
	return stagestore.Open()
}

// OpenStageStoreIfAny opens the staging store only when it already exists,
// so starting the UI creates nothing: Options.StageStoreIfAny, or the
// default one.
func (o *Options) OpenStageStoreIfAny() (StageStore, bool) {
	if o != nil && o.StageStoreIfAny != nil {
		return o.StageStoreIfAny()
	}
	dir, err := stagestore.DefaultDir()
	if err != nil {
		return nil, false
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, false
	}
	st, err := stagestore.OpenDir(dir)
	return st, err == nil
}
