package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

func rateLimited() *registry.RetryEvent {
	return &registry.RetryEvent{Host: "localhost:5000", Method: "GET", Path: "/v2/app/manifests/1.0",
		Attempt: 2, Max: 4, Wait: 3 * time.Second, Reason: "429 Too Many Requests (Retry-After 3s)"}
}

// TestTreeFetchShowsRateLimitRetry: while the tree's fetch waits out a 429,
// the status line says so, with the host, the wait and the attempt.
func TestTreeFetchShowsRateLimitRetry(t *testing.T) {
	f := uitest.NewFake()
	f.Retry = rateLimited()
	f.Block = make(chan struct{})
	defer close(f.Block)
	hs := newHarness(t, f, "localhost:5000/app:1.0", 120, 30)
	want := "rate limited by localhost:5000, retrying in 3s (attempt 2 of 4)"
	if s := hs.screen(); !strings.Contains(s, want) {
		t.Fatalf("status line does not say %q while the fetch waits:\n%s", want, s)
	}
}

// TestTagListingShowsServerErrorRetry: a 5xx retry of the tag listing is
// shown as what the registry answered.
func TestTagListingShowsServerErrorRetry(t *testing.T) {
	f := uitest.NewFake()
	f.Retry = &registry.RetryEvent{Host: "localhost:5000", Method: "GET", Path: "/v2/app/tags/list",
		Attempt: 3, Max: 4, Wait: 1500 * time.Millisecond, Reason: "503 Service Unavailable"}
	f.Block = make(chan struct{})
	defer close(f.Block)
	hs := newHarness(t, f, "localhost:5000/app", 120, 30)
	want := "localhost:5000 answered 503 Service Unavailable, retrying in 2s (attempt 3 of 4)"
	if s := hs.screen(); !strings.Contains(s, want) {
		t.Fatalf("status line does not say %q while the listing waits:\n%s", want, s)
	}
}

// TestRetryStatusClearsWithTheAnswer: the fetch's command first delivers
// the retry (shown), then, resumed, the answer: the retry text leaves the
// status line and the tree shows.
func TestRetryStatusClearsWithTheAnswer(t *testing.T) {
	f := uitest.NewFake()
	f.Retry = rateLimited()
	f.Block = make(chan struct{})
	hs := newHarness(t, f, "localhost:5000/app:1.0", 120, 30)
	tp := hs.m.top().(*tree.Model)
	msg := tp.Init()() // a new request: its first message is the retry
	rm, ok := msg.(common.RetryMsg)
	if !ok {
		t.Fatalf("first message of a retried fetch is %T, want retryMsg", msg)
	}
	_, next := hs.m.Update(rm)
	if s := hs.screen(); !strings.Contains(s, "rate limited by localhost:5000") {
		t.Fatalf("retry not shown:\n%s", s)
	}
	close(f.Block)
	hs.run(next)
	s := hs.screen()
	if strings.Contains(s, "rate limited") {
		t.Fatalf("retry text still shown after the answer:\n%s", s)
	}
	if !strings.Contains(s, "linux/arm64") {
		t.Fatalf("the tree is not shown after the retry:\n%s", s)
	}
}

// TestRetryOfALeftPageIsDropped: a retry reported for a page that is no
// longer open neither shows nor resumes its fetch's command.
func TestRetryOfALeftPageIsDropped(t *testing.T) {
	f := uitest.NewFake()
	hs := newHarness(t, f, "localhost:5000/app", 120, 30)
	resumed := false
	next := func() tea.Msg { resumed = true; return nil }
	_, cmd := hs.m.Update(common.RetryMsg{Page: -1, Event: *rateLimited(), Next: next})
	hs.run(cmd)
	if resumed {
		t.Fatal("the fetch of a page that was left was resumed")
	}
	if s := hs.screen(); strings.Contains(s, "rate limited") {
		t.Fatalf("retry of a page that was left is shown:\n%s", s)
	}
	// The same message for the open page is shown and resumes.
	_, cmd = hs.m.Update(common.RetryMsg{Page: hs.m.top().ID(), Event: *rateLimited(), Next: next})
	hs.run(cmd)
	if !resumed || !strings.Contains(hs.screen(), "rate limited by localhost:5000") {
		t.Fatalf("retry of the open page: resumed=%v, screen:\n%s", resumed, hs.screen())
	}
}
