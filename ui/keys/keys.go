// Package keys is manifold's key bindings (Map) and keys as data (Key):
// the root dispatches them, and the footer, the help screen and the
// README's key table are drawn from them. It imports no other ui package.
package keys

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Map is every key binding of the UI. Pages pick the ones they use for
// their help; the root handles the global ones.
type Map struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open, Expand, Collapse, ExpandAll       key.Binding
	Back, Quit, Help, Refresh, Copy, Goto   key.Binding
	// TopChord is the first g of gg (top); the root waits for the second.
	TopChord                                  key.Binding
	Filter, ApplyFilter, ClearFilter, Sort    key.Binding
	Raw, Matrix, AddHost, RemoveHost, Details key.Binding
	// Mark marks the tag or entry under the cursor; DiffMarked opens the
	// diff of the mark against the one under the cursor.
	Mark, DiffMarked, ChangesOnly, SwapSides key.Binding
	// Watch refreshes a tree on an interval, to notice its tag move.
	Watch                     key.Binding
	Submit, Cancel, NextField key.Binding
	// Stage stages what is under the cursor (tree and tags screens) and
	// OpenStaging opens the staging pane; the root handles both.
	Stage, OpenStaging key.Binding
	// CopyTo opens the copy pane (copypage.go).
	CopyTo key.Binding
	// Delete deletes the manifest of the screen's reference, after a typed
	// confirmation; never in readonly mode (delete.go).
	Delete key.Binding
}

// Default returns manifold's key bindings (vim keys and arrows).
func Default() *Map {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return &Map{
		Up:          b([]string{"up", "k"}, "↑/k", "up"),
		Down:        b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:      b([]string{"pgup", "ctrl+b"}, "pgup", "page up"),
		PageDown:    b([]string{"pgdown", "ctrl+f"}, "pgdn", "page down"),
		Top:         b([]string{"home"}, "gg/home", "top"),
		TopChord:    key.NewBinding(key.WithKeys("g")),
		Bottom:      b([]string{"end", "G"}, "end/G", "bottom"),
		Open:        b([]string{"enter"}, "enter", "open"),
		Expand:      b([]string{"enter", "space", "right", "l"}, "→/l", "expand"),
		Collapse:    b([]string{"left", "h"}, "←/h", "collapse"),
		ExpandAll:   b([]string{"e"}, "e", "expand all"),
		Back:        b([]string{"esc", "backspace"}, "esc", "back"),
		Quit:        b([]string{"q", "ctrl+c"}, "q", "quit"),
		Help:        b([]string{"?"}, "?", "help"),
		Refresh:     b([]string{"r"}, "r", "refresh"),
		Copy:        b([]string{"y"}, "y", "copy…"),
		Goto:        b([]string{":"}, ":", "open reference"),
		Filter:      b([]string{"/"}, "/", "filter"),
		ApplyFilter: b([]string{"enter"}, "enter", "keep filter"),
		ClearFilter: b([]string{"esc"}, "esc", "clear filter"),
		Sort:        b([]string{"s"}, "s", "sort name/version"),
		Raw:         b([]string{"v"}, "v", "raw"),
		Matrix:      b([]string{"m"}, "m", "resolve"),
		AddHost:     b([]string{"a"}, "a", "add host"),
		RemoveHost:  b([]string{"x", "delete"}, "x", "remove host"),
		Details:     b([]string{"d"}, "d", "toggle details"),
		Mark:        b([]string{"M"}, "M", "mark"),
		DiffMarked:  b([]string{"D"}, "D", "diff vs mark"),
		ChangesOnly: b([]string{"c"}, "c", "changes only"),
		SwapSides:   b([]string{"s"}, "s", "swap sides"),
		Watch:       b([]string{"w"}, "w", "watch tag"),
		Submit:      b([]string{"enter"}, "enter", "submit"),
		Cancel:      b([]string{"esc"}, "esc", "cancel"),
		NextField:   b([]string{"tab", "down", "up", "shift+tab"}, "tab", "next field"),
		Stage:       b([]string{"a"}, "a", "stage"),
		OpenStaging: b([]string{"S"}, "S", "staged"),
		Delete:      b([]string{"ctrl+d"}, "ctrl+d", "delete… (type to confirm)"),
		CopyTo:      b([]string{"c"}, "c", "copy to…"),
	}
}

// MoveCursor applies the movement keys (up, down, page up/down, top, bottom)
// to cursor over count rows, page rows at a time. moved is false when msg is
// not a movement key. The caller clamps the result.
func (k *Map) MoveCursor(msg tea.KeyPressMsg, cursor, page, count int) (next int, moved bool) {
	switch {
	case key.Matches(msg, k.Up):
		return cursor - 1, true
	case key.Matches(msg, k.Down):
		return cursor + 1, true
	case key.Matches(msg, k.PageUp):
		return cursor - page, true
	case key.Matches(msg, k.PageDown):
		return cursor + page, true
	case key.Matches(msg, k.Top):
		return 0, true
	case key.Matches(msg, k.Bottom):
		return count - 1, true
	}
	return cursor, false
}
