package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/progress"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/copyto"
	"github.com/manifold-dev/manifold/ui/pages/tree"
	"github.com/manifold-dev/manifold/verbs"
)

// c on a tree entry: the pane offers that entry's platform, shows the plan,
// copies on y in the background, and reports where it went, against a real
// registry.
func TestCopyPaneCopiesTwoPlatforms(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	set, err := fixtures.Push(context.Background(), reg.Host, fixtures.Only(fixtures.Eleven))
	if err != nil {
		t.Fatal(err)
	}
	f := set[fixtures.Eleven]
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	hs := newHarness(t, c, f.Ref(reg.Host), 120, 40)
	tp, ok := hs.m.top().(*tree.Model)
	if !ok || tp.Tree() == nil {
		t.Fatalf("start page %T:\n%s", hs.m.top(), hs.screen())
	}
	for i := 0; i < 40 && (tp.Selected() == nil || tp.Selected().Entry == nil || tp.Selected().Entry.Platform == nil || tp.Selected().Entry.Platform.String() != "linux/arm64"); i++ {
		hs.keys("j")
	}
	hs.keys("c")
	cp, ok := hs.m.top().(*copyto.Model)
	if !ok {
		t.Fatalf("c opened %T:\n%s", hs.m.top(), hs.screen())
	}
	if cp.PlatformsText() != "linux/arm64" {
		t.Fatalf("platform field %q, want the entry's linux/arm64", cp.PlatformsText())
	}
	// Typing q in the field types it: it does not quit.
	hs.typeText("arm-q")
	if hs.Quit {
		t.Fatal("q in the copy form quit")
	}
	for range "-q" {
		hs.keys("backspace")
	}
	hs.keys("tab")
	hs.typeText(",linux/arm/v7")
	hs.keys("enter")
	if cp.State() != copyto.Review {
		t.Fatalf("after enter: state %d, err %v\n%s", cp.State(), cp.Err(), hs.screen())
	}
	scr := hs.screen()
	for _, want := range []string{"--platform linux/arm64 takes linux/arm64", "TO TRANSFER", "changed: the index is rewritten", f.Repo + ":arm"} {
		if !strings.Contains(scr, want) {
			t.Errorf("plan screen lacks %q:\n%s", want, scr)
		}
	}
	hs.keys("y")
	j := hs.m.c.Copy
	if j == nil || !j.Finished || j.Err != nil {
		t.Fatalf("copy job %+v\n%s", j, hs.screen())
	}
	if !strings.Contains(hs.m.status, "copied to "+reg.Host+"/"+f.Repo+":arm") {
		t.Errorf("status %q", hs.m.status)
	}
	d, err := c.HeadDigest(context.Background(), reg.Host+"/"+f.Repo+":arm")
	if err != nil || d != j.Plan.Digest {
		t.Fatalf("target %q (%v), want %s", d, err, j.Plan.Digest)
	}
	// esc goes back to browsing.
	hs.keys("esc")
	if _, ok := hs.m.top().(*tree.Model); !ok {
		t.Fatalf("esc from the pane: %T", hs.m.top())
	}
}

// A plan that cannot be made keeps the form, with the reason.
func TestCopyPaneKeepsTheFormOnABadPlatform(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{})
	set, err := fixtures.Push(context.Background(), reg.Host, fixtures.Only(fixtures.OCIAttest))
	if err != nil {
		t.Fatal(err)
	}
	f := set[fixtures.OCIAttest]
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	hs := newHarness(t, c, f.Ref(reg.Host), 100, 30)
	hs.keys("c")
	cp := hs.m.top().(*copyto.Model)
	hs.typeText("copy")
	hs.keys("tab")
	hs.typeText("windows/amd64")
	hs.keys("enter")
	if cp.State() != copyto.Form || cp.Err() == nil || !strings.Contains(hs.screen(), "windows/amd64") {
		t.Fatalf("state %d err %v\n%s", cp.State(), cp.Err(), hs.screen())
	}
	if cp.TargetText() != "copy" || cp.PlatformsText() != "windows/amd64" {
		t.Fatalf("the form lost what was typed: %q %q", cp.TargetText(), cp.PlatformsText())
	}
	if d, _ := c.HeadDigest(context.Background(), reg.Host+"/"+f.Repo+":copy"); d != "" {
		t.Fatal("a failed plan wrote the target")
	}
}

// While a copy runs, the user browses: the root keeps the progress in the
// status line; the end (or a cancel) is reported there too, and a message
// for a job that was replaced is dropped.
func TestCopyJobReportsWhileBrowsing(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 100, 30)
	plan := &verbs.CopyPlan{Target: "localhost:5000/app:copy", TargetRepo: "localhost:5000/app",
		Blobs: []*verbs.PlannedBlob{{Descriptor: model.Descriptor{Digest: "sha256:" + strings.Repeat("a", 64), Size: 1000}, Action: verbs.BlobCopy}}}
	ctx, cancel := context.WithCancel(context.Background())
	j := &common.CopyJob{ID: 7, Plan: plan, Progress: progress.NewCopyProgress(plan, time.Now()), Cancel: cancel}
	hs.m.c.Copy = j
	d := plan.Blobs[0].Digest
	hs.m.handleCopyJob(common.CopyJobMsg{Job: 7, Event: &verbs.CopyEvent{Kind: verbs.BlobStarted, Digest: d, Action: verbs.BlobCopy, Size: 1000}, At: time.Now()})
	hs.m.handleCopyJob(common.CopyJobMsg{Job: 7, Event: &verbs.CopyEvent{Kind: verbs.BlobProgress, Digest: d, Action: verbs.BlobCopy, Size: 1000, Bytes: 500}, At: time.Now()})
	if !strings.Contains(hs.m.status, "copying to localhost:5000/app:copy: 50%") {
		t.Fatalf("status while browsing: %q", hs.m.status)
	}
	// A late message of another job changes nothing.
	hs.m.handleCopyJob(common.CopyJobMsg{Job: 8, Done: &common.CopyResult{Err: errors.New("boom")}})
	if j.Finished || strings.Contains(hs.m.status, "boom") {
		t.Fatalf("another job's end was applied: %q", hs.m.status)
	}
	cancel()
	hs.m.handleCopyJob(common.CopyJobMsg{Job: 7, Done: &common.CopyResult{Err: ctx.Err()}})
	if !j.Finished || !strings.Contains(hs.m.status, "cancelled") || hs.m.statusErr {
		t.Fatalf("after cancel: finished %v, status %q", j.Finished, hs.m.status)
	}
}
