package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// screens opens every screen of the UI on the fake registry.
var screens = []struct {
	name  string
	start string
	keys  []string // "type:TEXT" types TEXT
	text  string   // typed after keys
}{
	{name: "prompt", start: ""},
	{name: "repos", start: "localhost:5000"},
	{name: "repos-filter", start: "localhost:5000", keys: []string{"/"}, text: "lib"},
	{name: "tags", start: "localhost:5000/app"},
	{name: "tags-semver", start: "localhost:5000/app", keys: []string{"s"}},
	{name: "tree", start: "localhost:5000/app:1.0"},
	{name: "tree-expanded", start: "localhost:5000/app:1.0", keys: []string{"down", "enter", "down", "enter"}},
	{name: "tree-single", start: "localhost:5000/cli:2.0", keys: []string{"down"}},
	{name: "raw", start: "localhost:5000/app:1.0", keys: []string{"v"}},
	{name: "resolve", start: "localhost:5000/app:1.0", keys: []string{"m"}},
	{name: "resolve-windows", start: "localhost:5000/win:ltsc", keys: []string{"m"}},
	{name: "help", start: "localhost:5000/app:1.0", keys: []string{"?"}},
	{name: "diff", start: "localhost:5000/app", keys: []string{"M", "down", "D"}},
	{name: "goto", start: "localhost:5000/app", keys: []string{":"}, text: "localhost:5000/cli:2.0"},
	{name: "not-found", start: "localhost:5000/app:nope"},
	{name: "login", start: "localhost:5000/private:1"},
	{name: "login-save", start: "localhost:5000/private:1", keys: []string{"type:bob", "tab", "type:s3cret", "enter"}},
	{name: "resolve-add", start: "localhost:5000/app:1.0", keys: []string{"m", "a"}, text: "linux/mips64le"},
	{name: "tree-attestation", start: "localhost:5000/app:1.0", keys: []string{"down", "down", "enter", "down", "down"}},
}

func openScreen(t testing.TB, i, w, h int) *harness {
	sc := screens[i]
	f := uitest.NewFake()
	f.Errs["localhost:5000/private:1"] = uitest.Unauthorized()
	hs := newHarness(t, f, sc.start, w, h, func(o *common.Options) {
		o.Login = func(host, _, user, secret string) (common.Registry, error) {
			delete(f.Errs, "localhost:5000/private:1")
			return f, nil
		}
		o.SaveCredentials = func(host, user, secret string) error { return nil }
		o.CredentialStore = func(host string) (string, error) {
			return "/home/you/.docker/config.json (base64-encoded, not encrypted; configure a docker credential helper to encrypt)", nil
		}
	})
	f.Trees["localhost:5000/private:1"] = f.Trees["localhost:5000/cli:2.0"]
	for _, k := range sc.keys {
		if text, ok := strings.CutPrefix(k, "type:"); ok {
			hs.typeText(text) // "type:…" types text
			continue
		}
		hs.keys(k)
	}
	hs.typeText(sc.text)
	return hs
}

func TestGoldenScreens(t *testing.T) {
	for i, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			hs := openScreen(t, i, 80, 24)
			// testdata/TestGoldenScreens/NAME.golden; -update rewrites.
			golden.RequireEqual(t, []byte(hs.screen()))
		})
	}
}

// TestLayoutNeverOverflows renders every screen at three sizes: no line is
// wider than the terminal and there are never more lines than rows.
func TestLayoutNeverOverflows(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {60, 20}, {80, 24}, {200, 60}} {
		for i, sc := range screens {
			hs := openScreen(t, i, size[0], size[1])
			content := hs.m.View().Content
			lines := strings.Split(content, "\n")
			if len(lines) > size[1] {
				t.Errorf("%s at %dx%d: %d lines", sc.name, size[0], size[1], len(lines))
			}
			for n, l := range lines {
				if w := ansi.StringWidth(l); w > size[0] {
					t.Errorf("%s at %dx%d: line %d is %d wide: %q", sc.name, size[0], size[1], n, w, ansi.Strip(l))
				}
			}
			// A long status takes lines from the body, never the help
			// footer's: the last line is still the help.
			if size[1] >= 12 && len(lines) == size[1] && hs.m.footerHeight() == 1 && !strings.Contains(ansi.Strip(lines[len(lines)-1]), "•") {
				t.Errorf("%s at %dx%d: the last line is not the help: %q", sc.name, size[0], size[1], ansi.Strip(lines[len(lines)-1]))
			}
			// Something of the screen must be there, not a blank page.
			if strings.TrimSpace(ansi.Strip(content)) == "" {
				t.Errorf("%s at %dx%d: empty screen", sc.name, size[0], size[1])
			}
		}
	}
}
