package ui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
)

// listing is the shared state of a paged listing (repositories or tags).
type listing struct {
	req       int
	reqCancel context.CancelFunc
	loading   bool
	err       error
}

// start cancels the listing in flight and starts a new one.
func (ls *listing) start(parent context.Context, pageID int, list listFunc) tea.Cmd {
	if ls.reqCancel != nil {
		ls.reqCancel()
	}
	ctx, cancel := context.WithCancel(parent)
	ls.reqCancel = cancel
	ls.req = nextID()
	ls.loading = true
	ls.err = nil
	return streamList(ctx, pageID, ls.req, list)
}

// handle takes a page of the listing; add receives its names. It returns
// the command to wait for the next page, or the error to report.
func (ls *listing) handle(msg pageMsg, add func([]string) tea.Cmd) (cmd tea.Cmd, err error, ok bool) {
	if msg.req != ls.req {
		return nil, nil, false // a late page of a listing we left
	}
	c := add(msg.names)
	if !msg.done {
		return tea.Batch(c, msg.next), nil, true
	}
	ls.loading = false
	if msg.err != nil && !errors.Is(msg.err, context.Canceled) {
		ls.err = msg.err
		return c, msg.err, true
	}
	return c, nil, true
}

// reposPage lists the repositories of a registry.
type reposPage struct {
	pageBase
	registry string
	list     *list
	listing
}

func newReposPage(c *common, reg string) *reposPage {
	p := &reposPage{pageBase: newPageBase(c), registry: reg}
	p.list = newList(c, p.id, "filter repositories")
	return p
}

func (p *reposPage) Crumb() string { return termsafe.String(p.registry) }

func (p *reposPage) Init() tea.Cmd {
	reg, name, onOpen := p.c.reg, p.registry, p.c.opts.OnOpen
	cmds := []tea.Cmd{p.start(p.ctx, p.id, func(ctx context.Context, y func(registry.Page) error) error {
		return reg.Repositories(ctx, name, y)
	})}
	if onOpen != nil {
		cmds = append(cmds, func() tea.Msg { onOpen(name); return nil })
	}
	return tea.Batch(cmds...)
}

func (p *reposPage) Busy() bool         { return p.loading }
func (p *reposPage) InputFocused() bool { return p.list.filtering }
func (p *reposPage) SetSize(w, h int)   { p.pageBase.SetSize(w, h); p.list.SetSize(w, h) }

func (p *reposPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case pageMsg:
		cmd, err, ok := p.handle(msg, p.list.Add)
		if !ok {
			return p, nil
		}
		if err != nil {
			return p, tea.Batch(cmd, reportErr(p.id, "list repositories of "+p.registry, err, p.registry))
		}
		return p, cmd
	case refreshMsg:
		p.list.Reset()
		return p, p.Init()
	case tea.KeyPressMsg:
		if k, ok := matchKey(p.Keys(), msg); ok && k.Run != nil {
			return p, k.Run(msg)
		}
	}
	cmd, open := p.list.Update(msg)
	if open {
		repo := p.registry + "/" + p.list.Selected()
		return p, tea.Batch(cmd, pushPage(newTagsPage(p.c, repo)))
	}
	return p, cmd
}

func (p *reposPage) View() string {
	s := p.c.styles
	title := s.Title.Render("Repositories") + s.Faint.Render(fmt.Sprintf("  %s", countLabel(p.list, p.loading, "repository", "repositories")))
	if p.err != nil && p.list.Len() == 0 {
		return p.list.View(title) // the error is in the status bar
	}
	return p.list.View(title)
}

// Keys: the list's and refresh.
func (p *reposPage) Keys() []Key {
	if p.list.filtering {
		return p.list.keys()
	}
	return append(p.list.keys(), Key{Binding: p.c.keys.Refresh, Group: groupAct, Footer: 3, Run: func(tea.KeyPressMsg) tea.Cmd {
		p.list.Reset()
		return tea.Batch(p.Init(), setStatus("refreshing "+termsafe.String(p.registry), false))
	}})
}

// Filtered is true while a list's filter narrows it (esc clears it first).
func (p *reposPage) Filtered() bool { return p.list.pattern != "" }

// Where: the registry.
func (p *reposPage) Where() (string, string) { return p.registry, "" }

// countLabel says how many names are loaded, shown and whether more come.
func countLabel(l *list, loading bool, one, many string) string {
	n := l.Len()
	noun := many
	if n == 1 {
		noun = one
	}
	out := fmt.Sprintf("%s %s", commas(n), noun)
	if l.pattern != "" {
		out = fmt.Sprintf("%s of %s", commas(l.Shown()), out)
	}
	if loading {
		out += ", loading more…"
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return commas(n) + " " + many
}

func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// failedToOpen: the catalog failed before any name came.
func (p *reposPage) failedToOpen() bool { return p.err != nil && p.list.Len() == 0 && !p.loading }
