package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"

	"github.com/manifold-dev/manifold/internal/termsafe"
)

// rawPage shows a node's JSON, pretty-printed and coloured, in a viewport.
// The mouse is off here so the text can be selected.
type rawPage struct {
	pageBase
	title string
	raw   []byte
	vp    viewport.Model
	ready bool
}

// rawMsg carries the formatted JSON.
type rawMsg struct {
	page  int
	lines []string
}

func (m rawMsg) target() int { return m.page }

func newRawPage(c *common, title string, raw []byte) *rawPage {
	vp := viewport.New()
	vp.SoftWrap = false
	return &rawPage{pageBase: newPageBase(c), title: title, raw: raw, vp: vp}
}

func (p *rawPage) Crumb() string      { return "raw" }
func (p *rawPage) MouseEnabled() bool { return false }
func (p *rawPage) Busy() bool         { return !p.ready }

func (p *rawPage) SetSize(w, h int) {
	p.pageBase.SetSize(w, h)
	p.vp.SetWidth(w)
	p.vp.SetHeight(max(h-1, 1))
}

func (p *rawPage) Init() tea.Cmd {
	raw, style, id := p.raw, p.c.styles.Theme.ChromaStyle, p.id
	noColor := p.c.opts.NoColor
	return func() tea.Msg {
		return rawMsg{page: id, lines: formatJSON(raw, style, noColor)}
	}
}

// formatJSON pretty-prints raw and colours it with a chroma style ("" or
// noColor: plain). Anything that is not JSON is shown as text, made safe.
func formatJSON(raw []byte, style string, noColor bool) []string {
	var buf bytes.Buffer
	text := string(raw)
	if json.Indent(&buf, raw, "", "  ") == nil {
		text = buf.String()
	}
	// JSON escapes control characters, so valid JSON is already safe; the
	// fallback path is not, so make every line safe before colouring.
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = termsafe.String(l)
	}
	if noColor || style == "" {
		return lines
	}
	lexer := lexers.Get("json")
	st := styles.Get(style)
	f := formatters.Get("terminal256")
	if lexer == nil || st == nil || f == nil {
		return lines
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, strings.Join(lines, "\n"))
	if err != nil {
		return lines
	}
	var out bytes.Buffer
	if err := f.Format(&out, st, it); err != nil {
		return lines
	}
	return strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
}

func (p *rawPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case rawMsg:
		p.ready = true
		p.vp.SetContentLines(msg.lines)
		return p, nil
	case tea.KeyPressMsg:
		if key.Matches(msg, p.c.keys.Copy) {
			return p, tea.Batch(tea.SetClipboard(string(p.raw)), setStatus("Copied the JSON", false))
		}
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return p, cmd
}

func (p *rawPage) View() string {
	s := p.c.styles
	title := s.Title.Render("Raw JSON") + s.Faint.Render("  "+termsafe.String(p.title))
	if p.ready && p.vp.TotalLineCount() > p.vp.Height() {
		title += s.Faint.Render("  " + percent(p.vp.ScrollPercent()))
	}
	if !p.ready {
		return fit(title, p.width) + "\n" + s.Faint.Render("formatting…")
	}
	return fit(title, p.width) + "\n" + p.vp.View()
}

func percent(f float64) string { return fmt.Sprintf("%d%%", int(f*100+0.5)) }

func (p *rawPage) ShortHelp() []key.Binding {
	k := p.c.keys
	return []key.Binding{k.Up, k.Down, k.PageDown, copyJSON, k.Back, k.Help, k.Quit}
}

func (p *rawPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {copyJSON, k.Back, k.Help, k.Quit}}
}

// copyJSON is y on the raw screen.
var copyJSON = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy JSON"))
