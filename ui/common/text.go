package common

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// FitMiddle cuts s to width cells by dropping its middle, so that both what
// happened (the start of a status) and what to do (its end, "press r to
// retry") stay on screen when a long reference does not fit.
func FitMiddle(s string, width int) string {
	sw := ansi.StringWidth(s)
	if sw <= width {
		return s
	}
	if width < 12 {
		return ansi.Truncate(s, max(width, 0), "…")
	}
	head := width * 2 / 5
	tail := width - head - 1
	return ansi.Truncate(s, head, "") + "…" + ansi.TruncateLeft(s, sw-tail, "")
}

// WrapWords wraps text to width at words (and after / : @ inside a long
// reference), in at most limit lines; when that is still too little, the
// last line keeps the text's end (what to do), dropping the middle.
func WrapWords(text string, width, limit int) []string {
	lines := strings.Split(ansi.Wrap(text, width, "/:@"), "\n")
	if len(lines) > limit {
		rest := strings.Join(lines[limit-1:], " ")
		lines = append(lines[:limit-1], FitMiddle(rest, width))
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

// Fit cuts s to width cells.
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// PadRight pads s with spaces to width cells (cutting it when longer).
func PadRight(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, "…")
		w = ansi.StringWidth(s)
	}
	if w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// keys are the list's own keys; its Update handles them. While the filter

func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Commas(n) + " " + many
}

func Commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func JoinLines(lines []string) string { return strings.Join(lines, "\n") }

// OrDash is s, or "-" for nothing.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
