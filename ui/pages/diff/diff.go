// Package diff is the diff screen (M marks, D diffs): two references side
// by side, platform by platform.
package diff

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/verbs"
)

// diffMsg carries a computed diff.
type diffMsg struct {
	page, req int
	diff      *model.RefDiff
	err       error
}

func (m diffMsg) Target() int { return m.page }

// Model shows two references side by side, platform by platform: the
// marked one on the left, the one under the cursor on the right.
type Model struct {
	common.PageBase
	from, to string
	diff     *model.RefDiff
	rows     []model.DiffRow
	changes  bool // only rows that changed (and platform headers)
	cursor   int
	offset   int
	req      int
	loading  bool
	err      string
}

func New(c *common.Common, from, to string) *Model {
	return &Model{PageBase: common.NewPageBase(c), from: from, to: to}
}

func (p *Model) Crumb() string { return "diff" }
func (p *Model) Busy() bool    { return p.loading }

// Where: the right side's repository.
func (p *Model) Where() (string, string) {
	repo, _ := common.SplitRef(p.to)
	return common.HostOf(repo), repo
}

// Init reads both sides at once (verbs.Diff) in a command.
func (p *Model) Init() tea.Cmd {
	p.req = common.NextID()
	p.loading = true
	page, req, reg, from, to := p.PageID, p.req, p.C.Reg, p.from, p.to
	return common.WithRetries(p.Ctx, page, func(ctx context.Context) tea.Msg {
		d, err := verbs.Diff(ctx, reg, verbs.Side{Ref: from}, verbs.Side{Ref: to})
		return diffMsg{page: page, req: req, diff: d, err: err}
	})
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case diffMsg:
		if msg.req != p.req {
			return p, nil // an older request
		}
		p.loading = false
		if msg.err != nil {
			p.err = msg.err.Error()
			return p, common.ReportErr(p.PageID, "diff "+p.from+" and "+p.to, msg.err, common.HostOf(p.to))
		}
		p.err = ""
		p.diff = msg.diff
		p.layout()
	case common.RefreshMsg:
		return p, p.Init()
	case tea.KeyPressMsg:
		return p, keys.Run(p.Keys(), msg)
	case tea.MouseWheelMsg:
		p.cursor += common.WheelRows(msg)
		p.clamp()
	}
	return p, nil
}

// layout picks the rows to show.
func (p *Model) layout() {
	p.rows = p.rows[:0]
	if p.diff == nil {
		return
	}
	for _, r := range p.diff.Rows() {
		if r.Label == "reference" && r.Header {
			continue // the column headers name the sides
		}
		if p.changes && r.Mark == " " {
			continue
		}
		p.rows = append(p.rows, r)
	}
	p.clamp()
}

func (p *Model) SetSize(w, h int) { p.PageBase.SetSize(w, h); p.clamp() }

// bodyRows: the title, the column header and the summary take three lines.
func (p *Model) bodyRows() int { return max(p.Height-3, 1) }

func (p *Model) clamp() {
	p.cursor, p.offset = common.ClampScroll(p.cursor, p.offset, len(p.rows), p.bodyRows())
}

func (p *Model) Keys() []keys.Key {
	k := p.C.Keys
	ks := keys.Movement(k, func(msg tea.KeyPressMsg) tea.Cmd {
		p.cursor, _ = k.MoveCursor(msg, p.cursor, p.bodyRows(), len(p.rows))
		p.clamp()
		return nil
	})
	return append(ks,
		keys.Key{Binding: k.ChangesOnly, Group: keys.GroupView, Footer: 1, Run: func(tea.KeyPressMsg) tea.Cmd {
			p.changes = !p.changes
			p.layout()
			return nil
		}},
		keys.Key{Binding: k.SwapSides, Group: keys.GroupView, Footer: 2, Run: func(tea.KeyPressMsg) tea.Cmd {
			p.from, p.to = p.to, p.from
			return p.Init()
		}},
		keys.Key{Binding: k.Refresh, Group: keys.GroupAct, Footer: 3, Run: func(tea.KeyPressMsg) tea.Cmd {
			return tea.Batch(p.Init(), common.SetStatus("diffing again", false))
		}},
	)
}

// columns are the widths of the label and of each side.
func (p *Model) columns() (labelW, sideW int) {
	longest := 0
	for _, r := range p.rows {
		longest = max(longest, lipgloss.Width(r.Label))
	}
	labelW = min(max(longest, 12), p.Width/3)
	sideW = max((p.Width-labelW-5)/2, 4)
	return labelW, sideW
}

func (p *Model) View() string {
	s := p.C.Styles
	labelW, sideW := p.columns()
	title := s.Title.Render("Diff") + s.Faint.Render("  platform by platform")
	if p.changes {
		title += s.Faint.Render(" · changes only")
	}
	lines := []string{common.Fit(title, p.Width)}
	lines = append(lines, common.Fit(s.Faint.Render(common.PadRight("", labelW+3))+s.Bold.Render(common.PadRight(common.FitMiddle("A "+termsafe.String(p.from), sideW), sideW))+s.Faint.Render(" │ ")+s.Bold.Render(common.PadRight(common.FitMiddle("B "+termsafe.String(p.to), sideW), sideW)), p.Width))
	switch {
	case p.diff == nil && p.loading:
		lines = append(lines, s.Faint.Render("reading both sides…"))
	case p.diff == nil && p.err != "":
		lines = append(lines, common.Fit(s.Error.Render(termsafe.String(common.FirstLine(p.err))), p.Width))
	}
	for r := 0; r < p.bodyRows() && p.offset+r < len(p.rows); r++ {
		i := p.offset + r
		row := p.rows[i]
		label := common.PadRight(termsafe.String(row.Label), labelW)
		if row.Header {
			label = s.Platform.Render(label)
		}
		line := p.markStyle(row.Mark) + " " + label + " " + common.PadRight(termsafe.String(row.Left), sideW) + s.Faint.Render(" │ ") + common.PadRight(termsafe.String(row.Right), sideW)
		if i == p.cursor {
			line = s.Selected.Render(common.PadRight(common.StripANSI(line), p.Width))
		}
		lines = append(lines, common.Fit(line, p.Width))
	}
	if p.diff != nil {
		a, rm, ch, same := p.diff.Counts()
		for len(lines) < p.Height-1 {
			lines = append(lines, "")
		}
		lines = append(lines, common.Fit(s.Faint.Render(common.Plural(a, "platform added", "platforms added")+", "+common.Plural(rm, "removed", "removed")+", "+common.Plural(ch, "changed", "changed")+", "+common.Plural(same, "the same", "the same")), p.Width))
	}
	return strings.Join(lines, "\n")
}

// markStyle colours a row's change marker.
func (p *Model) markStyle(m string) string {
	s := p.C.Styles
	switch m {
	case "+":
		return s.OK.Render(m)
	case "-", "!":
		return s.Error.Render(m)
	case "~":
		return s.Warn.Render(m)
	}
	return " "
}

// From is the reference compared (A).
func (p *Model) From() string { return p.from }

// To is the reference compared against (B).
func (p *Model) To() string { return p.to }

// Diff is the computed diff, nil until it came.
func (p *Model) Diff() *model.RefDiff { return p.diff }

// Err is why the diff failed, "" when it did not.
func (p *Model) Err() string { return p.err }

// Rows are the rows shown (only the changes after c).
func (p *Model) Rows() []model.DiffRow { return p.rows }
