package common

import (
	"context"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// FetchTree fetches ref's tree for page, as request req: the answer is a
// TreeMsg routed to the page (dropped once it is left, ignored by it when a
// newer request was made), and ctx, the page's, cancels it when it is left.
// While it waits, the registry's retries come out as retryMsgs (retry.go).
func FetchTree(ctx context.Context, reg Registry, ref string, page, req int) tea.Cmd {
	return WithRetries(ctx, page, func(ctx context.Context) tea.Msg {
		t, err := reg.Tree(ctx, ref, registry.TreeOptions{All: true})
		return TreeMsg{Page: page, Req: req, Tree: t, Err: err}
	})
}

// StreamTree is FetchTree for the tree screen, which paints as the tree
// arrives: while the fetch goes on, the tree so far comes out as partial
// treeMsgs (the index's entries first, then children, sizes and configs as
// they come, at most every registry.ProgressEvery), each resuming the wait
// with next; the last treeMsg is the whole tree. A partial tree not yet
// delivered is replaced by a newer one, so a slow UI never holds the fetch
// up.
func StreamTree(ctx context.Context, reg Registry, ref string, page, req int) tea.Cmd {
	ctx, feed := WatchRetries(ctx, page)
	res := make(chan tea.Msg, 1)
	partial := make(chan *model.Tree, 1)
	var once sync.Once
	var wait tea.Cmd
	wait = func() tea.Msg {
		once.Do(func() {
			go func() {
				t, err := reg.Tree(ctx, ref, registry.TreeOptions{All: true, Progress: func(t *model.Tree) {
					select {
					case <-partial: // not shown yet: the newer one replaces it
					default:
					}
					partial <- t
				}})
				res <- TreeMsg{Page: page, Req: req, Tree: t, Err: err}
			}()
		})
		select {
		case m := <-res:
			return feed.Answer(m)
		case t := <-partial:
			return TreeMsg{Page: page, Req: req, Tree: t, Partial: true, Next: wait}
		case ev := <-feed.Events:
			return feed.Event(ev, wait)
		}
	}
	return wait
}

// TreeMsg carries a fetched tree. A partial one is the tree so far, from
// streamTree: next waits for more.
type TreeMsg struct {
	Page    int
	Req     int
	Tree    *model.Tree
	Err     error
	Partial bool
	Next    tea.Cmd
}

func (m TreeMsg) Target() int { return m.Page }
