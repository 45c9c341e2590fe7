package ui

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// TestFilterWithNoMatchSaysSo, at 60, 80 and 200 columns.
func TestFilterWithNoMatchSaysSo(t *testing.T) {
	for _, w := range []int{60, 80, 200} {
		hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", w, 24)
		hs.keys("/")
		hs.typeText("zzzz-nothing")
		hs.keys("enter")
		if !strings.Contains(hs.screen(), "no match for zzzz-nothing") {
			t.Errorf("%d cols:\n%s", w, hs.screen())
		}
	}
}

// TestBreadcrumbDropsPagesThatFailedToOpen: a reference that 404s, then
// one that opens: the crumb of the failed one goes.
func TestBreadcrumbDropsPagesThatFailedToOpen(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", 200, 24)
	hs.keys(":")
	hs.typeText("localhost:5000/app:nope")
	hs.keys("enter")
	if !strings.Contains(hs.lines()[0], "app:nope") {
		t.Fatalf("the failed page, on top, is in the crumb: %q", hs.lines()[0])
	}
	hs.keys(":")
	hs.typeText("localhost:5000/app:1.0")
	hs.keys("enter")
	if h := hs.lines()[0]; strings.Contains(h, "nope") || !strings.Contains(h, "app:1.0") {
		t.Fatalf("breadcrumb %q", h)
	}
}

// TestMatrixNeverCutsAHostName at 60, 80 and 200 columns.
func TestMatrixNeverCutsAHostName(t *testing.T) {
	for _, w := range []int{60, 80, 200} {
		hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", w, 40)
		hs.keys("m")
		scr := hs.screen()
		for _, h := range []string{"windows/amd64:10.0.26200", "windows/amd64:10.0.17763", "linux/amd64/v3"} {
			if !strings.Contains(scr, h) {
				t.Errorf("%d cols: %q cut:\n%s", w, h, scr)
			}
		}
	}
}

// TestFailedTreeShowsNoExpandHints: a tree that could not be fetched
// offers no expand, raw or resolve keys.
func TestFailedTreeShowsNoExpandHints(t *testing.T) {
	for _, w := range []int{60, 80, 200} {
		hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:nope", w, 24)
		ls := hs.lines()
		f := ls[len(ls)-1]
		if strings.Contains(f, "expand") || strings.Contains(f, "raw") || strings.Contains(f, "resolve") || !strings.Contains(f, "q quit") {
			t.Errorf("%d cols: footer %q", w, f)
		}
	}
}
