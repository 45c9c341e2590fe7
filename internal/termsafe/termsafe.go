// Package termsafe makes strings from registries safe to print on a terminal.
//
// Registries send repository names, tags, annotations, labels, error bodies
// and build history that may carry control characters: CSI sequences that
// move the cursor or recolour the screen, OSC sequences that set the window
// title or write the clipboard (OSC 52), BEL, and bidi overrides that reorder
// what the eye reads. termsafe shows every such character as a visible escape
// (\x1b, \x07, \u202e), so nothing is lost and nothing is executed.
package termsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// String returns s with every control, bidi-control and invalid-UTF-8 byte
// replaced by a visible escape. Printable text, including wide and combining
// characters, is kept. Tabs become a single space so layouts hold.
func String(s string) string {
	if Safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		case isBidiOrInvisible(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Multiline is String, but keeps newlines so multi-line text (an error body,
// a history entry) keeps its shape. Carriage returns are escaped.
func Multiline(s string) string {
	if !strings.Contains(s, "\n") {
		return String(s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = String(l)
	}
	return strings.Join(lines, "\n")
}

// Strings applies String to each element of a copy of ss.
func Strings(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = String(s)
	}
	return out
}

// Safe reports whether s can be printed as it is.
func Safe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			// Check the rest rune by rune; invalid UTF-8 is caught by
			// ValidString (a literal U+FFFD is printable and kept).
			for _, r := range s[i:] {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiOrInvisible(r) {
					return false
				}
			}
			return utf8.ValidString(s[i:])
		}
	}
	return true
}

// isBidiOrInvisible reports the format characters that reorder or hide text
// (Trojan Source, CVE-2021-42574) and the line/paragraph separators that some
// terminals treat as newlines.
func isBidiOrInvisible(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c: // LRM, RLM, ALM
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case r == 0xfeff: // BOM / zero-width no-break space
		return true
	}
	return false
}
