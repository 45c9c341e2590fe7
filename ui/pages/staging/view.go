package staging

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// bodyRows is how many rows of entries or lists fit.
func (p *Model) bodyRows() int {
	n := p.Height - 4 - len(p.findingLines())
	return max(n, 1)
}

// findingLines are the first four findings, each wrapped at words (up to
// three lines) so that what it says is read whole; in a pane too small for
// that, one line each.
func (p *Model) findingLines() []string {
	s := p.C.Styles
	var out []string
	for i, f := range p.finds {
		if i == 4 {
			break
		}
		text := termsafe.String(f.String())
		st := s.Warn
		if f.Severity == model.Block {
			st = s.Error
		}
		if p.Width < 20 || p.Height < 16 || ansi.StringWidth(text) <= p.Width {
			out = append(out, st.Render(text))
			continue
		}
		out = append(out, p.wrapped(st, text)...)
	}
	return out
}

// wrapped is text wrapped at words to the pane's width (up to three lines,
// common.WrapWords), each line in st.
func (p *Model) wrapped(st lipgloss.Style, text string) []string {
	lines := common.WrapWords(text, max(p.Width, 20), 3)
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return lines
}

func (p *Model) View() string {
	var b strings.Builder
	switch p.dialog {
	case dialogPushLoading, dialogPushConfirm, dialogPushing, dialogPushTags:
		b.WriteString(p.reviewWindow())
	case dialogChooseTarget:
		b.WriteString(p.chooserView())
	default:
		if p.cur == nil {
			b.WriteString(p.listsView())
		} else {
			b.WriteString(p.entriesView())
		}
	}
	return stagingClip(b.String(), p.Width, p.Height)
}

// stagingClip cuts every line to w cells and the text to h lines.
func stagingClip(s string, w, h int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if h > 0 && len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if w > 0 && ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

func (p *Model) listsView() string {
	s := p.C.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Staged lists") + s.Faint.Render(fmt.Sprintf("  %d", len(p.lists))) + "\n")
	if p.loading {
		b.WriteString(s.Faint.Render("loading…") + "\n")
		return b.String()
	}
	if p.errText != "" {
		for _, l := range strings.Split(wrapError(p.errText, p.Width-2), "\n") {
			b.WriteString(s.Error.Render(l) + "\n")
		}
	}
	if len(p.lists) == 0 {
		b.WriteString(s.Faint.Render("No staged lists. Press n to start one, or a on an image or entry in any screen.") + "\n")
	}
	for i := p.offset; i < len(p.lists) && i < p.offset+p.bodyRows(); i++ {
		l := p.lists[i]
		line := fmt.Sprintf("%-30s → %s  %s  %s", termsafe.String(l.Name), termsafe.String(l.Target), common.Plural(l.Entries, "entry", "entries"), l.Updated.Local().Format("2006-01-02 15:04"))
		if l.Err != nil {
			line = termsafe.String(l.Name) + "  unreadable: " + termsafe.String(l.Err.Error())
		}
		if i == p.cursor {
			line = s.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(p.dialogLine())
	return b.String()
}

func (p *Model) entriesView() string {
	s := p.C.Styles
	l := p.cur
	var b strings.Builder
	mt := "Docker list"
	if l.EffectiveMediaType() == model.MediaTypeOCIIndex {
		mt = "OCI index"
	}
	if l.MediaType == "" {
		mt += " (auto)"
	}
	base := "new tag"
	if l.Base != "" {
		base = "amends " + stagingShort(l.Base)
	}
	b.WriteString(s.Title.Render(termsafe.String(l.Target)) + s.Faint.Render("  "+mt+" · "+base+" · "+common.Plural(len(l.Entries), "entry", "entries")))
	if len(l.Annotations) > 0 {
		b.WriteString(s.Faint.Render(" · " + common.Plural(len(l.Annotations), "index annotation", "index annotations")))
	}
	b.WriteString("\n")
	if len(l.Entries) == 0 {
		b.WriteString(s.Faint.Render("Empty. Press a on an image or entry in any screen to add it here.") + "\n")
	}
	problem := map[int]model.Severity{}
	for _, f := range p.finds {
		if f.Entry >= 0 && (f.Severity == model.Block || problem[f.Entry] != model.Block) {
			problem[f.Entry] = f.Severity
		}
	}
	hasProblem := map[int]bool{}
	for _, f := range p.finds {
		if f.Entry >= 0 {
			hasProblem[f.Entry] = true
		}
	}
	for i := p.offset; i < len(l.Entries) && i < p.offset+p.bodyRows(); i++ {
		e := l.Entries[i]
		mark := "  "
		if hasProblem[i] {
			if problem[i] == model.Block {
				mark = s.Error.Render("✗ ")
			} else {
				mark = s.Warn.Render("! ")
			}
		}
		plat := fmt.Sprintf("%-28s", termsafe.String(e.PlatformString()))
		note := termsafe.String(e.Source)
		if e.IsAttestation() {
			plat = fmt.Sprintf("%-28s", "  ↳ attestation")
			note = "for " + termsafe.String(stagingShort(e.Annotations[model.AnnotationReferenceDigest])) // an annotation: registry text
		} else if len(e.Annotations) > 0 {
			note += "  (" + common.Plural(len(e.Annotations), "annotation", "annotations") + ")"
		}
		row := plat + " " + stagingShort(e.Digest) + "  " + note
		if i == p.cursor {
			row = s.Selected.Render(row)
		} else if !e.IsAttestation() {
			row = s.Platform.Render(plat) + " " + s.Digest.Render(stagingShort(e.Digest)) + "  " + s.Faint.Render(note)
		} else {
			row = s.Faint.Render(row)
		}
		b.WriteString(mark + row + "\n")
	}
	for _, l := range p.findingLines() {
		b.WriteString(l + "\n")
	}
	if len(p.finds) > 4 {
		b.WriteString(s.Faint.Render("… "+common.Plural(len(p.finds)-4, "more finding", "more findings")) + "\n")
	}
	b.WriteString(p.dialogLine())
	return b.String()
}

// dialogLine renders the open input or question.
func (p *Model) dialogLine() string {
	s := p.C.Styles
	switch p.dialog {
	case dialogNewList, dialogRename, dialogAnnotate, dialogIndexAnnotate:
		title := map[stagingDialog]string{dialogNewList: "New list: ", dialogRename: "Rename: ", dialogAnnotate: "Annotate entry: ", dialogIndexAnnotate: "Annotate index: "}[p.dialog]
		var cur map[string]string
		switch {
		case p.dialog == dialogIndexAnnotate && p.cur != nil:
			cur = p.cur.Annotations
		case p.dialog == dialogAnnotate && p.cur != nil && p.cursor < len(p.cur.Entries):
			cur = p.cur.Entries[p.cursor].Annotations
		}
		var b strings.Builder
		for _, k := range slices.Sorted(maps.Keys(cur)) {
			b.WriteString(s.Faint.Render("  "+termsafe.String(k)+"="+termsafe.String(cur[k])) + "\n")
		}
		b.WriteString(s.Accent.Render(title) + p.input.View() + "\n")
		if p.dialog == dialogNewList && p.promptErr != "" {
			for _, l := range strings.Split(wrapError(p.promptErr, p.Width-2), "\n") {
				b.WriteString(s.Error.Render(l) + "\n")
			}
		}
		hint := "enter apply · esc cancel"
		if p.dialog == dialogNewList && len(p.pending) > 0 {
			hint = "enter stages " + common.Plural(len(p.pending), "entry", "entries") + " into this list · esc stages nothing"
		}
		b.WriteString(s.Faint.Render(hint) + "\n")
		return b.String()
	case dialogPlatform:
		return p.form.view(s) + s.Faint.Render("tab next field (or complete) · enter apply · esc cancel") + "\n"
	case dialogDiscard:
		if p.cursor < len(p.lists) {
			return s.Warn.Render("Discard staged list "+termsafe.String(p.lists[p.cursor].Name)+"? y discards, any other key keeps it") + "\n"
		}
	}
	return ""
}

// reviewLayout splits the push review for the pane: its title, the lines
// under it, the question's lines (y push · t tags · esc cancel, the tags
// input, the push's progress), how many of the lines fit between the
// title, a position line and the question (room), and how far they can
// scroll (0 when they all fit).
type reviewLayout struct {
	title       string
	lines, acts []string
	room, max   int
}

func (p *Model) reviewLayout() reviewLayout {
	body, action := p.pushView()
	all := strings.Split(strings.TrimRight(body, "\n"), "\n")
	l := reviewLayout{title: all[0], lines: all[1:]}
	if action != "" {
		l.acts = strings.Split(strings.TrimRight(action, "\n"), "\n")
	}
	l.room = p.Height - 2 - len(l.acts)
	if p.Height > 0 && l.room >= 1 && len(l.lines) > l.room {
		l.max = len(l.lines) - l.room
	}
	return l
}

// reviewWindow lays the push review out in the pane: its title on top and
// the question at the bottom always stay; when the lines between are too
// many, they scroll (↑/↓, gg/G) under a line that says where the window
// is. A review that fits is shown as it is.
func (p *Model) reviewWindow() string {
	l := p.reviewLayout()
	var b strings.Builder
	b.WriteString(l.title + "\n")
	shown, off := l.lines, 0
	if l.max > 0 {
		off = min(max(p.reviewOff, 0), l.max)
		shown = l.lines[off : off+l.room]
	}
	for _, line := range shown {
		b.WriteString(line + "\n")
	}
	if l.max > 0 {
		b.WriteString(p.C.Styles.Faint.Render(fmt.Sprintf("lines %d–%d of %d · ↑/↓ scroll", off+1, off+l.room, len(l.lines))) + "\n")
	}
	for _, a := range l.acts {
		b.WriteString(a + "\n")
	}
	return b.String()
}

// reviewScroll is how far the review can scroll: 0 when it fits.
func (p *Model) reviewScroll() int { return p.reviewLayout().max }

// scrollReview moves the review's window by d lines, within its bounds.
func (p *Model) scrollReview(d int) {
	p.reviewOff = min(max(p.reviewOff+d, 0), p.reviewScroll())
}

// pushView renders the push review: body is the title and what will be
// pushed, action the question or the push's progress under it.
func (p *Model) pushView() (body, action string) {
	s := p.C.Styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Push "+termsafe.String(p.cur.Target)) + "\n")
	r := p.review
	if r == nil {
		b.WriteString(s.Faint.Render("reading what the tag holds now…") + "\n")
		return b.String(), ""
	}
	b.WriteString("to: " + termsafe.String(strings.Join(r.plan.Tags, ", ")) + "\n")
	b.WriteString(s.Faint.Render(fmt.Sprintf("index %s, %d bytes, %s", stagingShort(r.plan.Digest), len(r.plan.Raw), r.plan.MediaType)) + "\n")
	if r.warning != "" {
		// Wrapped, not clipped: the end says what the diff is against.
		b.WriteString(s.Warn.Render(ansi.Wordwrap(r.warning, max(p.Width, 20), " ")) + "\n")
	}
	for _, line := range r.diff.Lines() {
		st := s.Text
		switch {
		case strings.HasPrefix(line, "+"):
			st = s.OK
		case strings.HasPrefix(line, "-"):
			st = s.Error
		case strings.HasPrefix(line, "~"):
			st = s.Warn
		}
		b.WriteString(st.Render(termsafe.String(line)) + "\n")
	}
	var mount, cross int
	for _, c := range r.plan.Children {
		switch c.Action {
		case registry.Mount:
			mount++
		case registry.CrossRegistry:
			cross++
		}
	}
	if mount > 0 {
		b.WriteString(strings.Join(p.wrapped(s.Faint, common.Plural(mount, "child manifest", "child manifests")+" mounted from other repositories of this registry"), "\n") + "\n")
	}
	if cross > 0 {
		b.WriteString(strings.Join(p.wrapped(s.Warn, common.Plural(cross, "child manifest", "child manifests")+" copied blob by blob from another registry"), "\n") + "\n")
	}
	for _, f := range r.plan.Findings {
		b.WriteString(strings.Join(p.wrapped(s.Warn, termsafe.String(f.String())), "\n") + "\n")
	}
	for _, l := range r.stale {
		b.WriteString(strings.Join(p.wrapped(s.Warn, l), "\n") + "\n")
	}
	var a strings.Builder
	switch p.dialog {
	case dialogPushConfirm:
		a.WriteString(s.Accent.Render("y push · t tags · esc cancel") + "\n")
	case dialogPushTags:
		a.WriteString(s.Accent.Render("Extra tags: ") + p.input.View() + "\n")
	case dialogPushing:
		for _, e := range r.events {
			a.WriteString(s.Faint.Render(e) + "\n")
		}
		a.WriteString(s.Faint.Render("pushing…") + "\n")
	}
	return b.String(), a.String()
}
