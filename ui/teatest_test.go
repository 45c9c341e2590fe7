package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

// TestEndToEnd runs the whole program: open a reference, expand an entry,
// open its raw JSON, go back, quit.
func TestEndToEnd(t *testing.T) {
	f := uitest.NewFake()
	amd64 := common.ShortDigest(f.Trees["localhost:5000/app:1.0"].Entries[0].Digest)
	m, err := New(context.Background(), common.Options{Registry: f, Start: "localhost:5000/app:1.0", NoColor: true,
		HostPlatform: model.Platform{OS: "linux", Architecture: "amd64"}})
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	// waitFor waits until the new output holds every one of what.
	waitFor := func(what ...string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			for _, w := range what {
				if !bytes.Contains(b, []byte(w)) {
					return false
				}
			}
			return true
		}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	key := func(k string) { tm.Send(uitest.KeyMsg(k)) }

	waitFor("linux/arm/v7")
	key("down")
	key("down")
	key("enter") // expand linux/amd64
	waitFor("OCI manifest")
	key("down")
	key("v") // raw JSON of the manifest
	waitFor("Raw JSON", `"layers"`)
	key("esc")
	waitFor("OCI manifest  " + amd64) // the tree is back
	key("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(*Model)
	tr, ok := final.top().(*tree.Model)
	if !ok {
		t.Fatalf("quit from %T, want the tree", final.top())
	}
	if !tr.Expanded(tr.Rows()[2].Key) {
		t.Error("the entry is no longer expanded after coming back from raw")
	}
	if final.c.Ctx.Err() == nil {
		t.Error("quitting did not cancel the requests' context")
	}
	var _ tea.Model = final
}
