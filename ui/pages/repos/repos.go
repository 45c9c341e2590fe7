// Package repos is the repositories screen: a registry's catalog, streamed
// page by page into the filterable list.
package repos

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/list"
	"github.com/manifold-dev/manifold/ui/keys"
)

// Model lists the repositories of a registry.
type Model struct {
	common.PageBase
	registry string
	list     *list.Model
	common.Listing
}

func New(c *common.Common, reg string) *Model {
	p := &Model{PageBase: common.NewPageBase(c), registry: reg}
	p.list = list.New(c, p.PageID, "filter repositories")
	return p
}

func (p *Model) Crumb() string { return termsafe.String(p.registry) }

func (p *Model) Init() tea.Cmd {
	reg, name, onOpen := p.C.Reg, p.registry, p.C.Opts.OnOpen
	cmds := []tea.Cmd{p.Start(p.Ctx, p.PageID, func(ctx context.Context, y func(registry.Page) error) error {
		return reg.Repositories(ctx, name, y)
	})}
	if onOpen != nil {
		cmds = append(cmds, func() tea.Msg { onOpen(name); return nil })
	}
	return tea.Batch(cmds...)
}

func (p *Model) Busy() bool         { return p.Loading }
func (p *Model) InputFocused() bool { return p.list.Filtering() }
func (p *Model) SetSize(w, h int)   { p.PageBase.SetSize(w, h); p.list.SetSize(w, h) }

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case common.PageMsg:
		cmd, err, ok := p.Handle(msg, p.list.Add)
		if !ok {
			return p, nil
		}
		if err != nil {
			return p, tea.Batch(cmd, common.ReportErr(p.PageID, "list repositories of "+p.registry, err, p.registry))
		}
		return p, cmd
	case common.RefreshMsg:
		p.list.Reset()
		return p, p.Init()
	case tea.KeyPressMsg:
		if k, ok := keys.Match(p.Keys(), msg); ok && k.Run != nil {
			return p, k.Run(msg)
		}
	}
	cmd, open := p.list.Update(msg)
	if open {
		repo := p.registry + "/" + p.list.Selected()
		return p, tea.Batch(cmd, common.PushPage(p.C.Pages.Tags(p.C, repo)))
	}
	return p, cmd
}

func (p *Model) View() string {
	s := p.C.Styles
	title := s.Title.Render("Repositories") + s.Faint.Render(fmt.Sprintf("  %s", list.CountLabel(p.list, p.Loading, "repository", "repositories")))
	if p.Err != nil && p.list.Len() == 0 {
		return p.list.View(title) // the error is in the status bar
	}
	return p.list.View(title)
}

// Keys: the list's and refresh.
func (p *Model) Keys() []keys.Key {
	if p.list.Filtering() {
		return p.list.Keys()
	}
	return append(p.list.Keys(), keys.Key{Binding: p.C.Keys.Refresh, Group: keys.GroupAct, Footer: 3, Run: func(tea.KeyPressMsg) tea.Cmd {
		p.list.Reset()
		return tea.Batch(p.Init(), common.SetStatus("refreshing "+termsafe.String(p.registry), false))
	}})
}

// Filtered is true while a list's filter narrows it (esc clears it first).
func (p *Model) Filtered() bool { return p.list.Pattern() != "" }

// Where: the registry.
func (p *Model) Where() (string, string) { return p.registry, "" }

// FailedToOpen: the catalog failed before any name came.
func (p *Model) FailedToOpen() bool { return p.Err != nil && p.list.Len() == 0 && !p.Loading }

// List is the list of repositories shown.
func (p *Model) List() *list.Model { return p.list }
