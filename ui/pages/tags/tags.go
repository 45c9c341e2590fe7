// Package tags is the tags screen: a repository's tags, streamed page by
// page into the filterable list, with their digests and kinds read for the
// rows on screen.
package tags

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/confirm"
	"github.com/manifold-dev/manifold/ui/components/copymenu"
	"github.com/manifold-dev/manifold/ui/components/list"
	"github.com/manifold-dev/manifold/ui/keys"
)

// digestFetchJobs bounds the HEAD requests for the digests on screen.
const digestFetchJobs = 6

// digestDebounce is how long the rows on screen must stay still before
// their digests are asked for: key repeat scrolls past rows without a
// request for any of them.
const digestDebounce = 150 * time.Millisecond

// digestCacheMin is the fewest digests the cache keeps; it keeps 4 screens'
// worth when that is more. Past the limit, the digests of the tags farthest
// from the screen are dropped (and asked for again when they come back).
const digestCacheMin = 1024

// Model lists the tags of a repository, with their digests once known.
type Model struct {
	common.PageBase
	repo   string
	list   *list.Model
	semver bool
	// digests is a bounded cache: tag → its digest and kind (tagkinds.go).
	// pending holds the tags of HEADs in flight, by fetch id; kindPending
	// the tags whose kind is being read.
	digests     map[string]tagRow
	pending     map[string]int
	kindPending map[string]kindJob
	// kindWidth and kindLimited: the kind column on screen (measureKinds).
	kindWidth   int
	kindLimited bool
	// Debounce: win is the window on screen when the last tick was armed,
	// digestSeq the id of the only tick that may fetch, ticking whether it
	// is still on its way.
	win         digestWindow
	digestSeq   int
	ticking     bool
	digestDelay time.Duration
	// standalone: opened by name, not from the repository list, so the
	// breadcrumb shows the host too.
	standalone bool
	common.Listing
}

// digestWindow identifies the rows on screen well enough to tell a scroll,
// a resize or a re-sort from nothing happening.
type digestWindow struct {
	offset, rows, shown int
	first, last         string
}

// digestTickMsg fires digestDelay after the window last moved; only the
// one with the newest seq fetches.
type digestTickMsg struct {
	page int
	seq  int
}

func (m digestTickMsg) Target() int { return m.page }

// digestsMsg carries the digests of some tags: for the listing req, from
// the fetch with id fetch. Tags whose HEAD was cancelled are left out.
type digestsMsg struct {
	page    int
	req     int
	fetch   int
	digests map[string]tagRow
}

func (m digestsMsg) Target() int { return m.page }

func New(c *common.Common, repo string) *Model {
	p := &Model{PageBase: common.NewPageBase(c), repo: repo, digests: map[string]tagRow{}, pending: map[string]int{},
		kindPending: map[string]kindJob{}, digestDelay: digestDebounce}
	p.list = list.New(c, p.PageID, "filter tags")
	p.list.SetExtra(p.tagExtra)
	return p
}

func (p *Model) Crumb() string {
	if p.standalone {
		return termsafe.String(p.repo)
	}
	return termsafe.String(common.RepoPath(p.repo))
}
func (p *Model) Busy() bool         { return p.Loading }
func (p *Model) InputFocused() bool { return p.list.Filtering() }
func (p *Model) SetSize(w, h int)   { p.PageBase.SetSize(w, h); p.list.SetSize(w, h) }

func (p *Model) Init() tea.Cmd {
	reg, repo := p.C.Reg, p.repo
	p.pending = map[string]int{}
	p.cancelKinds()
	p.win, p.ticking = digestWindow{}, false
	return p.Start(p.Ctx, p.PageID, func(ctx context.Context, y func(registry.Page) error) error {
		return reg.Tags(ctx, repo, y)
	})
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case common.PageMsg:
		cmd, err, ok := p.Handle(msg, p.list.Add)
		if !ok {
			return p, nil
		}
		if err != nil {
			return p, tea.Batch(cmd, common.ReportErr(p.PageID, "list tags of "+p.repo, err, common.HostOf(p.repo)))
		}
		return p, tea.Batch(cmd, p.scheduleDigests())
	case digestTickMsg:
		if msg.seq != p.digestSeq {
			return p, nil // the window moved since: a newer tick is on its way
		}
		p.ticking = false
		return p, p.fetchDigests()
	case digestsMsg:
		for t, id := range p.pending {
			if id == msg.fetch {
				delete(p.pending, t)
			}
		}
		if msg.req != p.Req {
			return p, nil
		}
		for t, d := range msg.digests {
			p.digests[t] = d
		}
		p.evictDigests()
		if p.ticking {
			return p, nil // the window moved since: its tick asks
		}
		return p, p.fetchKinds()
	case kindsMsg:
		p.mergeKinds(msg)
		return p, nil
	case common.RefreshMsg:
		p.list.Reset()
		p.digests = map[string]tagRow{}
		return p, p.Init()
	case tea.KeyPressMsg:
		if k, ok := keys.Match(p.Keys(), msg); ok && k.Run != nil {
			return p, k.Run(msg)
		}
	}
	cmd, open := p.list.Update(msg)
	if open {
		return p, tea.Batch(cmd, common.PushPage(p.C.Pages.Tree(p.C, p.repo+":"+p.list.Selected())))
	}
	return p, tea.Batch(cmd, p.scheduleDigests())
}

// window describes the rows on screen.
func (p *Model) window() digestWindow {
	l := p.list
	w := digestWindow{offset: l.Offset(), rows: l.Rows(), shown: l.Shown()}
	if l.Offset() < l.Shown() {
		w.first = l.ShownName(l.Offset())
		w.last = l.ShownName(min(l.Offset()+l.Rows(), l.Shown()) - 1)
	}
	return w
}

// missing returns the tags on screen whose digest is neither known nor
// being fetched.
func (p *Model) missing() []string {
	var want []string
	for _, t := range p.shown() {
		if _, ok := p.digests[t]; ok {
			continue
		}
		if _, ok := p.pending[t]; ok {
			continue
		}
		want = append(want, t)
	}
	return want
}

// scheduleDigests is called after anything that may move the rows on
// screen. When they moved and some digests are missing, it arms a tick
// digestDelay away; a later move arms a newer one, which makes the earlier
// stale (debounce). Nothing is fetched here.
func (p *Model) scheduleDigests() tea.Cmd {
	w := p.window()
	if w == p.win && p.ticking {
		return nil // still; the tick on its way will fetch
	}
	p.win = w
	p.dropKindsOffScreen()
	if len(p.missing()) == 0 && len(p.kindsMissing()) == 0 {
		p.ticking = false
		return nil
	}
	p.digestSeq = common.NextID()
	p.ticking = true
	id, seq := p.PageID, p.digestSeq
	return tea.Tick(p.digestDelay, func(time.Time) tea.Msg { return digestTickMsg{page: id, seq: seq} })
}

// fetchDigests asks, with HEAD requests in one command, for the digests of
// the tags on screen that are not known yet, and for the kinds that can be
// read already (fetchKinds). The page's context cancels them when it is
// left; the answer is dropped by the root then, and by the page when the
// listing was refreshed since.
func (p *Model) fetchDigests() tea.Cmd {
	kinds := p.fetchKinds()
	want := p.missing()
	if len(want) == 0 {
		return kinds
	}
	fetch := common.NextID()
	for _, t := range want {
		p.pending[t] = fetch
	}
	reg, repo, id, req := p.C.Reg, p.repo, p.PageID, p.Req
	_, readable := reg.(tagKinder)
	return tea.Batch(kinds, common.WithRetries(p.Ctx, id, func(ctx context.Context) tea.Msg {
		out := gather(want, digestFetchJobs, func(string) context.Context { return ctx }, func(ctx context.Context, t string) (tagRow, bool) {
			m, err := reg.Head(ctx, repo+":"+t)
			if ctx.Err() != nil {
				return tagRow{}, false // cancelled: asked again when back on screen
			}
			if err != nil {
				return tagRow{digest: "?"}, true
			}
			return newTagRow(m, readable), true
		})
		return digestsMsg{page: id, req: req, fetch: fetch, digests: out}
	}))
}

// digestCacheLimit is the most digests the cache keeps.
func (p *Model) digestCacheLimit() int { return max(4*p.list.Rows(), digestCacheMin) }

// evictDigests, when the cache is over its limit, keeps the three quarters
// of the limit nearest the screen (walking outwards from it) and drops the
// rest, tags filtered out included. The walk stops once enough are kept, so
// its cost is bounded by the distance to the farthest kept tag.
func (p *Model) evictDigests() {
	limit := p.digestCacheLimit()
	if len(p.digests) <= limit {
		return
	}
	keep := limit * 3 / 4
	l := p.list
	kept := make(map[string]tagRow, keep)
	take := func(i int) {
		t := l.ShownName(i)
		if d, ok := p.digests[t]; ok {
			kept[t] = d
		}
	}
	lo, hi := l.Offset()-1, l.Offset()
	for len(kept) < keep && (lo >= 0 || hi < l.Shown()) {
		if hi < l.Shown() {
			take(hi)
			hi++
		}
		if lo >= 0 && len(kept) < keep {
			take(lo)
			lo--
		}
	}
	p.digests = kept
}

func (p *Model) View() string {
	s := p.C.Styles
	order := "by name"
	if p.semver {
		order = "by version"
	}
	p.measureKinds()
	title := "Tags  " + list.CountLabel(p.list, p.Loading, "tag", "tags") + ", " + order
	title = s.Title.Render("Tags") + s.Faint.Render(strings.TrimPrefix(title, "Tags")+p.kindNote(title))
	return p.list.View(title)
}

// Keys: the list's, sort, copy and refresh.
func (p *Model) Keys() []keys.Key {
	if p.list.Filtering() {
		return p.list.Keys()
	}
	k := p.C.Keys
	return append(p.list.Keys(),
		keys.Key{Binding: k.Sort, Group: keys.GroupView, Footer: 5, Run: p.toggleSort},
		keys.Key{Binding: k.Copy, Group: keys.GroupAct, Footer: 6, When: func() bool { return p.list.Selected() != "" },
			Run: func(tea.KeyPressMsg) tea.Cmd {
				return common.PushPage(copymenu.New(p.C, copymenu.For(p.repo, p.repo+":"+p.list.Selected(), "", "")))
			}},
		keys.Key{Binding: k.Delete, Group: keys.GroupAct, When: func() bool { return p.list.Selected() != "" }, Run: func(tea.KeyPressMsg) tea.Cmd {
			return confirm.Delete(p.C, p.repo+":"+p.list.Selected())
		}},
		keys.Key{Binding: k.Refresh, Group: keys.GroupAct, Footer: 7, Run: func(tea.KeyPressMsg) tea.Cmd {
			p.list.Reset()
			p.digests = map[string]tagRow{}
			return tea.Batch(p.Init(), common.SetStatus("refreshing tags of "+termsafe.String(p.repo), false))
		}},
	)
}

func (p *Model) toggleSort(tea.KeyPressMsg) tea.Cmd {
	p.semver = !p.semver
	order := model.ByName
	if p.semver {
		order = model.ByVersion
	}
	cmd := p.list.SetOrder(order)
	p.list.SetCursor(0) // a new order starts at its top
	return tea.Batch(cmd, p.scheduleDigests())
}

// Filtered is true while a list's filter narrows it (esc clears it first).
func (p *Model) Filtered() bool { return p.list.Pattern() != "" }

// Where: the repository and its registry.
func (p *Model) Where() (string, string) { return common.HostOf(p.repo), p.repo }

// FailedToOpen: the listing failed before any tag came.
func (p *Model) FailedToOpen() bool { return p.Err != nil && p.list.Len() == 0 && !p.Loading }

func (p *Model) ListsTagsOf(repo string) bool { return common.SameRepo(p.repo, repo) }

// MarkTarget is the tag under the cursor.
func (p *Model) MarkTarget() (string, bool) {
	t := p.list.Selected()
	if t == "" {
		return "", false
	}
	return p.repo + ":" + t, true
}

// StageTarget stages the tag under the cursor.
func (p *Model) StageTarget() (string, *model.Tree, *model.Entry, bool) {
	t := p.list.Selected()
	if t == "" {
		return "", nil, nil, false
	}
	return p.repo + ":" + t, nil, nil, true
}

// List is the list of tags shown.
func (p *Model) List() *list.Model { return p.list }

// NewStandalone lists repo's tags when it was opened by name, not
// from the repository list: the breadcrumb shows its host too.
func NewStandalone(c *common.Common, repo string) *Model {
	p := New(c, repo)
	p.standalone = true
	return p
}
