package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
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

// retryMsg: a fetch of page waits to retry. next resumes the fetch's
// command. The root handles it (status line), not the page.
type retryMsg struct {
	page int
	ev   registry.RetryEvent
	next tea.Cmd
}

// retryDoneMsg: a fetch of page that retried has its answer; the retry
// text leaves the status line if it is still there.
type retryDoneMsg struct{ page int }

// retryFeed carries the retry events of the fetches made with its context.
type retryFeed struct {
	page    int
	events  chan registry.RetryEvent
	retried atomic.Bool
}

// watchRetries returns ctx with a retry observer feeding a new retryFeed.
func watchRetries(ctx context.Context, page int) (context.Context, *retryFeed) {
	f := &retryFeed{page: page, events: make(chan registry.RetryEvent, retryBuffer)}
	return registry.WithRetryObserver(ctx, func(ev registry.RetryEvent) {
		select {
		case f.events <- ev:
		default: // the UI is behind: drop rather than stall the fetch
		}
	}), f
}

// event turns a received event into a retryMsg resuming with next.
func (f *retryFeed) event(ev registry.RetryEvent, next tea.Cmd) tea.Msg {
	f.retried.Store(true)
	return retryMsg{page: f.page, ev: ev, next: next}
}

// answer delivers msg, the fetch's result, with a retryDoneMsg when the
// fetch retried.
func (f *retryFeed) answer(msg tea.Msg) tea.Msg {
	if !f.retried.Swap(false) {
		return msg
	}
	page := f.page
	return tea.BatchMsg{
		func() tea.Msg { return msg },
		func() tea.Msg { return retryDoneMsg{page: page} },
	}
}

// withRetries returns a command that runs fetch with a context reporting
// retries, and delivers a retryMsg for each retry while it waits, then
// fetch's message.
func withRetries(ctx context.Context, page int, fetch func(ctx context.Context) tea.Msg) tea.Cmd {
	ctx, feed := watchRetries(ctx, page)
	res := make(chan tea.Msg, 1)
	var once sync.Once
	var wait tea.Cmd
	wait = func() tea.Msg {
		once.Do(func() { go func() { res <- fetch(ctx) }() })
		select {
		case m := <-res:
			return feed.answer(m)
		case ev := <-feed.events:
			return feed.event(ev, wait)
		}
	}
	return wait
}

// retryText is the status line for a retry.
func retryText(ev registry.RetryEvent) string {
	host := termsafe.String(ev.Host)
	what := host + " answered " + termsafe.String(ev.Reason)
	if strings.HasPrefix(ev.Reason, "429") {
		what = "rate limited by " + host
	}
	wait := ev.Wait.Round(10 * time.Millisecond)
	if ev.Wait >= time.Second {
		wait = ev.Wait.Round(time.Second)
	}
	return fmt.Sprintf("%s, retrying in %s (attempt %d of %d)", what, wait, ev.Attempt, ev.Max)
}

// handleRetry shows a retry of an open page's fetch in the status line and
// resumes the fetch's command; a page that was left gets neither (its
// context is cancelled, its fetch ends).
func (m *Model) handleRetry(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case retryMsg:
		if m.find(msg.page) == nil {
			return nil
		}
		m.status, m.statusErr = retryText(msg.ev), false
		m.retryPage, m.retryText = msg.page, m.status
		return msg.next
	case retryDoneMsg:
		if msg.page != m.retryPage {
			return nil // another page's retry is shown, or none
		}
		if m.status == m.retryText {
			m.status, m.statusErr = "", false
		}
		m.retryPage, m.retryText = 0, ""
	}
	return nil
}
