package staging

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/verbs"
)

// review0 opens the push confirmation, unless validation blocks the push.
func (p *Model) review0() tea.Cmd {
	if model.Blocking(p.finds) {
		return common.SetStatus("fix the errors first: the list cannot be pushed as it is", true)
	}
	if _, ok := p.C.Reg.(Pusher); !ok {
		return common.SetStatus("this registry connection cannot push", true)
	}
	return p.reviewPush(nil)
}

// reviewPush fetches what the tag holds now and the diff against it, for
// the confirmation.
func (p *Model) reviewPush(tags []string) tea.Cmd {
	p.dialog = dialogPushLoading
	p.req = common.NextID()
	pusher := p.C.Reg.(Pusher)
	l := p.cur.Clone()
	ctx, id, req := p.Ctx, p.PageID, p.req
	return func() tea.Msg {
		rv, err := verbs.ReviewPush(ctx, pusher, l, tags)
		if err != nil {
			return stagingReviewMsg{page: id, req: req, err: err}
		}
		r := &pushReview{plan: rv.Plan, current: rv.Now.Digest, diff: rv.Diff, tags: tags, stale: staleLines(rv)}
		if rv.Moved {
			r.warning = fmt.Sprintf("the tag moved since the list was staged (%s → %s): the diff is against what it holds now",
				orNew(l.Base), orNew(rv.Now.Digest))
		}
		return stagingReviewMsg{page: id, req: req, review: r}
	}
}

func orNew(d string) string {
	if d == "" {
		return "none"
	}
	return stagingShort(d)
}

func (p *Model) onReview(msg stagingReviewMsg) (common.Page, tea.Cmd) {
	if msg.req != p.req || (p.dialog != dialogPushLoading && p.dialog != dialogPushing) {
		return p, nil
	}
	if msg.err != nil {
		p.dialog, p.review = dialogNone, nil
		return p, common.SetStatus("cannot push: "+termsafe.String(msg.err.Error()), true)
	}
	if p.review != nil && p.review.warning != "" && msg.review.warning == "" {
		msg.review.warning = p.review.warning
	}
	p.review = msg.review
	p.dialog = dialogPushConfirm
	p.reviewOff = 0
	return p, nil
}

// startPush pushes the reviewed list. The base is the digest the user just
// reviewed, so the push stops if the tag moves after the review.
func (p *Model) startPush() tea.Cmd {
	r := p.review
	p.dialog = dialogPushing
	p.req = common.NextID()
	pusher := p.C.Reg.(Pusher)
	l := p.cur.Clone()
	l.Base = r.current
	ctx, id, req := p.Ctx, p.PageID, p.req
	events := make(chan registry.PushEvent, 64)
	done := make(chan stagingPushedMsg, 1)
	go func() {
		// The digest reviewed is pinned: bytes that differ are not pushed.
		res, err := pusher.Push(ctx, l, registry.PushOptions{Tags: r.tags, AllowCrossRegistry: true, ExpectDigest: r.plan.Digest,
			Progress: func(ev registry.PushEvent) {
				select {
				case events <- ev:
				default: // a slow screen skips progress lines, never the push
				}
			}})
		close(events)
		done <- stagingPushedMsg{page: id, req: req, res: res, err: err}
	}()
	var wait tea.Cmd
	wait = func() tea.Msg {
		if ev, ok := <-events; ok {
			return stagingProgressMsg{page: id, req: req, ev: ev, next: wait}
		}
		return <-done
	}
	return wait
}

func progressLine(ev registry.PushEvent) string {
	switch ev.Step {
	case "check":
		return "checking the tag has not moved"
	case "exists", "mount", "copy":
		verb := map[string]string{"exists": "already there", "mount": "mounted", "copy": "copied"}[ev.Step]
		return fmt.Sprintf("[%d/%d] %s %s", ev.Done, ev.Total, stagingShort(ev.Ref), verb)
	case "index":
		return "writing " + termsafe.String(ev.Ref)
	case "verify":
		return "verifying " + termsafe.String(ev.Ref)
	}
	return ev.Step
}

func (p *Model) onPushed(msg stagingPushedMsg) (common.Page, tea.Cmd) {
	if msg.req != p.req {
		return p, nil
	}
	var changed *registry.NotReviewedError
	if errors.As(msg.err, &changed) {
		p.review.warning = "not pushed: the list changed since you reviewed it (" + stagingShort(changed.Reviewed) + " → " + stagingShort(changed.Now) + "): review it again"
		return p, p.reviewPush(p.review.tags)
	}
	if moved, ok := asTagMoved(msg.err); ok {
		// The tag moved between review and push: review again.
		p.review.warning = "the tag moved while you reviewed: " + termsafe.String(moved.Error())
		return p, p.reviewPush(p.review.tags)
	}
	if msg.err != nil {
		p.dialog, p.review = dialogNone, nil
		return p, common.SetStatus("push failed, the list is kept (P to retry): "+termsafe.String(common.FirstLine(msg.err.Error())), true)
	}
	p.dialog, p.review = dialogNone, nil
	target := p.cur.Target
	// Where it went stays in the status line until the next key, over the
	// tree of the pushed tag that opens now.
	done := common.SetStickyStatus("pushed " + termsafe.String(target) + "@" + stagingShort(msg.res.Digest))
	cmd := p.edit("", func(l *model.StagedList) error {
		l.Base = msg.res.Digest
		return nil
	})
	p.undo = nil
	cmds := []tea.Cmd{cmd, stagingOpenTree(p.C, target), done}
	if repo, _ := common.SplitRef(target); repo != "" {
		cmds = append(cmds, common.TagWritten(repo))
	}
	return p, tea.Batch(cmds...)
}

// stagingOpenTree shows the pushed tag in the tree.
func stagingOpenTree(c *common.Common, ref string) tea.Cmd {
	return common.PushPage(c.Pages.Tree(c, ref))
}

func asTagMoved(err error) (*registry.TagMovedError, bool) {
	var moved *registry.TagMovedError
	if errors.As(err, &moved) {
		return moved, true
	}
	return nil, false
}

// staleLines words what the push leaves behind: the signatures and
// attestations attached to the index digest the tag holds now.
func staleLines(rv *verbs.Review) []string {
	switch {
	case rv.StaleErr != nil:
		return []string{"could not tell which signatures will no longer apply: " + termsafe.String(rv.StaleErr.Error())}
	case rv.Stale == nil || len(rv.Stale.Referrers)+len(rv.Stale.Errs) == 0:
		return nil
	}
	out := []string{fmt.Sprintf("the index digest changes (%s → %s): these no longer apply (re-sign the new index; the images' own signatures still do):",
		stagingShort(rv.Stale.From), stagingShort(rv.Stale.To))}
	for _, l := range rv.Stale.Lines() {
		out = append(out, "  "+termsafe.String(l))
	}
	return out
}
