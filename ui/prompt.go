package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
)

// promptPage asks what to open when manifold starts without an argument
// and no registry was used before.
type promptPage struct {
	common.PageBase
	input textinput.Model
}

func newPromptPage(c *common.Common) *promptPage {
	ti := common.NewInput()
	ti.Prompt = "open: "
	ti.Placeholder = "localhost:5000, ghcr.io/owner/repo or golang:1.23"
	return &promptPage{PageBase: common.NewPageBase(c), input: ti}
}

func (p *promptPage) Crumb() string      { return "open" }
func (p *promptPage) InputFocused() bool { return true }
func (p *promptPage) Init() tea.Cmd      { return p.input.Focus() }
func (p *promptPage) SetSize(w, h int) {
	p.PageBase.SetSize(w, h)
	p.input.SetWidth(max(w-8, 1))
}

func (p *promptPage) Update(msg tea.Msg) (common.Page, tea.Cmd) {
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

func (p *promptPage) View() string {
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
func (p *promptPage) Keys() []keys.Key {
	return []keys.Key{
		{Binding: p.C.Keys.Submit, Group: keys.GroupAct, Footer: 1},
		{Binding: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit")), Group: keys.GroupApp, Footer: 1},
	}
}

// HideCrumb: the start prompt leaves the breadcrumb once a page is open.
func (p *promptPage) HideCrumb() bool { return true }
