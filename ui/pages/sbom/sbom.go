// Package sbom lists the packages of an SBOM found in a tree, with the
// fuzzy filter.
package sbom

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model/attest"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/list"
	"github.com/manifold-dev/manifold/ui/keys"
)

// Model lists an SBOM's packages with the fuzzy filter.
type Model struct {
	common.PageBase
	title string
	sbom  *attest.SBOM
	list  *list.Model
}

func New(c *common.Common, where string, sb *attest.SBOM) *Model {
	p := &Model{PageBase: common.NewPageBase(c), title: where, sbom: sb}
	p.list = list.New(c, p.PageID, "filter packages (name, version, license, purl)")
	return p
}

func (p *Model) Crumb() string      { return "SBOM " + termsafe.String(p.title) }
func (p *Model) InputFocused() bool { return p.list.Filtering() }
func (p *Model) Filtered() bool     { return p.list.Pattern() != "" }
func (p *Model) SetSize(w, h int)   { p.PageBase.SetSize(w, h); p.list.SetSize(w, h) }

// Init loads the package rows: name, version, license and purl in columns.
func (p *Model) Init() tea.Cmd {
	wn, wv, wl := 8, 8, 8
	for _, pk := range p.sbom.Packages {
		wn, wv, wl = max(wn, len(pk.Name)), max(wv, len(pk.Version)), max(wl, len(pk.License))
	}
	wn, wv, wl = min(wn, 40), min(wv, 20), min(wl, 24)
	rows := make([]string, 0, len(p.sbom.Packages))
	for _, pk := range p.sbom.Packages {
		rows = append(rows, fmt.Sprintf("%-*s  %-*s  %-*s  %s", wn, pk.Name, wv, common.OrDash(pk.Version), wl, common.OrDash(pk.License), pk.PURL))
	}
	return p.list.Add(rows)
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && !p.list.Filtering() {
		if k, ok := keys.Match(p.Keys(), km); ok && k.Run != nil {
			return p, k.Run(km)
		}
	}
	cmd, _ := p.list.Update(msg)
	return p, cmd
}

func (p *Model) View() string {
	s := p.C.Styles
	count := fmt.Sprintf("%s, %s", p.sbom.Format, common.Plural(p.sbom.Count, "package", "packages"))
	if p.list.Pattern() != "" {
		count = fmt.Sprintf("%d of %s", p.list.Shown(), count)
	}
	if p.sbom.Truncated {
		count += fmt.Sprintf(" (first %d listed)", len(p.sbom.Packages))
	}
	return p.list.View(s.Title.Render("SBOM "+termsafe.String(p.title)) + s.Faint.Render("  "+count))
}

func (p *Model) Keys() []keys.Key {
	if p.list.Filtering() {
		return p.list.Keys()
	}
	k := p.C.Keys
	var ks []keys.Key
	for _, key := range p.list.Keys() {
		if key.Binding.Help().Desc != k.Open.Help().Desc { // a package opens nothing
			ks = append(ks, key)
		}
	}
	return append(ks,
		keys.Key{Binding: k.Copy, Group: keys.GroupAct, Footer: 6, When: func() bool { return p.list.Selected() != "" },
			Run: func(tea.KeyPressMsg) tea.Cmd { return common.CopyCmd(purlOf(p.list.Selected())) }},
	)
}

// purlOf returns the purl of a package row, or the row.
func purlOf(row string) string {
	f := strings.Fields(row)
	if len(f) > 0 && strings.HasPrefix(f[len(f)-1], "pkg:") {
		return f[len(f)-1]
	}
	return strings.TrimSpace(row)
}

// List is the list of packages shown.
func (p *Model) List() *list.Model { return p.list }
