package tree

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
)

// watchEvery is how often a watched tree asks its tag again. A tree read
// by tag asks one HEAD when the tag has not moved (the content cache).
var watchEvery = 30 * time.Second

// WatchTickMsg is a watched tree's timer.
type WatchTickMsg struct{ Page, Seq int }

func (m WatchTickMsg) Target() int { return m.Page }

// tagMoved compares a fetched tree with the one shown: when the tree's tag
// now points at another digest, the old digest is marked (M's mark), so D
// on the tree opens the diff of before and now, and the status line says so.
func (p *Model) tagMoved(t *model.Tree) tea.Cmd {
	if p.tree == nil || t == nil || p.tree.Digest == t.Digest || strings.Contains(p.ref, "@") {
		return nil
	}
	before := p.repo + "@" + p.tree.Digest
	p.C.Mark = before
	p.cursor = 0 // the top row is the tag: D diffs it against the mark
	return common.SetStatus(termsafe.String(p.ref)+" moved: "+common.ShortDigest(p.tree.Digest)+" → "+common.ShortDigest(t.Digest)+" · D shows the diff", false)
}

// toggleWatch turns the interval refresh on or off (w).
func (p *Model) toggleWatch(tea.KeyPressMsg) tea.Cmd {
	p.watching = !p.watching
	p.watchSeq++
	if !p.watching {
		return common.SetStatus("stopped watching "+termsafe.String(p.ref), false)
	}
	return tea.Batch(p.scheduleWatch(), common.SetStatus("watching "+termsafe.String(p.ref)+" every "+watchEvery.String()+": a move is shown here (w stops)", false))
}

// scheduleWatch arms the next tick while watching.
func (p *Model) scheduleWatch() tea.Cmd {
	if !p.watching {
		return nil
	}
	page, seq := p.PageID, p.watchSeq
	return tea.Tick(watchEvery, func(time.Time) tea.Msg { return WatchTickMsg{Page: page, Seq: seq} })
}
