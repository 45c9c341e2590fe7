package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/containerd/platforms"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
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
	{"windows/amd64:10.0.17763", "ltsc2019"}, {"windows/amd64:10.0.20348", "ltsc2022"}, {"windows/amd64:10.0.26100", "ltsc2025"},
}

// matrixRow is a host and what it pulls.
type matrixRow struct {
	host   model.Platform
	label  string
	note   string
	result *model.Resolution
	err    string
	// firstCompat: a windows host pulls another build than its own
	// although the list has an entry of its build (containerd's Only()
	// takes the first compatible build in index order).
	firstCompat bool
}

// resolvePage shows which entry each host would pull.
type resolvePage struct {
	pageBase
	tree   *model.Tree
	rows   []matrixRow
	cursor int
	offset int
	input  textinput.Model
	adding bool

	// ref is fetched again by r (refresh); req is the latest request.
	ref     string
	req     int
	loading bool
}

func newResolvePage(c *common, t *model.Tree) *resolvePage {
	p := &resolvePage{pageBase: newPageBase(c), tree: t, ref: t.Reference}
	ti := newInput()
	ti.Prompt = "host platform: "
	ti.Placeholder = "linux/arm/v7 or windows/amd64:10.0.20348"
	p.input = ti
	for _, h := range defaultHosts {
		hp, err := model.ParsePlatform(h.platform)
		if err != nil {
			continue
		}
		p.rows = append(p.rows, p.resolve(hp, h.platform, h.note))
	}
	self := c.opts.HostPlatform
	if self.OS == "" {
		self = model.FromSpec(platforms.DefaultSpec())
	}
	p.rows = append(p.rows, p.resolve(self, self.String(), "this machine"))
	return p
}

// resolve asks model.Resolve (containerd's rules) what host pulls.
func (p *resolvePage) resolve(host model.Platform, label, note string) matrixRow {
	r := matrixRow{host: host, label: label, note: note}
	res, err := model.Resolve(p.tree, host)
	if err != nil {
		r.err = err.Error()
	} else {
		r.result = res
		r.firstCompat = firstCompatible(p.tree, host, res)
	}
	return r
}

// firstCompatNote explains a row marked firstCompat.
const firstCompatNote = "containerd's Only() takes the first compatible build in index order"

// firstCompatible reports whether a windows host pulls an entry of another
// build than its own although the list has a compatible entry of its build:
// among compatible builds platforms.Only() keeps index order, it does not
// prefer the exact one. That is containerd's rule and stays; the matrix
// only says so.
func firstCompatible(t *model.Tree, host model.Platform, res *model.Resolution) bool {
	if res == nil || res.Entry == nil || host.OS != "windows" || res.Platform.OS != "windows" {
		return false
	}
	want := windowsBuild(host.OSVersion)
	if want == "" || windowsBuild(res.Platform.OSVersion) == want {
		return false
	}
	m := platforms.Only(host.Spec())
	for _, e := range model.Candidates(t) {
		var ep model.Platform
		switch {
		case e.Platform != nil:
			ep = *e.Platform
		case e.Image != nil && e.Image.Config != nil:
			ep = e.Image.Config.Platform()
		}
		if windowsBuild(ep.OSVersion) == want && m.Match(ep.Spec()) {
			return true
		}
	}
	return false
}

// windowsBuild is major.minor.build of a windows os.version ("10.0.26100"
// of "10.0.26100.2314"), or "" when it has fewer parts.
func windowsBuild(v string) string {
	parts := strings.SplitN(v, ".", 4)
	if len(parts) < 3 {
		return ""
	}
	return strings.Join(parts[:3], ".")
}

func (p *resolvePage) Crumb() string      { return "resolve" }
func (p *resolvePage) Init() tea.Cmd      { return nil }
func (p *resolvePage) InputFocused() bool { return p.adding }
func (p *resolvePage) Busy() bool         { return p.loading }

// refresh fetches the tree again (r, or after a login).
func (p *resolvePage) refresh() tea.Cmd {
	p.req = nextID()
	p.loading = true
	return fetchTree(p.ctx, p.c.reg, p.ref, p.id, p.req)
}

// setTree resolves every row again, added hosts too, on a fetched tree.
func (p *resolvePage) setTree(t *model.Tree) {
	p.tree = t
	for i, r := range p.rows {
		p.rows[i] = p.resolve(r.host, r.label, r.note)
	}
	p.clamp()
}
func (p *resolvePage) SetSize(w, h int) {
	p.pageBase.SetSize(w, h)
	p.input.SetWidth(max(w-20, 1))
	p.clamp()
}

// headRows is the number of lines above the rows: the title, the add-host
// field while it is open, and the column header.
func (p *resolvePage) headRows() int {
	if p.adding {
		return 3
	}
	return 2
}

// hasNote: a row is marked firstCompat, and a line under the rows says why.
func (p *resolvePage) hasNote() bool {
	for _, r := range p.rows {
		if r.firstCompat {
			return true
		}
	}
	return false
}

func (p *resolvePage) bodyRows() int {
	n := p.height - p.headRows()
	if p.hasNote() {
		n--
	}
	return max(n, 1)
}

func (p *resolvePage) clamp() {
	p.cursor = min(max(p.cursor, 0), max(len(p.rows)-1, 0))
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if r := p.bodyRows(); p.cursor >= p.offset+r {
		p.offset = p.cursor - r + 1
	}
	p.offset = max(min(p.offset, len(p.rows)-p.bodyRows()), 0)
}

func (p *resolvePage) Update(msg tea.Msg) (Page, tea.Cmd) {
	k := p.c.keys
	switch msg := msg.(type) {
	case treeMsg:
		if msg.req != p.req {
			return p, nil // an older request
		}
		p.loading = false
		if msg.err != nil {
			return p, reportErr(p.id, "fetch "+p.ref, msg.err, hostOf(p.ref))
		}
		p.setTree(msg.tree)
		return p, nil
	case refreshMsg:
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
					return p, setStatus(termsafe.String(err.Error()), true)
				}
				p.adding = false
				p.input.Blur()
				p.input.SetValue("")
				p.rows = append(p.rows, p.resolve(hp, v, "added"))
				p.cursor = len(p.rows) - 1
				p.clamp()
				return p, nil
			}
			var cmd tea.Cmd
			p.input, cmd = p.input.Update(msg)
			return p, cmd
		}
		switch {
		case key.Matches(msg, k.Refresh):
			return p, tea.Batch(p.refresh(), setStatus("refreshing "+termsafe.String(p.ref), false))
		case key.Matches(msg, k.AddHost):
			p.adding = true
			p.clamp()
			return p, p.input.Focus()
		case key.Matches(msg, k.Up):
			p.cursor--
		case key.Matches(msg, k.Down):
			p.cursor++
		case key.Matches(msg, k.Top):
			p.cursor = 0
		case key.Matches(msg, k.Bottom):
			p.cursor = len(p.rows) - 1
		case key.Matches(msg, k.Copy):
			if p.cursor < len(p.rows) {
				if r := p.rows[p.cursor].result; r != nil && r.Reference != "" {
					return p, copyCmd(r.Reference)
				}
			}
			return p, setStatus("This host pulls nothing: nothing to copy.", false)
		}
		p.clamp()
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			p.cursor -= 3
		} else if msg.Button == tea.MouseWheelDown {
			p.cursor += 3
		}
		p.clamp()
	case tea.MouseClickMsg:
		r := msg.Y - p.headRows()
		if msg.Button == tea.MouseLeft && r >= 0 && r < p.bodyRows() && p.offset+r < len(p.rows) {
			p.cursor = p.offset + r
		}
	}
	return p, nil
}

func (p *resolvePage) View() string {
	s := p.c.styles
	lines := []string{fit(s.Title.Render("Resolve matrix")+s.Faint.Render("  which entry each host pulls (containerd rules)"), p.width)}
	if p.adding {
		lines = append(lines, fit(p.input.View(), p.width))
	}
	hostW, noteW := 26, 20
	if p.width < 80 {
		hostW, noteW = min(24, p.width/2), 0
	}
	lines = append(lines, fit(s.Faint.Render(padRight("HOST", hostW)+padRight("", noteW)+"PULLS"), p.width))
	for r := 0; r < p.bodyRows(); r++ {
		i := p.offset + r
		if i >= len(p.rows) {
			break
		}
		row := p.rows[i]
		host := padRight(termsafe.String(row.label), hostW-1) + " "
		note, mark := "", ""
		if row.firstCompat {
			// Points at the note under the rows: in the note column,
			// or in front of the result when that column is hidden.
			mark = s.Warn.Render("*")
		}
		if noteW > 0 {
			note = s.Faint.Render(termsafe.String(row.note))
			if mark != "" {
				note += " " + mark
			}
			note, mark = padRight(note, noteW-1)+" ", ""
		}
		var res string
		switch {
		case row.err != "":
			res = s.Warn.Render("? " + termsafe.String(firstLine(row.err)))
		case row.result == nil || row.result.Digest == "":
			res = s.Error.Render("none")
		default:
			res = s.OK.Render("✓ ") + s.Platform.Render(termsafe.String(row.result.Platform.String())) + "  " + s.Digest.Render(shortDigest(row.result.Digest))
			if e := row.result.Entry; e != nil && (e.Missing || e.Err != "") {
				// containerd would pick it, and the pull would fail.
				res = s.Error.Render("✗ ") + s.Platform.Render(termsafe.String(row.result.Platform.String())) + "  " + s.Digest.Render(shortDigest(row.result.Digest)) + s.Error.Render("  pull fails: "+entryProblem(e))
			}
			if mark != "" {
				res = mark + " " + res
			}
		}
		line := host + note + res
		if i == p.cursor {
			line = s.Selected.Render(padRight(ansiStrip(line), p.width))
		}
		lines = append(lines, fit(line, p.width))
	}
	if p.hasNote() {
		lines = append(lines, fit(s.Warn.Render("*")+s.Faint.Render(" "+firstCompatNote), p.width))
	}
	return strings.Join(lines, "\n")
}

func (p *resolvePage) ShortHelp() []key.Binding {
	k := p.c.keys
	if p.adding {
		return []key.Binding{k.Submit, k.Cancel}
	}
	return []key.Binding{k.AddHost, k.Copy, k.Refresh, k.Back, k.Help, k.Quit}
}

func (p *resolvePage) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.AddHost, k.Copy, k.Refresh}, {k.Back, k.Help, k.Quit}}
}

// entryProblem says briefly why an entry cannot be pulled.
func entryProblem(e *model.Entry) string {
	if e.Missing {
		return "missing (404)"
	}
	return termsafe.String(firstLine(e.Err))
}
