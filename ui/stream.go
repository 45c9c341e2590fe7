package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/registry"
)

// listFunc is Registry.Repositories or Registry.Tags bound to its name.
type listFunc func(ctx context.Context, yield func(registry.Page) error) error

// pageMsg is one page of a listing, for the page with id page and its
// request req. next waits for the following page; done marks the end
// (err set when the listing failed).
type pageMsg struct {
	page  int
	req   int
	names []string
	more  bool
	done  bool
	err   error
	next  tea.Cmd
}

func (m pageMsg) target() int { return m.page }

type streamItem struct {
	p   registry.Page
	err error
	end bool
}

// streamList runs a listing in the background and delivers each page as its
// own message, so the first screen draws after the first page. The listing
// stops when ctx is cancelled (the page was left or refreshed). While it
// waits for a page, the registry's retries come out as retryMsgs (retry.go).
func streamList(ctx context.Context, pageID, req int, list listFunc) tea.Cmd {
	return func() tea.Msg {
		ctx, feed := watchRetries(ctx, pageID)
		ch := make(chan streamItem)
		go func() {
			err := list(ctx, func(p registry.Page) error {
				select {
				case ch <- streamItem{p: p}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			select {
			case ch <- streamItem{err: err, end: true}:
			case <-ctx.Done():
			}
			close(ch)
		}()
		return waitPage(ctx, pageID, req, ch, feed)()
	}
}

func waitPage(ctx context.Context, pageID, req int, ch chan streamItem, feed *retryFeed) tea.Cmd {
	return func() tea.Msg {
		select {
		case it, ok := <-ch:
			if !ok {
				return feed.answer(pageMsg{page: pageID, req: req, done: true, err: ctx.Err()})
			}
			if it.end {
				return feed.answer(pageMsg{page: pageID, req: req, done: true, err: it.err})
			}
			return feed.answer(pageMsg{page: pageID, req: req, names: it.p.Names, more: it.p.More,
				next: waitPage(ctx, pageID, req, ch, feed)})
		case ev := <-feed.events:
			return feed.event(ev, waitPage(ctx, pageID, req, ch, feed))
		case <-ctx.Done():
			return feed.answer(pageMsg{page: pageID, req: req, done: true, err: ctx.Err()})
		}
	}
}
