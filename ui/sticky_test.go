package ui

import (
	"strings"
	"testing"
)

// TestPushStatusStaysUntilTheNextKey: where a push went stays in the
// status line while the pushed tree opens, and goes at the next key.
func TestPushStatusStaysUntilTheNextKey(t *testing.T) {
	hs := newHarness(t, newFake(), "localhost:5000/app", 80, 24)
	hs.send(statusMsg{text: "pushed localhost:5000/app:1.0@sha256:abc", sticky: true})
	hs.send(pushPageMsg{newTreePage(hs.m.c, "localhost:5000/app:1.0")})
	hs.send(popPageMsg{})
	if !strings.Contains(hs.screen(), "pushed localhost:5000/app:1.0") {
		t.Fatalf("the push status went with a page change:\n%s", hs.screen())
	}
	hs.keys("j")
	if strings.Contains(hs.screen(), "pushed localhost:5000/app:1.0") {
		t.Fatalf("the push status outlived the next key:\n%s", hs.screen())
	}
}
