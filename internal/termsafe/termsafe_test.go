package termsafe

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "linux/arm64 v1.2.3", "linux/arm64 v1.2.3"},
		{"empty", "", ""},
		{"ESC alone", "a\x1bb", `a\x1bb`},
		{"CSI clear screen", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"CSI colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"OSC 52 clipboard BEL", "\x1b]52;c;ZWNobyBwd25lZA==\x07", `\x1b]52;c;ZWNobyBwd25lZA==\x07`},
		{"OSC 52 clipboard ST", "\x1b]52;c;aGk=\x1b\\", `\x1b]52;c;aGk=\x1b\`},
		{"OSC 0 title", "\x1b]0;pwned\x07tag", `\x1b]0;pwned\x07tag`},
		{"BEL", "ding\a", `ding\x07`},
		{"NUL", "a\x00b", `a\x00b`},
		{"CR overwrites line", "safe\rEVIL", `safe\x0dEVIL`},
		{"newline", "a\nb", `a\x0ab`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI U+009B", "a\u009b2Jb", `a\u009b2Jb`},
		{"C1 OSC U+009D", "\u009d0;t\u009c", `\u009d0;t\u009c`},
		{"C1 NEL U+0085", "a\u0085b", `a\u0085b`},
		{"raw 0x9b byte (invalid UTF-8)", "a\x9b2J", `a\x9b2J`},
		{"RLO", "abc\u202edcba", `abc\u202edcba`},
		{"LRI..PDI", "\u2066x\u2069", `\u2066x\u2069`},
		{"RLI FSI", "\u2067\u2068", `\u2067\u2068`},
		{"LRM RLM ALM", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		{"line separator", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"BOM", "\ufeffx", `\ufeffx`},
		{"invalid UTF-8", "a\xff\xfeb", `a\xff\xfeb`},
		{"truncated UTF-8", "a\xe2\x82", `a\xe2\x82`},
		{"wide chars kept", "日本語イメージ", "日本語イメージ"},
		{"emoji kept", "🐳 whale", "🐳 whale"},
		{"combining kept", "e\u0301", "e\u0301"},
		{"tab becomes space", "a\tb", "a b"},
		{"backslash kept", `C:\path`, `C:\path`},
		// Invisible characters, by Unicode category and property.
		{"zero-width space", "latest\u200b", `latest\u200b`},
		{"zero-width non-joiner and joiner", "a\u200cb\u200dc", `a\u200cb\u200dc`},
		{"word joiner", "a\u2060b", `a\u2060b`},
		{"soft hyphen", "lat\u00adest", `lat\u00adest`},
		{"Mongolian vowel separator", "a\u180eb", `a\u180eb`},
		{"Hangul filler", "latest\u3164", `latest\u3164`},
		{"halfwidth Hangul filler", "latest\uffa0", `latest\uffa0`},
		{"Hangul choseong filler", "\u115fx", `\u115fx`},
		{"combining grapheme joiner", "a\u034fb", `a\u034fb`},
		{"variation selector", "a\ufe0f", `a\ufe0f`},
		{"tag block", "latest\U000e0041\U000e007f", `latest\U000e0041\U000e007f`},
		{"unassigned", "a\u0378b", `a\u0378b`},
		{"unassigned plane 3", "a\U0003fffdb", `a\U0003fffdb`},
		{"private use", "a\ue000b", `a\ue000b`},
		{"no-break space", "latest\u00a0", `latest\u00a0`},
		{"ideographic space", "a\u3000b", `a\u3000b`},
		{"braille blank", "latest\u2800", `latest\u2800`},
		{"Arabic number sign (Cf)", "\u0600", `\u0600`},
		{"interlinear annotation", "\ufff9x\ufffb", `\ufff9x\ufffb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			if got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkSafe(t, got)
			if Safe(tt.in) != (tt.in == tt.want) {
				t.Errorf("Safe(%q) = %v, but String changed it: %v", tt.in, Safe(tt.in), tt.in != tt.want)
			}
		})
	}
}

func TestMultiline(t *testing.T) {
	in := "line one\x1b[2J\nline two\r\n\u202eend"
	got := Multiline(in)
	want := "line one\\x1b[2J\nline two\\x0d\n\\u202eend"
	if got != want {
		t.Fatalf("Multiline = %q, want %q", got, want)
	}
	for _, l := range strings.Split(got, "\n") {
		checkSafe(t, l)
	}
	if got := Multiline("no newline\a"); got != `no newline\x07` {
		t.Fatalf("Multiline without newline = %q", got)
	}
}

func TestStrings(t *testing.T) {
	in := []string{"ok", "\x1b]52;c;x\x07"}
	got := Strings(in)
	if got[0] != "ok" || got[1] != `\x1b]52;c;x\x07` {
		t.Fatalf("Strings = %q", got)
	}
	if in[1] != "\x1b]52;c;x\x07" {
		t.Fatal("Strings changed its input")
	}
}

func TestSafeUnchangedAllocationFree(t *testing.T) {
	s := "registry.example.com/team/app:v1.2.3-日本"
	if !Safe(s) {
		t.Fatal("printable string reported unsafe")
	}
	if n := testing.AllocsPerRun(100, func() { _ = String(s) }); n != 0 {
		t.Fatalf("String of a safe string allocated %v times", n)
	}
}

// hidden reports, from the Unicode tables, what must never reach a
// terminal as itself: C0 and C1 controls, DEL, format characters, private
// use, separators other than U+0020, default-ignorable and unassigned code
// points. It is the property String keeps, written independently of
// Escaped.
func hidden(r rune) bool {
	if r == ' ' {
		return false
	}
	assigned := unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.C)
	return !assigned || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Z,
		unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// checkSafe fails when s holds anything a terminal could act on.
func checkSafe(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("output %q is not valid UTF-8", s)
	}
	for i, r := range s {
		if hidden(r) {
			t.Fatalf("output %q holds %U at %d", s, r, i)
		}
	}
}

func BenchmarkStringSafe(b *testing.B) {
	s := strings.Repeat("registry.example.com/app:v1 ", 8)
	for b.Loop() {
		_ = String(s)
	}
}

func BenchmarkStringHostile(b *testing.B) {
	s := strings.Repeat("tag\x1b]52;c;aGk=\x07\u202e ", 8)
	for b.Loop() {
		_ = String(s)
	}
}

// U+FFFD sent literally is printable: kept, and Safe agrees with String
// (found by FuzzString; testdata/fuzz/FuzzString/3ac7858b38dd0365).
func TestReplacementCharKept(t *testing.T) {
	if got := String("a\ufffdb"); got != "a\ufffdb" || !Safe("a\ufffdb") {
		t.Fatalf("String(U+FFFD) = %q, Safe = %v", got, Safe("a\ufffdb"))
	}
	if got := String("a\xffb"); got != `a\xffb` || Safe("a\xffb") {
		t.Fatalf("invalid byte: %q, Safe = %v", got, Safe("a\xffb"))
	}
}
