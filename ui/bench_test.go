package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkTagListView100k is one View() of a tag list holding 100,000 tags.
func BenchmarkTagListView100k(b *testing.B) {
	hs := newHarness(b, newFake(), "localhost:5000/app", 120, 40)
	tp := hs.m.top().(*tagsPage)
	names := make([]string, 100000)
	for i := range names {
		names[i] = fmt.Sprintf("%d.%d.%d-build%d", i/10000, (i/100)%100, i%100, i)
	}
	tp.list.Add(names)
	tp.list.cursor = 50000
	tp.list.clamp()
	if tp.list.Len() < 100000 {
		b.Fatalf("%d tags", tp.list.Len())
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
	f := newFake()
	f.trees["localhost:5000/big:1"] = testTree(50)
	hs := newHarness(b, f, "localhost:5000/big:1", 160, 50)
	tr := hs.m.top().(*treePage)
	if n := len(tr.tree.Entries); n < 50 {
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

// BenchmarkFilter100k is the fuzzy filter over 100,000 tags (it runs in a
// command, not in Update or View).
func BenchmarkFilter100k(b *testing.B) {
	names := make([]string, 100000)
	for i := range names {
		names[i] = fmt.Sprintf("%d.%d.%d-build%d", i/10000, (i/100)%100, i%100, i)
	}
	b.ResetTimer()
	for b.Loop() {
		runFilter("1.2.3", names)
	}
}

// TestFirstPageDrawsBeforeTheLast lists a 10,000-repository catalog in pages
// of 1,000 where every page after the first waits for the test: the first
// screen must be drawn from the first page while the rest are still coming.
func TestFirstPageDrawsBeforeTheLast(t *testing.T) {
	f := newFake()
	f.repos = make([]string, 10000)
	for i := range f.repos {
		f.repos[i] = fmt.Sprintf("team-%02d/service-%04d", i%50, i)
	}
	f.pageSize = 1000
	f.gate = make(chan struct{})
	opts := Options{Registry: f, Start: "localhost:5000", NoColor: true}
	m, err := New(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	rp := m.top().(*reposPage)
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
		f.gate <- struct{}{}
		next := findPageCmd(t, cmd)
		_, cmd = m.Update(next)
		if got := rp.list.Len(); got != page*1000 {
			t.Fatalf("after page %d: %d repositories", page, got)
		}
	}
	last := findPageCmd(t, cmd).(pageMsg)
	if !last.done || last.err != nil {
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
		case pageMsg:
			return msg
		}
	}
	t.Fatal("no listing message")
	return nil
}
