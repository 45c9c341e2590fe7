package uitest

import "github.com/manifold-dev/manifold/ui/common"

// WithStore makes the UI open st as its staging store (both at start and
// when staging), instead of the user's.
func WithStore(st common.StageStore) func(*common.Options) {
	return func(o *common.Options) {
		o.StageStore = func() (common.StageStore, error) { return st, nil }
		o.StageStoreIfAny = func() (common.StageStore, bool) { return st, true }
	}
}

// SteadyCursor turns the text fields' cursor blink off, so no command
// sleeps.
func SteadyCursor(o *common.Options) { o.SteadyCursor = true }
