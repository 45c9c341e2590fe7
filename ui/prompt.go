package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// promptPage asks what to open when manifold starts without an argument
// and no registry was used before.
type promptPage struct {
	pageBase
	input textinput.Model
}

func newPromptPage(c *common) *promptPage {
	ti := newInput()
	ti.Prompt = "open: "
	ti.Placeholder = "localhost:5000, ghcr.io/owner/repo or golang:1.23"
	return &promptPage{pageBase: newPageBase(c), input: ti}
}

func (p *promptPage) Crumb() string      { return "open" }
func (p *promptPage) InputFocused() bool { return true }
func (p *promptPage) Init() tea.Cmd      { return p.input.Focus() }
func (p *promptPage) SetSize(w, h int) {
	p.pageBase.SetSize(w, h)
	p.input.SetWidth(max(w-8, 1))
}

func (p *promptPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "enter":
			v := strings.TrimSpace(p.input.Value())
			if v == "" {
				return p, setStatus("Type a registry (localhost:5000), a repository or a reference.", true)
			}
			return p, pushPage(openTarget(p.c, v, ""))
		case "esc":
			return p, tea.Quit
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return p, cmd
}

func (p *promptPage) View() string {
	s := p.c.styles
	lines := []string{
		fit(s.Title.Render("What do you want to open?"), p.width),
		fit(s.Faint.Render("A registry host lists its repositories; a repository its tags; a reference opens its tree."), p.width),
		"",
		fit(p.input.View(), p.width),
	}
	if len(lines) > p.height {
		lines = lines[:max(p.height, 0)]
	}
	return joinLines(lines)
}

// Keys: the field has every key; its Update handles these.
func (p *promptPage) Keys() []Key {
	return []Key{
		{Binding: p.c.keys.Submit, Group: groupAct, Footer: 1},
		{Binding: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit")), Group: groupApp, Footer: 1},
	}
}

// hideCrumb: the start prompt leaves the breadcrumb once a page is open.
func (p *promptPage) hideCrumb() bool { return true }

// openTarget returns the page for what s names. A bare tag or digest typed
// while a repository is open (repo != "") opens in that repository.
func openTarget(c *common, s, repo string) Page {
	s = strings.TrimSpace(s)
	if repo != "" && !strings.Contains(s, "/") {
		switch {
		case strings.HasPrefix(s, "sha256:"):
			return newTreePage(c, repo+"@"+s)
		case strings.HasPrefix(s, "@"):
			return newTreePage(c, repo+s)
		case !strings.ContainsAny(s, ":@") && !hostLike(s):
			return newTreePage(c, repo+":"+s)
		}
	}
	switch Classify(s) {
	case KindRegistry:
		return newReposPage(c, s)
	case KindReference:
		t := newTreePage(c, s)
		t.standalone = true
		return t
	default:
		t := newTagsPage(c, s)
		t.standalone = true
		return t
	}
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

// hostLike tells a registry host (localhost, ghcr.io) from a tag with dots
// (1.0, v1.2.3, 3.20-alpine): a host ends in an alphabetic label.
func hostLike(s string) bool {
	if s == "localhost" {
		return true
	}
	i := strings.LastIndexByte(s, '.')
	if i < 0 || i == len(s)-1 {
		return false
	}
	for _, r := range s[i+1:] {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
