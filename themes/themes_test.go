package themes

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles" // tests only: it parses ~70 styles at init

	"github.com/manifold-dev/manifold/internal/syntax"
	"github.com/manifold-dev/manifold/internal/userdirs"
)

// sample has every token type of the raw view's JSON lexer.
const sample = "{ // a comment\n  \"key\": \"v\",\n  \"n\": [1, -2.5e3],\n  \"t\": true, \"z\": null\n}\n%not json"

// The built-in themes colour the raw view as chroma's styles of the same
// name do (internal/syntax checks every token type; this checks the names).
func TestBuiltinThemesColourJSONAsChroma(t *testing.T) {
	for _, th := range []Theme{Dark, Light, HighContrast} {
		ours := th.SyntaxStyle()
		if ours == nil {
			t.Fatalf("%s: no syntax style for %q", th.Name, th.ChromaStyle)
		}
		theirs := styles.Get(th.ChromaStyle)
		if theirs.Name != th.ChromaStyle {
			t.Fatalf("%s: chroma has no style %q", th.Name, th.ChromaStyle)
		}
		sameHighlight(t, th.Name, ours, theirs)
	}
	if NoColor.SyntaxStyle() != nil {
		t.Fatal("the none theme colours JSON")
	}
}

func sameHighlight(t *testing.T, name string, ours, theirs *chroma.Style) {
	t.Helper()
	o, err := syntax.Highlight(sample, ours)
	if err != nil {
		t.Fatal(err)
	}
	c, err := syntax.Highlight(sample, theirs)
	if err != nil {
		t.Fatal(err)
	}
	if o != c || !strings.Contains(o, "\x1b[") {
		t.Errorf("%s: the raw view is coloured\n%q\nchroma's style colours it\n%q", name, o, c)
	}
}

// example.yaml's solarized-dark.xml gives chroma's solarized-dark colours.
func TestExampleStyleFileIsChromasSolarizedDark(t *testing.T) {
	th, err := Load("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sameHighlight(t, "example.yaml", th.SyntaxStyle(), styles.Get("solarized-dark"))
}

// A chroma_style that is neither built in nor a readable style file is an
// error naming the theme file, the value and what to do.
func TestChromaStyleErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := write("dracula.yaml", "chroma_style: dracula\n")
	_, err := Load(p)
	if !errors.Is(err, syntax.ErrUnknownStyle) {
		t.Fatalf("Load(%s): %v", p, err)
	}
	for _, want := range []string{p, `"dracula"`, "monokai", "styles/dracula.xml", "chroma_style: dracula.xml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	if _, err := Parse([]byte("chroma_style: dracula\n")); !errors.Is(err, syntax.ErrUnknownStyle) {
		t.Errorf("Parse: %v", err)
	}

	// A file next to the theme: found from any working directory.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "mine.xml"), []byte(`<style name="mine"><entry type="NameTag" style="#abcdef"/></style>`), 0o600); err != nil {
		t.Fatal(err)
	}
	p = filepath.Join(sub, "mine.yaml")
	if err := os.WriteFile(p, []byte("chroma_style: mine.xml\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	th, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c := th.SyntaxStyle().Get(chroma.NameTag).Colour.String(); c != "#abcdef" {
		t.Fatalf("NameTag = %s", c)
	}
	// The same theme moved away from its style file.
	p = write("moved.yaml", "chroma_style: mine.xml\n")
	_, err = Load(p)
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), filepath.Join(dir, "mine.xml")) {
		t.Fatalf("Load(%s): %v", p, err)
	}
	p = write("broken.yaml", "chroma_style: broken.xml\n")
	write("broken.xml", "<style><entry/></style>")
	if _, err = Load(p); err == nil || !strings.Contains(err.Error(), "not a chroma XML style") {
		t.Fatalf("Load(%s): %v", p, err)
	}
}

func TestBuiltinThemesAreValid(t *testing.T) {
	for _, n := range Names() {
		th, err := Load(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if err := th.Validate(); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func TestExampleFileLoads(t *testing.T) {
	th, err := Load("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if th.Name != "solarized-dark" || th.Accent != "#268bd2" || th.ChromaStyle != "solarized-dark.xml" || th.SyntaxStyle() == nil {
		t.Fatalf("example.yaml read as %+v", th)
	}
}

func TestParseFillsGapsFromLightOrDark(t *testing.T) {
	th, err := Parse([]byte("dark: false\naccent: \"21\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if th.Accent != "21" || th.Text != Light.Text || th.Dark {
		t.Fatalf("got %+v", th)
	}
	th, err = Parse([]byte(`{"error": "#ff0000"}`)) // JSON is YAML
	if err != nil {
		t.Fatal(err)
	}
	if th.Error != "#ff0000" || th.Text != Dark.Text {
		t.Fatalf("got %+v", th)
	}
}

func TestParseRejectsBadInput(t *testing.T) {
	for _, in := range []string{"acent: \"#fff\"\n", "accent: red\n", "accent: \"300\"\n", "accent: \"#12345\"\n", "[1,2"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) accepted", in)
		}
	}
}

func TestLoadMissingFileNamesTheBuiltins(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "high-contrast") {
		t.Fatalf("err = %v", err)
	}
	p := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(p, []byte("warn: \"#abc\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	th, err := Load(p)
	if err != nil || th.Warn != "#abc" {
		t.Fatalf("%+v %v", th, err)
	}
}

// TestLoadByNameFromTheUserThemeDir: --theme NAME finds NAME.yaml (or .yml,
// .json) in the user config directory's manifold/themes; a broken file there is
// reported, not skipped; built-in names win; paths are not looked up there.
func TestLoadByNameFromTheUserThemeDir(t *testing.T) {
	cfg := t.TempDir()
	dir := filepath.Join(userdirs.SetConfig(t, cfg), "manifold", "themes")
	if UserDir() != dir {
		t.Fatalf("UserDir() = %q, want %q", UserDir(), dir)
	}
	if _, err := Load("mine"); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "mine.yaml")) {
		t.Fatalf("a missing theme should name where it was looked for: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("mine.yaml", "name: mine\naccent: \"#123456\"\n")
	write("other.json", `{"dark": false, "warn": "#654321"}`)
	write("broken.yml", "acent: \"#fff\"\n")
	write("dark.yaml", "accent: \"#000000\"\n")
	th, err := Load("mine")
	if err != nil || th.Name != "mine" || th.Accent != "#123456" {
		t.Fatalf("Load(mine) = %+v, %v", th, err)
	}
	th, err = Load("other")
	if err != nil || th.Warn != "#654321" || th.Dark {
		t.Fatalf("Load(other) = %+v, %v", th, err)
	}
	if _, err := Load("broken"); err == nil || !strings.Contains(err.Error(), "broken.yml") {
		t.Fatalf("a broken theme file was not reported with its path: %v", err)
	}
	if th, err := Load("dark"); err != nil || th.Accent != Dark.Accent {
		t.Fatalf("a file called dark.yaml replaced the built-in: %+v %v", th, err)
	}
	// A path is read as given, never from the theme directory.
	if _, err := Load("sub/mine"); err == nil {
		t.Fatal("sub/mine was found in the theme directory")
	}
}
