package syntax

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles" // tests only: it parses ~70 styles at init
)

// TestEmittedIsWhatTheLexerGives: emitted lists exactly the token types of
// the lexer's rules, plus Error.
func TestEmittedIsWhatTheLexerGives(t *testing.T) {
	got := map[chroma.TokenType]bool{chroma.Error: true}
	for state, rules := range jsonRules() {
		for _, r := range rules {
			switch e := r.Type.(type) {
			case nil: // an include
			case chroma.TokenType:
				got[e] = true
			default:
				t.Fatalf("state %s: rule %q emits %T, not one token type: list what it emits in emitted", state, r.Pattern, r.Type)
			}
		}
	}
	if len(got) != len(emitted) {
		t.Fatalf("the lexer emits %v, emitted lists %v", keys(got), emitted)
	}
	for _, tt := range emitted {
		if !got[tt] {
			t.Fatalf("emitted lists %s, which the lexer does not give (%v)", tt, keys(got))
		}
	}
}

func keys(m map[chroma.TokenType]bool) []chroma.TokenType {
	var out []chroma.TokenType
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// corpus holds every token type the lexer emits: a comment, numbers of both
// kinds, constants, keys and strings, punctuation, whitespace, and text
// that is not JSON (Error).
const corpus = "{ // a comment\n  \"key\": \"value \\\"q\\\"\",\n  \"n\": [1, -2.5e3, 0.25],\n  \"t\": true, \"f\": false, \"z\": null,\n  \"o\": {\"a\": []}\n}\n%not json {"

func TestCorpusHasEveryEmittedType(t *testing.T) {
	it, err := JSONLexer().Tokenise(nil, corpus)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[chroma.TokenType]bool{}
	for _, tok := range it.Tokens() {
		seen[tok.Type] = true
	}
	for _, tt := range emitted {
		if !seen[tt] {
			t.Errorf("the corpus has no %s token", tt)
		}
	}
}

// TestBuiltinMatchesChroma: each built-in style gives, for every token type
// the lexer emits, the entry chroma's style of that name gives, and colours
// the corpus byte for byte as chroma's does.
func TestBuiltinMatchesChroma(t *testing.T) {
	if got := Names(); !slices.Equal(got, []string{"bw", "github", "monokai"}) {
		t.Fatalf("Names() = %v", got)
	}
	for _, name := range Names() {
		ours, ok := Builtin(strings.ToUpper(name))
		if !ok {
			t.Fatalf("Builtin(%q) not found", strings.ToUpper(name))
		}
		theirs := styles.Get(name)
		if theirs.Name != name {
			t.Fatalf("chroma has no style %s (got its fallback %s)", name, theirs.Name)
		}
		sameColours(t, name, ours, theirs)
	}
	if _, ok := Builtin("dracula"); ok {
		t.Fatal("dracula is not built in")
	}
}

// sameColours checks ours against theirs for the emitted types and the
// formatted corpus.
func sameColours(t *testing.T, name string, ours, theirs *chroma.Style) {
	t.Helper()
	for _, tt := range emitted {
		if o, c := ours.Get(tt), theirs.Get(tt); o != c {
			t.Errorf("%s: %s is %q, chroma's is %q", name, tt, o, c)
		}
	}
	o, err := Highlight(corpus, ours)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Highlight(corpus, theirs)
	if err != nil {
		t.Fatal(err)
	}
	if o != c {
		t.Errorf("%s: the corpus is coloured\n%q\nchroma's style colours it\n%q", name, o, c)
	}
	if !strings.Contains(o, "\x1b[") && name != "" {
		t.Errorf("%s: no colour at all in %q", name, o)
	}
}

func TestResolve(t *testing.T) {
	if st, file, err := Resolve("", ""); st != nil || file != "" || err != nil {
		t.Fatalf("Resolve(\"\") = %v %q %v", st, file, err)
	}
	if st, _, err := Resolve("GitHub", ""); err != nil || st == nil || st.Get(chroma.NameTag).Colour.String() != "#0550ae" {
		t.Fatalf("Resolve(GitHub) = %v, %v", st, err)
	}
	_, _, err := Resolve("solarized-dark", "")
	if !errors.Is(err, ErrUnknownStyle) {
		t.Fatalf("Resolve(solarized-dark): %v", err)
	}
	for _, want := range []string{`"solarized-dark"`, "bw, github, monokai", "styles/solarized-dark.xml", "chroma_style: solarized-dark.xml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}

	dir := t.TempDir()
	xml := `<style name="mine"><entry type="NameTag" style="bold #112233"/><entry type="Background" style="bg:#000000"/></style>`
	if err := os.WriteFile(filepath.Join(dir, "mine.xml"), []byte(xml), 0o600); err != nil {
		t.Fatal(err)
	}
	st, file, err := Resolve("mine.xml", dir) // relative to the theme file's directory
	if err != nil || file != filepath.Join(dir, "mine.xml") {
		t.Fatalf("Resolve(mine.xml) = %q, %v", file, err)
	}
	if e := st.Get(chroma.NameTag); e.Colour.String() != "#112233" || e.Bold != chroma.Yes {
		t.Fatalf("NameTag = %v", e)
	}
	if _, _, err := Resolve(filepath.Join(dir, "mine.xml"), "/elsewhere"); err != nil {
		t.Fatalf("an absolute path: %v", err)
	}
	if out, err := Highlight(`{"k": 1}`, st); err != nil || !strings.Contains(out, "\x1b[") {
		t.Fatalf("Highlight with a file's style: %q %v", out, err)
	}

	bad := map[string]string{
		"missing.xml":   "",
		"notxml.xml":    "this is not xml",
		"badentry.xml":  `<style name="x"><entry type="NoSuchToken" style="bold"/></style>`,
		"badcolour.xml": `<style name="x"><entry type="NameTag" style="#12345g"/></style>`,
		"big.xml":       "<style name=\"x\">" + strings.Repeat(" ", maxStyleFile) + "</style>",
	}
	for f, body := range bad {
		if body != "" {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		_, _, err := Resolve(f, dir)
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("Resolve(%s): %v", f, err)
		}
	}
}
