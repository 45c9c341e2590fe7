package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/pages/login"
)

// handleKey: the goto field, then a focused text field, then the global
// keys, then the page's keys (root_keys.go), then the page's Update.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if m.statusSticky {
		// The next action: where the push went has been read.
		m.status, m.statusErr, m.statusSticky = "", false, false
	}
	if m.gotoActive {
		return m.handleGoto(msg)
	}
	if m.top().InputFocused() {
		m.pendingG = false
		return m.updateTop(msg)
	}
	if m.pendingG {
		// gg: the second g goes to the top, as home does.
		m.pendingG = false
		if msg.String() == "g" {
			msg = tea.KeyPressMsg{Code: tea.KeyHome}
		}
	}
	if cmd, ok := m.dispatchKey(msg); ok {
		return cmd
	}
	return m.updateTop(msg)
}

func (m *Model) updateTop(msg tea.Msg) tea.Cmd {
	p, cmd := m.top().Update(msg)
	m.replace(p)
	return cmd
}

func (m *Model) handleGoto(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.gotoActive = false
		m.gotoInput.Blur()
		return nil
	case "enter":
		v := strings.TrimSpace(m.gotoInput.Value())
		m.gotoActive = false
		m.gotoInput.Blur()
		if v == "" {
			return nil
		}
		repo := m.currentRepo()
		if repo == "" || strings.Contains(v, "/") {
			v = common.RelativeTo(m.currentHost(), v)
		}
		return m.push(openTarget(m.c, v, repo))
	}
	var cmd tea.Cmd
	m.gotoInput, cmd = m.gotoInput.Update(msg)
	return cmd
}

// currentRepo is the repository the top page shows, if any.
func (m *Model) currentRepo() string {
	_, repo := m.top().Where()
	return repo
}

// currentHost is the registry the top page browses, if any.
func (m *Model) currentHost() string {
	host, _ := m.top().Where()
	return host
}

// handleMouse passes mouse events to the top page with Y relative to its
// body (below the header); events outside the body are dropped.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if !m.top().MouseEnabled() || m.c.Opts.NoMouse {
		return nil
	}
	mo := msg.Mouse()
	mo.Y--
	_, h := m.bodySize()
	if mo.Y < 0 || mo.Y >= h {
		return nil
	}
	var out tea.Msg
	switch msg.(type) {
	case tea.MouseClickMsg:
		out = tea.MouseClickMsg(mo)
	case tea.MouseWheelMsg:
		out = tea.MouseWheelMsg(mo)
	default:
		return nil
	}
	return m.updateTop(out)
}

func (m *Model) handleNav(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case common.PushPageMsg:
		return m.push(msg.Page)
	case common.PopPageMsg:
		return m.pop()
	case common.StatusMsg:
		m.status, m.statusErr, m.statusSticky = msg.Text, msg.Err, msg.Sticky
	case common.ErrorMsg:
		if m.find(msg.Page) == nil {
			return nil // the user left that page
		}
		text, needsLogin := explain(msg.What, msg.Err)
		m.status, m.statusErr = text, true
		if needsLogin && m.c.Opts.Login != nil && msg.Host != "" {
			if _, open := m.top().(common.Dialog); !open {
				_, repo := m.find(msg.Page).Where()
				return m.push(login.New(m.c, msg.Host, repo, msg.Page))
			}
		}
	case common.LoggedInMsg:
		m.c.Reg = msg.Reg
		m.status, m.statusErr = "Logged in.", false
		var cmds []tea.Cmd
		if !msg.Keep {
			if _, ok := m.top().(common.Dialog); ok {
				cmds = append(cmds, m.pop())
			}
		}
		if p := m.find(msg.Page); p != nil {
			p, cmd := p.Update(common.RefreshMsg{})
			m.replace(p)
			cmds = append(cmds, cmd)
		}
		return tea.Batch(cmds...)
	}
	return nil
}

func (m *Model) push(p common.Page) tea.Cmd {
	m.stack = append(m.stack, p)
	w, h := m.bodySize()
	p.SetSize(w, h)
	if _, ok := p.(common.Dialog); !ok && !m.statusSticky {
		m.status, m.statusErr = "", false
	}
	return p.Init()
}

// pop leaves the top page, cancelling its requests. Leaving the first page
// quits.
func (m *Model) pop() tea.Cmd {
	if len(m.stack) == 1 {
		return nil
	}
	top := m.top()
	top.Close()
	m.stack = m.stack[:len(m.stack)-1]
	if _, ok := top.(common.Dialog); !ok && !m.statusSticky {
		m.status, m.statusErr = "", false
	}
	m.layout()
	return nil
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	for _, p := range m.stack {
		p.Close()
	}
	m.cancel()
	return tea.Quit
}

// handleTagWritten refreshes the tag lists of repo under the top page.
func (m *Model) handleTagWritten(msg common.TagWrittenMsg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range m.stack {
		tl, ok := p.(common.TagLister)
		if !ok || !tl.ListsTagsOf(msg.Repo) {
			continue
		}
		np, cmd := p.Update(common.RefreshMsg{})
		m.replace(np)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}
