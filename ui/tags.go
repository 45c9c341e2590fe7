package ui

import (
	"context"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/registry"
)

// digestFetchJobs bounds the manifest fetches for the digests on screen.
const digestFetchJobs = 6

// tagsPage lists the tags of a repository, with their digests once known.
type tagsPage struct {
	pageBase
	repo    string
	list    *list
	semver  bool
	digests map[string]string // tag → short digest (safe)
	pending map[string]bool
	// standalone: opened by name, not from the repository list, so the
	// breadcrumb shows the host too.
	standalone bool
	listing
}

// digestsMsg carries the digests of some tags.
type digestsMsg struct {
	page    int
	req     int
	digests map[string]string
}

func (m digestsMsg) target() int { return m.page }

func newTagsPage(c *common, repo string) *tagsPage {
	p := &tagsPage{pageBase: newPageBase(c), repo: repo, digests: map[string]string{}, pending: map[string]bool{}}
	p.list = newList(c, p.id, "filter tags")
	p.list.extra = func(tag string) string {
		if d, ok := p.digests[tag]; ok {
			return c.styles.Digest.Render(d)
		}
		return ""
	}
	return p
}

func (p *tagsPage) Crumb() string {
	if p.standalone {
		return termsafe.String(p.repo)
	}
	return termsafe.String(repoPath(p.repo))
}
func (p *tagsPage) Busy() bool         { return p.loading }
func (p *tagsPage) InputFocused() bool { return p.list.filtering }
func (p *tagsPage) SetSize(w, h int)   { p.pageBase.SetSize(w, h); p.list.SetSize(w, h) }

func (p *tagsPage) Init() tea.Cmd {
	reg, repo := p.c.reg, p.repo
	p.pending = map[string]bool{}
	return p.start(p.ctx, p.id, func(ctx context.Context, y func(registry.Page) error) error {
		return reg.Tags(ctx, repo, y)
	})
}

func (p *tagsPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case pageMsg:
		cmd, err, ok := p.handle(msg, p.list.Add)
		if !ok {
			return p, nil
		}
		if err != nil {
			return p, tea.Batch(cmd, reportErr(p.id, "list tags of "+p.repo, err, hostOf(p.repo)))
		}
		return p, tea.Batch(cmd, p.fetchDigests())
	case digestsMsg:
		if msg.req == p.req {
			for t, d := range msg.digests {
				p.digests[t] = d
			}
		}
		return p, nil
	case refreshMsg:
		p.list.Reset()
		p.digests = map[string]string{}
		return p, p.Init()
	case tea.KeyPressMsg:
		if !p.list.filtering {
			switch {
			case key.Matches(msg, p.c.keys.Refresh):
				p.list.Reset()
				p.digests = map[string]string{}
				return p, tea.Batch(p.Init(), setStatus("refreshing tags of "+termsafe.String(p.repo), false))
			case key.Matches(msg, p.c.keys.Sort):
				p.semver = !p.semver
				less := nameLess
				if p.semver {
					less = semverLess
				}
				cmd := p.list.SetLess(less)
				p.list.cursor, p.list.offset = 0, 0 // a new order starts at its top
				return p, tea.Batch(cmd, p.fetchDigests())
			case key.Matches(msg, p.c.keys.Copy):
				if t := p.list.Selected(); t != "" {
					return p, copyCmd(p.repo + ":" + t)
				}
			}
		}
	}
	cmd, open := p.list.Update(msg)
	if open {
		return p, tea.Batch(cmd, pushPage(newTreePage(p.c, p.repo+":"+p.list.Selected())))
	}
	return p, tea.Batch(cmd, p.fetchDigests())
}

// fetchDigests fetches, in one command, the digests of the tags on screen
// that are not known yet.
func (p *tagsPage) fetchDigests() tea.Cmd {
	var want []string
	for r := 0; r < p.list.rows(); r++ {
		i := p.list.offset + r
		if i >= len(p.list.visible) {
			break
		}
		t := p.list.names[p.list.visible[i]]
		if _, ok := p.digests[t]; ok || p.pending[t] {
			continue
		}
		p.pending[t] = true
		want = append(want, t)
	}
	if len(want) == 0 {
		return nil
	}
	ctx, reg, repo, id, req := p.ctx, p.c.reg, p.repo, p.id, p.req
	return func() tea.Msg {
		out := make(map[string]string, len(want))
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, digestFetchJobs)
		for _, t := range want {
			wg.Add(1)
			go func(t string) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				m, err := reg.Get(ctx, repo+":"+t)
				d := "?"
				if err == nil {
					d = shortDigest(m.Digest)
				}
				mu.Lock()
				out[t] = d
				mu.Unlock()
			}(t)
		}
		wg.Wait()
		return digestsMsg{page: id, req: req, digests: out}
	}
}

func (p *tagsPage) View() string {
	s := p.c.styles
	order := "by name"
	if p.semver {
		order = "by version"
	}
	title := s.Title.Render("Tags") + s.Faint.Render("  "+countLabel(p.list, p.loading, "tag", "tags")+", "+order)
	return p.list.View(title)
}

func (p *tagsPage) ShortHelp() []key.Binding {
	k := p.c.keys
	if p.list.filtering {
		return p.list.filterHelp()
	}
	// At 80 columns s (sort) and y (copy) are in the full help only: the
	// stage keys need the room. Wider terminals show them.
	switch {
	case p.width >= 110:
		return []key.Binding{k.Open, k.Filter, k.Sort, k.Copy, k.Stage, k.OpenStaging, k.Back, k.Help, k.Quit}
	case p.width >= 100:
		return []key.Binding{k.Open, k.Filter, k.Sort, k.Stage, k.OpenStaging, k.Back, k.Help, k.Quit}
	}
	return []key.Binding{k.Open, k.Stage, k.OpenStaging, k.Filter, k.Back, k.Help, k.Quit}
}

func (p *tagsPage) FullHelp() [][]key.Binding {
	k := p.c.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Filter, k.ClearFilter, k.Sort, k.Copy},
		{k.Stage, k.OpenStaging, k.Goto, k.Refresh},
		{k.Back, k.Help, k.Quit},
	}
}
