// Package copymenu is the menu y opens on the tags, tree, resolve and diff
// screens: the ways to copy what is under the cursor (digest, repo@digest,
// repo:tag, platform, a docker pull line, a FROM line).
package copymenu

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
)

// Item is one line of the copy menu: what it is and the text copied.
type Item struct {
	Label, Value string
}

// Model is what y opens: the ways to copy what is under the cursor
// (digest, repo@digest, repo:tag, platform, a docker pull line, a FROM
// line). A number or enter copies one (OSC 52) and goes back.
type Model struct {
	common.PageBase
	items  []Item
	cursor int
}

func New(c *common.Common, items []Item) *Model {
	return &Model{PageBase: common.NewPageBase(c), items: items}
}

// For builds the menu for a digest in repo, reached through ref (a
// tag or a digest), for an entry of platform plat ("" for none).
func For(repo, ref, digest, plat string) []Item {
	var out []Item
	add := func(label, value string) {
		if value != "" {
			out = append(out, Item{Label: label, Value: value})
		}
	}
	pinned := ""
	if digest != "" {
		pinned = repo + "@" + digest
	}
	tagged := ""
	if r, err := name.NewTag(ref); err == nil && !strings.Contains(ref, "@") {
		tagged = repo + ":" + r.TagStr()
	}
	add("digest", digest)
	add("repo@digest", pinned)
	add("repo:tag", tagged)
	add("platform", plat)
	pull := pinned
	if pull == "" {
		pull = tagged
	}
	if pull != "" {
		add("docker pull", "docker pull "+pull)
	}
	from := pinned
	if tagged != "" && digest != "" {
		from = tagged + "@" + digest // the tag for people, the digest for the build
	} else if from == "" {
		from = tagged
	}
	if from != "" {
		if plat != "" && pinned != "" {
			add("FROM line", "FROM --platform="+plat+" "+from)
		} else {
			add("FROM line", "FROM "+from)
		}
	}
	return out
}

func (p *Model) Crumb() string { return "copy" }
func (p *Model) Init() tea.Cmd { return nil }

func (p *Model) Keys() []keys.Key {
	k := p.C.Keys
	pick := key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-"+strconv.Itoa(len(p.items)), "copy that line"))
	return []keys.Key{
		{Binding: k.Up, Group: keys.GroupMove, Run: func(tea.KeyPressMsg) tea.Cmd { p.cursor = max(p.cursor-1, 0); return nil }},
		{Binding: k.Down, Group: keys.GroupMove, Run: func(tea.KeyPressMsg) tea.Cmd { p.cursor = min(p.cursor+1, len(p.items)-1); return nil }},
		{Binding: copyEnter, Group: keys.GroupAct, Footer: 1, Run: func(tea.KeyPressMsg) tea.Cmd { return p.copy(p.cursor) }},
		{Binding: pick, Group: keys.GroupAct, Footer: 1, Run: func(msg tea.KeyPressMsg) tea.Cmd {
			i, _ := strconv.Atoi(msg.String())
			return p.copy(i - 1)
		}},
	}
}

var copyEnter = key.NewBinding(key.WithKeys("enter", "y"), key.WithHelp("enter", "copy"))

func (p *Model) copy(i int) tea.Cmd {
	if i < 0 || i >= len(p.items) {
		return nil
	}
	return tea.Batch(common.CopyCmd(p.items[i].Value), common.PopPage)
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		return p, keys.Run(p.Keys(), msg)
	}
	return p, nil
}

func (p *Model) View() string {
	s := p.C.Styles
	lines := []string{common.Fit(s.Title.Render("Copy")+s.Faint.Render("  to the clipboard (OSC 52)"), p.Width)}
	for i, it := range p.items {
		label := common.PadRight(strconv.Itoa(i+1)+" "+it.Label, 16)
		line := label + termsafe.String(it.Value)
		if i == p.cursor {
			line = s.Selected.Render(common.PadRight(line, p.Width))
		} else {
			line = s.Faint.Render(label) + termsafe.String(it.Value)
		}
		lines = append(lines, common.FitMiddle(line, p.Width))
	}
	return strings.Join(lines, "\n")
}

// Items are the menu's choices, in order.
func (p *Model) Items() []Item { return p.items }
