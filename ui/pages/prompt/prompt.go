// Package prompt is the start prompt: what to open, when manifold starts
// without an argument and no registry was used before.
package prompt

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
)

// Model asks what to open when manifold starts without an argument
// and no registry was used before.
type Model struct {
	common.PageBase
	input textinput.Model
}

func New(c *common.Common) *Model {
	ti := common.NewInput()
	ti.Prompt = "open: "
	ti.Placeholder = "localhost:5000, ghcr.io/owner/repo or golang:1.23"
	return &Model{PageBase: common.NewPageBase(c), input: ti}
}

func (p *Model) Crumb() string      { return "open" }
func (p *Model) InputFocused() bool { return true }
func (p *Model) Init() tea.Cmd      { return p.input.Focus() }
func (p *Model) SetSize(w, h int) {
	p.PageBase.SetSize(w, h)
	p.input.SetWidth(max(w-8, 1))
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "enter":
			v := strings.TrimSpace(p.input.Value())
			if v == "" {
				return p, common.SetStatus("Type a registry (localhost:5000), a repository or a reference.", true)
			}
			return p, common.PushPage(p.C.Pages.Open(p.C, v, ""))
		case "esc":
			return p, tea.Quit
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return p, cmd
}

func (p *Model) View() string {
	s := p.C.Styles
	lines := []string{
		common.Fit(s.Title.Render("What do you want to open?"), p.Width),
		common.Fit(s.Faint.Render("A registry host lists its repositories; a repository its tags; a reference opens its tree."), p.Width),
		"",
		common.Fit(p.input.View(), p.Width),
	}
	if len(lines) > p.Height {
		lines = lines[:max(p.Height, 0)]
	}
	return common.JoinLines(lines)
}

// Keys: the field has every key; its Update handles these.
func (p *Model) Keys() []keys.Key {
	return []keys.Key{
		{Binding: p.C.Keys.Submit, Group: keys.GroupAct, Footer: 1},
		{Binding: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit")), Group: keys.GroupApp, Footer: 1},
	}
}

// HideCrumb: the start prompt leaves the breadcrumb once a page is open.
func (p *Model) HideCrumb() bool { return true }
