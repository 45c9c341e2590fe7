package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
)

// detailsMinWidth is the terminal width below which the side pane hides.
const detailsMinWidth = 90

// treePage shows the tree of one reference.
type treePage struct {
	pageBase
	ref      string
	repo     string
	tree     *model.Tree
	root     *node
	rows     []*node
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

// treeMsg carries a fetched tree. A partial one is the tree so far, from
// streamTree: next waits for more.
type treeMsg struct {
	page    int
	req     int
	tree    *model.Tree
	err     error
	partial bool
	next    tea.Cmd
}

func (m treeMsg) target() int { return m.page }

func newTreePage(c *common, ref string) *treePage {
	repo, _ := splitRef(ref)
	return &treePage{pageBase: newPageBase(c), ref: ref, repo: repo, expanded: map[string]bool{"root": true}, details: true}
}

func (p *treePage) Crumb() string {
	_, id := splitRef(p.ref)
	if strings.HasPrefix(id, "sha256:") {
		id = "@" + shortDigest(id)
	} else {
		id = ":" + id
	}
	if p.standalone {
		return termsafe.String(p.repo + id)
	}
	return termsafe.String(strings.TrimPrefix(id, ":"))
}

func (p *treePage) Busy() bool { return p.loading }

func (p *treePage) Init() tea.Cmd {
	p.req = nextID()
	p.loading = true
	return streamTree(p.ctx, p.c.reg, p.ref, p.id, p.req)
}

// setTree shows a fetched tree, keeping what was expanded and the cursor's row.
func (p *treePage) setTree(t *model.Tree) {
	var keep string
	if n := p.selected(); n != nil {
		keep = n.key
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

func (p *treePage) reflow(keep string) {
	p.rows = flatten(p.root, p.expanded)
	if keep != "" {
		for i, n := range p.rows {
			if n.key == keep {
				p.cursor = i
			}
		}
	}
	p.clamp()
}

func (p *treePage) selected() *node {
	if p.cursor < 0 || p.cursor >= len(p.rows) {
		return nil
	}
	return p.rows[p.cursor]
}

func (p *treePage) bodyRows() int { return max(p.height-1, 1) }

func (p *treePage) clamp() {
	p.cursor, p.offset = clampScroll(p.cursor, p.offset, len(p.rows), p.bodyRows())
}

func (p *treePage) SetSize(w, h int) { p.pageBase.SetSize(w, h); p.clamp() }

func (p *treePage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case treeMsg:
		if msg.req != p.req {
			return p, nil
		}
		if msg.partial {
			// Paint what has arrived: the cursor stays on its row and the
			// scroll where it was; the rest fills in.
			p.setTree(msg.tree)
			return p, msg.next
		}
		p.loading = false
		if msg.err != nil {
			p.err = msg.err
			return p, reportErr(p.id, "fetch "+p.ref, msg.err, hostOf(p.ref))
		}
		p.err = nil
		moved := p.tagMoved(msg.tree)
		p.setTree(msg.tree)
		cmd := fetchSupply(p.ctx, p.c.reg, msg.tree, p.id, p.req)
		p.supplying = cmd != nil
		return p, tea.Batch(cmd, moved)
	case watchTickMsg:
		switch {
		case msg.seq != p.watchSeq || !p.watching:
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
			return p, setStatus("supply chain of "+termsafe.String(p.ref)+" could not be fetched: "+termsafe.String(msg.err.Error()), true)
		}
		p.setTree(msg.tree)
		return p, nil
	case childMsg:
		return p, p.setChild(msg)
	case refreshMsg:
		return p, p.Init()
	case tea.KeyPressMsg:
		return p, runKey(p.Keys(), msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			p.cursor -= 3
		case tea.MouseWheelDown:
			p.cursor += 3
		}
		p.clamp()
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || msg.Y < 1 || msg.X >= p.treeWidth() {
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

func (p *treePage) toggle(n *node) tea.Cmd {
	if n.kind == nodeEntry && unfetched(n.entry) {
		if p.loading {
			return nil // still arriving with the rest of the tree
		}
		return p.openChild(n)
	}
	if !n.expandable() {
		return nil
	}
	p.expanded[n.key] = !p.expanded[n.key]
	p.reflow(n.key)
	return nil
}

// Keys: the tree screen's keys. The row keys apply when a row is selected.
func (p *treePage) Keys() []Key {
	k := p.c.keys
	row := func() bool { return p.selected() != nil }
	keys := moveKeys(k, func(msg tea.KeyPressMsg) tea.Cmd {
		p.cursor, _ = k.moveCursor(msg, p.cursor, p.bodyRows(), len(p.rows))
		p.clamp()
		return nil
	})
	return append(keys,
		Key{Binding: k.Expand, Group: groupView, Footer: 1, When: row, Run: p.expand},
		Key{Binding: k.Collapse, Group: groupView, When: row, Run: p.collapse},
		Key{Binding: k.ExpandAll, Group: groupView, When: row, Run: p.expandAll},
		Key{Binding: k.Details, Group: groupView, Run: func(tea.KeyPressMsg) tea.Cmd { p.details = !p.details; return nil }},
		Key{Binding: k.Raw, Group: groupView, Footer: 2, When: row, Run: p.openRaw},
		Key{Binding: k.Matrix, Group: groupView, Footer: 2, When: row, Run: p.openMatrix},
		Key{Binding: k.Copy, Group: groupAct, Footer: 5, When: row, Run: p.copyRow},
		Key{Binding: k.CopyTo, Group: groupAct, Footer: 7, When: func() bool { return p.tree != nil }, Run: p.openCopy},
		Key{Binding: k.Watch, Group: groupAct, When: func() bool { return !strings.Contains(p.ref, "@") }, Run: p.toggleWatch},
		Key{Binding: k.Refresh, Group: groupAct, Footer: 6, Run: func(tea.KeyPressMsg) tea.Cmd {
			return tea.Batch(p.Init(), setStatus("refreshing "+termsafe.String(p.ref), false))
		}},
		Key{Binding: k.Delete, Group: groupAct, When: func() bool { return p.tree != nil }, Run: func(tea.KeyPressMsg) tea.Cmd { return deleteCmd(p.c, p.ref) }},
	)
}

func (p *treePage) expand(msg tea.KeyPressMsg) tea.Cmd {
	n := p.selected()
	if n.kind == nodeSupplyItem && n.item.sbom != nil && msg.String() == "enter" {
		return pushPage(newSBOMPage(p.c, n.item.where, n.item.sbom))
	}
	var cmd tea.Cmd
	switch {
	case n.kind == nodeEntry && unfetched(n.entry):
		cmd = p.openChild(n)
	case n.expandable() && !p.expanded[n.key]:
		p.expanded[n.key] = true
		p.reflow(n.key)
	case msg.String() == "enter" || msg.String() == "space":
		cmd = p.toggle(n)
	case n.expandable():
		p.cursor++ // already open: step into it
	}
	p.clamp()
	return cmd
}

func (p *treePage) collapse(tea.KeyPressMsg) tea.Cmd {
	n := p.selected()
	if n.expandable() && p.expanded[n.key] {
		p.expanded[n.key] = false
		p.reflow(n.key)
	} else if n.parent != nil {
		p.reflow(n.parent.key)
		for i, r := range p.rows {
			if r == n.parent {
				p.cursor = i
			}
		}
	}
	p.clamp()
	return nil
}

func (p *treePage) expandAll(tea.KeyPressMsg) tea.Cmd {
	n := p.selected()
	var walk func(*node)
	walk = func(x *node) {
		if x.expandable() && x.kind != nodeLayer {
			p.expanded[x.key] = true
		}
		for _, c := range x.children {
			walk(c)
		}
	}
	walk(n)
	p.reflow(n.key)
	p.clamp()
	return nil
}

// copyRow opens the copy menu for the row (y).
func (p *treePage) copyRow(tea.KeyPressMsg) tea.Cmd {
	n := p.selected()
	d := n.desc.Digest
	if d == "" || model.ValidateDigest(d) != nil {
		return setStatus("Nothing to copy on this row.", false)
	}
	if n.kind == nodeConfig || n.kind == nodeLayer {
		return pushPage(newCopyMenu(p.c, []copyItem{{"digest", d}}))
	}
	plat := ""
	if n.entry != nil && n.entry.Platform != nil && !n.entry.IsAttestation() {
		plat = n.entry.Platform.String()
	}
	return pushPage(newCopyMenu(p.c, copyItems(p.repo, p.ref, d, plat)))
}

// openCopy opens the copy pane for this tree; on a platform entry, the
// platform field starts with that entry's platform.
func (p *treePage) openCopy(tea.KeyPressMsg) tea.Cmd {
	plat := ""
	if n := p.selected(); n != nil && n.kind == nodeEntry && n.entry != nil && n.entry.Platform != nil && !n.entry.IsAttestation() {
		plat = n.entry.Platform.String()
	}
	ref := p.tree.Repository + "@" + p.tree.Digest
	if _, id := splitRef(p.ref); id != "" && !strings.HasPrefix(id, "sha256:") {
		ref = p.ref
	}
	return pushPage(newCopyPage(p.c, ref, hostOf(p.repo), plat))
}

func (p *treePage) openRaw(tea.KeyPressMsg) tea.Cmd {
	n := p.selected()
	title, raw := rawJSON(n)
	rp := newRawPage(p.c, title, raw)
	rp.ref, rp.node = p.ref, n.key // r fetches the tree again
	return pushPage(rp)
}

func (p *treePage) openMatrix(tea.KeyPressMsg) tea.Cmd {
	if p.tree == nil {
		return setStatus("The tree is still loading.", false)
	}
	rp := newResolvePage(p.c, p.tree)
	rp.ref = p.ref // r fetches the tree again
	return pushPage(rp)
}

func (p *treePage) treeWidth() int {
	if p.details && p.width >= detailsMinWidth {
		return p.width - p.paneWidth()
	}
	return p.width
}

func (p *treePage) paneWidth() int { return min(p.width*2/5, 72) }

func (p *treePage) View() string {
	s := p.c.styles
	tw := p.treeWidth()
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
	lines := make([]string, 0, p.height)
	lines = append(lines, fit(title, p.width))
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
	if tw < p.width {
		// Joined by hand: rows are already tw wide, and lipgloss block
		// rendering would measure every cell again.
		pane := strings.Split(p.detailsView(p.paneWidth()-2, rows), "\n")
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
	out := shortMediaType(t.MediaType) + " " + shortDigest(t.Digest)
	switch {
	case t.IsIndex():
		out += "  " + plural(len(plats), "platform", "platforms")
		if att > 0 {
			out += ", " + plural(att, "attestation", "attestations")
		}
	case t.Image != nil:
		out += "  single platform, " + humanSize(t.Image.TotalSize())
	}
	if t.LeftOut > 0 {
		out += ", " + plural(t.LeftOut, "child", "children") + " not fetched yet (open one to fetch it)"
	}
	return out
}

// renderRow draws one row of the tree, width cells wide.
func (p *treePage) renderRow(n *node, selected bool, width int) string {
	s := p.c.styles
	indent := strings.Repeat("  ", n.depth)
	glyph := "  "
	if n.expandable() || n.kind == nodeEntry && unfetched(n.entry) {
		glyph = "▸ "
		if p.expanded[n.key] {
			glyph = "▾ "
		}
	}
	var parts []string
	dim := false
	switch n.kind {
	case nodeIndex:
		parts = []string{s.Bold.Render("index"), s.MediaType.Render(shortMediaType(n.desc.MediaType)), s.Digest.Render(shortDigest(n.desc.Digest)), s.Size.Render(humanSize(n.desc.Size))}
		if n.depth == 0 && p.unique > 0 {
			u := humanSize(p.unique) + " unique"
			if p.savedByShare > 0 {
				u += ", " + humanSize(p.savedByShare) + " shared"
			}
			parts = append(parts, s.Faint.Render(u))
		}
	case nodeEntry:
		parts, dim = p.entryParts(n.entry)
	case nodeManifest:
		parts = []string{s.Bold.Render("manifest"), s.MediaType.Render(shortMediaType(n.desc.MediaType)), s.Digest.Render(shortDigest(n.desc.Digest)), s.Size.Render(humanSize(n.desc.Size))}
		if n.image != nil {
			parts = append(parts, s.Faint.Render(plural(len(n.image.Layers), "layer", "layers")+", "+humanSize(n.image.TotalSize())))
		}
		if n.tree != nil && n.image == nil {
			parts = append(parts, s.Error.Render("✗ could not be read"))
		}
	case nodeConfig:
		parts = []string{s.Bold.Render("config"), s.Digest.Render(shortDigest(n.desc.Digest)), s.Size.Render(humanSize(n.desc.Size))}
		switch {
		case n.image.Config != nil:
			parts = append(parts, s.Platform.Render(termsafe.String(n.image.Config.Platform().String())))
		case n.image.ConfigErr != "":
			parts = append(parts, s.Error.Render("✗ "+termsafe.String(n.image.ConfigErr)))
		}
	case nodeLayer:
		parts = []string{"layer " + commas(n.layer), s.Digest.Render(shortDigest(n.desc.Digest)), s.Size.Render(humanSize(n.desc.Size)), s.MediaType.Render(shortMediaType(n.desc.MediaType))}
	case nodeAnnotation:
		parts = []string{s.Faint.Render(termsafe.String(n.annKey) + " = " + termsafe.String(n.annValue))}
	case nodeSupply, nodeSupplyItem:
		parts = p.supplyParts(n)
	}
	line := indent + glyph + strings.Join(parts, "  ")
	if selected {
		return s.Selected.Render(padRight(ansiStrip(line), width))
	}
	if dim {
		line = s.Faint.Render(ansiStrip(line))
	}
	return padRight(line, width)
}

// entryParts describes an index entry; dim is true for attestations.
func (p *treePage) entryParts(e *model.Entry) (parts []string, dim bool) {
	s := p.c.styles
	switch {
	case e.IsAttestation():
		parts = []string{"attestation", shortDigest(e.Digest), humanSize(e.Size)}
		if a := attestedDigest(e); a != "" {
			parts = append(parts, "for "+shortDigest(a))
		}
		dim = true
	case e.IsIndex():
		parts = []string{s.Bold.Render("nested index"), s.MediaType.Render(shortMediaType(e.MediaType)), s.Digest.Render(shortDigest(e.Digest)), s.Size.Render(humanSize(e.Size))}
	default:
		plat := "(no platform)"
		if e.Platform != nil {
			plat = e.Platform.Label()
		}
		parts = []string{s.Platform.Render(termsafe.String(plat)), s.Digest.Render(shortDigest(e.Digest))}
		if e.Image != nil {
			parts = append(parts, s.Size.Render(humanSize(e.Image.TotalSize())))
			if n := p.shared[e.Digest]; n > 0 {
				parts = append(parts, s.Faint.Render(humanSize(n)+" shared"))
			}
		} else {
			parts = append(parts, s.Size.Render(humanSize(e.Size)))
		}
	}
	if unfetched(e) {
		note := "not fetched yet: open it to fetch"
		if p.fetching != "" && p.tree != nil {
			if n := findNode(p.root, p.fetching); n != nil && n.entry == e {
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
func (p *treePage) Where() (string, string) { return hostOf(p.repo), p.repo }

// entryErr is the first line of an entry's error without the reference the
// row already shows ("manifest host/repo@sha256:… is 4000000 bytes, …" →
// "is 4000000 bytes, …"), so the reason fits a narrow terminal.
func (p *treePage) entryErr(e *model.Entry) string {
	msg := firstLine(e.Err)
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

// failedToOpen: the tree could not be fetched at all.
func (p *treePage) failedToOpen() bool { return p.tree == nil && p.err != nil && !p.loading }
