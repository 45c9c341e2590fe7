package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/diff"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// A new user's path: mark a tag with M, move to another, D opens the diff
// as two aligned columns; c keeps the changes, s swaps the sides.
func TestMarkTagAndDiff(t *testing.T) {
	for _, w := range []int{60, 80, 200} {
		hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", w, 30)
		if strings.Contains(hs.screen(), "D diff vs mark") {
			t.Fatalf("D offered before anything is marked")
		}
		hs.keys("M")
		if hs.m.c.Mark != "localhost:5000/app:1.0" || !strings.Contains(hs.screen(), "marked ") {
			t.Fatalf("no mark status:\n%s", hs.screen())
		}
		hs.keys("D") // on the marked tag itself: nothing
		if _, ok := hs.m.top().(*diff.Model); ok {
			t.Fatal("D diffed a tag against itself")
		}
		hs.keys("down", "D")
		dp, ok := hs.m.top().(*diff.Model)
		if !ok {
			t.Fatalf("D did not open the diff:\n%s", hs.screen())
		}
		if dp.From() != "localhost:5000/app:1.0" || dp.To() != "localhost:5000/app:1.10" || dp.Diff() == nil {
			t.Fatalf("diff page %s → %s, diff %v, err %q", dp.From(), dp.To(), dp.Diff() != nil, dp.Err())
		}
		s := hs.screen()
		for _, want := range []string{"app:1.0 ", "app:1.10", "linux/arm/v6", "removed"} {
			if !strings.Contains(ansi.Strip(s), want) && w >= 80 {
				t.Errorf("width %d: diff screen lacks %q:\n%s", w, want, s)
			}
		}
		// Two aligned columns, and nothing wider than the terminal.
		bar := -1
		for _, l := range hs.lines() {
			if lw := ansi.StringWidth(l); lw > w {
				t.Errorf("width %d: line of %d cells: %q", w, lw, l)
			}
			if i := strings.Index(l, "│"); i >= 0 {
				col := ansi.StringWidth(l[:i])
				if bar >= 0 && col != bar {
					t.Errorf("width %d: columns not aligned at %d and %d:\n%s", w, bar, col, s)
					break
				}
				bar = col
			}
		}
		if bar < 0 {
			t.Fatalf("width %d: no columns:\n%s", w, s)
		}
		// The removed platforms show on the left only.
		var armRow string
		for _, l := range hs.lines() {
			if strings.Contains(l, "linux/arm/v6") {
				armRow = l
			}
		}
		if _, right, _ := strings.Cut(armRow, "│"); !strings.Contains(right, "—") || !strings.HasPrefix(strings.TrimSpace(armRow), "-") {
			t.Errorf("width %d: removed row %q", w, armRow)
		}
		all := len(dp.Rows())
		hs.keys("c")
		if len(dp.Rows()) >= all || !strings.Contains(hs.screen(), "changes only") {
			t.Errorf("c kept %d of %d rows", len(dp.Rows()), all)
		}
		hs.keys("s")
		if dp.From() != "localhost:5000/app:1.10" || dp.Diff() == nil || dp.Diff().From.Digest == dp.Diff().To.Digest {
			t.Errorf("s did not swap: %s → %s", dp.From(), dp.To())
		}
		if _, _, ch, _ := dp.Diff().Counts(); ch != 0 {
			t.Errorf("unchanged images reported changed")
		}
		if a, _, _, _ := dp.Diff().Counts(); a != 2 {
			t.Errorf("swapped: %d added, want 2 (arm/v6 and windows)", a)
		}
		hs.keys("esc")
		if _, ok := hs.m.top().(*tags.Model); !ok {
			t.Errorf("esc did not go back")
		}
	}
}

// An entry of a tree is marked too: the diff of two platforms' images.
func TestMarkEntryAndDiff(t *testing.T) {
	f := uitest.NewFake()
	hs := newHarness(t, f, "localhost:5000/app:1.0", 120, 30)
	hs.keys("down", "down", "M")
	tp := hs.m.top().(*tree.Model)
	first, _ := tp.MarkTarget()
	if !strings.HasPrefix(first, "localhost:5000/app@sha256:") {
		t.Fatalf("marked %q", first)
	}
	// The fake serves trees by reference: give it the two entries' images.
	for _, n := range tp.Rows() {
		if n.Entry != nil && n.Entry.Image != nil {
			ref := "localhost:5000/app@" + n.Entry.Digest
			f.Trees[ref] = &model.Tree{Reference: ref, Repository: "localhost:5000/app", Digest: n.Entry.Digest, MediaType: n.Entry.MediaType, Image: n.Entry.Image}
		}
	}
	hs.keys("down", "down", "D")
	dp, ok := hs.m.top().(*diff.Model)
	if !ok || dp.From() != first || !strings.HasPrefix(dp.To(), "localhost:5000/app@sha256:") || dp.Diff() == nil {
		t.Fatalf("entry diff: %v %+v", ok, dp)
	}
	a, r, _, _ := dp.Diff().Counts()
	if a != 1 || r != 1 {
		t.Errorf("two platforms' images: %d added %d removed", a, r)
	}
}

// The tree's size column: each platform's pull size and the bytes it
// shares with other platforms; the top row the unique total.
func TestTreeShowsSharedBytes(t *testing.T) {
	f := uitest.NewFake()
	base := uitest.TestTree(2)
	// Both images share the first platform's layers: give the second the
	// first one's layer list.
	base.Entries[2].Image.Layers = append([]model.Descriptor(nil), base.Entries[0].Image.Layers...)
	f.Trees["localhost:5000/app:1.0"] = base
	hs := newHarness(t, f, "localhost:5000/app:1.0", 200, 30)
	r := model.Sizes(base, nil)
	var shared int64
	for _, ps := range r.Platforms {
		shared = max(shared, ps.SharedBytes)
	}
	if shared == 0 {
		t.Fatal("fixture shares nothing")
	}
	s := hs.screen()
	if !strings.Contains(s, common.HumanSize(shared)+" shared") || !strings.Contains(s, common.HumanSize(r.UniqueBytes)+" unique, "+common.HumanSize(r.SumBytes-r.UniqueBytes)+" shared") {
		t.Errorf("tree lacks the shared bytes %s or the unique total %s:\n%s", common.HumanSize(shared), common.HumanSize(r.UniqueBytes), s)
	}
}

// An open tree notices that its tag moved, on refresh (r) or while w
// watches it, and D then shows the diff of before and now.
func TestTreeNoticesItsTagMoved(t *testing.T) {
	f := uitest.NewFake()
	before := f.Trees["localhost:5000/app:1.0"]
	hs := newHarness(t, f, "localhost:5000/app:1.0", 120, 30)
	tp := hs.m.top().(*tree.Model)
	hs.keys("r")
	if strings.Contains(hs.screen(), "moved") || hs.m.c.Mark != "" {
		t.Fatalf("an unchanged tag reported moved:\n%s", hs.screen())
	}
	f.Mu.Lock()
	f.Trees["localhost:5000/app:1.0"] = uitest.TestTree(3)
	f.Trees["localhost:5000/app@"+before.Digest] = before
	f.Mu.Unlock()
	hs.keys("r")
	if !strings.Contains(hs.screen(), "moved: "+common.ShortDigest(before.Digest)) || hs.m.c.Mark != "localhost:5000/app@"+before.Digest {
		t.Fatalf("move not noticed (mark %q):\n%s", hs.m.c.Mark, hs.screen())
	}
	hs.keys("D")
	dp, ok := hs.m.top().(*diff.Model)
	if !ok || dp.From() != "localhost:5000/app@"+before.Digest || dp.To() != "localhost:5000/app:1.0" || dp.Diff() == nil {
		t.Fatalf("D after a move: %v %+v", ok, dp)
	}
	if _, rm, _, _ := dp.Diff().Counts(); rm != 2 {
		t.Errorf("diff of before and now: %d removed", rm)
	}
	hs.keys("esc")

	// w: the timer refreshes; a move between ticks is noticed the same way.
	hs.keys("w")
	if !tp.Watching() || !strings.Contains(hs.screen(), "watching") {
		t.Fatalf("w did not start watching:\n%s", hs.screen())
	}
	now := f.Trees["localhost:5000/app:1.0"]
	f.Mu.Lock()
	f.Trees["localhost:5000/app:1.0"] = before
	f.Mu.Unlock()
	hs.send(tree.WatchTickMsg{Page: tp.PageID, Seq: tp.WatchSeq() - 1}) // a stale timer: ignored
	if tp.Tree().Digest != now.Digest {
		t.Fatal("a stale tick refreshed")
	}
	hs.send(tree.WatchTickMsg{Page: tp.PageID, Seq: tp.WatchSeq()})
	if tp.Tree().Digest != before.Digest || hs.m.c.Mark != "localhost:5000/app@"+now.Digest {
		t.Fatalf("tick did not notice the move:\n%s", hs.screen())
	}
	hs.keys("w")
	if tp.Watching() {
		t.Error("w did not stop watching")
	}
}
