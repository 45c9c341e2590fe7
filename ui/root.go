// Package ui is manifold's terminal UI: a stack of pages (repositories,
// tags, tree, raw JSON, resolve matrix, login) under one small root model
// that owns the header, the status bar and the help footer.
package ui

import (
	"context"
	"os"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/pages/prompt"
	"github.com/manifold-dev/manifold/ui/pages/staging"
	"github.com/manifold-dev/manifold/ui/styles"
)

// Options configure the UI. They live in common, because the pages read
// them too.
type Options = common.Options

// Registry is what the UI needs from a registry (*registry.Client, or a
// test's fake).
type Registry = common.Registry

// Model is the root of the UI.
type Model struct {
	c      *common.Common
	cancel context.CancelFunc
	stack  []common.Page

	help     help.Model
	fullHelp bool
	spinner  spinner.Model
	spinning bool

	status       string
	statusErr    bool
	statusSticky bool // kept over page changes until the next key
	laidOutH     int  // the body height the pages were last given
	// retryPage and retryText: the status line shows a retry of that
	// page's fetch (retry.go), cleared when the fetch has its answer.
	retryPage int
	retryText string

	gotoInput  textinput.Model
	gotoActive bool

	// pendingG: g was pressed; a second g goes to the top (gg).
	pendingG bool

	themeFixed bool
	quitting   bool
}

// New builds the UI. ctx bounds every request; quitting cancels it.
func New(ctx context.Context, opts common.Options) (*Model, error) {
	theme := themes.Dark
	fixed := false
	switch {
	case opts.NoColor || os.Getenv("NO_COLOR") != "":
		opts.NoColor = true
		theme, fixed = themes.NoColor, true
	case opts.Theme != "":
		t, err := themes.Load(opts.Theme)
		if err != nil {
			return nil, err
		}
		theme, fixed = t, true
	}
	ctx, cancel := context.WithCancel(ctx)
	c := &common.Common{Ctx: ctx, Styles: styles.New(theme), Keys: keys.Default(), Opts: &opts, Reg: opts.Registry, Pages: pages()}
	m := &Model{c: c, cancel: cancel, help: help.New(), themeFixed: fixed}
	m.help.Styles = c.Styles.Help
	m.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	gi := common.NewInput()
	gi.Prompt = ": "
	gi.Placeholder = "repo, repo:tag or a tag here; names without a host open in this registry"
	m.gotoInput = gi
	var first common.Page
	if Classify(opts.Start) == KindNone {
		first = prompt.New(c)
	} else {
		first = openTarget(c, opts.Start, "")
	}
	m.stack = []common.Page{first}
	return m, nil
}

// Init asks for the terminal's background (to pick dark or light) and
// starts the first page.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.top().Init(), staging.StartupCmd(m.c.Opts)}
	if !m.themeFixed {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

func (m *Model) top() common.Page { return m.stack[len(m.stack)-1] }

// Top is the page on top of the stack, the one that has the keys.
func (m *Model) Top() common.Page { return m.top() }

func (m *Model) find(id int) common.Page {
	for _, p := range m.stack {
		if p.ID() == id {
			return p
		}
	}
	return nil
}

// replace puts the updated page back in the stack.
func (m *Model) replace(p common.Page) {
	for i, q := range m.stack {
		if q.ID() == p.ID() {
			m.stack[i] = p
		}
	}
}

// Update routes a message: targeted ones to their page (dropped when it was
// left), keys to the focused field, the page or the global keys, the rest to
// the top page. The root handles navigation, status, errors and theme.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		cmd = m.setBackground(msg.IsDark())
	case spinner.TickMsg:
		if m.spinning {
			m.spinner, cmd = m.spinner.Update(msg)
		}
	case tea.KeyPressMsg:
		cmd = m.handleKey(msg)
	case tea.MouseMsg:
		cmd = m.handleMouse(msg)
	case common.RetryMsg, common.RetryDoneMsg:
		cmd = m.handleRetry(msg)
	case common.CopyJobMsg:
		cmd = m.handleCopyJob(msg)
	case common.TagWrittenMsg:
		cmd = m.handleTagWritten(msg)
	case common.PushPageMsg, common.PopPageMsg, common.StatusMsg, common.ErrorMsg, common.LoggedInMsg:
		cmd = m.handleNav(msg)
	case common.Routed:
		if p := m.find(msg.Target()); p != nil {
			p, cmd = p.Update(msg)
			m.replace(p)
		}
	default:
		var p common.Page
		p, cmd = m.top().Update(msg)
		m.replace(p)
	}
	spin := m.spin()
	if _, h := m.bodySize(); h != m.laidOutH {
		m.layout() // a long status took or gave back lines
	}
	return m, tea.Batch(cmd, spin)
}

// spin starts the spinner when a page waits and lets it stop when none does.
func (m *Model) spin() tea.Cmd {
	busy := false
	for _, p := range m.stack {
		busy = busy || p.Busy()
	}
	if busy && !m.spinning {
		m.spinning = true
		return m.spinner.Tick
	}
	m.spinning = busy
	return nil
}

func (m *Model) setBackground(dark bool) tea.Cmd {
	if m.themeFixed {
		return nil
	}
	t := themes.Light
	if dark {
		t = themes.Dark
	}
	*m.c.Styles = *styles.New(t)
	m.help.Styles = m.c.Styles.Help
	return nil
}

// layout gives every page the body area.
func (m *Model) layout() {
	w, h := m.bodySize()
	m.laidOutH = h
	m.help.SetWidth(m.c.Width)
	m.gotoInput.SetWidth(max(m.c.Width-4, 1))
	for _, p := range m.stack {
		p.SetSize(w, h)
	}
}

// bodySize is the terminal minus the header, status bar and help footer.
func (m *Model) bodySize() (int, int) {
	return m.c.Width, max(m.c.Height-1-m.statusLines()-m.footerHeight(), 1)
}

func (m *Model) footerHeight() int {
	if m.c.Height < 8 {
		return 0
	}
	if !m.fullHelp {
		return 1
	}
	n := strings.Count(m.help.FullHelpView(m.fullHelpColumns()), "\n") + 1
	return min(n, max(m.c.Height-3, 1))
}

// Close cancels every request in flight.
func (m *Model) Close() { m.cancel() }
