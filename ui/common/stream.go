package common

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/registry"
)

// ListFunc is Registry.Repositories or Registry.Tags bound to its name.
type ListFunc func(ctx context.Context, yield func(registry.Page) error) error

// PageMsg is one page of a listing, for the page with id page and its
// request req. next waits for the following page; done marks the end
// (err set when the listing failed).
type PageMsg struct {
	Page  int
	Req   int
	Names []string
	More  bool
	Done  bool
	Err   error
	Next  tea.Cmd
}

func (m PageMsg) Target() int { return m.Page }

type streamItem struct {
	p   registry.Page
	err error
	end bool
}

// StreamList runs a listing in the background and delivers each page as its
// own message, so the first screen draws after the first page. The listing
// stops when ctx is cancelled (the page was left or refreshed). While it
// waits for a page, the registry's retries come out as retryMsgs (retry.go).
func StreamList(ctx context.Context, pageID, req int, list ListFunc) tea.Cmd {
	return func() tea.Msg {
		ctx, feed := WatchRetries(ctx, pageID)
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

func waitPage(ctx context.Context, pageID, req int, ch chan streamItem, feed *RetryFeed) tea.Cmd {
	return func() tea.Msg {
		select {
		case it, ok := <-ch:
			if !ok {
				return feed.Answer(PageMsg{Page: pageID, Req: req, Done: true, Err: ctx.Err()})
			}
			if it.end {
				return feed.Answer(PageMsg{Page: pageID, Req: req, Done: true, Err: it.err})
			}
			return feed.Answer(PageMsg{Page: pageID, Req: req, Names: it.p.Names, More: it.p.More,
				Next: waitPage(ctx, pageID, req, ch, feed)})
		case ev := <-feed.Events:
			return feed.Event(ev, waitPage(ctx, pageID, req, ch, feed))
		case <-ctx.Done():
			return feed.Answer(PageMsg{Page: pageID, Req: req, Done: true, Err: ctx.Err()})
		}
	}
}

// Listing is the shared state of a paged listing (repositories or tags).
type Listing struct {
	Req       int
	reqCancel context.CancelFunc
	Loading   bool
	Err       error
}

// Start cancels the listing in flight and starts a new one.
func (ls *Listing) Start(parent context.Context, pageID int, list ListFunc) tea.Cmd {
	if ls.reqCancel != nil {
		ls.reqCancel()
	}
	ctx, cancel := context.WithCancel(parent)
	ls.reqCancel = cancel
	ls.Req = NextID()
	ls.Loading = true
	ls.Err = nil
	return StreamList(ctx, pageID, ls.Req, list)
}

// Handle takes a page of the listing; add receives its names. It returns
// the command to wait for the next page, or the error to report.
func (ls *Listing) Handle(msg PageMsg, add func([]string) tea.Cmd) (cmd tea.Cmd, err error, ok bool) {
	if msg.Req != ls.Req {
		return nil, nil, false // a late page of a listing we left
	}
	c := add(msg.Names)
	if !msg.Done {
		return tea.Batch(c, msg.Next), nil, true
	}
	ls.Loading = false
	if msg.Err != nil && !errors.Is(msg.Err, context.Canceled) {
		ls.Err = msg.Err
		return c, msg.Err, true
	}
	return c, nil, true
}
