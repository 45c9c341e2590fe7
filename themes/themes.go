// Package themes holds manifold's colour themes: the built-in dark, light and
// high-contrast ones, and the loader for a user's theme file.
//
// A theme file is YAML (or JSON, which is YAML too) of semantic colours, each
// a hex colour ("#rrggbb"), an ANSI colour number ("0"–"255") or "" for the
// terminal's default. Unknown keys are an error so typos are caught. See
// themes/README.md and themes/example.yaml.
package themes

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"go.yaml.in/yaml/v3"

	"github.com/manifold-dev/manifold/internal/syntax"
	"github.com/manifold-dev/manifold/internal/userdirs"
)

// Theme is a set of semantic colours. The UI derives every style from it.
type Theme struct {
	Name string `yaml:"name" json:"name"`
	// Dark says whether the theme is meant for a dark background.
	Dark bool `yaml:"dark" json:"dark"`

	Text       string `yaml:"text" json:"text"`               // normal text
	Faint      string `yaml:"faint" json:"faint"`             // secondary text, attestations
	Accent     string `yaml:"accent" json:"accent"`           // titles, breadcrumbs, keys in help
	SelectedFg string `yaml:"selected_fg" json:"selected_fg"` // the row under the cursor
	SelectedBg string `yaml:"selected_bg" json:"selected_bg"`
	Border     string `yaml:"border" json:"border"`     // pane borders
	Digest     string `yaml:"digest" json:"digest"`     // short digests
	Platform   string `yaml:"platform" json:"platform"` // os/arch labels
	Size       string `yaml:"size" json:"size"`
	MediaType  string `yaml:"media_type" json:"media_type"`
	OK         string `yaml:"ok" json:"ok"`
	Warn       string `yaml:"warn" json:"warn"`   // mismatches
	Error      string `yaml:"error" json:"error"` // missing children, failures
	StatusFg   string `yaml:"status_fg" json:"status_fg"`
	StatusBg   string `yaml:"status_bg" json:"status_bg"`
	MatchFg    string `yaml:"match" json:"match"` // fuzzy-filter matched characters
	// ChromaStyle colours the raw JSON view: a style built into manifold
	// (syntax.Names: monokai, github, bw), a chroma XML style file (a path;
	// relative to the theme file), or "" for none.
	ChromaStyle string `yaml:"chroma_style" json:"chroma_style"`

	// syntax is the style a theme file's chroma_style file holds, read when
	// the theme is loaded.
	syntax *chroma.Style
}

// SyntaxStyle is the chroma style of the raw JSON view, or nil for none.
func (t Theme) SyntaxStyle() *chroma.Style {
	if t.syntax != nil {
		return t.syntax
	}
	st, _ := syntax.Builtin(t.ChromaStyle)
	return st
}

// Dark is the default theme on a dark terminal.
var Dark = Theme{
	Name: "dark", Dark: true,
	Text: "252", Faint: "243", Accent: "#7aa2f7", SelectedFg: "#ffffff", SelectedBg: "#3b4261",
	Border: "240", Digest: "#e0af68", Platform: "#9ece6a", Size: "#7dcfff", MediaType: "245",
	OK: "#9ece6a", Warn: "#ff9e64", Error: "#f7768e", StatusFg: "252", StatusBg: "236", MatchFg: "#ff9e64",
	ChromaStyle: "monokai",
}

// Light is the default theme on a light terminal.
var Light = Theme{
	Name: "light", Dark: false,
	Text: "235", Faint: "244", Accent: "#2e59a8", SelectedFg: "#000000", SelectedBg: "#c8d3f5",
	Border: "250", Digest: "#8f5e15", Platform: "#33635c", Size: "#166775", MediaType: "242",
	OK: "#33635c", Warn: "#965027", Error: "#c4001a", StatusFg: "235", StatusBg: "254", MatchFg: "#b15c00",
	ChromaStyle: "github",
}

// HighContrast uses only the 16 basic ANSI colours, bold and reverse video.
var HighContrast = Theme{
	Name: "high-contrast", Dark: true,
	Text: "15", Faint: "7", Accent: "14", SelectedFg: "0", SelectedBg: "11",
	Border: "15", Digest: "11", Platform: "10", Size: "14", MediaType: "15",
	OK: "10", Warn: "11", Error: "9", StatusFg: "0", StatusBg: "15", MatchFg: "13",
	ChromaStyle: "bw",
}

// NoColor has no colours at all; styles fall back to bold/reverse/faint.
var NoColor = Theme{Name: "none", Dark: true, ChromaStyle: ""}

// Builtin returns the built-in theme called name.
func Builtin(name string) (Theme, bool) {
	switch strings.ToLower(name) {
	case "dark":
		return Dark, true
	case "light":
		return Light, true
	case "high-contrast", "highcontrast", "hc":
		return HighContrast, true
	case "none", "no-color", "nocolor":
		return NoColor, true
	}
	return Theme{}, false
}

// Names lists the built-in theme names.
func Names() []string { return []string{"dark", "light", "high-contrast", "none"} }

// Load returns the built-in theme called nameOrFile, or reads a theme file:
// nameOrFile itself, or, for a bare name, NAME.yaml (.yml, .json) in the
// user's theme directory (UserDir). Colours a file leaves out come from the
// dark or light theme, as its "dark" key says.
func Load(nameOrFile string) (Theme, error) {
	if t, ok := Builtin(nameOrFile); ok {
		return t, nil
	}
	path := nameOrFile
	b, err := os.ReadFile(path)
	if err != nil && errors.Is(err, fs.ErrNotExist) && isBareName(nameOrFile) {
		if dir := UserDir(); dir != "" {
			for _, ext := range []string{".yaml", ".yml", ".json"} {
				p := filepath.Join(dir, nameOrFile+ext)
				if b2, err2 := os.ReadFile(p); err2 == nil || !errors.Is(err2, fs.ErrNotExist) {
					path, b, err = p, b2, err2
					break
				}
			}
		}
	}
	if err != nil {
		where := ""
		if dir := UserDir(); dir != "" && isBareName(nameOrFile) {
			where = " or " + filepath.Join(dir, nameOrFile+".yaml")
		}
		return Theme{}, fmt.Errorf("theme %q is neither a built-in theme (%s) nor a readable file%s: %w", nameOrFile, strings.Join(Names(), ", "), where, err)
	}
	t, err := parse(b, filepath.Dir(path))
	if err != nil {
		return Theme{}, fmt.Errorf("theme file %s: %w", path, err)
	}
	return t, nil
}

// UserDir is where `--theme NAME` looks for NAME.yaml:
// $XDG_CONFIG_HOME/manifold/themes (~/.config/manifold/themes on Linux), or ""
// when there is no config directory.
func UserDir() string {
	dir, _ := userdirs.Config("themes")
	return dir
}

// isBareName is true for a name without a directory or an extension.
func isBareName(s string) bool {
	return s != "" && !strings.ContainsAny(s, `/\.`)
}

// Parse reads a theme from YAML or JSON. A chroma_style file is read from
// the current directory; Load reads it from the theme file's.
func Parse(b []byte) (Theme, error) { return parse(b, "") }

func parse(b []byte, dir string) (Theme, error) {
	var probe struct {
		Dark *bool `yaml:"dark"`
	}
	if err := yaml.Unmarshal(b, &probe); err != nil {
		return Theme{}, err
	}
	t := Dark
	if probe.Dark != nil && !*probe.Dark {
		t = Light
	}
	t.Name = "custom"
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return Theme{}, err
	}
	if err := t.Validate(); err != nil {
		return Theme{}, err
	}
	if syntax.IsFile(t.ChromaStyle) {
		st, _, err := syntax.Resolve(t.ChromaStyle, dir)
		if err != nil {
			return Theme{}, err
		}
		t.syntax = st
	}
	return t, nil
}

var hexColour = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// Validate checks every colour, and that chroma_style names a style built
// into manifold or a file (which Load reads).
func (t Theme) Validate() error {
	if !syntax.IsFile(t.ChromaStyle) {
		if _, _, err := syntax.Resolve(t.ChromaStyle, ""); err != nil {
			return err
		}
	}
	var bad []string
	for k, v := range t.colours() {
		if !validColour(v) {
			bad = append(bad, fmt.Sprintf("%s: %q", k, v))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return fmt.Errorf("invalid colours (use #rrggbb, 0-255 or \"\"): %s", strings.Join(bad, ", "))
	}
	return nil
}

func validColour(v string) bool {
	if v == "" || hexColour.MatchString(v) {
		return true
	}
	n, err := strconv.Atoi(v)
	return err == nil && n >= 0 && n <= 255
}

func (t Theme) colours() map[string]string {
	return map[string]string{
		"text": t.Text, "faint": t.Faint, "accent": t.Accent, "selected_fg": t.SelectedFg,
		"selected_bg": t.SelectedBg, "border": t.Border, "digest": t.Digest, "platform": t.Platform,
		"size": t.Size, "media_type": t.MediaType, "ok": t.OK, "warn": t.Warn, "error": t.Error,
		"status_fg": t.StatusFg, "status_bg": t.StatusBg, "match": t.MatchFg,
	}
}
