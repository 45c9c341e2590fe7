package keys

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Key is one key of a screen, declared as data (as lazygit and k9s do):
// the root dispatches it, the footer and the help screen are rendered from
// it, the README's key table is generated from it, and a test checks that
// no key means two things on one screen or is shadowed by a global key.
type Key struct {
	Binding key.Binding
	// Group is the help screen's column: groupMove, groupView, groupAct or
	// groupApp.
	Group string
	// Footer ranks the key in the one-line footer: 1 is kept longest; 0
	// shows it in the full help only. On a narrow terminal the highest
	// ranks are dropped first; ? help and q quit always stay.
	Footer int
	// When reports whether the key applies in the page's current state;
	// nil is always. A key that does not apply is neither dispatched nor
	// shown.
	When func() bool
	// Run handles the key. Nil: the page's own Update handles it (the
	// movement keys of a list component, a modal dialog's answers).
	Run func(tea.KeyPressMsg) tea.Cmd
}

// Help groups, in the order of the help screen's columns.
const (
	GroupMove = "move"
	GroupView = "view"
	GroupAct  = "act"
	GroupApp  = "app"
)

var groupOrder = []string{GroupMove, GroupView, GroupAct, GroupApp}

// enabled reports whether k applies now.
func (k Key) enabled() bool { return k.When == nil || k.When() }

// Match returns the first enabled key of keys that msg presses.
func Match(keys []Key, msg tea.KeyPressMsg) (Key, bool) {
	for _, k := range keys {
		if k.enabled() && key.Matches(msg, k.Binding) {
			return k, true
		}
	}
	return Key{}, false
}

// Enabled filters keys to the ones that apply now.
func Enabled(keys []Key) []Key {
	out := make([]Key, 0, len(keys))
	for _, k := range keys {
		if k.enabled() && k.Binding.Enabled() {
			out = append(out, k)
		}
	}
	return out
}

// Footer picks the footer's bindings from the page's keys and the
// global ones: in declaration order (page first), dropping the highest
// ranks until fits says the line fits. essential keys always stay.
func Footer(page, global []Key, essential []key.Binding, fits func([]key.Binding) bool) []key.Binding {
	var cand []Key
	for _, k := range Enabled(append(slices.Clip(page), global...)) {
		if k.Binding.Help().Key != "" && (k.Footer > 0 || isEssential(k.Binding, essential)) {
			cand = append(cand, k)
		}
	}
	bindings := func() []key.Binding {
		out := make([]key.Binding, 0, len(cand))
		for _, k := range cand {
			out = append(out, k.Binding)
		}
		return out
	}
	for {
		b := bindings()
		if fits(b) {
			return b
		}
		worst := -1
		for i, k := range cand {
			if isEssential(k.Binding, essential) {
				continue
			}
			if worst < 0 || k.Footer >= cand[worst].Footer {
				worst = i
			}
		}
		if worst < 0 {
			return b
		}
		cand = slices.Delete(cand, worst, worst+1)
	}
}

func isEssential(b key.Binding, essential []key.Binding) bool {
	for _, e := range essential {
		if slices.Equal(e.Keys(), b.Keys()) && e.Help() == b.Help() {
			return true
		}
	}
	return false
}

// HelpColumns lays the page's and the global keys out in the help
// screen's columns, in group order (move, view, act, app), at most rows a
// column. Keys that do not apply now are left out; a binding listed by the
// page and the root is shown once.
func HelpColumns(page, global []Key, rows int) [][]key.Binding {
	groups := make([][]key.Binding, len(groupOrder))
	seen := map[string]bool{}
	for _, k := range Enabled(append(slices.Clip(page), global...)) {
		id := k.Binding.Help().Key + "\x00" + k.Binding.Help().Desc
		if seen[id] || k.Binding.Help().Key == "" {
			continue
		}
		seen[id] = true
		i := slices.Index(groupOrder, k.Group)
		if i < 0 {
			i = len(groupOrder) - 1
		}
		groups[i] = append(groups[i], k.Binding)
	}
	rows = max(rows, 1)
	var cols [][]key.Binding
	var cur []key.Binding
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		// A group starts a column unless it fits under the one before.
		if len(cur) > 0 && len(cur)+len(g) > rows {
			cols, cur = append(cols, cur), nil
		}
		for _, b := range g {
			if len(cur) == rows {
				cols, cur = append(cols, cur), nil
			}
			cur = append(cur, b)
		}
	}
	if len(cur) > 0 {
		cols = append(cols, cur)
	}
	return cols
}

// Of wraps bindings that the page's Update handles itself (Run nil).
func Of(group string, bs ...key.Binding) []Key {
	out := make([]Key, len(bs))
	for i, b := range bs {
		out[i] = Key{Binding: b, Group: group}
	}
	return out
}

// Run runs the first enabled key of keys that msg presses; a page's
// Update calls it for the key presses the root passes on.
func Run(keys []Key, msg tea.KeyPressMsg) tea.Cmd {
	if k, ok := Match(keys, msg); ok && k.Run != nil {
		return k.Run(msg)
	}
	return nil
}

// Movement are the cursor keys, handled by run.
func Movement(k *Map, run func(tea.KeyPressMsg) tea.Cmd) []Key {
	out := make([]Key, 0, 6)
	for _, b := range []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom} {
		out = append(out, Key{Binding: b, Group: GroupMove, Run: run})
	}
	return out
}
