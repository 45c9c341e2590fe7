package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/repos"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// BenchmarkTagListView100k is one View() of a tag list holding 100,000 tags.
func BenchmarkTagListView100k(b *testing.B) {
	hs := newHarness(b, uitest.NewFake(), "localhost:5000/app", 120, 40)
	tp := hs.m.top().(*tags.Model)
	names := make([]string, 100000)
	for i := range names {
		names[i] = fmt.Sprintf("%d.%d.%d-build%d", i/10000, (i/100)%100, i%100, i)
	}
	tp.List().Add(names)
	tp.List().SetCursor(50000)
	if tp.List().Len() < 100000 {
		b.Fatalf("%d tags", tp.List().Len())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = hs.m.View()
	}
}

// BenchmarkTreeView50 is one View() of a tree of 50 entries, all expanded,
// with the side pane.
func BenchmarkTreeView50(b *testing.B) {
	f := uitest.NewFake()
	f.Trees["localhost:5000/big:1"] = uitest.TestTree(50)
	hs := newHarness(b, f, "localhost:5000/big:1", 160, 50)
	tr := hs.m.top().(*tree.Model)
	if n := len(tr.Tree().Entries); n < 50 {
		b.Fatalf("%d entries", n)
	}
	hs.keys("e")
	hs.keys("down", "down", "down", "down", "down")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = hs.m.View()
	}
}

// TestFirstPageDrawsBeforeTheLast lists a 10,000-repository catalog in pages
// of 1,000 where every page after the first waits for the test: the first
// screen must be drawn from the first page while the rest are still coming.
func TestFirstPageDrawsBeforeTheLast(t *testing.T) {
	f := uitest.NewFake()
	f.Repos = make([]string, 10000)
	for i := range f.Repos {
		f.Repos[i] = fmt.Sprintf("team-%02d/service-%04d", i%50, i)
	}
	f.PageSize = 1000
	f.Gate = make(chan struct{})
	opts := common.Options{Registry: f, Start: "localhost:5000", NoColor: true}
	m, err := New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	rp := m.top().(*repos.Model)
	msg := rp.Init()() // the listing's first message: the first page
	pm, ok := msg.(tea.BatchMsg)
	if ok {
		t.Fatalf("Init should be the listing alone, got a batch of %d", len(pm))
	}
	_, cmd := m.Update(msg)
	screen := m.render()
	if !strings.Contains(screen, "1,000 repositories, loading more…") || !strings.Contains(screen, "team-00/service-0000") {
		t.Fatalf("the first page was not drawn:\n%s", screen)
	}
	// The remaining nine pages arrive one by one, each drawn as it comes.
	for page := 2; page <= 10; page++ {
		f.Gate <- struct{}{}
		next := findPageCmd(t, cmd)
		_, cmd = m.Update(next)
		if got := rp.List().Len(); got != page*1000 {
			t.Fatalf("after page %d: %d repositories", page, got)
		}
	}
	last := findPageCmd(t, cmd).(common.PageMsg)
	if !last.Done || last.Err != nil {
		t.Fatalf("the listing did not end cleanly: %+v", last)
	}
	m.Update(last)
	if strings.Contains(m.render(), "loading more") {
		t.Fatal("still loading after the last page")
	}
}

// findPageCmd runs the commands of a batch and returns the listing's message.
func findPageCmd(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case common.PageMsg:
			return msg
		}
	}
	t.Fatal("no listing message")
	return nil
}

// BenchmarkFirstScreen10kCatalog is the time from the first page (1,000
// names) of a 10,000-repository catalog arriving to the first screen drawn
// from it, while the other nine pages are still on their way.
func BenchmarkFirstScreen10kCatalog(b *testing.B) {
	f := uitest.NewFake()
	f.Repos = make([]string, 10000)
	for i := range f.Repos {
		f.Repos[i] = fmt.Sprintf("team-%02d/service-%04d", i%50, i)
	}
	f.PageSize = 1000
	f.Gate = make(chan struct{}) // pages after the first never come
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		m, err := New(b.Context(), common.Options{Registry: f, Start: "localhost:5000", NoColor: true})
		if err != nil {
			b.Fatal(err)
		}
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		first := m.top().Init()() // the listing's first message: the first page
		b.StartTimer()
		m.Update(first)
		screen := m.render()
		b.StopTimer()
		if !strings.Contains(screen, "1,000 repositories, loading more…") {
			b.Fatalf("first page not drawn:\n%s", screen)
		}
		m.Close()
		b.StartTimer()
	}
}

// tagNames is n version-like tags in a shuffled order (as distribution 2.8
// returns them: unsorted).
func tagNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		j := (i * 7919) % n // a fixed permutation when n is not a multiple of 7919
		names[i] = fmt.Sprintf("%d.%d.%d-build%d", j/10000, (j/100)%100, j%100, j)
	}
	return names
}

// BenchmarkTagPagesSemver100k is a 100,000-tag listing arriving as 100
// pages of 1,000 into a list sorted by version: the whole work done in
// Update as the pages come in.
func BenchmarkTagPagesSemver100k(b *testing.B) {
	names := tagNames(100000)
	hs := newHarness(b, uitest.NewFake(), "localhost:5000/app", 120, 40)
	tp := hs.m.top().(*tags.Model)
	tp.List().SetOrder(model.ByVersion)
	b.ReportAllocs()
	for b.Loop() {
		tp.List().Reset()
		for p := 0; p < 100; p++ {
			tp.List().Add(names[p*1000 : (p+1)*1000])
		}
	}
}

// BenchmarkSortToggle100k is pressing s (name ↔ version order) on a list of
// 100,000 tags.
func BenchmarkSortToggle100k(b *testing.B) {
	hs := newHarness(b, uitest.NewFake(), "localhost:5000/app", 120, 40)
	tp := hs.m.top().(*tags.Model)
	tp.List().Add(tagNames(100000))
	b.ReportAllocs()
	for b.Loop() {
		hs.keys("s")
	}
}
