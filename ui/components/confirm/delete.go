// Package confirm is ctrl+d's typed confirmation, on the tags and tree
// screens: a manifest is deleted only once its reference is typed out.
package confirm

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
)

// Deleter is a Registry that can delete the manifest a reference points at
// (*registry.Client). A read-only client refuses it in its transport.
type Deleter interface {
	Delete(ctx context.Context, ref string) (digest string, err error)
}

// DeletePage is ctrl+d's confirmation: the manifest is deleted only once
// the reference is typed out in full, as GitHub asks for a repository's
// name. Never in readonly mode (the key says so in the status line).
type DeletePage struct {
	common.PageBase
	target string // the reference to delete
	input  textinput.Model
	busy   bool
}

// deletedMsg is the answer of a delete.
type deletedMsg struct {
	page   int
	ref    string
	digest string
	err    error
}

func (m deletedMsg) Target() int { return m.page }

func newDeletePage(c *common.Common, target string) *DeletePage {
	ti := common.NewInput()
	ti.Prompt = "type it to delete: "
	ti.Placeholder = target
	return &DeletePage{PageBase: common.NewPageBase(c), target: target, input: ti}
}

// Delete is what ctrl+d does on a screen showing ref.
func Delete(c *common.Common, ref string) tea.Cmd {
	if c.Opts.ReadOnly {
		return common.SetStatus("readonly: not deleted — manifold was started with --readonly (or readonly: true in the config file)", true)
	}
	if _, ok := c.Reg.(Deleter); !ok {
		return common.SetStatus("This registry client cannot delete.", true)
	}
	return common.PushPage(newDeletePage(c, ref))
}

func (p *DeletePage) Crumb() string      { return "delete" }
func (p *DeletePage) InputFocused() bool { return true }
func (p *DeletePage) Busy() bool         { return p.busy }
func (p *DeletePage) Init() tea.Cmd      { return p.input.Focus() }
func (p *DeletePage) ServesPage() int    { return 0 }
func (p *DeletePage) SetSize(w, h int) {
	p.PageBase.SetSize(w, h)
	p.input.SetWidth(max(w-24, 1))
}

func (p *DeletePage) Keys() []keys.Key {
	return []keys.Key{
		{Binding: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "delete (when typed exactly)")), Group: keys.GroupAct, Footer: 1},
		{Binding: p.C.Keys.Cancel, Group: keys.GroupAct, Footer: 1},
	}
}

func (p *DeletePage) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case deletedMsg:
		if msg.page != p.PageID {
			return p, nil
		}
		p.busy = false
		if msg.err != nil {
			return p, common.SetStatus("not deleted: "+termsafe.String(common.FirstLine(msg.err.Error())), true)
		}
		return p, tea.Batch(common.PopPage, common.SetStatus("deleted "+termsafe.String(msg.ref)+" ("+common.ShortDigest(msg.digest)+"); every tag of that manifest went with it", false),
			common.TagWritten(repoOf(msg.ref)))
	case tea.KeyPressMsg:
		if p.busy {
			return p, nil
		}
		switch msg.String() {
		case "esc":
			return p, tea.Batch(common.PopPage, common.SetStatus("not deleted", false))
		case "enter":
			if strings.TrimSpace(p.input.Value()) != p.target {
				return p, common.SetStatus("not deleted: type "+termsafe.String(p.target)+" exactly (esc cancels)", true)
			}
			p.busy = true
			del, ctx, id, target := p.C.Reg.(Deleter), p.Ctx, p.PageID, p.target
			return p, func() tea.Msg {
				d, err := del.Delete(ctx, target)
				return deletedMsg{page: id, ref: target, digest: d, err: err}
			}
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return p, cmd
}

func (p *DeletePage) View() string {
	s := p.C.Styles
	lines := []string{
		common.Fit(s.Error.Render("Delete ")+s.Title.Render(termsafe.String(p.target)), p.Width),
		common.Fit(s.Faint.Render("The manifest is deleted from the registry, with every tag that points at it. This cannot be undone."), p.Width),
		common.Fit(s.Faint.Render("Type the reference above to confirm."), p.Width),
		"",
		common.Fit(p.input.View(), p.Width),
	}
	return strings.Join(lines, "\n")
}

// repoOf is the repository of a reference.
func repoOf(ref string) string {
	r, _ := common.SplitRef(ref)
	return r
}
