package common

import (
	"context"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/registry"
)

// Retry visibility. A fetch's context carries a registry retry observer
// (registry.WithRetryObserver) that hands each RetryEvent to a buffered
// channel without blocking (the observer runs on the fetching goroutine).
// The fetch's own command drains it: while it waits for its result it also
// waits for an event, and returns the event as a retryMsg whose next
// command goes back to waiting. So no command blocks for the life of the
// program, nothing needs the *tea.Program, and a fetch that ends stops
// reporting. The root shows the event in the status line ("rate limited by
// ghcr.io, retrying in 3s (attempt 2 of 4)") when the page is still open,
// and clears it with the retryDoneMsg that comes with the fetch's result.

// retryBuffer is how many events wait for the UI; more are dropped (the
// status line shows the latest one it gets, the next retry reports again).
const retryBuffer = 8

// RetryMsg: a fetch of page waits to retry. next resumes the fetch's
// command. The root handles it (status line), not the page.
type RetryMsg struct {
	Page  int
	Event registry.RetryEvent
	Next  tea.Cmd
}

// RetryDoneMsg: a fetch of page that retried has its answer; the retry
// text leaves the status line if it is still there.
type RetryDoneMsg struct{ Page int }

// RetryFeed carries the retry events of the fetches made with its context.
type RetryFeed struct {
	page    int
	Events  chan registry.RetryEvent
	retried atomic.Bool
}

// WatchRetries returns ctx with a retry observer feeding a new retryFeed.
func WatchRetries(ctx context.Context, page int) (context.Context, *RetryFeed) {
	f := &RetryFeed{page: page, Events: make(chan registry.RetryEvent, retryBuffer)}
	return registry.WithRetryObserver(ctx, func(ev registry.RetryEvent) {
		select {
		case f.Events <- ev:
		default: // the UI is behind: drop rather than stall the fetch
		}
	}), f
}

// Event turns a received event into a retryMsg resuming with next.
func (f *RetryFeed) Event(ev registry.RetryEvent, next tea.Cmd) tea.Msg {
	f.retried.Store(true)
	return RetryMsg{Page: f.page, Event: ev, Next: next}
}

// Answer delivers msg, the fetch's result, with a retryDoneMsg when the
// fetch retried.
func (f *RetryFeed) Answer(msg tea.Msg) tea.Msg {
	if !f.retried.Swap(false) {
		return msg
	}
	page := f.page
	return tea.BatchMsg{
		func() tea.Msg { return msg },
		func() tea.Msg { return RetryDoneMsg{Page: page} },
	}
}

// WithRetries returns a command that runs fetch with a context reporting
// retries, and delivers a retryMsg for each retry while it waits, then
// fetch's message.
func WithRetries(ctx context.Context, page int, fetch func(ctx context.Context) tea.Msg) tea.Cmd {
	ctx, feed := WatchRetries(ctx, page)
	res := make(chan tea.Msg, 1)
	var once sync.Once
	var wait tea.Cmd
	wait = func() tea.Msg {
		once.Do(func() { go func() { res <- fetch(ctx) }() })
		select {
		case m := <-res:
			return feed.Answer(m)
		case ev := <-feed.Events:
			return feed.Event(ev, wait)
		}
	}
	return wait
}
