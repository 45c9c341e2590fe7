package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// TestTreeMouse: a click selects the row under the pointer, a second click
// on it expands it, the wheel scrolls, and clicks in the side pane or on
// the title select nothing.
func TestTreeMouse(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 120, 30)
	tr := hs.m.top().(*tree.Model)
	// Screen row 0 is the breadcrumb, 1 the tree's title, 2 its first row.
	y := -1
	for i, l := range hs.lines() {
		if strings.Contains(l, "linux/arm/v7") {
			y = i
		}
	}
	if y < 0 {
		t.Fatalf("no linux/arm/v7 row:\n%s", hs.screen())
	}
	n0 := len(tr.Rows())
	hs.send(tea.MouseClickMsg{X: 6, Y: y, Button: tea.MouseLeft})
	if n := tr.Selected(); n.Entry == nil || n.Entry.Platform.String() != "linux/arm/v7" {
		t.Fatalf("click on line %d selected %+v", y, n)
	}
	if len(tr.Rows()) != n0 {
		t.Fatal("the first click expanded the row")
	}
	hs.send(tea.MouseClickMsg{X: 6, Y: y, Button: tea.MouseLeft})
	if len(tr.Rows()) != n0+1 || !tr.Expanded(tr.Selected().Key) {
		t.Fatalf("a second click did not expand the entry: %d rows", len(tr.Rows()))
	}
	hs.send(tea.MouseClickMsg{X: 6, Y: y, Button: tea.MouseLeft})
	if len(tr.Rows()) != n0 {
		t.Fatal("a third click did not collapse the entry")
	}
	cur := tr.Cursor()
	// The side pane and the title line are not rows.
	hs.send(tea.MouseClickMsg{X: tr.TreeWidth() + 2, Y: y + 2, Button: tea.MouseLeft})
	hs.send(tea.MouseClickMsg{X: 6, Y: 1, Button: tea.MouseLeft})
	// Below the last row.
	hs.send(tea.MouseClickMsg{X: 6, Y: 2 + len(tr.Rows()) + 1, Button: tea.MouseLeft})
	if tr.Cursor() != cur {
		t.Fatalf("a click outside the rows moved the cursor %d → %d", cur, tr.Cursor())
	}
	hs.send(tea.MouseWheelMsg{X: 6, Y: 5, Button: tea.MouseWheelDown})
	if tr.Cursor() != cur+3 {
		t.Fatalf("wheel down: cursor %d, want %d", tr.Cursor(), cur+3)
	}
	for range (cur+3)/3 + 2 {
		hs.send(tea.MouseWheelMsg{X: 6, Y: 5, Button: tea.MouseWheelUp})
	}
	if tr.Cursor() != 0 {
		t.Fatalf("wheel up past the top: cursor %d", tr.Cursor())
	}
	// A click on the breadcrumb or the status bar reaches no page.
	hs.send(tea.MouseClickMsg{X: 6, Y: 0, Button: tea.MouseLeft})
	hs.send(tea.MouseClickMsg{X: 6, Y: 28, Button: tea.MouseLeft})
	if tr.Cursor() != 0 {
		t.Fatalf("a click on the header or status bar moved the cursor to %d", tr.Cursor())
	}
}

// TestNoColorEnvironment: NO_COLOR in the environment (not only the option)
// turns every colour off, including the raw view's syntax colouring and the
// selected row, which falls back to reverse video; --theme does not bring
// colour back.
func TestNoColorEnvironment(t *testing.T) {
	hasColour := func(s string) bool {
		// SGR foreground/background colours: 30–37, 38;…, 40–47, 48;…, 90–97, 100–107.
		for _, p := range []string{"[38;", "[48;", ";38;", ";48;"} {
			if strings.Contains(s, p) {
				return true
			}
		}
		for c := 30; c <= 107; c++ {
			if (c >= 38 && c <= 39) || (c >= 48 && c <= 89) || (c >= 98 && c <= 99) {
				continue
			}
			for _, f := range []string{"[%d;", "[%dm", ";%dm", ";%d;"} {
				if strings.Contains(s, strings.Replace(f, "%d", strconv.Itoa(c), 1)) {
					return true
				}
			}
		}
		return false
	}
	render := func(theme string, keys ...string) (string, *harness) {
		f := uitest.NewFake()
		m, err := New(context.Background(), common.Options{Registry: f, Start: "localhost:5000/app:1.0", Theme: theme})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(m.Close)
		hs := &harness{Harness: &uitest.Harness{T: t, M: m}, m: m}
		hs.send(tea.WindowSizeMsg{Width: 120, Height: 30})
		hs.run(m.Init())
		hs.keys(keys...)
		return m.View().Content, hs
	}
	// With colour: the check itself must see the colours.
	t.Setenv("NO_COLOR", "")
	if out, _ := render("dark"); !hasColour(out) {
		t.Fatal("the dark theme draws no colour: the check is broken")
	}
	if out, _ := render("dark", "v"); !hasColour(out) {
		t.Fatal("the raw view has no syntax colours with the dark theme")
	}
	t.Setenv("NO_COLOR", "1")
	for _, keys := range [][]string{nil, {"v"}, {"m"}, {"?"}} {
		out, hs := render("high-contrast", keys...)
		if hasColour(out) {
			t.Errorf("NO_COLOR, keys %v: colours drawn: %q", keys, out)
		}
		if hs.m.c.Styles.Theme.Name != "none" {
			t.Errorf("NO_COLOR, keys %v: theme %s", keys, hs.m.c.Styles.Theme.Name)
		}
		if keys == nil && !strings.Contains(out, "\x1b[1;7m") && !strings.Contains(out, "\x1b[7;1m") {
			t.Errorf("NO_COLOR: the selected row is not in reverse video: %q", out)
		}
	}
	// The background answer does not turn colour back on.
	_, hs := render("")
	hs.send(tea.BackgroundColorMsg{Color: lightColour{}})
	if hs.m.c.Styles.Theme.Name != "none" || hasColour(hs.m.View().Content) {
		t.Fatalf("a background answer brought colour back under NO_COLOR (theme %s)", hs.m.c.Styles.Theme.Name)
	}
}

// TestPagesMergeIntoTheSortOrder: pages arriving in any order end up in the
// same order a sort of everything gives, by name and by version, with
// duplicates dropped and the cursor kept on its tag.
func TestPagesMergeIntoTheSortOrder(t *testing.T) {
	names := tagNames(5000)
	names = append(names, "latest", "main", "v2", "1.2.3", "1.2.3-rc.1", "1.2.3") // a duplicate
	for _, order := range []model.TagOrder{model.ByName, model.ByVersion} {
		less := order.Less
		hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", 80, 24)
		l := hs.m.top().(*tags.Model).List()
		l.Reset()
		l.SetOrder(order)
		for i := 0; i < len(names); i += 333 {
			l.Add(names[i:min(i+333, len(names))])
			if i == 999 {
				l.SetCursor(17)
			}
		}
		want := append([]string(nil), names[:len(names)-1]...)
		sort.SliceStable(want, func(i, j int) bool { return less(want[i], want[j]) })
		if len(l.Names()) != len(want) {
			t.Fatalf("%d names, want %d (duplicates?)", len(l.Names()), len(want))
		}
		for i := range want {
			if l.Names()[i] != want[i] {
				t.Fatalf("name %d is %q, want %q", i, l.Names()[i], want[i])
			}
		}
	}
	// The cursor stays on its tag while pages arrive.
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", 80, 24)
	l := hs.m.top().(*tags.Model).List()
	l.Reset()
	l.Add([]string{"b", "d"})
	l.SetCursor(1) // d
	l.Add([]string{"a", "c", "e"})
	if l.Selected() != "d" {
		t.Fatalf("cursor moved to %q", l.Selected())
	}
}

// TestSemverLessAllocatesNothing: the version order is used by sorts of
// 100,000 tags in Update, so comparing must not allocate.
func TestSemverLessAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { model.VersionLess("v1.22.3-rc.1", "1.22.10") }); n != 0 {
		t.Fatalf("VersionLess allocates %v times per call", n)
	}
	// Many parts: the ninth and on are compared as text, not dropped.
	if model.VersionLess("1.2.3.4.5.6.7.8.9", "1.2.3.4.5.6.7.8.10") == model.VersionLess("1.2.3.4.5.6.7.8.10", "1.2.3.4.5.6.7.8.9") {
		t.Fatal("versions with nine parts compare equal both ways")
	}
}

// TestLongErrorsKeepWhatToDo: on a narrow terminal an error about a long
// reference still shows what happened and what to do; the middle gives way.
func TestLongErrorsKeepWhatToDo(t *testing.T) {
	const ref = "localhost:5000/some/deeply/nested/repository/name:v1.2.3-with-a-long-suffix"
	cases := []struct {
		err        error
		head, tail string
	}{
		{fmt.Errorf("fetch: %w", context.DeadlineExceeded), "Timed out", "press r to retry."},
		{uitest.RegStatus(http.StatusNotFound), "Not found", "press r or esc."},
		{&registry.NetError{Host: "localhost:5000", Kind: registry.ErrRefused, Err: errors.New("connect: connection refused")}, "Connection", "host:port right?"},
		{errors.New("something odd happened in the transport layer, with a long explanation"), "Failed to fetch", "(press r to retry)"},
	}
	for _, c := range cases {
		for _, w := range []int{40, 60, 100} {
			f := uitest.NewFake()
			f.Errs[ref] = c.err
			hs := newHarness(t, f, ref, w, 20)
			ls := hs.lines()
			n := hs.m.statusLines()
			bar := ls[len(ls)-1-n : len(ls)-1]
			var words []string
			for _, l := range bar {
				if ansi.StringWidth(l) > w {
					t.Errorf("width %d: status line is %d wide", w, ansi.StringWidth(l))
				}
				words = append(words, strings.Fields(l)...)
			}
			status := strings.Join(words, " ")
			if !strings.HasPrefix(status, c.head) || !strings.Contains(status, c.tail) {
				t.Errorf("width %d, %v: status %q lacks %q … %q", w, c.err, status, c.head, c.tail)
			}
			// Wrapped, never cut mid-word: every word of the message is on
			// screen (a reference may be broken after / or :).
			if w >= 60 {
				if strings.Contains(status, "…") {
					t.Errorf("width %d: status %q was cut", w, status)
				}
				if got, want := strings.ReplaceAll(strings.Join(bar, ""), " ", ""), strings.ReplaceAll(hs.m.status, " ", ""); got != want {
					t.Errorf("width %d: status on screen %q, want the whole message %q", w, got, want)
				}
			}
		}
	}
	// A status that fits is left whole.
	if got := common.FitMiddle("short", 40); got != "short" {
		t.Errorf("fitMiddle cut a short text: %q", got)
	}
	if got := common.FitMiddle("0123456789abcdefghij", 15); ansi.StringWidth(got) != 15 || !strings.HasPrefix(got, "012345") || !strings.HasSuffix(got, "fghij") {
		t.Errorf("fitMiddle(…, 15) = %q", got)
	}
}

// TestFooterWhileTyping: while the filter or the goto field has focus,
// every key is typed into it, so the footer says how to leave the field and
// does not offer q or the page's keys.
func TestFooterWhileTyping(t *testing.T) {
	for _, start := range []string{"localhost:5000", "localhost:5000/app"} {
		hs := newHarness(t, uitest.NewFake(), start, 100, 24)
		footer := func() string { ls := hs.lines(); return ls[len(ls)-1] }
		if !strings.Contains(footer(), "q quit") {
			t.Fatalf("%s: the list's footer lacks q quit: %q", start, footer())
		}
		hs.keys("/")
		if f := footer(); !strings.Contains(f, "enter keep filter") || !strings.Contains(f, "esc clear filter") || strings.Contains(f, "quit") {
			t.Errorf("%s: footer while filtering: %q", start, f)
		}
		hs.keys("enter")
		if !strings.Contains(footer(), "q quit") {
			t.Errorf("%s: footer after the filter: %q", start, footer())
		}
		hs.keys(":")
		if f := footer(); !strings.Contains(f, "enter submit") || !strings.Contains(f, "esc cancel") || strings.Contains(f, "quit") {
			t.Errorf("%s: footer in the goto field: %q", start, f)
		}
		hs.keys("esc")
		if !strings.Contains(footer(), "q quit") {
			t.Errorf("%s: footer after the goto field: %q", start, footer())
		}
	}
}

// TestSaveOfferSaysWhereInFull: the save offer names where the credentials
// would go and that they would not be encrypted, wrapped on narrow
// terminals rather than cut.
func TestSaveOfferSaysWhereInFull(t *testing.T) {
	for i, sc := range screens {
		if sc.name != "login-save" {
			continue
		}
		for _, w := range []int{40, 80, 200} {
			hs := openScreen(t, i, w, 24)
			flat := strings.Join(strings.Fields(hs.screen()), " ")
			if !strings.Contains(flat, "[y/n]") || !strings.Contains(flat, "not encrypted;") || !strings.Contains(flat, "configure a docker credential helper to encrypt)") {
				t.Errorf("width %d: the save offer is incomplete:\n%s", w, hs.screen())
			}
		}
		return
	}
	t.Fatal("no login-save screen")
}

// TestWideFooterShowsCopyAndSort: the footer of the tree offers y (copy)
// and the tag list s (sort) and y when there is room; narrower, they give
// way to the more important keys, and the footer never loses ? help and
// q quit nor grows wider than the terminal.
func TestWideFooterShowsCopyAndSort(t *testing.T) {
	for _, c := range []struct {
		start string
		wide  []string // in the footer at 200 columns, not at 60
	}{
		{"localhost:5000/app:1.0", []string{"y copy…"}},
		{"localhost:5000/app", []string{"s sort name/version", "y copy…"}},
	} {
		for _, w := range []int{40, 60, 80, 99, 100, 109, 110, 120, 200} {
			hs := newHarness(t, uitest.NewFake(), c.start, w, 24)
			ls := hs.lines()
			footer := ls[len(ls)-1]
			if !strings.HasSuffix(strings.TrimSpace(footer), "? help • q quit") || ansi.StringWidth(footer) > w {
				t.Errorf("%s at %d: footer %q", c.start, w, footer)
			}
			for _, want := range c.wide {
				if got := strings.Contains(footer, want); (w == 200 && !got) || (w == 60 && got) {
					t.Errorf("%s at %d: %q in the footer: %v", c.start, w, want, got)
				}
			}
		}
	}
}
