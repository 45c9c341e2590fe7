package verbs

import (
	"context"
	"errors"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Pusher is what the push verbs need; *registry.Client satisfies it.
type Pusher interface {
	Reader
	PlanPush(l *model.StagedList, tags []string) (*registry.PushPlan, error)
	Push(ctx context.Context, l *model.StagedList, opts registry.PushOptions) (*registry.PushResult, error)
}

var _ Pusher = (*registry.Client)(nil)

// TagMovedError is a push stopped because the target tag moved, with what
// the tag holds now and what the push would change against it.
type TagMovedError struct {
	*registry.TagMovedError
	// Comparison is nil when what the tag holds now could not be read.
	Comparison *Comparison
}

func (e *TagMovedError) Unwrap() error { return e.TagMovedError }

// Push pushes l. A push stopped because the tag moved comes back as a
// *TagMovedError with the diff against what the tag holds now.
func Push(ctx context.Context, p Pusher, l *model.StagedList, opts registry.PushOptions) (*registry.PushResult, error) {
	res, err := p.Push(ctx, l, opts)
	var moved *registry.TagMovedError
	if errors.As(err, &moved) {
		cmp, cerr := Compare(ctx, p, l)
		if cerr != nil {
			cmp = nil
		}
		return nil, &TagMovedError{TagMovedError: moved, Comparison: cmp}
	}
	return res, err
}

// Review is what a push confirmation shows: the plan (bytes, digest,
// children, tags) and the list against what the tag holds now.
type Review struct {
	Plan *registry.PushPlan
	*Comparison
	// Stale is what is attached to the digest the tag holds now that the
	// push leaves behind (nil when the digest does not change or the
	// registry client cannot list referrers); StaleErr says why it could
	// not be listed.
	Stale    *Stale
	StaleErr error
}

// ReviewPush plans the push of l to its target and tags, and compares l
// with what the tag holds now.
func ReviewPush(ctx context.Context, p Pusher, l *model.StagedList, tags []string) (*Review, error) {
	plan, err := p.PlanPush(l, tags)
	if err != nil {
		return nil, err
	}
	cmp, err := Compare(ctx, p, l)
	if err != nil {
		return nil, err
	}
	rv := &Review{Plan: plan, Comparison: cmp}
	if cmp.Now != nil {
		rv.Stale, rv.StaleErr = StaleAfterPush(ctx, p, plan.Repository, cmp.Now.Digest, plan.Digest)
	}
	return rv, nil
}
