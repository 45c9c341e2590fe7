package ui

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// Names cut to fit keep their ends: cosign's sha256-<hex>.sig and .att of
// one digest must not look alike at 60 columns.
func TestLongNamesAreCutInTheMiddle(t *testing.T) {
	f := uitest.NewFake()
	hex := strings.Repeat("de6f0300", 8)
	f.TagsOf["localhost:5000/signed"] = []string{"sha256-" + hex + ".att", "sha256-" + hex + ".sig"}
	for _, w := range []int{60, 80} {
		hs := newHarness(t, f, "localhost:5000/signed", w, 20)
		scr := hs.screen()
		if !strings.Contains(scr, ".att") || !strings.Contains(scr, ".sig") {
			t.Errorf("%d cols: the names lost their ends:\n%s", w, scr)
		}
		for _, l := range strings.Split(scr, "\n") {
			if len([]rune(l)) > w {
				t.Errorf("%d cols: line wider than the terminal: %q", w, l)
			}
		}
	}
}
