package ui

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// TestPushStatusStaysUntilTheNextKey: where a push went stays in the
// status line while the pushed tree opens, and goes at the next key.
func TestPushStatusStaysUntilTheNextKey(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", 80, 24)
	hs.send(common.StatusMsg{Text: "pushed localhost:5000/app:1.0@sha256:abc", Sticky: true})
	hs.send(common.PushPageMsg{Page: tree.New(hs.m.c, "localhost:5000/app:1.0")})
	hs.send(common.PopPageMsg{})
	if !strings.Contains(hs.screen(), "pushed localhost:5000/app:1.0") {
		t.Fatalf("the push status went with a page change:\n%s", hs.screen())
	}
	hs.keys("j")
	if strings.Contains(hs.screen(), "pushed localhost:5000/app:1.0") {
		t.Fatalf("the push status outlived the next key:\n%s", hs.screen())
	}
}
