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
}

func newResolvePage(c *common, t *model.Tree) *resolvePage {
	p := &resolvePage{pageBase: newPageBase(c), tree: t}
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
	}
	return r
}

func (p *resolvePage) Crumb() string      { return "resolve" }
func (p *resolvePage) Init() tea.Cmd      { return nil }
func (p *resolvePage) InputFocused() bool { return p.adding }
func (p *resolvePage) SetSize(w, h int) {
	p.pageBase.SetSize(w, h)
	p.input.SetWidth(max(w-20, 1))
	p.clamp()
}

func (p *resolvePage) bodyRows() int {
	n := p.height - 2 // title and column header
	if p.adding {
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
		if i := p.offset + msg.Y - 2; msg.Y >= 2 && i < len(p.rows) {
			p.cursor = i
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
		note := ""
		if noteW > 0 {
			note = padRight(termsafe.String(row.note), noteW-1) + " "
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
		}
		line := host + s.Faint.Render(note) + res
		if i == p.cursor {
			line = s.Selected.Render(padRight(ansiStrip(line), p.width))
		}
		lines = append(lines, fit(line, p.width))
	}
	return strings.Join(lines, "\n")
}

func (p *resolvePage) ShortHelp() []key.Binding {
	k := p.c.keys
	if p.adding {
		return []key.Binding{k.Submit, k.Cancel}
	}
	return []key.Binding{k.AddHost, k.Copy, k.Back, k.Help, k.Quit}
}

func (p *resolvePage) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom}, {k.AddHost, k.Copy, k.Back, k.Help, k.Quit}}
}

// entryProblem says briefly why an entry cannot be pulled.
func entryProblem(e *model.Entry) string {
	if e.Missing {
		return "missing (404)"
	}
	return termsafe.String(firstLine(e.Err))
}
