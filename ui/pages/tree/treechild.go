package tree

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// A tree fetches at most registry.Limits.Children children per index
// eagerly (a hostile index can name thousands); the entries past the cap
// are shown from the index's descriptors, and one is fetched when the user
// opens it.

// childMsg carries a child fetched on demand: its own tree (an image, or a
// nested index's entries).
type childMsg struct {
	page, req int
	key       string // the entry's node key
	digest    string
	tree      *model.Tree
	err       error
}

func (m childMsg) Target() int { return m.page }

// unfetched reports whether e is an image or nested index the tree left
// out: no manifest, no children, no error, not missing.
func unfetched(e *model.Entry) bool {
	return e != nil && e.Image == nil && len(e.Children) == 0 && !e.Missing && e.Err == "" &&
		(model.IsIndexMediaType(e.MediaType) || model.IsManifestMediaType(e.MediaType))
}

// fetchChild fetches entry n's manifest (and config, or a nested index's
// children) for the page, as request req.
func fetchChild(ctx context.Context, reg common.Registry, repo string, n *Node, page, req int) tea.Cmd {
	key, digest := n.Key, n.Entry.Digest
	return common.WithRetries(ctx, page, func(ctx context.Context) tea.Msg {
		t, err := reg.Tree(ctx, repo+"@"+digest, registry.TreeOptions{All: true})
		return childMsg{page: page, req: req, key: key, digest: digest, tree: t, err: err}
	})
}

// openChild starts fetching an entry left out of the tree.
func (p *Model) openChild(n *Node) tea.Cmd {
	if p.tree == nil {
		return nil
	}
	p.childReq = common.NextID()
	p.fetching = n.Key
	return tea.Batch(fetchChild(p.Ctx, p.C.Reg, p.tree.Repository, n, p.PageID, p.childReq),
		common.SetStatus("fetching "+common.ShortDigest(n.Entry.Digest)+" (left out of the tree: its index names more children than are fetched at once)", false))
}

// setChild puts a child fetched on demand into the tree and opens it.
func (p *Model) setChild(msg childMsg) tea.Cmd {
	if msg.req != p.childReq {
		return nil
	}
	p.fetching = ""
	n := findNode(p.root, msg.key)
	if n == nil || n.Entry == nil || n.Entry.Digest != msg.digest {
		return nil // the tree was refreshed meanwhile
	}
	e := n.Entry
	if msg.err != nil {
		e.Err = "fetch on demand: " + msg.err.Error()
		p.SetTree(p.tree)
		return common.SetStatus(fmt.Sprintf("%s: %s", common.ShortDigest(e.Digest), termsafe.String(common.FirstLine(msg.err.Error()))), true)
	}
	switch t := msg.tree; {
	case t.IsIndex():
		e.Children, e.NestedAnnotations, e.NestedRaw = t.Entries, t.Annotations, t.Raw
	default:
		e.Image = t.Image
	}
	p.expanded[msg.key] = true
	p.SetTree(p.tree)
	return common.SetStatus("fetched "+common.ShortDigest(e.Digest), false)
}
