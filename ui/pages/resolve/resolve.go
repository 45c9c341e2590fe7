// Package resolve is the resolve matrix (m): which entry of an index each
// host platform pulls, and why.
package resolve

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/containerd/platforms"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/copymenu"
	"github.com/manifold-dev/manifold/ui/keys"
)

// matrixHost is a row of the resolve matrix.
type matrixHost struct {
	platform string // as model.ParsePlatform reads it
	note     string
}

// defaultHosts are the hosts the resolve matrix always shows.
var defaultHosts = []matrixHost{
	{"linux/amd64", "x86-64 v1"}, {"linux/amd64/v2", "x86-64 v2"}, {"linux/amd64/v3", "x86-64 v3"},
	{"linux/386", "32-bit x86"},
	{"linux/arm/v5", ""}, {"linux/arm/v6", "Raspberry Pi 1/Zero"}, {"linux/arm/v7", "armhf"}, {"linux/arm/v8", "aarch32"},
	{"linux/arm64", "aarch64"}, {"linux/ppc64le", ""}, {"linux/s390x", ""}, {"linux/riscv64", ""},
	{"windows/amd64:10.0.17763", "ltsc2019"}, {"windows/amd64:10.0.20348", "ltsc2022"},
	{"windows/amd64:10.0.22621", "Windows 11 22H2"}, {"windows/amd64:10.0.26100", "ltsc2025"}, {"windows/amd64:10.0.26200", "Windows 11 25H2"},
}

// Row is a host and what it pulls.
type Row struct {
	Host   model.Platform
	Label  string
	Note   string
	Result *model.Resolution
	Err    string
}

// reason is the row's explanation column: the rule the chosen entry
// matched by, or for no match why the nearest entry cannot run.
func (r Row) reason() string {
	switch {
	case r.Err != "":
		return ""
	case r.Result == nil:
		return ""
	case r.Result.Digest != "":
		for _, c := range r.Result.Candidates {
			if c.Match {
				return c.Reason
			}
		}
	case len(r.Result.Candidates) > 0:
		c := r.Result.Candidates[0]
		return "nearest " + c.Platform.String() + ": " + c.Reason
	}
	return "no platform entries"
}

// rule is the short form of reason: the rule's name, "no match: " the rule
// the nearest entry fails by.
func (r Row) rule() string {
	switch {
	case r.Result == nil:
		return ""
	case r.Result.Digest != "":
		return r.Result.Rule
	case len(r.Result.Candidates) > 0:
		return "no match: " + r.Result.Candidates[0].Rule
	}
	return "no entries"
}

// Model shows which entry each host would pull, and why.
type Model struct {
	common.PageBase
	tree   *model.Tree
	rows   []Row
	cursor int
	offset int
	input  textinput.Model
	adding bool

	// ref is fetched again by r (refresh); req is the latest request.
	ref     string
	req     int
	loading bool
}

// New is the matrix of t; r fetches ref again.
func New(c *common.Common, t *model.Tree, ref string) *Model {
	p := &Model{PageBase: common.NewPageBase(c), tree: t, ref: ref}
	ti := common.NewInput()
	ti.Prompt = "host platform: "
	ti.Placeholder = "linux/arm/v7 or windows/amd64:10.0.20348"
	p.input = ti
	hosts := defaultHosts
	if c.Opts.ResolveHosts != nil {
		hosts = nil
		for _, h := range c.Opts.ResolveHosts {
			note := ""
			for _, d := range defaultHosts {
				if d.platform == h {
					note = d.note
				}
			}
			hosts = append(hosts, matrixHost{platform: h, note: note})
		}
	}
	for _, h := range hosts {
		hp, err := model.ParsePlatform(h.platform)
		if err != nil {
			continue
		}
		p.rows = append(p.rows, p.resolve(hp, h.platform, h.note))
	}
	self := c.Opts.HostPlatform
	if self.OS == "" {
		self = model.FromSpec(platforms.DefaultSpec())
	}
	p.rows = append(p.rows, p.resolve(self, self.String(), "this machine"))
	return p
}

// resolve asks model.Resolve (the host runtime's rules) what host pulls.
func (p *Model) resolve(host model.Platform, label, note string) Row {
	r := Row{Host: host, Label: label, Note: note}
	res, err := model.Resolve(p.tree, host)
	if err != nil {
		r.Err = err.Error()
	} else {
		r.Result = res
	}
	return r
}

// removeRow drops the host under the cursor from the matrix.
func (p *Model) removeRow() tea.Cmd {
	if p.cursor < 0 || p.cursor >= len(p.rows) {
		return nil
	}
	label := p.rows[p.cursor].Label
	p.rows = append(p.rows[:p.cursor:p.cursor], p.rows[p.cursor+1:]...)
	p.clamp()
	return p.saveHosts("removed host " + termsafe.String(label) + " (a adds one)")
}

// saveHosts keeps the matrix's rows (but this machine's, which is always
// added) in the config file, when the program was given a way to.
func (p *Model) saveHosts(done string) tea.Cmd {
	save := p.C.Opts.SaveResolveHosts
	if save == nil {
		return common.SetStatus(done, false)
	}
	hosts := []string{}
	for _, r := range p.rows {
		if r.Note != "this machine" {
			hosts = append(hosts, r.Label)
		}
	}
	return func() tea.Msg {
		if err := save(hosts); err != nil {
			return common.StatusMsg{Text: done + "; not kept: " + termsafe.String(common.FirstLine(err.Error())), Err: true}
		}
		return common.StatusMsg{Text: done + "; kept in the config file"}
	}
}

func (p *Model) Crumb() string      { return "resolve" }
func (p *Model) Init() tea.Cmd      { return nil }
func (p *Model) InputFocused() bool { return p.adding }
func (p *Model) Busy() bool         { return p.loading }

// refresh fetches the tree again (r, or after a login).
func (p *Model) refresh() tea.Cmd {
	p.req = common.NextID()
	p.loading = true
	return common.FetchTree(p.Ctx, p.C.Reg, p.ref, p.PageID, p.req)
}

// setTree resolves every row again, added hosts too, on a fetched tree.
func (p *Model) setTree(t *model.Tree) {
	p.tree = t
	for i, r := range p.rows {
		p.rows[i] = p.resolve(r.Host, r.Label, r.Note)
	}
	p.clamp()
}
func (p *Model) SetSize(w, h int) {
	p.PageBase.SetSize(w, h)
	p.input.SetWidth(max(w-20, 1))
	p.clamp()
}

// headRows is the number of lines above the rows: the title, the add-host
// field while it is open, and the column header.
func (p *Model) headRows() int {
	if p.adding {
		return 3
	}
	return 2
}

func (p *Model) bodyRows() int {
	// One line under the rows is kept for the reason of the selected row.
	return max(p.Height-p.headRows()-1, 1)
}

func (p *Model) clamp() {
	p.cursor, p.offset = common.ClampScroll(p.cursor, p.offset, len(p.rows), p.bodyRows())
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case common.TreeMsg:
		if msg.Req != p.req {
			return p, nil // an older request
		}
		p.loading = false
		if msg.Err != nil {
			return p, common.ReportErr(p.PageID, "fetch "+p.ref, msg.Err, common.HostOf(p.ref))
		}
		p.setTree(msg.Tree)
		return p, nil
	case common.RefreshMsg:
		return p, p.refresh()
	case tea.KeyPressMsg:
		if p.adding {
			switch msg.String() {
			case "esc":
				p.adding = false
				p.input.Blur()
				return p, nil
			case "enter":
				v := strings.TrimSpace(p.input.Value())
				hp, err := model.ParsePlatform(v)
				if err != nil {
					return p, common.SetStatus(termsafe.String(err.Error()), true)
				}
				p.adding = false
				p.input.Blur()
				p.input.SetValue("")
				p.rows = append(p.rows, p.resolve(hp, v, "added"))
				p.cursor = len(p.rows) - 1
				p.clamp()
				return p, p.saveHosts("added host " + termsafe.String(v))
			}
			var cmd tea.Cmd
			p.input, cmd = p.input.Update(msg)
			return p, cmd
		}
		return p, keys.Run(p.Keys(), msg)
	case tea.MouseWheelMsg:
		p.cursor += common.WheelRows(msg)
		p.clamp()
	case tea.MouseClickMsg:
		r := msg.Y - p.headRows()
		if msg.Button == tea.MouseLeft && r >= 0 && r < p.bodyRows() && p.offset+r < len(p.rows) {
			p.cursor = p.offset + r
		}
	}
	return p, nil
}

func (p *Model) View() string {
	s := p.C.Styles
	lines := []string{common.Fit(s.Title.Render("Resolve matrix")+s.Faint.Render("  which entry each host pulls, and why (the host runtime's rules)"), p.Width)}
	if p.adding {
		lines = append(lines, common.Fit(p.input.View(), p.Width))
	}
	hostW, noteW, pullW := 26, 18, 44
	withDigest := p.Width >= 110
	if p.Width < 130 {
		noteW = 0
	}
	if !withDigest {
		pullW = 32
	}
	if p.Width < 80 {
		hostW, pullW = min(24, p.Width/2), 0
	}
	// A host name is never cut: the column is as wide as the longest
	// (windows/amd64:10.0.26200 is 24), the PULLS column gives way.
	for _, r := range p.rows {
		hostW = max(hostW, min(lipgloss.Width(termsafe.String(r.Label))+1, p.Width-12))
	}
	head := common.PadRight("HOST", hostW) + common.PadRight("", noteW)
	if pullW > 0 {
		head += common.PadRight("PULLS", pullW) + "WHY"
	} else {
		head += "PULLS"
	}
	lines = append(lines, common.Fit(s.Faint.Render(head), p.Width))
	if len(p.rows) == 0 {
		lines = append(lines, common.Fit(s.Faint.Render("No hosts: a adds one."), p.Width))
	}
	for r := 0; r < p.bodyRows(); r++ {
		i := p.offset + r
		if i >= len(p.rows) {
			break
		}
		row := p.rows[i]
		line := common.PadRight(termsafe.String(row.Label), hostW-1) + " "
		if noteW > 0 {
			line += common.PadRight(s.Faint.Render(termsafe.String(row.Note)), noteW-1) + " "
		}
		res := p.pulls(row, withDigest)
		if pullW > 0 {
			// The reason, cut to its column (whole under the rows for the
			// selected row); the rule's name when the column is too narrow
			// for a cut reason to say anything.
			why, room := termsafe.String(row.reason()), p.Width-hostW-noteW-pullW
			if room < 36 && lipgloss.Width(why) > room {
				why = termsafe.String(row.rule())
			}
			line += common.PadRight(res, pullW-1) + " " + s.Faint.Render(common.Fit(why, max(room, 1)))
		} else {
			line += res
		}
		if i == p.cursor {
			line = s.Selected.Render(common.PadRight(common.StripANSI(line), p.Width))
		}
		lines = append(lines, common.Fit(line, p.Width))
	}
	if p.cursor < len(p.rows) {
		// The reason of the row under the cursor goes under the rows when
		// its column cannot hold it.
		why := termsafe.String(p.rows[p.cursor].reason())
		if why != "" && (pullW == 0 || hostW+noteW+pullW+lipgloss.Width(why) > p.Width) {
			lines = append(lines, common.Fit(s.Faint.Render("why: "+why), p.Width))
		}
	}
	return strings.Join(lines, "\n")
}

// pulls is the PULLS cell of a row.
func (p *Model) pulls(row Row, withDigest bool) string {
	s := p.C.Styles
	switch {
	case row.Err != "":
		return s.Warn.Render("? " + termsafe.String(common.FirstLine(row.Err)))
	case row.Result == nil || row.Result.Digest == "":
		return s.Error.Render("none")
	}
	plat := s.Platform.Render(termsafe.String(row.Result.Platform.String()))
	if withDigest {
		plat += " " + s.Digest.Render(common.ShortDigest(row.Result.Digest))
	}
	if e := row.Result.Entry; e != nil && (e.Missing || e.Err != "") {
		// containerd would pick it, and the pull would fail.
		return s.Error.Render("✗ ") + plat + s.Error.Render("  pull fails: "+entryProblem(e))
	}
	return s.OK.Render("✓ ") + plat
}

// Keys: the matrix's keys; while a host is typed, the field's.
func (p *Model) Keys() []keys.Key {
	k := p.C.Keys
	if p.adding {
		return []keys.Key{{Binding: k.Submit, Group: keys.GroupAct, Footer: 1}, {Binding: k.Cancel, Group: keys.GroupAct, Footer: 1}}
	}
	ks := keys.Movement(k, func(msg tea.KeyPressMsg) tea.Cmd {
		p.cursor, _ = k.MoveCursor(msg, p.cursor, p.bodyRows(), len(p.rows))
		p.clamp()
		return nil
	})
	return append(ks,
		keys.Key{Binding: k.AddHost, Group: keys.GroupAct, Footer: 1, Run: func(tea.KeyPressMsg) tea.Cmd {
			p.adding = true
			p.clamp()
			return p.input.Focus()
		}},
		keys.Key{Binding: k.RemoveHost, Group: keys.GroupAct, Footer: 2, When: func() bool { return len(p.rows) > 0 },
			Run: func(tea.KeyPressMsg) tea.Cmd { return p.removeRow() }},
		keys.Key{Binding: k.Copy, Group: keys.GroupAct, Footer: 3, Run: func(tea.KeyPressMsg) tea.Cmd {
			if p.cursor < len(p.rows) {
				if r := p.rows[p.cursor].Result; r != nil && r.Reference != "" {
					return common.PushPage(copymenu.New(p.C, copymenu.For(p.tree.Repository, p.ref, r.Digest, r.Platform.String())))
				}
			}
			return common.SetStatus("This host pulls nothing: nothing to copy.", false)
		}},
		keys.Key{Binding: k.Refresh, Group: keys.GroupAct, Footer: 4, Run: func(tea.KeyPressMsg) tea.Cmd {
			return tea.Batch(p.refresh(), common.SetStatus("refreshing "+termsafe.String(p.ref), false))
		}},
	)
}

// Where: the registry and repository of the tree resolved.
func (p *Model) Where() (string, string) { return common.HostOf(p.tree.Repository), "" }

// entryProblem says briefly why an entry cannot be pulled.
func entryProblem(e *model.Entry) string {
	if e.Missing {
		return "missing (404)"
	}
	return termsafe.String(common.FirstLine(e.Err))
}

// Rows are the matrix's rows, one per host platform.
func (p *Model) Rows() []Row { return p.rows }

// Tree is the tree resolved (the latest fetched, after r).
func (p *Model) Tree() *model.Tree { return p.tree }

// Request is the id of the latest fetch of the tree (r): an answer to an
// earlier one is dropped.
func (p *Model) Request() int { return p.req }

// Adding is true while the add-host field has focus.
func (p *Model) Adding() bool { return p.adding }

// Cursor is the row under the cursor.
func (p *Model) Cursor() int { return p.cursor }

// SetCursor puts the cursor on row i (clamped).
func (p *Model) SetCursor(i int) {
	p.cursor = i
	p.clamp()
}
