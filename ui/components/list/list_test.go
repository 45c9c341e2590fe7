package list

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"

	"github.com/manifold-dev/manifold/internal/namefilter"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/styles"
)

func newTestList(names []string) *Model {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}}
	l := New(c, common.NextID(), "filter tags")
	l.SetSize(100, 30)
	l.Add(names)
	return l
}

// press sends k to the list, runs the filter's command (the text field's own
// is nil: no blink) and hands its answer back. It returns the time spent
// outside the command (on the UI goroutine), View included.
func press(l *Model, k tea.KeyPressMsg) (ui time.Duration) {
	t0 := time.Now()
	cmd, _ := l.Update(k)
	for cmd != nil {
		ui += time.Since(t0)
		msg := cmd()
		t0 = time.Now()
		cmd = nil
		if bm, ok := msg.(tea.BatchMsg); ok {
			for _, c := range bm {
				if c != nil {
					cmd = c
				}
			}
			continue
		}
		if msg != nil {
			l.Update(msg)
		}
	}
	_ = l.View("tags")
	return ui + time.Since(t0)
}

// The filter, typed key by key on a list above asyncFilterAbove (so every
// run is a command), shows after each key what fuzzy.Find gives over every
// name in the list's order: the same names in the same order, through
// backspaces, a fresh query, a change of order and clearing.
func TestFilterIsFuzzyFind(t *testing.T) {
	var names []string
	for i := range asyncFilterAbove + 1500 {
		names = append(names, fmt.Sprintf("%d.%d.%d-%s", i%7, i%13, i%101, []string{"alpine", "Bookworm", "slim", "sha256-ab.sig", "café"}[i%5]))
	}
	l := newTestList(names)
	if l.Len() != len(names) {
		t.Fatalf("%d names listed, want %d", l.Len(), len(names))
	}
	check := func() {
		t.Helper()
		want := l.names
		if l.pattern != "" {
			want = nil
			for _, m := range fuzzy.Find(l.pattern, l.names) {
				want = append(want, m.Str)
			}
		}
		got := shownNames(l)
		if !slices.Equal(got, want) {
			t.Fatalf("filter %q: %d shown, fuzzy.Find %d; first shown %v, want %v", l.pattern, len(got), len(want), got[:min(3, len(got))], want[:min(3, len(want))])
		}
	}
	press(l, uitest.KeyMsg("/"))
	for _, k := range []string{"1", ".", "2", "a", "l", "backspace", "backspace", "-", "S", "backspace", "backspace", "backspace", "backspace", "backspace",
		"c", "a", "f", "é", "backspace", "backspace", "backspace", "backspace", "s", "i", "g"} {
		press(l, uitest.KeyMsg(k))
		check()
	}
	if l.pattern != "sig" || l.Shown() == 0 {
		t.Fatalf("pattern %q, %d shown", l.pattern, l.Shown())
	}
	// A new order keeps the filter and the cursor's name.
	press(l, uitest.KeyMsg("enter"))
	press(l, uitest.KeyMsg("down"))
	press(l, uitest.KeyMsg("down"))
	sel := l.Selected()
	cmd := l.SetOrder(model.ByVersion)
	if cmd == nil {
		t.Fatal("no filter run after a new order")
	}
	l.Update(cmd())
	check()
	if l.Selected() != sel {
		t.Fatalf("after a new order the cursor is on %q, was on %q", l.Selected(), sel)
	}
	press(l, uitest.KeyMsg("/"))
	press(l, uitest.KeyMsg("esc"))
	check()
}

// While the run after a new page is in flight, the screen still shows the
// names the last result found (not whatever now sits at their indexes),
// with the cursor on its name; then the new result, the cursor kept.
func TestFilterAcrossANewPage(t *testing.T) {
	var names []string
	for i := range asyncFilterAbove * 2 {
		names = append(names, fmt.Sprintf("v%d.%d", i/100, i%100))
	}
	l := newTestList(names)
	press(l, uitest.KeyMsg("/"))
	press(l, uitest.KeyMsg("9"))
	press(l, uitest.KeyMsg("enter"))
	press(l, uitest.KeyMsg("down"))
	before := shownNames(l)
	sel := l.Selected()
	var page []string
	for i := range 3000 {
		page = append(page, fmt.Sprintf("a%d", i), fmt.Sprintf("v0.%d-rc", i))
	}
	cmd := l.Add(page) // merged into the names in place: every index moves
	if cmd == nil {
		t.Fatal("no filter run after a new page")
	}
	if got := shownNames(l); !slices.Equal(got, before) || l.Selected() != sel {
		t.Fatalf("before the new result: shown %v… (cursor %q), want %v… (cursor %q)", got[:3], l.Selected(), before[:3], sel)
	}
	l.Update(cmd())
	var want []string
	for _, m := range fuzzy.Find("9", l.names) {
		want = append(want, m.Str)
	}
	if got := shownNames(l); !slices.Equal(got, want) || l.Selected() != sel {
		t.Fatalf("after the new result: %d shown (cursor %q), want %d (cursor %q)", len(got), l.Selected(), len(want), sel)
	}
}

func shownNames(l *Model) []string {
	var out []string
	for i := range l.Shown() {
		out = append(out, l.ShownName(i))
	}
	return out
}

// A run the user has typed past is abandoned, and the newer one answers.
func TestFilterDropsARunTypedPast(t *testing.T) {
	var names []string
	for i := range asyncFilterAbove * 3 {
		names = append(names, fmt.Sprintf("v%d.%d", i/100, i%100))
	}
	l := newTestList(names)
	press(l, uitest.KeyMsg("/"))
	first, _ := l.Update(uitest.KeyMsg("1"))
	second, _ := l.Update(uitest.KeyMsg("2"))
	if first == nil || second == nil {
		t.Fatal("no filter command for a list this long")
	}
	if msg := first(); msg != nil {
		t.Fatalf("the run typed past answered %T", msg)
	}
	l.Update(second())
	want := fuzzy.Find("12", l.names)
	if l.Shown() != len(want) || l.ShownName(0) != want[0].Str {
		t.Fatalf("%d shown, want %d", l.Shown(), len(want))
	}
}

func buildNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%d.%d.%d-build%d", i/10000, (i/100)%100, i%100, i)
	}
	return names
}

// BenchmarkFilter100k is what a user's keystroke in the filter of a list of
// 100,000 tags costs, all of it: the list's Update, the filter run (in its
// command), the result's Update and the View of the screen. The user types
// a version, deletes two characters, adds a suffix, clears the filter and
// types a fresh query, deletes it and types another (every name holds
// "build"). Every session starts on names just changed: a page of one
// name came (untimed) since the last session, so nothing is kept from it
// and the first letter is the first typed after new names. ms/key is the
// mean over its keystrokes, ui-ms/key the part of it on the UI goroutine
// (both Updates and the View; the rest is the command), ui-max-ms the
// longest a keystroke held the UI goroutine, ui-p99-ms the 99th percentile
// of that (the max is one keystroke: a moment the machine was busy moves
// it), first-ui-ms the median for the first letter of a session. The side
// by side with the old fuzzy.Find path is internal/namefilter's
// BenchmarkKeystrokes100k.
func BenchmarkFilter100k(b *testing.B) { benchFilterSession(b, 100000) }

// BenchmarkFilter1M is the same on a million tags: the UI goroutine's share
// says whether a keystroke can hold the screen up.
func BenchmarkFilter1M(b *testing.B) { benchFilterSession(b, 1000000) }

func benchFilterSession(b *testing.B, n int) {
	l := newTestList(buildNames(n))
	added := n
	var session []tea.KeyPressMsg
	for _, k := range []string{"/", "1", ".", "2", ".", "3", "backspace", "backspace", "-", "a", "l", "p", "esc",
		"/", "s", "i", "g", "backspace", "backspace", "backspace", "b", "u", "i", "l", "d", "esc"} {
		session = append(session, uitest.KeyMsg(k))
	}
	var shown []int
	var ui, worst time.Duration
	each, first := make([]time.Duration, 0, 1000*len(session)), make([]time.Duration, 0, 1000) // not in B/op
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		l.Add([]string{fmt.Sprintf("%d.%d.%d-build%d", added/10000, (added/100)%100, added%100, added)})
		added++
		b.StartTimer()
		shown = shown[:0]
		for _, k := range session {
			d := press(l, k)
			ui, worst = ui+d, max(worst, d)
			each = append(each, d)
			if len(shown) == 1 {
				first = append(first, d) // session[1]: the first letter
			}
			shown = append(shown, l.Shown())
		}
	}
	b.StopTimer()
	keys := float64(b.N * len(session))
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/keys, "ms/key")
	b.ReportMetric(float64(ui.Microseconds())/1000/keys, "ui-ms/key")
	b.ReportMetric(float64(worst.Microseconds())/1000, "ui-max-ms")
	slices.Sort(each)
	slices.Sort(first)
	b.ReportMetric(float64(each[len(each)*99/100].Microseconds())/1000, "ui-p99-ms")
	b.ReportMetric(float64(first[len(first)/2].Microseconds())/1000, "first-ui-ms")
	// The session did what it says: "1.2-alp" matches nothing, "build" all.
	if shown[len(shown)-2] != l.Len() || shown[11] != 0 || shown[5] == 0 || shown[5] == l.Len() || l.pattern != "" {
		b.Fatalf("matches per keystroke: %v (pattern %q)", shown, l.pattern)
	}
}

// BenchmarkFilter100kQuery is the query BenchmarkFilter100k used to be:
// "1.2.3" in one go over the same names, on names just loaded.
func BenchmarkFilter100kQuery(b *testing.B) {
	names := buildNames(100000)
	b.ReportAllocs()
	for b.Loop() {
		namefilter.New(names).Find("1.2.3", nil)
	}
}

// allocated is how many bytes f allocates (the whole process: nothing else
// runs in this package's tests meanwhile).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A keystroke copies nothing of the names on the UI goroutine: not the
// first letter typed after a page came (its Update starts the run and
// returns), nor esc clearing a filter that pages came under. The bytes the
// Update allocates stay well under one per name.
func TestKeystrokeCopiesNoNames(t *testing.T) {
	names := buildNames(asyncFilterAbove * 20)
	next := len(names) / 2
	l := newTestList(names[:next])
	for _, k := range []string{"1", "b", "9"} {
		l.Add(names[next : next+1000]) // the names change, no filter
		next += 1000
		press(l, uitest.KeyMsg("/"))
		var cmd tea.Cmd
		if b := allocated(func() { cmd, _ = l.Update(uitest.KeyMsg(k)) }); b > uint64(l.Len()/4) {
			t.Fatalf("%q, the first key after a page: its Update allocated %d bytes for %d names", k, b, l.Len())
		}
		if cmd == nil {
			t.Fatalf("key %q: no filter run", k)
		}
		l.Update(run(cmd))
		if want := fuzzy.Find(l.pattern, l.names); l.Shown() != len(want) || l.ShownName(0) != want[0].Str {
			t.Fatalf("filter %q: %d shown, fuzzy.Find %d", l.pattern, l.Shown(), len(want))
		}
		press(l, uitest.KeyMsg("esc"))
	}
	press(l, uitest.KeyMsg("/"))
	press(l, uitest.KeyMsg("2"))
	l.Add(names[next:]) // the rest, while filtered
	if b := allocated(func() { l.Update(uitest.KeyMsg("esc")) }); b > uint64(l.Len()/4) {
		t.Fatalf("esc after pages came: its Update allocated %d bytes for %d names", b, l.Len())
	}
	if l.Shown() != len(names) || !slices.Equal(shownNames(l), l.names) {
		t.Fatalf("after esc %d shown of %d", l.Shown(), len(names))
	}
}

// run runs cmd (a batch: the one non-nil command in it) and returns its
// message.
func run(cmd tea.Cmd) tea.Msg {
	msg := cmd()
	if bm, ok := msg.(tea.BatchMsg); ok {
		for _, c := range bm {
			if c != nil {
				return run(c)
			}
		}
		return nil
	}
	return msg
}

// A filter run in flight on the names as they were goes on reading them,
// unchanged, while pages are merged and the order changes (run with -race),
// and its result is fuzzy.Find's over those names.
func TestFilterRunWhilePagesMerge(t *testing.T) {
	names := buildNames(asyncFilterAbove * 4)
	l := newTestList(names[:asyncFilterAbove*2])
	press(l, uitest.KeyMsg("/"))
	cmd, _ := l.Update(uitest.KeyMsg("9"))
	if cmd == nil {
		t.Fatal("no filter command for a list this long")
	}
	before := slices.Clone(l.names)
	want := fuzzy.Find("9", before)
	x := l.index
	var got []int32
	var stale tea.Msg
	done := make(chan bool)
	go func() {
		got, _ = x.Find("9", nil)
		stale = run(cmd) // the list's own run: stopped by the page, or dropped
		done <- true
	}()
	l.Add(names[asyncFilterAbove*2 : asyncFilterAbove*3])
	l.SetOrder(model.ByVersion)
	last := l.Add(names[asyncFilterAbove*3:])
	<-done
	if x.Len() != len(before) {
		t.Fatalf("the run's names: %d, were %d", x.Len(), len(before))
	}
	for i := range before {
		if x.Name(i) != before[i] {
			t.Fatalf("the run's name %d changed: %q, was %q", i, x.Name(i), before[i])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("the run found %d, fuzzy.Find %d", len(got), len(want))
	}
	for i, m := range want {
		if x.Name(int(got[i])) != m.Str {
			t.Fatalf("match %d is %q, fuzzy.Find's %q", i, x.Name(int(got[i])), m.Str)
		}
	}
	if stale != nil {
		l.Update(stale) // of an older generation: changes nothing
	}
	l.Update(run(last))
	var after []string
	for _, m := range fuzzy.Find("9", l.names) {
		after = append(after, m.Str)
	}
	if !slices.Equal(shownNames(l), after) {
		t.Fatalf("after the pages: %d shown, fuzzy.Find %d", l.Shown(), len(after))
	}
}

// After a keystroke the cursor is on the top row, on a list whose filter
// runs in a command as on one whose filter runs in Update (the result does
// not move it to where the previous top name went), and when a page comes
// before the keystroke's result.
func TestKeystrokePutsTheCursorOnTop(t *testing.T) {
	for _, n := range []int{asyncFilterAbove / 2, asyncFilterAbove * 4} {
		names := buildNames(n + 6*100)
		l := newTestList(names[:n])
		press(l, uitest.KeyMsg("/"))
		for i, k := range []string{"1", ".", "2", "backspace", "-", "b"} {
			cmd, _ := l.Update(uitest.KeyMsg(k))
			if page := l.Add(names[n+i*100 : n+(i+1)*100]); page != nil {
				cmd = page // the keystroke's run is stale now
			}
			if cmd != nil {
				l.Update(run(cmd))
			}
			if l.Cursor() != 0 || l.Offset() != 0 {
				t.Fatalf("%d names, filter %q: cursor on row %d, offset %d", n, l.pattern, l.Cursor(), l.Offset())
			}
			if want := fuzzy.Find(l.pattern, l.names); l.Shown() != len(want) || l.Selected() != want[0].Str {
				t.Fatalf("filter %q: %d shown, cursor on %q; fuzzy.Find %d, top %q", l.pattern, l.Shown(), l.Selected(), len(want), want[0].Str)
			}
		}
	}
}
