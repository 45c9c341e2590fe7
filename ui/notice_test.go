package ui

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// A notice from the registry client shows in the status line, sanitized,
// stays over a page change, and goes at the next key.
func TestNoticeShowsInTheStatusLine(t *testing.T) {
	const said = "sending your credentials for localhost:5000 to its token server auth.example.com (said once)"
	for _, w := range []int{60, 80, 200} {
		hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", w, 24)
		hs.send(NoticeMsg(said + "\x1b[2J"))
		hs.send(common.PushPageMsg{Page: tree.New(hs.m.c, "localhost:5000/app:1.0")})
		hs.send(common.PopPageMsg{})
		screen := hs.screen()
		if !strings.Contains(strings.Join(strings.Fields(screen), " "), "sending your credentials for localhost:5000") {
			t.Fatalf("%d columns: the notice is not in the status line:\n%s", w, screen)
		}
		if strings.Contains(screen, "\x1b[2J") {
			t.Fatalf("%d columns: the notice reached the terminal unsanitized", w)
		}
		hs.keys("j")
		if strings.Contains(hs.screen(), "sending your credentials") {
			t.Fatalf("%d columns: the notice outlived the next key:\n%s", w, hs.screen())
		}
	}
}
