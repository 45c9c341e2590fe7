package ui

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/list"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/login"
	"github.com/manifold-dev/manifold/ui/pages/repos"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// A user who typed in the filter of a list keeps what they typed: j and k
// are letters there (openjdk, kafka), not cursor movement; only the arrows
// move the cursor while the field has focus.
func TestTypingJAndKInTheFilterTypesThem(t *testing.T) {
	f := uitest.NewFake()
	f.Repos = []string{"acme/web", "library/openjdk", "library/openjdk-slim", "team/kafka"}
	hs := newHarness(t, f, "localhost:5000", 80, 24)
	rp := hs.m.top().(*repos.Model)
	hs.keys("/")
	hs.typeText("jdk")
	if got := rp.List().FilterText(); got != "jdk" || rp.List().Pattern() != "jdk" {
		t.Fatalf("typed jdk, the filter holds %q (pattern %q)", got, rp.List().Pattern())
	}
	if rp.List().Shown() != 2 || rp.List().Selected() != "library/openjdk" {
		t.Fatalf("filter jdk shows %d rows, cursor on %q; want 2, on library/openjdk", rp.List().Shown(), rp.List().Selected())
	}
	hs.keys("down")
	if rp.List().Selected() != "library/openjdk-slim" {
		t.Fatalf("down while typing: cursor on %q", rp.List().Selected())
	}
	hs.keys("backspace", "backspace", "backspace")
	hs.typeText("kafka")
	if got := rp.List().FilterText(); got != "kafka" || rp.List().Shown() != 1 || rp.List().Selected() != "team/kafka" {
		t.Fatalf("typed kafka: filter %q, %d shown, cursor on %q", got, rp.List().Shown(), rp.List().Selected())
	}
	if !strings.Contains(hs.screen(), "/ kafka") {
		t.Fatalf("the filter field does not show what was typed:\n%s", hs.screen())
	}
}

// An error that arrives for a page the user has left is not shown: not in
// the status line, and it does not open a login prompt.
func TestLateErrorForALeftPageIsNotShown(t *testing.T) {
	f := uitest.NewFake()
	f.Block = make(chan struct{})
	var logins int
	hs := newHarness(t, f, "localhost:5000/app", 80, 24, func(o *common.Options) {
		o.Login = func(host, _, user, secret string) (common.Registry, error) { logins++; return f, nil }
	})
	tags := hs.m.top().(*tags.Model)
	tr := tree.New(hs.m.c, "localhost:5000/app:1.0")
	hs.m.push(tr) // its fetch hangs (never run here)
	hs.keys("esc")
	if hs.m.top() != common.Page(tags) {
		t.Fatalf("esc did not go back: at %T", hs.m.top())
	}
	before := hs.screen()
	hs.run(common.ReportErr(tr.PageID, "fetch localhost:5000/app:1.0", uitest.Unauthorized(), "localhost:5000"))
	if hs.m.status != "" || hs.m.statusErr {
		t.Fatalf("a late error for a left page was shown: %q", hs.m.status)
	}
	if hs.m.top() != common.Page(tags) || logins != 0 {
		t.Fatalf("a late 401 for a left page opened %T", hs.m.top())
	}
	if hs.screen() != before {
		t.Fatalf("a late error changed the screen:\n%s", hs.screen())
	}
	// The same error for the page on screen is shown, with the login prompt.
	hs.run(common.ReportErr(tags.PageID, "list tags of localhost:5000/app", uitest.Unauthorized(), "localhost:5000"))
	if !hs.m.statusErr || hs.m.status == "" {
		t.Fatal("an error for the open page was not shown")
	}
	if _, ok := hs.m.top().(*login.Model); !ok {
		t.Fatalf("a 401 for the open page did not ask to log in: at %T", hs.m.top())
	}
}

// A late answer for a page the user left is not delivered to the page
// below: a filter result computed for the tags page must not replace the
// repositories list, and a late page of tags must not be added to it.
func TestLateMessageForALeftPageDoesNotReachThePageBelow(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000", 80, 24)
	rp := hs.m.top().(*repos.Model)
	if rp.List().Shown() != 5 {
		t.Fatalf("repositories shown: %d, want 5", rp.List().Shown())
	}
	hs.keys("enter") // acme/cli
	tp, ok := hs.m.top().(*tags.Model)
	if !ok {
		t.Fatalf("enter opened %T, want the tags page", hs.m.top())
	}
	hs.keys("esc")
	if hs.m.top() != common.Page(rp) {
		t.Fatalf("esc did not go back to the repositories: at %T", hs.m.top())
	}
	before := hs.screen()
	// Tagged as the tags page's, with the generation the repositories list
	// is at, so only the routing can stop it.
	hs.send(list.FilterMsg{Page: tp.PageID, Gen: rp.List().FilterGen(), Pattern: "x", Visible: []int32{0}})
	hs.send(common.PageMsg{Page: tp.PageID, Req: tp.Req, Names: []string{"v9-late"}, Done: true})
	if rp.List().Shown() != 5 || rp.List().Has("v9-late") {
		t.Fatalf("a late message of the tags page reached the repositories list: %d shown, late tag added %v",
			rp.List().Shown(), rp.List().Has("v9-late"))
	}
	if hs.screen() != before {
		t.Fatalf("a late message changed the screen:\n%s", hs.screen())
	}
}

// The answer to an older request of a page still open (a refresh was asked
// for since) does not replace what the newer one shows.
func TestStaleTreeAnswerIsDropped(t *testing.T) {
	f := uitest.NewFake()
	hs := newHarness(t, f, "localhost:5000/app:1.0", 120, 30)
	tr, ok := hs.m.top().(*tree.Model)
	if !ok || tr.Tree() == nil {
		t.Fatalf("tree page not loaded: %T", hs.m.top())
	}
	shown := tr.Tree()
	old := tr.Request()
	f.Block = make(chan struct{}) // the refresh hangs
	cmd := tr.Init()              // r: a new request
	if tr.Request() == old {
		t.Fatal("a refresh did not make a new request")
	}
	hs.send(common.TreeMsg{Page: tr.PageID, Req: old, Tree: uitest.SingleTree()})
	if tr.Tree() != shown || !tr.Loading() {
		t.Fatal("the answer of the older request replaced the tree while the refresh runs")
	}
	if strings.Contains(hs.screen(), "localhost:5000/cli") {
		t.Fatalf("the stale tree is on screen:\n%s", hs.screen())
	}
	close(f.Block)
	hs.run(cmd)
	if tr.Loading() || tr.Tree() == nil || tr.Tree().Digest != shown.Digest {
		t.Fatalf("the refresh's own answer was not shown: loading %v", tr.Loading())
	}
}
