package staging

import (
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// The target chooser: a pressed where the newest staged list is for
// another repository (or there is none) asks which list the entries go
// to, instead of staging them where the user is not looking.

// targetChoice is one line of the chooser: an existing list, or a new one.
type targetChoice struct {
	list    string // the staged list's name; "" offers a new list
	target  string
	entries int
	here    bool // for the repository being browsed
}

// sameRepository reports whether two references name one repository.
func sameRepository(a, b string) bool {
	ra, _ := common.SplitRef(a)
	rb, _ := common.SplitRef(b)
	return ra != "" && ra == rb
}

// stageTargetFor is the list a should add to without asking: the newest
// staged list, when it is for the repository of ref.
func stageTargetFor(ls []stagestore.Summary, ref string) (string, bool) {
	name := newestList(ls)
	for _, s := range ls {
		if s.Name == name {
			return name, sameRepository(s.Target, ref)
		}
	}
	return "", false
}

// targetChoices orders the offer: lists for this repository (newest
// first), a new list named after it, then lists for other repositories.
func targetChoices(ls []stagestore.Summary, src string) []targetChoice {
	var here, other []stagestore.Summary
	for _, s := range ls {
		if s.Err != nil {
			continue
		}
		if sameRepository(s.Target, src) {
			here = append(here, s)
		} else {
			other = append(other, s)
		}
	}
	newest := func(xs []stagestore.Summary) {
		sort.SliceStable(xs, func(i, j int) bool { return xs[i].Updated.After(xs[j].Updated) })
	}
	newest(here)
	newest(other)
	var out []targetChoice
	for _, s := range here {
		out = append(out, targetChoice{list: s.Name, target: s.Target, entries: s.Entries, here: true})
	}
	out = append(out, targetChoice{target: suggestTarget(src), here: true})
	for _, s := range other {
		out = append(out, targetChoice{list: s.Name, target: s.Target, entries: s.Entries})
	}
	return out
}

// askTarget opens the chooser for the pending entries, or the new-list
// prompt when no list is staged at all.
func (p *Model) askTarget() tea.Cmd {
	p.choices = targetChoices(p.lists, p.pendSrc)
	if len(p.choices) == 1 {
		return p.openNewListPrompt(p.choices[0].target)
	}
	p.dialog, p.choice = dialogChooseTarget, 0
	return nil
}

func (p *Model) openNewListPrompt(value string) tea.Cmd {
	return p.openInput(dialogNewList, "target tag for the new list, e.g. "+suggestTarget(p.pendSrc), value)
}

func (p *Model) onChooserKey(msg tea.KeyPressMsg) tea.Cmd {
	k := p.C.Keys
	switch {
	case msg.String() == "esc" || msg.String() == "q":
		p.dialog, p.pending, p.choices = dialogNone, nil, nil
		return common.SetStatus("nothing staged", false)
	case msg.String() == "enter":
		if p.choice >= len(p.choices) {
			return nil
		}
		ch := p.choices[p.choice]
		if ch.list == "" {
			return p.openNewListPrompt(ch.target)
		}
		p.dialog, p.retry = dialogNone, dialogChooseTarget
		return p.stageIntoList(ch.list)
	case msg.String() == "up" || msg.String() == "k" || msg.String() == "down" || msg.String() == "j" || msg.String() == "tab":
		if msg.String() == "up" || msg.String() == "k" {
			p.choice--
		} else {
			p.choice++
		}
		p.choice = (p.choice + len(p.choices)) % max(len(p.choices), 1)
	case msg.String() == "home" || msg.String() == "g":
		p.choice = 0
	case msg.String() == "end" || msg.String() == "G":
		p.choice = len(p.choices) - 1
	default:
		_ = k
	}
	return nil
}

// stageIntoList adds the pending entries to the staged list called name
// (under the store's lock) and opens it. A failure keeps the entries and
// asks again.
func (p *Model) stageIntoList(name string) tea.Cmd {
	st, pending := p.store, p.pending
	p.loading = true
	p.req = common.NextID()
	id, req := p.PageID, p.req
	return func() tea.Msg {
		if st == nil {
			return stagingCreatedMsg{page: id, req: req, err: fmt.Errorf("the staging store is not open"), keep: pending}
		}
		var added int
		var skipped []model.Skipped
		l, rev, err := st.Change(name, func(l *model.StagedList) (*model.StagedList, error) {
			if l == nil {
				return nil, fmt.Errorf("%s: %w", name, stagestore.ErrNotFound)
			}
			added, skipped = l.AddReport(pending...)
			return l, nil
		})
		if err != nil {
			return stagingCreatedMsg{page: id, req: req, err: err, keep: pending}
		}
		return stagingCreatedMsg{page: id, req: req, list: l, rev: rev,
			note: fmt.Sprintf("staged %d into %s%s", added, termsafe.String(name), alreadyThere(skipped))}
	}
}

func (p *Model) chooserView() string {
	s := p.C.Styles
	var b strings.Builder
	what := common.Plural(len(p.pending), "entry", "entries")
	if len(p.pending) == 1 {
		what = p.pending[0].PlatformString()
	}
	b.WriteString(s.Title.Render("Stage "+termsafe.String(what)+" of "+termsafe.String(p.pendSrc)) + "\n")
	why := "No staged list is for this repository yet."
	if name, ok := stageTargetFor(p.lists, p.pendSrc); !ok && name != "" {
		why = "The newest staged list, " + termsafe.String(name) + ", is for another repository."
	}
	for _, l := range strings.Split(ansi.Wordwrap(why+" Into which list?", max(p.Width, 20), " "), "\n") {
		b.WriteString(s.Faint.Render(l) + "\n")
	}
	shownOther := false
	for i, ch := range p.choices {
		if !ch.here && !shownOther {
			b.WriteString(s.Faint.Render("  other repositories:") + "\n")
			shownOther = true
		}
		line := "new list " + termsafe.String(ch.target) + " (enter edits the name)"
		if ch.list != "" {
			line = termsafe.String(ch.list)
			if ch.target != ch.list {
				line += " → " + termsafe.String(ch.target)
			}
			line += "  " + common.Plural(ch.entries, "entry", "entries")
		}
		if i == p.choice {
			line = s.Selected.Render("> " + line)
		} else {
			line = "  " + line
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(s.Faint.Render("j/k choose · enter stages into it · esc stages nothing") + "\n")
	return b.String()
}

// resolveListTarget turns what was typed for a new list's target into a
// tag: a bare tag ("v2") is a tag of the repository the entries come from,
// a name without a host ("team/app:v2") is in the registry being browsed,
// as the : prompt does. It refuses digests and names that are not
// references.
func resolveListTarget(src, typed string) (string, error) {
	v := strings.TrimSpace(typed)
	if v == "" {
		return "", fmt.Errorf("give the new list's target tag, such as %s", suggestTarget(src))
	}
	repo, _ := common.SplitRef(src)
	switch {
	case src == "":
	case !strings.ContainsAny(v, "/:@") && !common.HostLike(v):
		v = repo + ":" + v
	default:
		v = common.RelativeTo(common.HostOf(src), v)
	}
	if strings.Contains(v, "@") {
		return "", fmt.Errorf("%s is a digest: a list is pushed to a tag, such as %s", termsafe.String(v), suggestTarget(src))
	}
	if err := registry.CheckInput(v); err != nil {
		return "", fmt.Errorf("%s: give one such as %s", termsafe.String(err.Error()), suggestTarget(src))
	}
	t, err := name.NewTag(v)
	if err != nil {
		return "", fmt.Errorf("%s is not a tag (%s): give one such as %s", termsafe.String(v), termsafe.String(err.Error()), suggestTarget(src))
	}
	return t.Name(), nil
}

// wrapError wraps an error message to width cells at word boundaries, so
// no word is cut.
func wrapError(msg string, width int) string {
	return ansi.Wordwrap(msg, max(width, 20), " /")
}
