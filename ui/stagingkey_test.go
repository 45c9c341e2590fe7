package ui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/pages/staging"
	"github.com/manifold-dev/manifold/ui/styles"
)

func TestStagingKeyCmd(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	on := func(p common.Page, k string) (tea.Cmd, bool) {
		m := &Model{c: c, stack: []common.Page{p}}
		return m.dispatchKey(uitest.KeyMsg(k))
	}
	if _, ok := on(staging.New(c), "S"); ok {
		t.Fatal("S on the staging pane opened another")
	}
	if cmd, ok := on(&plainPage{}, "S"); !ok || cmd == nil {
		t.Fatal("S does not open the staging pane")
	} else if _, ok := cmd().(common.PushPageMsg); !ok {
		t.Fatal("S does not push a page")
	}
	if _, ok := on(&plainPage{}, "a"); ok {
		t.Fatal("a on a page that cannot stage did something")
	}
	if _, ok := on(&plainPage{}, "x"); ok {
		t.Fatal("an unrelated key was taken")
	}
}

// plainPage is a page that cannot stage anything.
type plainPage struct{ common.PageBase }

func (*plainPage) Crumb() string                           { return "" }
func (*plainPage) Init() tea.Cmd                           { return nil }
func (p *plainPage) Update(tea.Msg) (common.Page, tea.Cmd) { return p, nil }
func (*plainPage) View() string                            { return "" }
func (*plainPage) Keys() []keys.Key                        { return nil }
