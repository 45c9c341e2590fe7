package ui

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/staging"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// TestMain keeps every test of the package away from the user's staged
// lists.
func TestMain(m *testing.M) { uitest.Main(m) }

// TestStagingThroughTheRoot drives the whole UI: a on a tree row stages that
// entry (asking for the new list's target), S opens the pane from another
// screen, and a second a adds to the same list.
func TestStagingThroughTheRoot(t *testing.T) {
	st, err := stagestore.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 100, 30, uitest.WithStore(st), uitest.SteadyCursor)
	tp, ok := hs.m.top().(*tree.Model)
	if !ok || tp.Tree() == nil {
		t.Fatalf("start page %T", hs.m.top())
	}
	for i := 0; i < 5 && (tp.Selected() == nil || tp.Selected().Entry == nil); i++ {
		hs.keys("j") // down to the first platform entry
	}
	want := tp.Selected().Entry
	if want == nil {
		t.Fatalf("row 2 is not an entry:\n%s", hs.screen())
	}
	hs.keys("a")
	sp, ok := hs.m.top().(*staging.Model)
	if !ok || !strings.Contains(hs.screen(), "New list") {
		t.Fatalf("a with nothing staged should ask for a target:\n%s", hs.screen())
	}
	sp.SetInput("localhost:5000/app:multi")
	hs.keys("enter")
	if sp.List() == nil || len(sp.List().Entries) == 0 || sp.List().Entries[0].Digest != want.Digest {
		t.Fatalf("staged %+v\n%s", sp.List(), hs.screen())
	}
	if !strings.Contains(hs.screen(), want.Platform.String()) {
		t.Fatalf("the pane does not show the entry:\n%s", hs.screen())
	}
	hs.keys("esc") // back to the tree
	if _, ok := hs.m.top().(*tree.Model); !ok {
		t.Fatalf("esc left the pane for %T", hs.m.top())
	}
	hs.keys("j", "a")
	if !strings.Contains(hs.screen(), "staged") {
		t.Fatalf("second a: no status:\n%s", hs.screen())
	}
	l, err := st.Load("localhost:5000/app:multi")
	if err != nil || len(l.Entries) < 2 {
		t.Fatalf("the second a was not saved: %+v %v", l, err)
	}
	hs.keys("S")
	if _, ok := hs.m.top().(*staging.Model); !ok || !strings.Contains(hs.screen(), "localhost:5000/app:multi") {
		t.Fatalf("S did not open the staging pane:\n%s", hs.screen())
	}
	// q does not quit while the platform form has focus.
	hs.keys("e", "q")
	if hs.Quit {
		t.Fatal("q in the platform form quit manifold")
	}
}
