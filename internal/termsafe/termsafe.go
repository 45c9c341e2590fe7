// Package termsafe makes strings from registries safe to print on a terminal.
//
// Registries send repository names, tags, annotations, labels, error bodies
// and build history that may carry control characters: CSI sequences that
// move the cursor or recolour the screen, OSC sequences that set the window
// title or write the clipboard (OSC 52), BEL, and bidi overrides that reorder
// what the eye reads; and invisible characters that make two names look the
// same ("latest" and "latest\u200b"). termsafe shows every such character as
// a visible escape (\x1b, \x07, \u202e, \u200b, \U000e0041), so nothing is
// lost, nothing is executed and nothing hides.
//
// Which characters are escaped is decided by the Unicode tables of the
// unicode package, not by a list: every code point that is not graphic
// (categories Cc, Cf, Co, Cs, Zl, Zp and unassigned Cn), every space but
// U+0020 (Zs: no-break and other widths), and every default-ignorable code
// point that is graphic by category (Other_Default_Ignorable_Code_Point:
// Hangul fillers U+115F, U+1160, U+3164, U+FFA0, the combining grapheme
// joiner, Khmer inherent vowels; and the variation selectors). The only
// character added by hand is U+2800 BRAILLE PATTERN BLANK, a So that
// renders as nothing.
package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// String returns s with every control, format, invisible and invalid-UTF-8
// byte replaced by a visible escape: \xHH for C0, DEL and bytes that are not
// UTF-8, \uHHHH and \UHHHHHHHH for the rest. Printable text, including wide
// and combining characters, is kept. Tabs become a single space so layouts
// hold.
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
		case r > 0xffff && Escaped(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		case Escaped(r):
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
				if r < 0x20 || r == 0x7f || Escaped(r) {
					return false
				}
			}
			return utf8.ValidString(s[i:])
		}
	}
	return true
}

// Escaped reports whether String shows r as an escape rather than as
// itself: r is not graphic (a control, format, private-use, surrogate,
// line or paragraph separator, or unassigned code point), a space other than
// U+0020, or default-ignorable (rendered as nothing). Tab is the exception
// String turns into a space.
func Escaped(r rune) bool {
	switch {
	case r == ' ':
		return false
	case r < 0x80:
		return r < 0x20 || r == 0x7f
	case !unicode.IsGraphic(r), unicode.Is(unicode.Zs, r):
		return true
	}
	return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) || r == 0x2800
}
