package tags

import (
	"context"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// The tags list's kind column: "list · 11 platforms", "image", "artifact
// (SPDX)". The HEAD that found a tag's digest says list or image; the rest
// needs the manifest, which registry's TagKind reads (from its memo or
// cache, else one GET by digest, never on a rate-limited registry). It is
// asked for the rows on screen only, once they stayed still (the digests'
// debounce), at most kindFetchJobs at a time, and a row that scrolls off
// screen before its answer has its request cancelled.

// kindFetchJobs bounds the kind requests (GETs by digest) in flight.
const kindFetchJobs = 3

// tagKinder is a Registry that reads a tag's kind (*registry.Client).
type tagKinder interface {
	TagKind(ctx context.Context, ref string, head *registry.Manifest) (model.TagKind, error)
}

var _ tagKinder = (*registry.Client)(nil)

// tagRow is what the tags list knows of a tag beyond its name.
type tagRow struct {
	digest string // short and safe; "?" when the HEAD failed
	kind   model.TagKind
	labels []string // kind.Labels(), safe
	// head is the HEAD's answer while the kind may still be read; nil
	// once there is nothing more to ask.
	head *registry.Manifest
}

// kindJob is a kind request in flight for one tag.
type kindJob struct {
	fetch  int
	cancel context.CancelFunc
}

// kindsMsg carries the kinds read by the fetch with id fetch, for the
// listing req. Tags whose request was cancelled are left out.
type kindsMsg struct {
	page  int
	req   int
	fetch int
	kinds map[string]model.TagKind
}

func (m kindsMsg) Target() int { return m.page }

// newTagRow is a row from a tag's HEAD answer; readable says whether the
// registry can read kinds (else the HEAD's is final).
func newTagRow(m *registry.Manifest, readable bool) tagRow {
	// Copies: a slice would keep the whole digest alive.
	r := tagRow{digest: strings.Clone(common.ShortDigest(m.Digest)), kind: model.KindFromMediaType(m.MediaType)}
	r.labels = safeLabels(r.kind)
	if readable && r.kind.NeedsBody() {
		r.head = &registry.Manifest{Digest: strings.Clone(m.Digest), MediaType: strings.Clone(m.MediaType), Size: m.Size}
	}
	return r
}

func safeLabels(k model.TagKind) []string {
	ls := k.Labels()
	for i, l := range ls {
		ls[i] = termsafe.String(l)
	}
	return ls
}

// shown returns the tags of the rows on screen, top to bottom.
func (p *Model) shown() []string {
	l := p.list
	var tags []string
	for i := l.Offset(); i < min(l.Offset()+l.Rows(), l.Shown()); i++ {
		tags = append(tags, l.ShownName(i))
	}
	return tags
}

// kindsMissing returns the tags on screen whose kind may still be read
// and is not being read.
func (p *Model) kindsMissing() []string {
	var want []string
	for _, t := range p.shown() {
		if r, ok := p.digests[t]; ok && r.head != nil {
			if _, busy := p.kindPending[t]; !busy {
				want = append(want, t)
			}
		}
	}
	return want
}

// gather runs get for each tag, at most jobs at a time, each under
// ctxOf(tag), and collects what get keeps (ok). A tag whose context ends
// before its turn is skipped.
func gather[T any](tags []string, jobs int, ctxOf func(string) context.Context, get func(context.Context, string) (T, bool)) map[string]T {
	out := make(map[string]T, len(tags))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	for _, t := range tags {
		ctx := ctxOf(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if v, ok := get(ctx, t); ok {
				mu.Lock()
				out[t] = v
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out
}

// fetchKinds reads, in one command, the kinds of the tags on screen that
// may still be read. Each tag's request has its own context (under the
// page's), so that scrolling it off screen cancels it (dropKindsOffScreen).
func (p *Model) fetchKinds() tea.Cmd {
	k, ok := p.C.Reg.(tagKinder)
	if !ok {
		return nil
	}
	want := p.kindsMissing()
	if len(want) == 0 {
		return nil
	}
	type job struct {
		ctx  context.Context
		head *registry.Manifest
	}
	fetch := common.NextID()
	jobs := make(map[string]job, len(want))
	for _, t := range want {
		ctx, cancel := context.WithCancel(p.Ctx)
		p.kindPending[t] = kindJob{fetch: fetch, cancel: cancel}
		jobs[t] = job{ctx: ctx, head: p.digests[t].head}
	}
	id, req, repo := p.PageID, p.Req, p.repo
	return func() tea.Msg {
		kinds := gather(want, kindFetchJobs, func(t string) context.Context { return jobs[t].ctx }, func(ctx context.Context, t string) (model.TagKind, bool) {
			// On an error the kind is the HEAD's: kept, not retried
			// (r refreshes).
			kd, _ := k.TagKind(ctx, repo+":"+t, jobs[t].head)
			return kd, ctx.Err() == nil // cancelled: asked again when back on screen
		})
		return kindsMsg{page: id, req: req, fetch: fetch, kinds: kinds}
	}
}

// mergeKinds takes the kinds of one fetch.
func (p *Model) mergeKinds(msg kindsMsg) {
	for t, j := range p.kindPending {
		if j.fetch == msg.fetch {
			j.cancel()
			delete(p.kindPending, t)
		}
	}
	if msg.req != p.Req {
		return
	}
	for t, k := range msg.kinds {
		r, ok := p.digests[t]
		if !ok || r.head == nil {
			continue // evicted or refreshed since
		}
		r.kind, r.labels, r.head = k, safeLabels(k), nil
		p.digests[t] = r
	}
}

// dropKindsOffScreen cancels the kind requests of tags no longer on screen;
// they are asked again when they come back.
func (p *Model) dropKindsOffScreen() {
	if len(p.kindPending) == 0 {
		return
	}
	on := map[string]bool{}
	for _, t := range p.shown() {
		on[t] = true
	}
	for t, j := range p.kindPending {
		if !on[t] {
			j.cancel()
			delete(p.kindPending, t)
		}
	}
}

// cancelKinds cancels every kind request (the listing starts again).
func (p *Model) cancelKinds() {
	for _, j := range p.kindPending {
		j.cancel()
	}
	p.kindPending = map[string]kindJob{}
}

// measureKinds lays out the kind column for the rows on screen, and notes
// whether one of them was left uncounted because the registry counts
// pulls. The column is as wide as the widest kind it shows in full, less
// what the widest whole name on screen needs; when every row's kind fits
// in it, kinds are aligned on its left edge, else they are right-aligned
// against the digests (a shortened kind never pushes a name).
func (p *Model) measureKinds() {
	p.kindWidth, p.kindLimited = 0, false
	l := p.list
	avail := p.Width - 2 - 1 - 12 - 2 // name and kind, beside a digest
	full, names := 0, 0
	for i := l.Offset(); i < min(l.Offset()+l.Rows(), l.Shown()); i++ {
		t := l.ShownName(i)
		r := p.digests[t]
		if len(r.labels) > 0 {
			full = max(full, lipgloss.Width(r.labels[0]))
		}
		if w := lipgloss.Width(t); w <= avail-5 {
			names = max(names, w) // longer ones show no kind
		}
		p.kindLimited = p.kindLimited || r.kind.Why == registry.KindRateLimited
	}
	p.kindWidth = min(full, avail-names-1)
	for i := l.Offset(); i < min(l.Offset()+l.Rows(), l.Shown()); i++ {
		t := l.ShownName(i)
		if label := p.kindLabel(t, p.digests[t]); lipgloss.Width(label) > p.kindWidth {
			p.kindWidth = 0 // not aligned
			return
		}
	}
}

// kindLabel is the longest of a row's kind labels that leaves its name
// whole, or "".
func (p *Model) kindLabel(tag string, r tagRow) string {
	// The row is "  NAME␣…␣KIND␣␣DIGEST" (list.row).
	room := p.Width - 2 - lipgloss.Width(tag) - 1 - lipgloss.Width(r.digest) - 2
	for _, label := range r.labels {
		if lipgloss.Width(label) <= room {
			return label
		}
	}
	return ""
}

// tagExtra is the right-hand side of a tag's row: its kind (measureKinds
// says how it is laid out) and its digest, shown as before.
func (p *Model) tagExtra(tag string) string {
	r, ok := p.digests[tag]
	if !ok {
		return ""
	}
	s := p.C.Styles
	d := s.Digest.Render(r.digest)
	label := p.kindLabel(tag, r)
	if label == "" {
		return d
	}
	return s.Faint.Render(common.PadRight(label, max(p.kindWidth, lipgloss.Width(label)))) + "  " + d
}

// kindNotes are the title's word on counts left out, long then short.
var kindNotes = [2]string{
	" · no platform counts: a manifest GET counts as a pull on this registry, a HEAD does not",
	" · no counts: GETs are pulls here",
}

// kindNote is the longest of kindNotes that fits after title, or "" when
// every kind on screen was read.
func (p *Model) kindNote(title string) string {
	if !p.kindLimited {
		return ""
	}
	if lipgloss.Width(title)+lipgloss.Width(kindNotes[0]) <= p.Width {
		return kindNotes[0]
	}
	return kindNotes[1]
}
