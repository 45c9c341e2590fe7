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

	"github.com/manifold-dev/manifold/internal/syntax"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
)

// rawPage shows a node's JSON, pretty-printed and coloured, in a viewport.
// The mouse is off here so the text can be selected.
type rawPage struct {
	common.PageBase
	title string
	raw   []byte
	vp    viewport.Model
	ready bool

	// ref and node say where the JSON came from, so that r (refresh) can
	// fetch the tree again and show that node anew; req is the latest
	// request, fmtReq the latest formatting.
	ref     string
	node    string
	req     int
	fmtReq  int
	loading bool
}

// rawMsg carries the formatted JSON of request req.
type rawMsg struct {
	page  int
	req   int
	lines []string
}

func (m rawMsg) Target() int { return m.page }

func newRawPage(c *common.Common, title string, raw []byte) *rawPage {
	vp := viewport.New()
	vp.SoftWrap = false
	return &rawPage{PageBase: common.NewPageBase(c), title: title, raw: raw, vp: vp}
}

func (p *rawPage) Crumb() string      { return "raw" }
func (p *rawPage) MouseEnabled() bool { return false }
func (p *rawPage) Busy() bool         { return !p.ready || p.loading }

func (p *rawPage) SetSize(w, h int) {
	p.PageBase.SetSize(w, h)
	p.vp.SetWidth(w)
	p.vp.SetHeight(max(h-1, 1))
}

func (p *rawPage) Init() tea.Cmd {
	p.fmtReq = common.NextID()
	raw, style, id, req := p.raw, p.C.Styles.Theme.SyntaxStyle(), p.PageID, p.fmtReq
	noColor := p.C.Opts.NoColor
	return func() tea.Msg {
		return rawMsg{page: id, req: req, lines: formatJSON(raw, style, noColor)}
	}
}

// refresh fetches the tree again (r, or after a login); the answer shows
// the same node anew.
func (p *rawPage) refresh() tea.Cmd {
	if p.ref == "" {
		return nil // not from a tree
	}
	p.req = common.NextID()
	p.loading = true
	return fetchTree(p.Ctx, p.C.Reg, p.ref, p.PageID, p.req)
}

// setTree shows the node of a fetched tree, or says it is gone (the tag
// moved) and keeps the JSON shown.
func (p *rawPage) setTree(msg treeMsg) tea.Cmd {
	p.loading = false
	if msg.err != nil {
		return common.ReportErr(p.PageID, "fetch "+p.ref, msg.err, common.HostOf(p.ref))
	}
	n := findNode(buildNodes(msg.tree), p.node)
	if n == nil {
		return common.SetStatus(termsafe.String(p.ref)+" no longer has this node: showing what was fetched before", false)
	}
	p.title, p.raw = rawJSON(n)
	return p.Init()
}

// formatJSON pretty-prints raw and colours it with a chroma style (nil or
// noColor: plain). Anything that is not JSON is shown as text, made safe.
func formatJSON(raw []byte, style *chroma.Style, noColor bool) []string {
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
	if noColor || style == nil {
		return lines
	}
	out, err := syntax.Highlight(strings.Join(lines, "\n"), style)
	if err != nil {
		return lines
	}
	return strings.Split(strings.TrimRight(out, "\n"), "\n")
}

func (p *rawPage) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case rawMsg:
		if msg.req != p.fmtReq {
			return p, nil // the JSON shown before a refresh
		}
		p.ready = true
		p.vp.SetContentLines(msg.lines)
		return p, nil
	case treeMsg:
		if msg.req != p.req {
			return p, nil // an older request
		}
		return p, p.setTree(msg)
	case common.RefreshMsg:
		return p, p.refresh()
	case tea.KeyPressMsg:
		if k, ok := keys.Match(p.Keys(), msg); ok && k.Run != nil {
			return p, k.Run(msg)
		}
	}
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return p, cmd
}

func (p *rawPage) View() string {
	s := p.C.Styles
	title := s.Title.Render("Raw JSON") + s.Faint.Render("  "+termsafe.String(p.title))
	if p.ready && p.vp.TotalLineCount() > p.vp.Height() {
		title += s.Faint.Render("  " + percent(p.vp.ScrollPercent()))
	}
	if !p.ready {
		return common.Fit(title, p.Width) + "\n" + s.Faint.Render("formatting…")
	}
	return common.Fit(title, p.Width) + "\n" + p.vp.View()
}

func percent(f float64) string { return fmt.Sprintf("%d%%", int(f*100+0.5)) }

// Keys: the viewport scrolls (its own keys), y copies the JSON, r fetches
// it again.
func (p *rawPage) Keys() []keys.Key {
	k := p.C.Keys
	return append(keys.Of(keys.GroupMove, k.Up, k.Down, k.PageUp, k.PageDown),
		keys.Key{Binding: copyJSON, Group: keys.GroupAct, Footer: 1, Run: func(tea.KeyPressMsg) tea.Cmd {
			return tea.Batch(tea.SetClipboard(string(p.raw)), common.SetStatus("Copied the JSON", false))
		}},
		keys.Key{Binding: k.Refresh, Group: keys.GroupAct, Footer: 3, When: func() bool { return p.ref != "" }, Run: func(tea.KeyPressMsg) tea.Cmd {
			return tea.Batch(p.refresh(), common.SetStatus("refreshing "+termsafe.String(p.ref), false))
		}},
	)
}

// copyJSON is y on the raw screen.
var copyJSON = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy JSON"))
