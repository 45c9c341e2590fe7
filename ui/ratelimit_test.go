package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// limitedFake is the fake registry with Docker Hub's rate-limit numbers.
type limitedFake struct {
	*uitest.FakeRegistry
	rl registry.RateLimit
}

func (f limitedFake) RateLimit(host string) (registry.RateLimit, bool) {
	return f.rl, host == "localhost:5000"
}

// TestStatusLineShowsPullsLeft: at 60, 80 and 200 columns the status line
// ends with what remains; a 429 says when the window resets.
func TestStatusLineShowsPullsLeft(t *testing.T) {
	f := limitedFake{uitest.NewFake(), registry.RateLimit{Limit: 100, Remaining: 76, Window: 6 * time.Hour}}
	for _, w := range []int{60, 80, 200} {
		hs := newHarness(t, f, "localhost:5000/app", w, 24)
		ls := hs.lines()
		status := ls[len(ls)-2]
		if !strings.HasSuffix(strings.TrimSpace(status), "pulls 76/100") || len([]rune(status)) > w {
			t.Errorf("at %d the status line is %q", w, status)
		}
	}
	e := &registry.RateLimitError{Host: "localhost:5000", Op: "GET /v2/", RetryAfter: time.Hour, MaxWait: 15 * time.Second,
		Limit: &registry.RateLimit{Limit: 100, Remaining: 0, Window: 6 * time.Hour, Reset: time.Hour, At: time.Now()}}
	text, _ := explain("fetch x", fmt.Errorf("wrapped: %w", e))
	if !strings.Contains(text, "0 of 100 pulls left") || !strings.Contains(text, "resets in 1h") {
		t.Fatalf("429 explained as %q", text)
	}
}
