// Package tree is the tree screen: an index, its entries, manifests,
// configs, layers, annotations and supply chain as expandable rows, with
// the details pane; it opens the raw JSON, the resolve matrix, the SBOM
// list and the copy pane through common.Pages.
package tree

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/confirm"
	"github.com/manifold-dev/manifold/ui/components/copymenu"
	"github.com/manifold-dev/manifold/ui/keys"
)

// detailsMinWidth is the terminal width below which the side pane hides.
const detailsMinWidth = 90

// Model shows the tree of one reference.
type Model struct {
	common.PageBase
	ref      string
	repo     string
	tree     *model.Tree
	root     *Node
	rows     []*Node
	expanded map[string]bool
	cursor   int
	offset   int
	details  bool
	// watching refreshes the tree every watchEvery (w); watchSeq drops
	// the ticks of an earlier watch.
	watching bool
	watchSeq int
	// shared is each image's layer bytes that another platform of the
	// index has too (model.Sizes), by image digest.
	shared map[string]int64
	// unique is the index's distinct blob bytes; savedByShare what
	// sharing layers saves over pulling every platform.
	unique, savedByShare int64
	// standalone: opened by name, not from the tag list, so the breadcrumb
	// shows the repository too.
	standalone bool

	req     int
	loading bool
	err     error
	// supplying is set while the supply chain is fetched after a paint.
	supplying bool
	// childReq is the request of the entry being fetched on demand
	// (treechild.go), fetching its node key.
	childReq int
	fetching string
}

func New(c *common.Common, ref string) *Model {
	repo, _ := common.SplitRef(ref)
	return &Model{PageBase: common.NewPageBase(c), ref: ref, repo: repo, expanded: map[string]bool{"root": true}, details: true}
}

func (p *Model) Crumb() string {
	_, id := common.SplitRef(p.ref)
	if strings.HasPrefix(id, "sha256:") {
		id = "@" + common.ShortDigest(id)
	} else {
		id = ":" + id
	}
	if p.standalone {
		return termsafe.String(p.repo + id)
	}
	return termsafe.String(strings.TrimPrefix(id, ":"))
}

func (p *Model) Busy() bool { return p.loading }

func (p *Model) Init() tea.Cmd {
	p.req = common.NextID()
	p.loading = true
	return common.StreamTree(p.Ctx, p.C.Reg, p.ref, p.PageID, p.req)
}

// SetTree shows a fetched tree, keeping what was expanded and the cursor's row.
func (p *Model) SetTree(t *model.Tree) {
	var keep string
	if n := p.Selected(); n != nil {
		keep = n.Key
	}
	p.tree = t
	p.root = buildNodes(t)
	p.shared = map[string]int64{}
	sizes := model.Sizes(t, nil)
	for _, ps := range sizes.Platforms {
		p.shared[ps.Digest] = ps.SharedBytes
	}
	p.unique, p.savedByShare = sizes.UniqueBytes, sizes.SumBytes-sizes.UniqueBytes
	p.reflow(keep)
}

func (p *Model) reflow(keep string) {
	p.rows = flatten(p.root, p.expanded)
	if keep != "" {
		for i, n := range p.rows {
			if n.Key == keep {
				p.cursor = i
			}
		}
	}
	p.clamp()
}

func (p *Model) Selected() *Node {
	if p.cursor < 0 || p.cursor >= len(p.rows) {
		return nil
	}
	return p.rows[p.cursor]
}

func (p *Model) bodyRows() int { return max(p.Height-1, 1) }

func (p *Model) clamp() {
	p.cursor, p.offset = common.ClampScroll(p.cursor, p.offset, len(p.rows), p.bodyRows())
}

func (p *Model) SetSize(w, h int) { p.PageBase.SetSize(w, h); p.clamp() }

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case common.TreeMsg:
		if msg.Req != p.req {
			return p, nil
		}
		if msg.Partial {
			// Paint what has arrived: the cursor stays on its row and the
			// scroll where it was; the rest fills in.
			p.SetTree(msg.Tree)
			return p, msg.Next
		}
		p.loading = false
		if msg.Err != nil {
			p.err = msg.Err
			return p, common.ReportErr(p.PageID, "fetch "+p.ref, msg.Err, common.HostOf(p.ref))
		}
		p.err = nil
		moved := p.tagMoved(msg.Tree)
		p.SetTree(msg.Tree)
		cmd := fetchSupply(p.Ctx, p.C.Reg, msg.Tree, p.PageID, p.req)
		p.supplying = cmd != nil
		return p, tea.Batch(cmd, moved)
	case WatchTickMsg:
		switch {
		case msg.Seq != p.watchSeq || !p.watching:
			return p, nil // an earlier watch's timer
		case p.loading:
			return p, p.scheduleWatch()
		}
		return p, tea.Batch(p.Init(), p.scheduleWatch())
	case supplyMsg:
		if msg.req != p.req {
			return p, nil
		}
		p.supplying = false
		if msg.err != nil {
			return p, common.SetStatus("supply chain of "+termsafe.String(p.ref)+" could not be fetched: "+termsafe.String(msg.err.Error()), true)
		}
		p.SetTree(msg.tree)
		return p, nil
	case childMsg:
		return p, p.setChild(msg)
	case common.RefreshMsg:
		return p, p.Init()
	case tea.KeyPressMsg:
		return p, keys.Run(p.Keys(), msg)
	case tea.MouseWheelMsg:
		p.cursor += common.WheelRows(msg)
		p.clamp()
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || msg.Y < 1 || msg.X >= p.TreeWidth() {
			return p, nil
		}
		i := p.offset + msg.Y - 1
		if i >= len(p.rows) {
			return p, nil
		}
		var cmd tea.Cmd
		if i == p.cursor {
			cmd = p.toggle(p.rows[i])
		}
		p.cursor = i
		p.clamp()
		return p, cmd
	}
	return p, nil
}

func (p *Model) toggle(n *Node) tea.Cmd {
	if n.Kind == NodeEntry && unfetched(n.Entry) {
		if p.loading {
			return nil // still arriving with the rest of the tree
		}
		return p.openChild(n)
	}
	if !n.expandable() {
		return nil
	}
	p.expanded[n.Key] = !p.expanded[n.Key]
	p.reflow(n.Key)
	return nil
}

// Keys: the tree screen's keys. The row keys apply when a row is selected.
func (p *Model) Keys() []keys.Key {
	k := p.C.Keys
	row := func() bool { return p.Selected() != nil }
	ks := keys.Movement(k, func(msg tea.KeyPressMsg) tea.Cmd {
		p.cursor, _ = k.MoveCursor(msg, p.cursor, p.bodyRows(), len(p.rows))
		p.clamp()
		return nil
	})
	return append(ks,
		keys.Key{Binding: k.Expand, Group: keys.GroupView, Footer: 1, When: row, Run: p.expand},
		keys.Key{Binding: k.Collapse, Group: keys.GroupView, When: row, Run: p.collapse},
		keys.Key{Binding: k.ExpandAll, Group: keys.GroupView, When: row, Run: p.expandAll},
		keys.Key{Binding: k.Details, Group: keys.GroupView, Run: func(tea.KeyPressMsg) tea.Cmd { p.details = !p.details; return nil }},
		keys.Key{Binding: k.Raw, Group: keys.GroupView, Footer: 2, When: row, Run: p.openRaw},
		keys.Key{Binding: k.Matrix, Group: keys.GroupView, Footer: 2, When: row, Run: p.openMatrix},
		keys.Key{Binding: k.Copy, Group: keys.GroupAct, Footer: 5, When: row, Run: p.copyRow},
		keys.Key{Binding: k.CopyTo, Group: keys.GroupAct, Footer: 7, When: func() bool { return p.tree != nil }, Run: p.openCopy},
		keys.Key{Binding: k.Watch, Group: keys.GroupAct, When: func() bool { return !strings.Contains(p.ref, "@") }, Run: p.toggleWatch},
		keys.Key{Binding: k.Refresh, Group: keys.GroupAct, Footer: 6, Run: func(tea.KeyPressMsg) tea.Cmd {
			return tea.Batch(p.Init(), common.SetStatus("refreshing "+termsafe.String(p.ref), false))
		}},
		keys.Key{Binding: k.Delete, Group: keys.GroupAct, When: func() bool { return p.tree != nil }, Run: func(tea.KeyPressMsg) tea.Cmd { return confirm.Delete(p.C, p.ref) }},
	)
}

func (p *Model) expand(msg tea.KeyPressMsg) tea.Cmd {
	n := p.Selected()
	if n.Kind == NodeSupplyItem && n.Item.SBOM != nil && msg.String() == "enter" {
		return common.PushPage(p.C.Pages.SBOM(p.C, n.Item.where, n.Item.SBOM))
	}
	var cmd tea.Cmd
	switch {
	case n.Kind == NodeEntry && unfetched(n.Entry):
		cmd = p.openChild(n)
	case n.expandable() && !p.expanded[n.Key]:
		p.expanded[n.Key] = true
		p.reflow(n.Key)
	case msg.String() == "enter" || msg.String() == "space":
		cmd = p.toggle(n)
	case n.expandable():
		p.cursor++ // already open: step into it
	}
	p.clamp()
	return cmd
}

func (p *Model) collapse(tea.KeyPressMsg) tea.Cmd {
	n := p.Selected()
	if n.expandable() && p.expanded[n.Key] {
		p.expanded[n.Key] = false
		p.reflow(n.Key)
	} else if n.parent != nil {
		p.reflow(n.parent.Key)
		for i, r := range p.rows {
			if r == n.parent {
				p.cursor = i
			}
		}
	}
	p.clamp()
	return nil
}

func (p *Model) expandAll(tea.KeyPressMsg) tea.Cmd {
	n := p.Selected()
	var walk func(*Node)
	walk = func(x *Node) {
		if x.expandable() && x.Kind != NodeLayer {
			p.expanded[x.Key] = true
		}
		for _, c := range x.children {
			walk(c)
		}
	}
	walk(n)
	p.reflow(n.Key)
	p.clamp()
	return nil
}

// copyRow opens the copy menu for the row (y).
func (p *Model) copyRow(tea.KeyPressMsg) tea.Cmd {
	n := p.Selected()
	d := n.Desc.Digest
	if d == "" || model.ValidateDigest(d) != nil {
		return common.SetStatus("Nothing to copy on this row.", false)
	}
	if n.Kind == NodeConfig || n.Kind == NodeLayer {
		return common.PushPage(copymenu.New(p.C, []copymenu.Item{{Label: "digest", Value: d}}))
	}
	plat := ""
	if n.Entry != nil && n.Entry.Platform != nil && !n.Entry.IsAttestation() {
		plat = n.Entry.Platform.String()
	}
	return common.PushPage(copymenu.New(p.C, copymenu.For(p.repo, p.ref, d, plat)))
}

// openCopy opens the copy pane for this tree; on a platform entry, the
// platform field starts with that entry's platform.
func (p *Model) openCopy(tea.KeyPressMsg) tea.Cmd {
	plat := ""
	if n := p.Selected(); n != nil && n.Kind == NodeEntry && n.Entry != nil && n.Entry.Platform != nil && !n.Entry.IsAttestation() {
		plat = n.Entry.Platform.String()
	}
	ref := p.tree.Repository + "@" + p.tree.Digest
	if _, id := common.SplitRef(p.ref); id != "" && !strings.HasPrefix(id, "sha256:") {
		ref = p.ref
	}
	return common.PushPage(p.C.Pages.Copy(p.C, ref, common.HostOf(p.repo), plat))
}

func (p *Model) openRaw(tea.KeyPressMsg) tea.Cmd {
	n := p.Selected()
	title, raw := rawJSON(n)
	key := n.Key
	// r fetches the tree again and shows this node anew.
	return common.PushPage(p.C.Pages.Raw(p.C, title, raw, p.ref, func(t *model.Tree) (string, []byte, bool) {
		n := findNode(buildNodes(t), key)
		if n == nil {
			return "", nil, false
		}
		title, raw := rawJSON(n)
		return title, raw, true
	}))
}

func (p *Model) openMatrix(tea.KeyPressMsg) tea.Cmd {
	if p.tree == nil {
		return common.SetStatus("The tree is still loading.", false)
	}
	return common.PushPage(p.C.Pages.Resolve(p.C, p.tree, p.ref)) // r fetches the tree again
}

func (p *Model) TreeWidth() int {
	if p.details && p.Width >= detailsMinWidth {
		return p.Width - p.paneWidth()
	}
	return p.Width
}

func (p *Model) paneWidth() int { return min(p.Width*2/5, 72) }

func (p *Model) View() string {
	s := p.C.Styles
	tw := p.TreeWidth()
	var title string
	switch {
	case p.tree == nil && p.loading:
		title = s.Title.Render(termsafe.String(p.ref)) + s.Faint.Render("  loading…")
	case p.tree == nil:
		title = s.Title.Render(termsafe.String(p.ref)) + s.Error.Render("  could not be fetched")
	default:
		title = s.Title.Render(termsafe.String(p.ref)) + s.Faint.Render("  "+treeSummary(p.tree))
		if h := supplyHeader(p.tree, p.supplying); h != "" {
			title += s.Faint.Render(" · " + h)
		}
	}
	lines := make([]string, 0, p.Height)
	lines = append(lines, common.Fit(title, p.Width))
	rows := p.bodyRows()
	body := make([]string, 0, rows)
	for r := 0; r < rows; r++ {
		i := p.offset + r
		if i >= len(p.rows) {
			body = append(body, strings.Repeat(" ", tw))
			continue
		}
		body = append(body, p.renderRow(p.rows[i], i == p.cursor, tw))
	}
	if tw < p.Width {
		// Joined by hand: rows are already tw wide, and lipgloss block
		// rendering would measure every cell again.
		pane := strings.Split(p.DetailsView(p.paneWidth()-2, rows), "\n")
		bar := s.PaneBorder.Render("│") + " "
		for i, l := range body {
			right := ""
			if i < len(pane) {
				right = pane[i]
			}
			lines = append(lines, l+bar+right)
		}
	} else {
		lines = append(lines, body...)
	}
	return strings.Join(lines, "\n")
}

func treeSummary(t *model.Tree) string {
	plats, att := model.PlatformList(t)
	out := common.ShortMediaType(t.MediaType) + " " + common.ShortDigest(t.Digest)
	switch {
	case t.IsIndex():
		out += "  " + common.Plural(len(plats), "platform", "platforms")
		if att > 0 {
			out += ", " + common.Plural(att, "attestation", "attestations")
		}
	case t.Image != nil:
		out += "  single platform, " + common.HumanSize(t.Image.TotalSize())
	}
	if t.LeftOut > 0 {
		out += ", " + common.Plural(t.LeftOut, "child", "children") + " not fetched yet (open one to fetch it)"
	}
	return out
}

// renderRow draws one row of the tree, width cells wide.
func (p *Model) renderRow(n *Node, selected bool, width int) string {
	s := p.C.Styles
	indent := strings.Repeat("  ", n.depth)
	glyph := "  "
	if n.expandable() || n.Kind == NodeEntry && unfetched(n.Entry) {
		glyph = "▸ "
		if p.expanded[n.Key] {
			glyph = "▾ "
		}
	}
	var parts []string
	dim := false
	switch n.Kind {
	case NodeIndex:
		parts = []string{s.Bold.Render("index"), s.MediaType.Render(common.ShortMediaType(n.Desc.MediaType)), s.Digest.Render(common.ShortDigest(n.Desc.Digest)), s.Size.Render(common.HumanSize(n.Desc.Size))}
		if n.depth == 0 && p.unique > 0 {
			u := common.HumanSize(p.unique) + " unique"
			if p.savedByShare > 0 {
				u += ", " + common.HumanSize(p.savedByShare) + " shared"
			}
			parts = append(parts, s.Faint.Render(u))
		}
	case NodeEntry:
		parts, dim = p.entryParts(n.Entry)
	case NodeManifest:
		parts = []string{s.Bold.Render("manifest"), s.MediaType.Render(common.ShortMediaType(n.Desc.MediaType)), s.Digest.Render(common.ShortDigest(n.Desc.Digest)), s.Size.Render(common.HumanSize(n.Desc.Size))}
		if n.image != nil {
			parts = append(parts, s.Faint.Render(common.Plural(len(n.image.Layers), "layer", "layers")+", "+common.HumanSize(n.image.TotalSize())))
		}
		if n.tree != nil && n.image == nil {
			parts = append(parts, s.Error.Render("✗ could not be read"))
		}
	case NodeConfig:
		parts = []string{s.Bold.Render("config"), s.Digest.Render(common.ShortDigest(n.Desc.Digest)), s.Size.Render(common.HumanSize(n.Desc.Size))}
		switch {
		case n.image.Config != nil:
			parts = append(parts, s.Platform.Render(termsafe.String(n.image.Config.Platform().String())))
		case n.image.ConfigErr != "":
			parts = append(parts, s.Error.Render("✗ "+termsafe.String(n.image.ConfigErr)))
		}
	case NodeLayer:
		parts = []string{"layer " + common.Commas(n.layer), s.Digest.Render(common.ShortDigest(n.Desc.Digest)), s.Size.Render(common.HumanSize(n.Desc.Size)), s.MediaType.Render(common.ShortMediaType(n.Desc.MediaType))}
	case NodeAnnotation:
		parts = []string{s.Faint.Render(termsafe.String(n.annKey) + " = " + termsafe.String(n.annValue))}
	case NodeSupply, NodeSupplyItem:
		parts = p.supplyParts(n)
	}
	line := indent + glyph + strings.Join(parts, "  ")
	if selected {
		return s.Selected.Render(common.PadRight(common.StripANSI(line), width))
	}
	if dim {
		line = s.Faint.Render(common.StripANSI(line))
	}
	return common.PadRight(line, width)
}

// entryParts describes an index entry; dim is true for attestations.
func (p *Model) entryParts(e *model.Entry) (parts []string, dim bool) {
	s := p.C.Styles
	switch {
	case e.IsAttestation():
		parts = []string{"attestation", common.ShortDigest(e.Digest), common.HumanSize(e.Size)}
		if a := attestedDigest(e); a != "" {
			parts = append(parts, "for "+common.ShortDigest(a))
		}
		dim = true
	case e.IsIndex():
		parts = []string{s.Bold.Render("nested index"), s.MediaType.Render(common.ShortMediaType(e.MediaType)), s.Digest.Render(common.ShortDigest(e.Digest)), s.Size.Render(common.HumanSize(e.Size))}
	default:
		plat := "(no platform)"
		if e.Platform != nil {
			plat = e.Platform.Label()
		}
		parts = []string{s.Platform.Render(termsafe.String(plat)), s.Digest.Render(common.ShortDigest(e.Digest))}
		if e.Image != nil {
			parts = append(parts, s.Size.Render(common.HumanSize(e.Image.TotalSize())))
			if n := p.shared[e.Digest]; n > 0 {
				parts = append(parts, s.Faint.Render(common.HumanSize(n)+" shared"))
			}
		} else {
			parts = append(parts, s.Size.Render(common.HumanSize(e.Size)))
		}
	}
	if unfetched(e) {
		note := "not fetched yet: open it to fetch"
		if p.fetching != "" && p.tree != nil {
			if n := findNode(p.root, p.fetching); n != nil && n.Entry == e {
				note = "fetching…"
			}
		}
		parts = append(parts, s.Faint.Render(note))
	}
	if e.Missing {
		parts = append(parts, s.Error.Render("✗ missing (404)"))
		dim = false
	} else if e.Err != "" {
		parts = append(parts, s.Error.Render("✗ "+termsafe.String(p.entryErr(e))))
		dim = false
	}
	if e.Mismatch != "" {
		parts = append(parts, s.Warn.Render("⚠ "+termsafe.String(e.Mismatch)))
		dim = false
	}
	return parts, dim
}

// Where: the tree's registry and repository.
func (p *Model) Where() (string, string) { return common.HostOf(p.repo), p.repo }

// entryErr is the first line of an entry's error without the reference the
// row already shows ("manifest host/repo@sha256:… is 4000000 bytes, …" →
// "is 4000000 bytes, …"), so the reason fits a narrow terminal.
func (p *Model) entryErr(e *model.Entry) string {
	msg := common.FirstLine(e.Err)
	if p.tree == nil {
		return msg
	}
	for _, what := range []string{"fetch manifest ", "manifest ", "fetch blob ", "blob "} {
		if rest, ok := strings.CutPrefix(msg, what+p.tree.Repository+"@"+e.Digest); ok {
			return strings.TrimLeft(rest, " :")
		}
	}
	return msg
}

// FailedToOpen: the tree could not be fetched at all.
func (p *Model) FailedToOpen() bool { return p.tree == nil && p.err != nil && !p.loading }

// MarkTarget is the entry under the cursor (repository@digest), or the
// tree's reference on its top row.
func (p *Model) MarkTarget() (string, bool) {
	if p.ref == "" {
		return "", false
	}
	for n := p.Selected(); n != nil; n = n.parent {
		if n.Entry != nil {
			return p.repo + "@" + n.Entry.Digest, true
		}
	}
	return p.ref, true
}

// StageTarget stages the entry under the cursor (a row inside an entry
// counts as that entry), or the whole reference on its top row.
func (p *Model) StageTarget() (string, *model.Tree, *model.Entry, bool) {
	if p.ref == "" {
		return "", nil, nil, false
	}
	if p.tree == nil {
		return p.ref, nil, nil, true
	}
	var e *model.Entry
	for n := p.Selected(); n != nil; n = n.parent {
		if n.Entry != nil {
			e = n.Entry
			break
		}
	}
	return p.ref, p.tree, e, true
}

// Ref is the reference the screen shows.
func (p *Model) Ref() string { return p.ref }

// Tree is the tree shown (the latest fetched); nil until the first answer.
func (p *Model) Tree() *model.Tree { return p.tree }

// Rows are the rows shown, expanded ones' children included.
func (p *Model) Rows() []*Node { return p.rows }

// Cursor is the row under the cursor.
func (p *Model) Cursor() int { return p.cursor }

// SetCursor puts the cursor on row i (clamped).
func (p *Model) SetCursor(i int) {
	p.cursor = i
	p.clamp()
}

// Offset is the first row on screen.
func (p *Model) Offset() int { return p.offset }

// Loading is true while the tree is being fetched.
func (p *Model) Loading() bool { return p.loading }

// Request is the id of the latest fetch: an answer to an earlier one is
// dropped.
func (p *Model) Request() int { return p.req }

// Expanded reports whether the row with key is expanded.
func (p *Model) Expanded(key string) bool { return p.expanded[key] }

// DetailsShown is true while the details pane is on (d).
func (p *Model) DetailsShown() bool { return p.details }

// Watching is true while w refreshes the tree on an interval; WatchSeq is
// the id of the only watch tick that may fetch.
func (p *Model) Watching() bool { return p.watching }

// WatchSeq is the id of the only watch tick that may fetch.
func (p *Model) WatchSeq() int { return p.watchSeq }

// NewStandalone shows ref's tree when it was opened by name, not
// from a tag list: the breadcrumb shows the host too.
func NewStandalone(c *common.Common, ref string) *Model {
	p := New(c, ref)
	p.standalone = true
	return p
}
