package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/registry"
)

// fetchTree fetches ref's tree for page, as request req: the answer is a
// treeMsg routed to the page (dropped once it is left, ignored by it when a
// newer request was made), and ctx, the page's, cancels it when it is left.
// While it waits, the registry's retries come out as retryMsgs (retry.go).
func fetchTree(ctx context.Context, reg Registry, ref string, page, req int) tea.Cmd {
	return withRetries(ctx, page, func(ctx context.Context) tea.Msg {
		t, err := reg.Tree(ctx, ref, registry.TreeOptions{All: true})
		return treeMsg{page: page, req: req, tree: t, err: err}
	})
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
