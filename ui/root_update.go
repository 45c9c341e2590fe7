package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// handleKey: the goto field, then a focused text field, then global keys,
// then the page.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.c.keys
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	if m.gotoActive {
		return m.handleGoto(msg)
	}
	top := m.top()
	if top.InputFocused() {
		return m.updateTop(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.fullHelp = !m.fullHelp
		m.layout()
		return nil
	case key.Matches(msg, k.Goto):
		m.gotoActive = true
		m.gotoInput.SetValue("")
		return m.gotoInput.Focus()
	case key.Matches(msg, k.Back):
		if f, ok := top.(interface{ Filtered() bool }); ok && f.Filtered() && msg.String() == "esc" {
			return m.updateTop(msg) // esc clears the filter first
		}
		if m.fullHelp {
			m.fullHelp = false
			m.layout()
			return nil
		}
		return m.pop()
	}
	if cmd := stagingKeyCmd(m.c, top, msg); cmd != nil {
		return cmd // a stages, S opens the staging pane (staging_add.go)
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
			v = relativeTo(m.currentHost(), v)
		}
		return m.push(openTarget(m.c, v, repo))
	}
	var cmd tea.Cmd
	m.gotoInput, cmd = m.gotoInput.Update(msg)
	return cmd
}

// currentRepo is the repository the top page shows, if any.
func (m *Model) currentRepo() string {
	switch p := m.top().(type) {
	case *tagsPage:
		return p.repo
	case *treePage:
		return p.repo
	}
	return ""
}

// currentHost is the registry the top page browses, if any.
func (m *Model) currentHost() string {
	switch p := m.top().(type) {
	case *reposPage:
		return p.registry
	case *tagsPage:
		return hostOf(p.repo)
	case *treePage:
		return hostOf(p.repo)
	case *resolvePage:
		return hostOf(p.tree.Repository)
	}
	return ""
}

// relativeTo puts host in front of a name typed without one, so that
// "acme/web:1" opens in the registry being browsed; a name that starts with
// a host (ghcr.io/…, localhost:5000/…) is left alone.
func relativeTo(host, name string) string {
	if host == "" {
		return name
	}
	first, _, slash := strings.Cut(name, "/")
	if slash {
		// docker's rule: a first component with '.' or ':' is a host.
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			return name
		}
		return host + "/" + name
	}
	// No slash: "ghcr.io" and "localhost:5000" are registries, "cli:2.0"
	// and "alpine" are names in this one.
	if h, _, _ := strings.Cut(name, ":"); strings.Contains(h, ".") || h == "localhost" {
		return name
	}
	return host + "/" + name
}

// handleMouse passes mouse events to the top page with Y relative to its
// body (below the header); events outside the body are dropped.
func (m *Model) handleMouse(msg tea.MouseMsg) tea.Cmd {
	if !m.top().MouseEnabled() {
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
	case pushPageMsg:
		return m.push(msg.page)
	case popPageMsg:
		return m.pop()
	case statusMsg:
		m.status, m.statusErr = msg.text, msg.err
	case errorMsg:
		if m.find(msg.page) == nil {
			return nil // the user left that page
		}
		text, login := explain(msg.what, msg.err)
		m.status, m.statusErr = text, true
		if login && m.c.opts.Login != nil && msg.host != "" {
			if _, open := m.top().(*loginPage); !open {
				return m.push(newLoginPage(m.c, msg.host, msg.page))
			}
		}
	case loggedInMsg:
		m.c.reg = msg.reg
		m.status, m.statusErr = "Logged in.", false
		var cmds []tea.Cmd
		if !msg.keep {
			if _, ok := m.top().(*loginPage); ok {
				cmds = append(cmds, m.pop())
			}
		}
		if p := m.find(msg.page); p != nil {
			p, cmd := p.Update(refreshMsg{})
			m.replace(p)
			cmds = append(cmds, cmd)
		}
		return tea.Batch(cmds...)
	}
	return nil
}

func (m *Model) push(p Page) tea.Cmd {
	m.stack = append(m.stack, p)
	w, h := m.bodySize()
	p.SetSize(w, h)
	if _, ok := p.(*loginPage); !ok {
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
	if _, ok := top.(*loginPage); !ok {
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

// Filtered is true while a list's filter narrows it (esc clears it first).
func (p *reposPage) Filtered() bool { return p.list.pattern != "" }

// Filtered is true while a list's filter narrows it (esc clears it first).
func (p *tagsPage) Filtered() bool { return p.list.pattern != "" }
