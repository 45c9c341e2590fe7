package verbs

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/manifold-dev/manifold/model"
)

// Move is a tag seen pointing at another digest than before.
type Move struct {
	Ref      string
	From, To string // "" when the tag did not exist
	At       time.Time
	// Diff compares the two digests (nil when either side is "", or Err).
	Diff *model.RefDiff
	Err  error // the diff could not be read
}

// ErrStopWatching, returned by a Watch callback, ends the watch without an
// error.
var ErrStopWatching = errors.New("stop watching")

// Watch asks what ref points at every interval (a HEAD, which Docker Hub
// does not count against its pull limit) and calls moved with the diff each
// time it moves. started is called once with the first digest. A failed
// check is passed to failed and the watch goes on; it ends when ctx ends or
// a callback returns an error (ErrStopWatching for a clean end).
func Watch(ctx context.Context, r Reader, ref string, every time.Duration, started func(digest string) error, moved func(Move) error, failed func(error)) error {
	last, err := r.HeadDigest(ctx, ref)
	if err != nil {
		return err
	}
	if err := started(last); err != nil {
		return clean(err)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		now, err := r.HeadDigest(ctx, ref)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			failed(err)
			continue
		}
		if now == last {
			continue
		}
		m := Move{Ref: ref, From: last, To: now, At: time.Now()}
		if last != "" && now != "" {
			repo := repositoryOf(ref)
			m.Diff, m.Err = Diff(ctx, r, Side{Ref: repo + "@" + last}, Side{Ref: repo + "@" + now})
			if m.Diff != nil {
				m.Diff.From.Reference, m.Diff.To.Reference = ref+" (before)", ref+" (now)"
			}
		}
		last = now
		if err := moved(m); err != nil {
			return clean(err)
		}
	}
}

func clean(err error) error {
	if errors.Is(err, ErrStopWatching) {
		return nil
	}
	return err
}

// repositoryOf is the repository of a reference: the part before @digest
// or :tag.
func repositoryOf(ref string) string {
	repo, _, _ := strings.Cut(ref, "@")
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo = repo[:i]
	}
	return repo
}
