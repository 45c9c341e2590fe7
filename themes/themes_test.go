package themes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
	if th.Name != "solarized-dark" || th.Accent != "#268bd2" || th.ChromaStyle != "solarized-dark" {
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
// .json) in $XDG_CONFIG_HOME/manifold/themes; a broken file there is
// reported, not skipped; built-in names win; paths are not looked up there.
func TestLoadByNameFromTheUserThemeDir(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", cfg)
	dir := filepath.Join(cfg, "manifold", "themes")
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
