package ui

import (
	"context"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// fetchTree fetches ref's tree for page, as request req: the answer is a
// treeMsg routed to the page (dropped once it is left, ignored by it when a
// newer request was made), and ctx, the page's, cancels it when it is left.
// While it waits, the registry's retries come out as retryMsgs (retry.go).
func fetchTree(ctx context.Context, reg common.Registry, ref string, page, req int) tea.Cmd {
	return common.WithRetries(ctx, page, func(ctx context.Context) tea.Msg {
		t, err := reg.Tree(ctx, ref, registry.TreeOptions{All: true})
		return treeMsg{page: page, req: req, tree: t, err: err}
	})
}

// streamTree is fetchTree for the tree screen, which paints as the tree
// arrives: while the fetch goes on, the tree so far comes out as partial
// treeMsgs (the index's entries first, then children, sizes and configs as
// they come, at most every registry.ProgressEvery), each resuming the wait
// with next; the last treeMsg is the whole tree. A partial tree not yet
// delivered is replaced by a newer one, so a slow UI never holds the fetch
// up.
func streamTree(ctx context.Context, reg common.Registry, ref string, page, req int) tea.Cmd {
	ctx, feed := common.WatchRetries(ctx, page)
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
				res <- treeMsg{page: page, req: req, tree: t, err: err}
			}()
		})
		select {
		case m := <-res:
			return feed.Answer(m)
		case t := <-partial:
			return treeMsg{page: page, req: req, tree: t, partial: true, next: wait}
		case ev := <-feed.Events:
			return feed.Event(ev, wait)
		}
	}
	return wait
}

// findNode returns the node of the tree under root with key, expanded or
// not, or nil.
func findNode(root *node, key string) *node {
	if root == nil {
		return nil
	}
	if root.key == key {
		return root
	}
	for _, c := range root.children {
		if n := findNode(c, key); n != nil {
			return n
		}
	}
	return nil
}
