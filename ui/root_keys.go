package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/pages/diff"
	"github.com/manifold-dev/manifold/ui/pages/staging"
)

// globalKeys are the root's keys, declared like a page's. They are tried
// before the page's, so a page key bound to one of these while it applies
// would never run (TestNoPageKeyShadowed).
func (m *Model) globalKeys() []keys.Key {
	k := m.c.Keys
	top := m.top()
	stageable := func() bool {
		_, isPane := top.(common.StagingPane)
		s, ok := top.(common.Stageable)
		if !ok || isPane {
			return false
		}
		_, _, _, ok = s.StageTarget()
		return ok
	}
	filtered := func() bool {
		f, ok := top.(interface{ Filtered() bool })
		return ok && f.Filtered()
	}
	return []keys.Key{
		{Binding: k.Stage, Group: keys.GroupAct, Footer: 3, When: stageable, Run: func(tea.KeyPressMsg) tea.Cmd {
			ref, t, e, _ := top.(common.Stageable).StageTarget()
			return staging.Add(m.c, ref, t, e)
		}},
		{Binding: k.OpenStaging, Group: keys.GroupApp, Footer: 4, When: func() bool { _, isPane := top.(common.StagingPane); return !isPane },
			Run: func(tea.KeyPressMsg) tea.Cmd { return common.PushPage(m.c.Pages.Staging(m.c)) }},
		{Binding: k.Mark, Group: keys.GroupAct, Footer: 5, When: func() bool { _, ok := common.MarkTarget(top); return ok }, Run: func(tea.KeyPressMsg) tea.Cmd {
			ref, _ := common.MarkTarget(top)
			m.c.Mark = ref
			return common.SetStatus("marked "+termsafe.String(ref)+" · D on another diffs", false)
		}},
		{Binding: k.DiffMarked, Group: keys.GroupAct, Footer: 4, When: func() bool {
			ref, ok := common.MarkTarget(top)
			return ok && m.c.Mark != "" && ref != m.c.Mark
		}, Run: func(tea.KeyPressMsg) tea.Cmd {
			ref, _ := common.MarkTarget(top)
			return common.PushPage(diff.New(m.c, m.c.Mark, ref))
		}},
		{Binding: k.Goto, Group: keys.GroupApp, Run: func(tea.KeyPressMsg) tea.Cmd {
			m.gotoActive = true
			m.gotoInput.SetValue("")
			return m.gotoInput.Focus()
		}},
		{Binding: k.TopChord, Group: keys.GroupMove, Run: func(tea.KeyPressMsg) tea.Cmd {
			m.pendingG = true
			return nil
		}},
		// esc clears a list's filter first: the page's ClearFilter applies then.
		{Binding: k.Back, Group: keys.GroupApp, Footer: 2, When: func() bool { return !filtered() }, Run: func(tea.KeyPressMsg) tea.Cmd {
			if m.fullHelp {
				m.fullHelp = false
				m.layout()
				return nil
			}
			return m.pop()
		}},
		{Binding: k.Help, Group: keys.GroupApp, Run: func(tea.KeyPressMsg) tea.Cmd {
			m.fullHelp = !m.fullHelp
			m.layout()
			return nil
		}},
		{Binding: k.Quit, Group: keys.GroupApp, Run: func(tea.KeyPressMsg) tea.Cmd { return m.quit() }},
	}
}

// essentialKeys stay in the footer at any width.
func (m *Model) essentialKeys() []key.Binding { return []key.Binding{m.c.Keys.Help, m.c.Keys.Quit} }

// shortHelp is the footer line: the page's keys and the global ones that
// fit in the terminal's width, least important dropped first.
func (m *Model) shortHelp() []key.Binding {
	h := help.New()
	h.Styles = m.help.Styles
	h.ShortSeparator = m.help.ShortSeparator
	fits := func(b []key.Binding) bool {
		return lipgloss.Width(h.ShortHelpView(b)) <= m.c.Width
	}
	if m.top().InputFocused() {
		// Every key goes to the field, q included: only the page's keys.
		return keys.Footer(m.top().Keys(), nil, nil, fits)
	}
	return keys.Footer(m.top().Keys(), m.globalKeys(), m.essentialKeys(), fits)
}

// fullHelpColumns is the help screen: the fewest rows a column that fit
// the terminal's width (the help may take the body but one line).
func (m *Model) fullHelpColumns() [][]key.Binding {
	var global []keys.Key
	if !m.top().InputFocused() {
		global = m.globalKeys()
	}
	page := m.top().Keys()
	most := max(m.c.Height-4, 6)
	h := help.New()
	h.Styles = m.help.Styles
	for rows := 6; ; rows++ {
		cols := keys.HelpColumns(page, global, rows)
		if rows >= most || lipgloss.Width(h.FullHelpView(cols)) <= m.c.Width {
			return cols
		}
	}
}

// dispatchKey runs the global key msg presses; handled is false when it
// is none, and the page's Update gets msg (which runs the page's Keys).
func (m *Model) dispatchKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	if k, ok := keys.Match(m.globalKeys(), msg); ok {
		return k.Run(msg), true
	}
	return nil, false
}
