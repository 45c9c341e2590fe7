package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// View draws header, body, status bar and help, never wider or taller than
// the terminal.
func (m *Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	if m.top().MouseEnabled() && !m.c.Opts.NoMouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "manifold " + m.breadcrumbText()
	if m.quitting {
		return v
	}
	v.SetContent(m.render())
	return v
}

// render is the screen as a string (what the golden tests compare).
func (m *Model) render() string {
	w, h := m.c.Width, m.c.Height
	if w <= 0 || h <= 0 {
		return ""
	}
	_, bh := m.bodySize()
	lines := make([]string, 0, h)
	lines = append(lines, m.header())
	body := strings.Split(m.top().View(), "\n")
	for i := 0; i < bh; i++ {
		if i < len(body) {
			lines = append(lines, body[i])
		} else {
			lines = append(lines, "")
		}
	}
	lines = append(lines, m.statusBar()...)
	if fh := m.footerHeight(); fh > 0 {
		var f string
		switch {
		case m.gotoActive:
			// Every key goes to the field (q included): say how to leave it.
			f = m.help.ShortHelpView([]key.Binding{m.c.Keys.Submit, m.c.Keys.Cancel})
		case m.fullHelp:
			f = m.help.FullHelpView(m.fullHelpColumns())
		default:
			f = m.help.ShortHelpView(m.shortHelp())
		}
		fl := strings.Split(f, "\n")
		for i := 0; i < fh; i++ {
			if i < len(fl) {
				lines = append(lines, fl[i])
			} else {
				lines = append(lines, "")
			}
		}
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) crumbs() []string {
	out := []string{"manifold"}
	host := ""
	for i, p := range m.stack {
		if h, ok := p.(common.HiddenCrumb); ok && h.HideCrumb() && len(m.stack) > 1 {
			continue
		}
		if f, ok := p.(common.FailedPage); ok && f.FailedToOpen() && i < len(m.stack)-1 {
			if _, serves := m.stack[i+1].(common.Dialog); !serves {
				continue // it never showed anything: not a place to go back to
			}
		}
		c := p.Crumb()
		if h, repo := p.Where(); i == 0 && repo == "" && h != "" {
			host = termsafe.String(h) // a registry's repository list
		} else if host != "" {
			// Names opened by hand in the registry being browsed need
			// not repeat its host.
			c = strings.TrimPrefix(c, host+"/")
		}
		out = append(out, c)
	}
	return out
}

func (m *Model) breadcrumbText() string { return strings.Join(m.crumbs()[1:], " › ") }

// header is the breadcrumb; leading crumbs give way on narrow terminals.
func (m *Model) header() string {
	s := m.c.Styles
	cr := m.crumbs()
	sep := s.CrumbSep.Render(" › ")
	render := func(cs []string) string {
		parts := make([]string, len(cs))
		for i, c := range cs {
			if i == len(cs)-1 {
				parts[i] = s.Crumb.Render(c)
			} else {
				parts[i] = s.Faint.Render(c)
			}
		}
		return strings.Join(parts, sep)
	}
	width, badge := m.c.Width, ""
	if m.c.Opts.ReadOnly {
		badge = s.Warn.Render("readonly")
		width -= lipgloss.Width(badge) + 1
	}
	out := render(cr)
	for len(cr) > 1 && lipgloss.Width(out) > width {
		cr = cr[1:]
		out = s.Faint.Render("…") + sep + render(cr)
	}
	if badge == "" || width < 1 {
		return common.Fit(out, m.c.Width)
	}
	return common.Fit(out, width) + " " + badge
}

// statusBar is one line, or up to maxStatusLines when a long message does
// not fit: it is wrapped at words (and at / : @ inside a long reference),
// never cut in the middle of a word.
func (m *Model) statusBar() []string {
	s := m.c.Styles
	w := m.c.Width
	if m.gotoActive {
		return []string{common.Fit(m.gotoInput.View(), w)}
	}
	var left string
	if m.spinning {
		left = m.spinner.View() + " "
	}
	st := s.Status
	if m.statusErr {
		st = s.StatusErr
	}
	text, right, textW := m.statusParts()
	wrapped := m.statusWrapped(text, textW)
	out := make([]string, len(wrapped))
	for i, l := range wrapped {
		if i == 0 {
			l = left + l
		} else {
			l = strings.Repeat(" ", ansi.StringWidth(left)) + l
		}
		if i == len(wrapped)-1 {
			out[i] = st.Render(common.PadRight(l, w-ansi.StringWidth(right)) + right)
		} else {
			out[i] = st.Render(common.PadRight(l, w))
		}
	}
	return out
}

// maxStatusLines is how tall the status bar grows for a long message (more
// on a tall terminal, up to 6 lines).
const maxStatusLines = 3

// statusParts is the message, the rate limit shown at the right and the width
// left for the message.
func (m *Model) statusParts() (text, right string, textW int) {
	w := m.c.Width
	text = m.status
	if text == "" && m.spinning {
		text = "loading…"
	}
	right = m.rateLimitText()
	if right != "" && ansi.StringWidth(right)+20 > w {
		right = "" // the status itself comes first on a narrow terminal
	}
	textW = w
	if m.spinning {
		textW -= ansi.StringWidth(m.spinner.View()) + 1
	}
	if right != "" {
		textW -= ansi.StringWidth(right) + 1
	}
	return text, right, textW
}

// statusLines is the status bar's height: 1, or more for a long message
// (never more than a quarter of a short terminal).
func (m *Model) statusLines() int {
	if m.gotoActive {
		return 1
	}
	text, _, textW := m.statusParts()
	return len(m.statusWrapped(text, textW))
}

func (m *Model) statusWrapped(text string, width int) []string {
	limit := min(max(maxStatusLines, m.c.Height/5), 6)
	if m.c.Height < 12 {
		limit = 1
	}
	if ansi.StringWidth(text) <= width || limit == 1 || width < 12 {
		return []string{common.FitMiddle(text, width)}
	}
	return common.WrapWords(text, width, limit)
}

// rateLimiter is a Registry that knows the registries' pull limits
// (*registry.Client: from the RateLimit-* headers of every answer).
type rateLimiter interface {
	RateLimit(host string) (registry.RateLimit, bool)
}

// rateLimitText is "pulls 76/100" for the registry the top page browses,
// once its answers carried the headers.
func (m *Model) rateLimitText() string {
	rl, ok := m.c.Reg.(rateLimiter)
	if !ok {
		return ""
	}
	host := m.currentHost()
	if host == "" {
		return ""
	}
	r, ok := rl.RateLimit(host)
	if !ok {
		return ""
	}
	return r.Short()
}
