package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// TestDetailsWrapAtWords: the details pane wraps at spaces, never inside a
// word; only a token wider than the pane (a digest) is cut, and never
// inside an escaped sequence.
func TestDetailsWrapAtWords(t *testing.T) {
	digest := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	long := "label org.example.description: a friendly little image that says hello in several languages and exits"
	hostile := "label evil: " + termsafe.String("red\x1b[31m zero\u200bwidth "+strings.Repeat("x", 20)+"\x1b[2J\x1b[H\u200b\u200b")
	for _, width := range []int{24, 30, 40, 60, 80, 200} {
		for _, line := range []string{long, "digest: " + digest, hostile, "env: PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"} {
			got := tree.WrapField(line, width)
			if strings.Join(got, " ") != line && strings.Join(got, "") != line {
				// Rejoin: at spaces with a space, inside a long token without.
				var b strings.Builder
				rest := line
				for _, g := range got {
					rest = strings.TrimPrefix(strings.TrimPrefix(rest, g), " ")
					b.WriteString(g)
				}
				if rest != "" {
					t.Errorf("width %d: %q wrapped to %q loses text (left %q)", width, line, got, rest)
				}
			}
			for _, g := range got {
				if ansi.StringWidth(g) > width {
					t.Errorf("width %d: line %q is wider", width, g)
				}
				if strings.HasSuffix(g, `\`) || strings.HasSuffix(g, `\x`) || strings.HasSuffix(g, `\u`) || strings.HasSuffix(g, `\u20`) || strings.HasSuffix(g, `\x1`) {
					t.Errorf("width %d: an escape cut at %q", width, g)
				}
			}
			// Words that fit are never cut: every word of the line shorter
			// than the width is on one line whole.
			for _, w := range strings.Fields(line) {
				if len(w) > width {
					continue
				}
				whole := false
				for _, g := range got {
					if strings.Contains(" "+g+" ", " "+w+" ") {
						whole = true
					}
				}
				if !whole {
					t.Errorf("width %d: word %q cut across lines: %q", width, w, got)
				}
			}
		}
	}
	// The digest starts beside its label and reads whole when joined.
	got := tree.WrapField("digest: "+digest, 40)
	if !strings.HasPrefix(got[0], "digest: sha256:") || strings.TrimPrefix(strings.Join(got, ""), "digest: ") != digest {
		t.Errorf("digest wrapped to %q", got)
	}
	// An escape is never split across lines.
	for _, width := range []int{10, 11, 12, 13, 14, 15, 16} {
		got := tree.WrapField(`v: `+strings.Repeat(`\u200b`, 5), width)
		for _, g := range got {
			if strings.Count(g, `\`)*6+strings.Count(g, "v: ")*3 != len(g) {
				t.Errorf("width %d: escape split: %q", width, got)
			}
		}
	}
	// Through the pane (half the screen; the 31-cell key fits from 80 on).
	for _, w := range []int{80, 200} {
		hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", w, 40)
		tr := hs.m.top().(*tree.Model)
		hs.keys("down")
		pane := ansi.Strip(tr.DetailsView(w/2, 40))
		if !strings.Contains(pane, "org.opencontainers.image.source") {
			t.Errorf("%d: annotation key cut:\n%s", w, pane)
		}
	}
}
