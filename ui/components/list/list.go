// Package list is the virtualised, fuzzy-filterable list of names the
// repositories, tags and SBOM screens show (registry names made safe
// here; only the rows on screen are drawn).
package list

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/internal/namefilter"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
)

// asyncFilterAbove is the list size above which the fuzzy filter
// (internal/namefilter) runs in a command instead of in Update.
const asyncFilterAbove = 5000

// Model is a virtualised, fuzzy-filterable list of names. Only the rows on
// screen are rendered; sorting and filtering happen when data or the filter
// change, never in View.
type Model struct {
	c      *common.Common
	pageID int

	sorted *model.SortedNames       // termsafe'd names in the list's order
	names  []string                 // sorted.Names(): changed in place by Add; Update only
	extra  func(name string) string // right-hand column, already safe
	byName map[string]bool

	filter    textinput.Model
	filtering bool   // the filter field has focus
	pattern   string // the applied pattern
	filterGen int
	latest    atomic.Int64 // filterGen, for the filter runs in commands
	// index is names as the filter last saw them (a snapshot of sorted:
	// never changed, whatever pages come), with its recent results (nil
	// once names changed).
	index *namefilter.Index
	// visible are the indexes of the names shown, in order: into names
	// when all (the list's own identity), else into from's names (a
	// filter's result, the index's own: never changed in place). Until
	// the run after a new page answers, from still holds the names the
	// screen shows.
	visible []int32
	all     bool
	ident   []int32 // 0, 1, 2 … at least len(names)-1, extended as names come: visible when all
	from    *namefilter.Index
	shown   string // the pattern visible was filtered by (for highlighting)

	cursor, offset int
	width, height  int
}

// FilterMsg carries the result of an asynchronous filter run.
type FilterMsg struct {
	Page    int
	Gen     int
	Pattern string
	Visible []int32 // the filter's result: not to be changed
	index   *namefilter.Index
	// keep: the cursor stays on its name (new names or order); else (a
	// keystroke) it stays on its row, the top.
	keep bool
}

func (m FilterMsg) Target() int { return m.Page }

func New(c *common.Common, pageID int, placeholder string) *Model {
	ti := common.NewInput()
	ti.Prompt = "/ "
	ti.Placeholder = placeholder
	return &Model{c: c, pageID: pageID, filter: ti, byName: map[string]bool{}, sorted: model.NewSortedNames(model.ByName)}
}

func (l *Model) SetSize(w, h int) {
	l.width, l.height = w, h
	l.filter.SetWidth(max(w-4, 1))
	l.clamp()
}

// Len is the number of names loaded; Shown the number the filter lets through.
func (l *Model) Len() int   { return len(l.names) }
func (l *Model) Shown() int { return len(l.visible) }

// Selected returns the name under the cursor, or "".
func (l *Model) Selected() string {
	if l.cursor < 0 || l.cursor >= len(l.visible) {
		return ""
	}
	return l.name(l.visible[l.cursor])
}

// name is the name at i of visible.
func (l *Model) name(i int32) string {
	if !l.all && l.from != nil {
		return l.from.Name(int(i))
	}
	return l.names[i]
}

// Reset drops every name (for a refresh).
func (l *Model) Reset() {
	l.sorted.Reset()
	l.names = l.sorted.Names()
	l.byName = map[string]bool{}
	l.index = nil
	l.visible, l.all, l.from, l.shown = nil, false, nil, ""
	l.cursor, l.offset = 0, 0
}

// Add adds names (from the registry: made safe here), keeps the sort order,
// the filter and the cursor's item. It returns a command when the filter
// runs asynchronously.
func (l *Model) Add(raw []string) tea.Cmd {
	if len(raw) == 0 {
		return nil
	}
	cur := l.kept()
	add := make([]string, 0, len(raw))
	for _, r := range raw {
		s := termsafe.String(r)
		if l.byName[s] {
			continue
		}
		l.byName[s] = true
		add = append(add, s)
	}
	// Only the new page is sorted; it is then merged into the sorted names
	// (model.SortedNames), so a page costs m·log n and one copy, not a sort
	// of everything loaded.
	l.sorted.Add(add)
	l.names = l.sorted.Names()
	l.index = nil
	for i := len(l.ident); i < len(l.names); i++ {
		l.ident = append(l.ident, int32(i))
	}
	return l.refilter(cur)
}

// SetOrder changes the sort order.
func (l *Model) SetOrder(o model.TagOrder) tea.Cmd {
	cur := l.kept()
	l.sorted.SetOrder(o)
	l.names = l.sorted.Names()
	l.index = nil
	return l.refilter(cur)
}

// kept is the name the cursor stays on through new names or a new order:
// the one under it, unless the rows shown are the result of a pattern typed
// over since (its run still on its way): then the cursor goes to the top of
// the new result, as after any keystroke.
func (l *Model) kept() string {
	if l.shown != l.pattern {
		return ""
	}
	return l.Selected()
}

func (l *Model) refilter(keep string) tea.Cmd {
	l.filterGen++
	l.latest.Store(int64(l.filterGen))
	if l.pattern == "" {
		// Every name, in order: the identity, extended as names come
		// (clearing a filter on a million names costs nothing).
		l.visible, l.all, l.from, l.shown = l.ident[:len(l.names)], true, nil, ""
		l.keep(keep)
		return nil
	}
	if l.index == nil {
		// Nothing of the names is copied on a keystroke: the snapshot is
		// free, and the next page is merged into a new array instead of
		// this one (model.SortedNames: copy on write).
		l.index = namefilter.New(l.sorted.Snapshot())
	}
	x, pattern := l.index, l.pattern
	if x.Len() > asyncFilterAbove {
		// The run stops as soon as the user has typed again (or the
		// names changed): a long list never queues runs nobody waits for.
		gen, page, latest, kept := l.filterGen, l.pageID, &l.latest, keep != ""
		return func() tea.Msg {
			v, ok := x.Find(pattern, func() bool { return latest.Load() != int64(gen) })
			if !ok {
				return nil
			}
			return FilterMsg{Page: page, Gen: gen, Pattern: pattern, Visible: v, index: x, keep: kept}
		}
	}
	l.visible, _ = x.Find(pattern, nil)
	l.all, l.from, l.shown = false, x, pattern
	l.keep(keep)
	return nil
}

// keep puts the cursor back on name, if it is still shown.
func (l *Model) keep(name string) {
	if name == "" {
		l.clamp()
		return
	}
	if i := l.sorted.Find(name); i >= 0 {
		if l.all {
			l.cursor = i
		} else if at := slices.Index(l.visible, int32(i)); at >= 0 {
			l.cursor = at
		}
	}
	l.clamp()
}

func (l *Model) Rows() int { return max(l.height-1, 1) }

func (l *Model) clamp() {
	if l.cursor >= len(l.visible) {
		l.cursor = len(l.visible) - 1
	}
	if l.cursor < 0 {
		l.cursor = 0
	}
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if r := l.Rows(); l.cursor >= l.offset+r {
		l.offset = l.cursor - r + 1
	}
	if l.offset > max(len(l.visible)-l.Rows(), 0) {
		l.offset = max(len(l.visible)-l.Rows(), 0)
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

// Update handles filter typing, movement and the mouse. activate is true when
// the user opened the selected item (enter, or a click on the selected row).
func (l *Model) Update(msg tea.Msg) (cmd tea.Cmd, activate bool) {
	k := l.c.Keys
	switch msg := msg.(type) {
	case FilterMsg:
		if msg.Gen == l.filterGen {
			cur := ""
			if msg.keep {
				// New names or a new order: the cursor's name (as it
				// is now: it may have moved since) is looked for in the
				// result, a pass over it on a page's arrival. A
				// keystroke does not look: the cursor is on the top row,
				// as when the filter runs in Update.
				cur = l.Selected()
			}
			l.visible, l.all, l.from, l.shown = msg.Visible, false, msg.index, msg.Pattern
			l.keep(cur)
		}
		return nil, false
	case tea.KeyPressMsg:
		if l.filtering {
			switch msg.String() {
			case "esc":
				l.filtering = false
				l.filter.Blur()
				l.filter.SetValue("")
				l.pattern = ""
				return l.refilter(l.Selected()), false
			case "enter":
				l.filtering = false
				l.filter.Blur()
				return nil, false
			case "up", "down":
				// fall through to movement below while typing
			default:
				var c tea.Cmd
				l.filter, c = l.filter.Update(msg)
				if v := l.filter.Value(); v != l.pattern {
					l.pattern = v
					l.cursor, l.offset = 0, 0
					return tea.Batch(c, l.refilter("")), false
				}
				return c, false
			}
		}
		if c, moved := k.MoveCursor(msg, l.cursor, l.Rows(), len(l.visible)); moved {
			l.cursor = c
			l.clamp()
			return nil, false
		}
		switch {
		case key.Matches(msg, k.Filter):
			l.filtering = true
			l.filter.SetValue(l.pattern)
			return l.filter.Focus(), false
		case l.pattern != "" && key.Matches(msg, k.ClearFilter):
			l.filter.SetValue("")
			l.pattern = ""
			return l.refilter(l.Selected()), false
		case key.Matches(msg, k.Open):
			return nil, l.Selected() != ""
		}
		l.clamp()
	case tea.MouseWheelMsg:
		l.cursor += common.WheelRows(msg)
		l.clamp()
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || msg.Y < 1 {
			return nil, false
		}
		i := l.offset + msg.Y - 1
		if i >= len(l.visible) {
			return nil, false
		}
		if i == l.cursor {
			return nil, true
		}
		l.cursor = i
		l.clamp()
	}
	return nil, false
}

// View renders the title line (or the filter field) and the visible rows.
func (l *Model) View(title string) string {
	s := l.c.Styles
	var b strings.Builder
	switch {
	case l.filtering:
		b.WriteString(ansi.Truncate(l.filter.View(), l.width, "…"))
	case l.pattern != "":
		b.WriteString(common.Fit(title+s.Faint.Render("  filter: ")+s.Match.Render(l.pattern), l.width))
	default:
		b.WriteString(common.Fit(title, l.width))
	}
	rows := l.Rows()
	cols := l.columns(rows)
	for r := 0; r < rows; r++ {
		b.WriteByte('\n')
		i := l.offset + r
		if r == 0 && len(l.visible) == 0 && l.pattern != "" && len(l.names) > 0 {
			// Say so, rather than an empty screen that looks broken.
			b.WriteString(common.Fit(s.Faint.Render("  no match for ")+s.Match.Render(termsafe.String(l.pattern))+s.Faint.Render(" — esc clears the filter"), l.width))
			continue
		}
		if i >= len(l.visible) {
			continue
		}
		b.WriteString(l.row(l.visible[i], i == l.cursor, cols, cols.extras[r]))
	}
	return b.String()
}

// columns is where the rows on screen put their right-hand column: beside
// the longest name on screen, as k9s sizes a table to what it shows, not
// at the far edge of a wide terminal; the right-hand texts are aligned on
// their right end (the digests line up).
type columns struct {
	name, extra int      // widths: 0 when the names take what is left
	extras      []string // each row's right-hand text
}

func (l *Model) columns(rows int) columns {
	c := columns{extras: make([]string, rows)}
	if l.extra == nil {
		return c
	}
	for r := range rows {
		i := l.offset + r
		if i >= len(l.visible) {
			break
		}
		name := l.name(l.visible[i])
		c.extras[r] = l.extra(name)
		c.name = max(c.name, lipgloss.Width(name))
		c.extra = max(c.extra, lipgloss.Width(c.extras[r]))
	}
	if 2+c.name+2+c.extra > l.width {
		c.name, c.extra = 0, 0
	}
	return c
}

func (l *Model) row(idx int32, selected bool, cols columns, extra string) string {
	s := l.c.Styles
	name := l.name(idx)
	avail := l.width - 2
	if extra != "" {
		avail -= lipgloss.Width(extra) + 1
	}
	if cols.name > 0 {
		// Pad the extra to its column's width on the left, and the name
		// to its column's: the same two columns on every row.
		if extra != "" {
			extra = strings.Repeat(" ", cols.extra-lipgloss.Width(extra)) + extra
		}
		avail = cols.name + 1
	}
	if avail < 4 {
		avail, extra = l.width-2, ""
	}
	label := name
	cut := lipgloss.Width(label) > avail
	if cut {
		// Cut in the middle: names that differ only at the end
		// (sha256-….sig and sha256-….att) must still look different.
		label = common.FitMiddle(label, avail)
	}
	if l.shown != "" && !selected && !cut {
		// Only the rows on screen: no offsets are kept per match.
		if m := namefilter.Positions(l.shown, name); len(m) > 0 {
			label = highlight(label, m, s.Match)
		}
	}
	pad := avail - lipgloss.Width(label)
	line := "  " + label
	if extra != "" {
		line += strings.Repeat(" ", max(pad, 0)+1) + extra
	}
	if selected {
		line = "▸ " + ansi.Strip(line[2:])
		return s.Selected.Render(common.PadRight(line, l.width))
	}
	return line
}

// highlight styles the bytes at offsets (as fuzzy reports them) of s.
func highlight(s string, offsets []int, st lipgloss.Style) string {
	set := make(map[int]bool, len(offsets))
	for _, o := range offsets {
		set[o] = true
	}
	var b strings.Builder
	for i, r := range s {
		if set[i] {
			b.WriteString(st.Render(string(r)))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// field has focus every other key is typed into it, q included.
func (l *Model) Keys() []keys.Key {
	k := l.c.Keys
	if l.filtering {
		return []keys.Key{
			{Binding: k.ApplyFilter, Group: keys.GroupView, Footer: 1},
			{Binding: k.ClearFilter, Group: keys.GroupView, Footer: 1},
			{Binding: k.Up, Group: keys.GroupMove, Footer: 2},
			{Binding: k.Down, Group: keys.GroupMove, Footer: 2},
		}
	}
	return append(keys.Of(keys.GroupMove, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom),
		keys.Key{Binding: k.Open, Group: keys.GroupView, Footer: 1},
		keys.Key{Binding: k.Filter, Group: keys.GroupView, Footer: 2},
		keys.Key{Binding: k.ClearFilter, Group: keys.GroupView, When: func() bool { return l.pattern != "" }},
	)
}

// CountLabel says how many names are loaded, shown and whether more come.
func CountLabel(l *Model, loading bool, one, many string) string {
	n := l.Len()
	noun := many
	if n == 1 {
		noun = one
	}
	out := fmt.Sprintf("%s %s", common.Commas(n), noun)
	if l.pattern != "" {
		out = fmt.Sprintf("%s of %s", common.Commas(l.Shown()), out)
	}
	if loading {
		out += ", loading more…"
	}
	return out
}

// Cursor is the row under the cursor, among the names shown.
func (l *Model) Cursor() int { return l.cursor }

// SetCursor puts the cursor on row i of the names shown (clamped), and
// scrolls to it.
func (l *Model) SetCursor(i int) {
	l.cursor = i
	l.clamp()
}

// Offset is the first row on screen, among the names shown.
func (l *Model) Offset() int { return l.offset }

// ShownName is the i-th name the filter lets through, in order.
func (l *Model) ShownName(i int) string { return l.name(l.visible[i]) }

// Names are every name loaded, in the list's order. The caller must not
// change them.
func (l *Model) Names() []string { return l.names }

// Has reports whether name (as shown: made safe) is loaded.
func (l *Model) Has(name string) bool { return l.byName[name] }

// Pattern is the filter applied, "" for none.
func (l *Model) Pattern() string { return l.pattern }

// Filtering is true while the filter field has focus: every key is typed
// into it.
func (l *Model) Filtering() bool { return l.filtering }

// FilterText is what the filter field holds.
func (l *Model) FilterText() string { return l.filter.Value() }

// FilterGen is the generation of the latest filter run: a FilterMsg of
// another generation is stale and ignored.
func (l *Model) FilterGen() int { return l.filterGen }

// SetExtra sets the right-hand column: extra(name) is drawn as it is, so it
// must be safe already.
func (l *Model) SetExtra(extra func(name string) string) { l.extra = extra }
