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
