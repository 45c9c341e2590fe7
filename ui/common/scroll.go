package common

import tea "charm.land/bubbletea/v2"

// ClampScroll keeps a cursor within n rows and the window of visible rows
// (offset, rows high) around it: the clamp every scrolling page shares.
func ClampScroll(cursor, offset, n, rows int) (int, int) {
	cursor = min(max(cursor, 0), max(n-1, 0))
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+rows {
		offset = cursor - rows + 1
	}
	return cursor, max(min(offset, n-rows), 0)
}

// WheelRows is how far a mouse wheel step moves a scrolling page's cursor:
// three rows up (negative) or down, nothing for a sideways wheel.
func WheelRows(msg tea.MouseWheelMsg) int {
	switch msg.Button {
	case tea.MouseWheelUp:
		return -3
	case tea.MouseWheelDown:
		return 3
	}
	return 0
}
