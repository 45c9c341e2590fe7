package termsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzString checks the sanitizer's promise on any input: the output holds
// no C0 control, DEL, C1 control or bidi/invisible format character, is valid
// UTF-8, and input that was already safe comes back unchanged. Multiline
// keeps the same promise line by line.
func FuzzString(f *testing.F) {
	for _, s := range []string{
		"", "plain", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x1b]0;title\x1b\\", "\a", "\u009b31m",
		"\x9b31m", "\u202e", "\u2066x\u2069", "\xff\xfe", "日本語", "a\tb", "a\r\nb", "\x7f",
		"\ufeff", "\u2028", "e\u0301", "\xe2\x80", "\xc2\x9b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := String(in)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q: invalid UTF-8", in, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiOrInvisible(r) {
				t.Fatalf("String(%q) = %q holds %U", in, out, r)
			}
		}
		if Safe(in) && out != in {
			t.Fatalf("safe input %q changed to %q", in, out)
		}
		if !Safe(out) {
			t.Fatalf("String(%q) = %q is not Safe", in, out)
		}
		if String(out) != out {
			t.Fatalf("String is not idempotent on %q", in)
		}
		for _, l := range strings.Split(Multiline(in), "\n") {
			if !Safe(l) {
				t.Fatalf("Multiline(%q) line %q is not Safe", in, l)
			}
		}
	})
}
