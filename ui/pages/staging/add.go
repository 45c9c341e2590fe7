package staging

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// stageAdd adds the reference (or one entry of its index, with its
// attestations) to the staged list changed last when that list is for the
// same repository, and saves it. Otherwise (the newest list is for another
// repository, or there is none) it opens the staging pane to ask which list:
// those for this repository, a new one named after it, or any other.
func Add(c *common.Common, ref string, t *model.Tree, e *model.Entry) tea.Cmd {
	ctx, reg, opts := c.Ctx, c.Reg, c.Opts
	return func() tea.Msg {
		fail := func(err error) tea.Msg {
			return common.StatusMsg{Text: "not staged: " + termsafe.String(common.FirstLine(err.Error())), Err: true}
		}
		if t == nil || (!t.IsIndex() && (t.Image == nil || t.Image.Config == nil)) {
			var err error
			if t, err = reg.Tree(ctx, ref, registry.TreeOptions{All: true}); err != nil {
				return fail(err)
			}
		}
		entries, err := stageEntries(ref, t, e)
		if err != nil {
			return fail(err)
		}
		st, err := opts.OpenStageStore()
		if err != nil {
			return fail(err)
		}
		ls, err := st.List()
		if err != nil {
			return fail(err)
		}
		name, same := stageTargetFor(ls, ref)
		if !same {
			return common.PushPageMsg{Page: newStagingPageWith(c, ref, entries)}
		}
		added := 0
		var skipped []model.Skipped
		l, err := st.Update(name, func(l *model.StagedList) error {
			added, skipped = l.AddReport(entries...)
			return nil
		})
		if err != nil {
			return fail(err)
		}
		return common.StatusMsg{Text: stageAddStatus(ref, t, e, entries, added, skipped, l)}
	}
}

// stageAddStatus says what a stage did: which platform, or for a whole
// list how many entries and how to take only one; what was already there;
// and whether the list now has a problem that blocks a push.
func stageAddStatus(ref string, t *model.Tree, e *model.Entry, entries []model.StagedEntry, added int, skipped []model.Skipped, l *model.StagedList) string {
	list := termsafe.String(l.Name)
	whole := t.IsIndex() && e == nil
	if added == 0 {
		if whole {
			return fmt.Sprintf("every entry of %s is already in %s", termsafe.String(ref), list)
		}
		return fmt.Sprintf("%s is already in %s", termsafe.String(entries[0].PlatformString()), list)
	}
	// The status bar keeps the start (what happened) and the end (what to
	// do) of a long line.
	count := common.Plural(len(l.Entries), "entry", "entries")
	if len(skipped) > 0 {
		count += fmt.Sprintf(", %d already there", len(skipped))
	}
	next := "S opens staging"
	if blocking := countBlocking(l.Validate()); blocking > 0 {
		next = common.Plural(blocking, "problem", "problems") + ": S opens staging to fix"
	}
	if !whole {
		return fmt.Sprintf("staged %s in %s: %s; %s", termsafe.String(entries[0].PlatformString()), list, count, next)
	}
	return fmt.Sprintf("staged all %s of the list in %s: %s; a on an entry takes just it; %s", common.Plural(added, "entry", "entries"), list, count, next)
}

func countBlocking(fs []model.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == model.Block {
			n++
		}
	}
	return n
}

// stageEntries picks what to stage: the entry under the cursor with its
// attestations (an attestation stages the image it describes), or the whole
// reference.
func stageEntries(ref string, t *model.Tree, e *model.Entry) ([]model.StagedEntry, error) {
	if e == nil || !t.IsIndex() {
		return model.EntriesFromTree(ref, t, nil)
	}
	want := e.Digest
	if e.IsAttestation() && e.AttestationFor != "" {
		want = e.AttestationFor
	}
	out := model.ExpandIndex(t, func(x *model.Entry) bool { return x.Digest == want })
	if len(out) == 0 {
		// An entry of a nested index: stage it alone.
		out = []model.StagedEntry{model.EntryFromTreeEntry(t, e)}
	}
	return out, nil
}

// stagingStartupCmd offers, at start, the staged lists left from before (a
// quit or a crash): a status line says how many and how to open them.
func StartupCmd(opts *common.Options) tea.Cmd {
	return func() tea.Msg {
		st, ok := opts.OpenStageStoreIfAny()
		if !ok {
			return nil
		}
		ls, err := st.List()
		if err != nil || len(ls) == 0 {
			return nil
		}
		return common.StatusMsg{Text: fmt.Sprintf("%s waiting, newest %s: press S to open staging", common.Plural(len(ls), "staged list", "staged lists"), termsafe.String(newestList(ls)))}
	}
}
