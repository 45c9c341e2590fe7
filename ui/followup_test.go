package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/raw"
	"github.com/manifold-dev/manifold/ui/pages/resolve"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// lines is the screen, line by line (the last one is the help footer).
func (h *harness) lines() []string { return strings.Split(h.screen(), "\n") }

// TestStagingKeysInHelp: a and S are in the short help of the tree and tags
// screens and in their full help, built from the keymap's bindings.
func TestStagingKeysInHelp(t *testing.T) {
	for _, start := range []string{"localhost:5000/app:1.0", "localhost:5000/app"} {
		hs := newHarness(t, uitest.NewFake(), start, 80, 24)
		ls := hs.lines()
		short := ls[len(ls)-1]
		for _, want := range []string{"a stage", "S staged"} {
			if !strings.Contains(short, want) {
				t.Errorf("%s: short help lacks %q: %q", start, want, short)
			}
		}
		// The help text comes from the keymap.
		hs.m.c.Keys.Stage.SetHelp("a", "stage-it")
		if ls := hs.lines(); !strings.Contains(ls[len(ls)-1], "a stage-it") {
			t.Errorf("%s: short help is not built from KeyMap.Stage: %q", start, ls[len(ls)-1])
		}
		hs.m.c.Keys.Stage.SetHelp("a", "stage")
		hs.keys("?")
		if !hs.m.fullHelp {
			t.Fatalf("%s: ? did not open the full help", start)
		}
		ls = hs.lines()
		full := strings.Join(ls[len(ls)-hs.m.footerHeight():], "\n")
		for _, want := range []string{"a   stage", "S   staged"} {
			if !strings.Contains(strings.Join(strings.Fields(full), " "), strings.Join(strings.Fields(want), " ")) {
				t.Errorf("%s: full help lacks %q:\n%s", start, want, full)
			}
		}
	}
}

// TestRefreshRawAndResolve: r on the raw and resolve screens fetches the
// tree again and rebuilds the screen; stale answers are dropped and leaving
// cancels the fetch.
func TestRefreshRawAndResolve(t *testing.T) {
	const ref = "localhost:5000/app:1.0"
	f := uitest.NewFake()
	hs := newHarness(t, f, ref, 100, 40)
	old := f.Trees[ref]
	hs.keys("v")
	rp, ok := hs.m.top().(*raw.Model)
	if !ok {
		t.Fatalf("v did not open raw, at %T", hs.m.top())
	}
	if !strings.Contains(hs.screen(), old.Digest) {
		t.Fatalf("raw title lacks the index digest:\n%s", hs.screen())
	}
	// The tag moves: r shows the new index.
	moved := uitest.TestTree(7)
	f.Trees[ref] = moved
	calls := len(f.Calls)
	hs.keys("r")
	if len(f.Calls) != calls+1 || f.Calls[calls] != "tree "+ref {
		t.Fatalf("r on raw did not fetch the tree: %v", f.Calls[calls:])
	}
	if s := hs.screen(); !strings.Contains(s, moved.Digest) || strings.Contains(s, old.Digest) {
		t.Fatalf("raw not rebuilt after r:\n%s", s)
	}
	// A stale answer (an earlier request) is dropped.
	stale := rp.Request()
	hs.keys("r")
	before := hs.screen()
	hs.send(common.TreeMsg{Page: rp.PageID, Req: stale, Tree: old})
	if hs.screen() != before {
		t.Fatal("a stale answer changed the raw screen")
	}
	// A failed refresh keeps the JSON and reports the error.
	f.Errs[ref] = uitest.Unauthorized()
	hs.keys("r")
	if s := hs.screen(); !strings.Contains(s, moved.Digest) || !hs.m.statusErr {
		t.Fatalf("failed refresh: status %q\n%s", hs.m.status, s)
	}
	delete(f.Errs, ref)
	hs.keys("esc")
	if _, ok := hs.m.top().(*tree.Model); !ok {
		t.Fatalf("esc from raw: at %T", hs.m.top())
	}

	// The resolve matrix: s390x pulls nothing from the old tree; after the
	// tag moves to a tree with s390x, r shows it, and an added host stays.
	f.Trees[ref] = old
	hs.keys("r") // the tree page itself
	hs.keys("m")
	mp := hs.m.top().(*resolve.Model)
	row := func(label string) *resolve.Row {
		for i := range mp.Rows() {
			if mp.Rows()[i].Label == label {
				return &mp.Rows()[i]
			}
		}
		t.Fatalf("no row %s", label)
		return nil
	}
	if r := row("linux/s390x"); r.Result == nil || r.Result.Entry != nil {
		t.Fatalf("s390x before: %+v", r.Result)
	}
	hs.keys("a")
	hs.typeText("linux/ppc64le")
	hs.keys("enter")
	f.Trees[ref] = moved
	calls = len(f.Calls)
	hs.keys("r")
	if len(f.Calls) != calls+1 || f.Calls[calls] != "tree "+ref {
		t.Fatalf("r on resolve did not fetch the tree: %v", f.Calls[calls:])
	}
	if mp.Tree() != moved {
		t.Fatal("resolve keeps the old tree")
	}
	if r := row("linux/s390x"); r.Result == nil || r.Result.Entry == nil || r.Result.Platform.Architecture != "s390x" {
		t.Fatalf("s390x after refresh: %+v", r.Result)
	}
	if last := mp.Rows()[len(mp.Rows())-1]; last.Label != "linux/ppc64le" || last.Result == nil || last.Result.Entry == nil {
		t.Fatalf("added host lost or not resolved again: %+v", last)
	}
	if !strings.Contains(hs.screen(), "linux/s390x") || strings.Count(hs.screen(), "✓") < 3 {
		t.Fatalf("resolve screen not rebuilt:\n%s", hs.screen())
	}
	stale = mp.Request()
	hs.keys("r")
	hs.send(common.TreeMsg{Page: mp.PageID, Req: stale, Tree: old})
	if mp.Tree() != moved {
		t.Fatal("a stale answer replaced the matrix's tree")
	}
	// Leaving cancels a refresh in flight.
	f.Block = make(chan struct{})
	_, cmd := mp.Update(uitest.KeyMsg("r"))
	if !mp.Busy() {
		t.Fatal("resolve not busy while refreshing")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	hs.keys("esc")
	<-done
	f.Mu.Lock()
	ctx := f.TreeCtxs[len(f.TreeCtxs)-1]
	f.Mu.Unlock()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("leaving the matrix did not cancel its refresh: %v", ctx.Err())
	}
}

// TestResolveClickWhileAdding: a click selects the row under the pointer,
// with and without the add-host field open.
func TestResolveClickWhileAdding(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 100, 40)
	hs.keys("m")
	mp := hs.m.top().(*resolve.Model)
	for _, adding := range []bool{false, true} {
		if adding {
			hs.keys("a")
			if !mp.Adding() {
				t.Fatal("a did not open the field")
			}
		}
		for _, y := range []int{5, 7, 9} {
			hs.send(tea.MouseClickMsg{X: 3, Y: y, Button: tea.MouseLeft})
			line := hs.lines()[y]
			label := mp.Rows()[mp.Cursor()].Label
			if !strings.HasPrefix(strings.TrimSpace(line), label+" ") {
				t.Errorf("adding=%v: click on line %d %q selected row %q", adding, y, line, label)
			}
		}
	}
	// The title, the field and the column header select nothing.
	mp.SetCursor(4)
	for y := 1; y <= 3; y++ {
		hs.send(tea.MouseClickMsg{X: 3, Y: y, Button: tea.MouseLeft})
	}
	if mp.Cursor() != 4 {
		t.Fatalf("a click above the rows moved the cursor to %d", mp.Cursor())
	}
}

// TestOneEntryIsSingular: staging one image says "1 entry", on the status
// line, in the list of lists and over the list.
func TestOneEntryIsSingular(t *testing.T) {
	st, err := stagestore.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(&model.StagedList{Name: "localhost:5000/cli:multi", Target: "localhost:5000/cli:multi"}); err != nil {
		t.Fatal(err)
	}
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/cli:2.0", 120, 30, uitest.WithStore(st))
	if !strings.Contains(hs.m.status, "1 staged list waiting") {
		t.Errorf("startup status %q", hs.m.status)
	}
	hs.keys("a")
	if !strings.Contains(hs.m.status, " 1 entry") || strings.Contains(hs.m.status, "1 entries") {
		t.Errorf("status after a: %q", hs.m.status)
	}
	hs.keys("S") // opens the list changed last
	if s := hs.screen(); !strings.Contains(s, "· 1 entry") || strings.Contains(s, "1 entries") {
		t.Errorf("the list:\n%s", s)
	}
	hs.keys("L")
	if s := hs.screen(); !strings.Contains(s, " 1 entry ") || strings.Contains(s, "1 entries") {
		t.Errorf("list of lists:\n%s", s)
	}
	// Two entries stay plural.
	if got := common.Plural(2, "entry", "entries"); got != "2 entries" {
		t.Errorf("plural(2) = %q", got)
	}
}

// TestResolveMatrixExplainsAndRemovesHosts: an ltsc2025 host pulls the
// 26100 entry (the highest compatible build, as containerd on Windows and
// docker do), the WHY column says by which rule, and x removes a host.
func TestResolveMatrixExplainsAndRemovesHosts(t *testing.T) {
	f := uitest.NewFake()
	hs := newHarness(t, f, "localhost:5000/win:ltsc", 200, 30)
	hs.keys("m")
	mp := hs.m.top().(*resolve.Model)
	want := map[string]string{
		"windows/amd64:10.0.17763": "10.0.17763.6532",
		"windows/amd64:10.0.20348": "10.0.20348.2849",
		"windows/amd64:10.0.26100": "10.0.26100.2314",
	}
	for _, r := range mp.Rows() {
		w, ok := want[r.Label]
		if !ok {
			continue
		}
		if r.Result == nil || r.Result.Entry == nil || r.Result.Platform.OSVersion != w {
			t.Fatalf("%s pulls %+v, want %s", r.Label, r.Result, w)
		}
	}
	if !strings.Contains(hs.screen(), "WHY") {
		t.Fatalf("no WHY column:\n%s", hs.screen())
	}
	var row string
	for _, l := range hs.lines() {
		if strings.HasPrefix(l, "windows/amd64:10.0.26100 ") {
			row = l
		}
		if strings.HasPrefix(l, "linux/arm64 ") && !strings.Contains(l, "nearest linux/amd64: built for amd64; the host is arm64") {
			t.Errorf("a linux host's no-match row does not name the nearest entry: %q", l)
		}
	}
	if !strings.Contains(row, "exact build 26100 (ltsc2025)") {
		t.Errorf("ltsc2025 row: %q", row)
	}
	// x removes the host under the cursor; the rest stay.
	n := len(mp.Rows())
	first := mp.Rows()[0].Label
	hs.keys("x")
	if len(mp.Rows()) != n-1 || mp.Rows()[0].Label == first {
		t.Fatalf("x left %d rows, first %s", len(mp.Rows()), mp.Rows()[0].Label)
	}
	for range n {
		hs.keys("x")
	}
	if len(mp.Rows()) != 0 || !strings.Contains(hs.screen(), "No hosts: a adds one.") {
		t.Fatalf("all removed: %d rows\n%s", len(mp.Rows()), hs.screen())
	}
	hs.keys("a")
	hs.typeText("windows/amd64:10.0.22621")
	hs.keys("enter")
	if len(mp.Rows()) != 1 || mp.Rows()[0].Result.Platform.OSVersion != "10.0.20348.2849" {
		t.Fatalf("added 22621 host: %+v", mp.Rows())
	}
	// Narrow: the reason of the row under the cursor goes under the rows.
	hs.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	if !strings.Contains(hs.screen(), "why: Windows build compatibility") {
		t.Errorf("narrow matrix without the reason:\n%s", hs.screen())
	}
}
