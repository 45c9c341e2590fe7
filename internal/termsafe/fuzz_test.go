package termsafe

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzString checks the sanitizer's promise on any input: the output holds
// no C0 control, DEL, C1 control, format (Cf), private-use, unassigned,
// default-ignorable or non-ASCII space character (hidden, decided by the
// Unicode tables), is valid UTF-8, and input that was already safe comes back
// unchanged. Text without backslashes or tabs (every tag and repository
// name) is recovered exactly from its output, so two such names that differ
// only by invisible characters never look the same. Multiline keeps the same
// promise line by line.
func FuzzString(f *testing.F) {
	for _, s := range []string{
		"", "plain", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x1b]0;title\x1b\\", "\a", "\u009b31m",
		"\x9b31m", "\u202e", "\u2066x\u2069", "\xff\xfe", "日本語", "a\tb", "a\r\nb", "\x7f",
		"\ufeff", "\u2028", "e\u0301", "\xe2\x80", "\xc2\x9b", "latest\u200b", "\u00ad", "\u3164",
		"\U000e0041", "\u0378", "\ue000", "\u00a0", "\u180e", "\ufe0f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := String(in)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q: invalid UTF-8", in, out)
		}
		for _, r := range out {
			if hidden(r) {
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
		if !strings.ContainsAny(in, "\\\t") {
			if back := unescape(t, out); back != in {
				t.Fatalf("String(%q) = %q reads back as %q: two names could look the same", in, out, back)
			}
		}
		for _, l := range strings.Split(Multiline(in), "\n") {
			if !Safe(l) {
				t.Fatalf("Multiline(%q) line %q is not Safe", in, l)
			}
		}
	})
}

// unescape reverses String for text without backslashes or tabs.
func unescape(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			i++
			continue
		}
		var n int
		switch s[i+1] {
		case 'x':
			n = 2
		case 'u':
			n = 4
		case 'U':
			n = 8
		default:
			t.Fatalf("unknown escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
		if err != nil {
			t.Fatalf("bad escape in %q: %v", s, err)
		}
		if n == 2 {
			b.WriteByte(byte(v))
		} else {
			b.WriteRune(rune(v))
		}
		i += 2 + n
	}
	return b.String()
}
