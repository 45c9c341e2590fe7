// Package raw is the raw JSON screen (v): a document pretty-printed and
// coloured, fetched again on r when it came from a tree.
package raw

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
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
)

// Model shows a node's JSON, pretty-printed and coloured, in a viewport.
// The mouse is off here so the text can be selected.
type Model struct {
	common.PageBase
	title string
	raw   []byte
	vp    viewport.Model
	ready bool

	// ref and node say where the JSON came from, so that r (refresh) can
	// fetch the tree again and show that node anew (node finds it in the
	// new tree: its title and JSON, ok false when it is gone); req is the
	// latest request, fmtReq the latest formatting.
	ref     string
	node    func(t *model.Tree) (title string, raw []byte, ok bool)
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

// New shows raw, a document titled title. When ref is not "", r
// fetches ref's tree again and shows the document node finds in it.
func New(c *common.Common, title string, raw []byte, ref string, node func(*model.Tree) (string, []byte, bool)) *Model {
	vp := viewport.New()
	vp.SoftWrap = false
	return &Model{PageBase: common.NewPageBase(c), title: title, raw: raw, vp: vp, ref: ref, node: node}
}

func (p *Model) Crumb() string      { return "raw" }
func (p *Model) MouseEnabled() bool { return false }
func (p *Model) Busy() bool         { return !p.ready || p.loading }

func (p *Model) SetSize(w, h int) {
	p.PageBase.SetSize(w, h)
	p.vp.SetWidth(w)
	p.vp.SetHeight(max(h-1, 1))
}

func (p *Model) Init() tea.Cmd {
	p.fmtReq = common.NextID()
	raw, style, id, req := p.raw, p.C.Styles.Theme.SyntaxStyle(), p.PageID, p.fmtReq
	noColor := p.C.Opts.NoColor
	return func() tea.Msg {
		return rawMsg{page: id, req: req, lines: formatJSON(raw, style, noColor)}
	}
}

// refresh fetches the tree again (r, or after a login); the answer shows
// the same node anew.
func (p *Model) refresh() tea.Cmd {
	if p.ref == "" {
		return nil // not from a tree
	}
	p.req = common.NextID()
	p.loading = true
	return common.FetchTree(p.Ctx, p.C.Reg, p.ref, p.PageID, p.req)
}

// setTree shows the node of a fetched tree, or says it is gone (the tag
// moved) and keeps the JSON shown.
func (p *Model) setTree(msg common.TreeMsg) tea.Cmd {
	p.loading = false
	if msg.Err != nil {
		return common.ReportErr(p.PageID, "fetch "+p.ref, msg.Err, common.HostOf(p.ref))
	}
	title, raw, ok := p.node(msg.Tree)
	if !ok {
		return common.SetStatus(termsafe.String(p.ref)+" no longer has this node: showing what was fetched before", false)
	}
	p.title, p.raw = title, raw
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

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case rawMsg:
		if msg.req != p.fmtReq {
			return p, nil // the JSON shown before a refresh
		}
		p.ready = true
		p.vp.SetContentLines(msg.lines)
		return p, nil
	case common.TreeMsg:
		if msg.Req != p.req {
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

func (p *Model) View() string {
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
func (p *Model) Keys() []keys.Key {
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

// Raw is the document shown.
func (p *Model) Raw() []byte { return p.raw }

// Request is the id of the latest fetch of the tree (r): an answer to an
// earlier one is dropped.
func (p *Model) Request() int { return p.req }
