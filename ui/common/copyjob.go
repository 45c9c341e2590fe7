package common

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/verbs"
)

// CopyProgress is what the root and the copy pane need of a copy's
// progress (components/progress.CopyProgress): it takes the copy's events,
// says where it is in one line, and draws the bars.
type CopyProgress interface {
	Apply(ev verbs.CopyEvent, now time.Time)
	Summary() string
	View(width int) string
}

// CopyJob is a copy running in the background. It belongs to the root (it
// outlives the pane), and its context is the program's, not a page's.
type CopyJob struct {
	ID       int
	Plan     *verbs.CopyPlan
	Progress CopyProgress
	Cancel   context.CancelFunc
	events   chan verbs.CopyEvent
	done     chan CopyResult

	Finished bool
	Result   *verbs.CopyResult
	Err      error
}

type CopyResult struct {
	Result *verbs.CopyResult
	Err    error
}

// CopyJobMsg is one step of the background copy: an event, or its end.
type CopyJobMsg struct {
	Job   int
	Event *verbs.CopyEvent
	At    time.Time
	Done  *CopyResult
}

// StartCopy starts plan in the background on the program's context.
func StartCopy(c *Common, cl verbs.CopyClient, plan *verbs.CopyPlan, prog CopyProgress) (*CopyJob, tea.Cmd) {
	ctx, cancel := context.WithCancel(c.Ctx)
	j := &CopyJob{ID: NextID(), Plan: plan, Progress: prog, Cancel: cancel,
		events: make(chan verbs.CopyEvent, 256), done: make(chan CopyResult, 1)}
	go func() {
		res, err := verbs.Copy(ctx, cl, plan, 4, func(ev verbs.CopyEvent) {
			if ev.Kind == verbs.BlobProgress {
				select { // progress may be dropped when the UI lags; the rest never
				case j.events <- ev:
				default:
				}
				return
			}
			select {
			case j.events <- ev:
			case <-ctx.Done():
			}
		})
		j.done <- CopyResult{res, err}
	}()
	return j, WaitCopy(j)
}

// WaitCopy waits for the job's next event, or its end once every event was
// delivered (the end is sent after the last event was queued).
func WaitCopy(j *CopyJob) tea.Cmd {
	return func() tea.Msg {
		select {
		case ev := <-j.events:
			return CopyJobMsg{Job: j.ID, Event: &ev, At: time.Now()}
		case r := <-j.done:
			select {
			case ev := <-j.events:
				j.done <- r // not yet: deliver the queued events first
				return CopyJobMsg{Job: j.ID, Event: &ev, At: time.Now()}
			default:
			}
			return CopyJobMsg{Job: j.ID, Done: &r, At: time.Now()}
		}
	}
}
