package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/confirm"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tags"
)

type deleteFake struct {
	*uitest.FakeRegistry
	deleted *[]string
}

func (f deleteFake) Delete(_ context.Context, ref string) (string, error) {
	*f.deleted = append(*f.deleted, ref)
	return "sha256:" + strings.Repeat("ab", 32), nil
}

// TestDeleteNeedsTheNameTyped: ctrl+d on a tag opens a confirmation that
// deletes only once the reference is typed exactly; esc and a wrong name
// delete nothing; in readonly mode ctrl+d refuses in the status line.
func TestDeleteNeedsTheNameTyped(t *testing.T) {
	var deleted []string
	f := deleteFake{uitest.NewFake(), &deleted}
	hs := newHarness(t, f, "localhost:5000/app", 60, 20)
	tag := hs.m.top().(*tags.Model).List().Selected()
	target := "localhost:5000/app:" + tag
	hs.keys("ctrl+d")
	if _, ok := hs.m.top().(*confirm.DeletePage); !ok || !strings.Contains(hs.screen(), "Delete "+target) {
		t.Fatalf("ctrl+d: %T\n%s", hs.m.top(), hs.screen())
	}
	hs.typeText("q") // typed, not quit
	hs.keys("enter")
	if hs.Quit || len(deleted) != 0 || !strings.Contains(hs.screen(), "not deleted: type") {
		t.Fatalf("a wrong name deleted (or quit): %v\n%s", deleted, hs.screen())
	}
	hs.keys("esc")
	if _, ok := hs.m.top().(*tags.Model); !ok || len(deleted) != 0 {
		t.Fatal("esc did not cancel")
	}
	hs.keys("ctrl+d")
	hs.typeText(target)
	hs.keys("enter")
	if len(deleted) != 1 || deleted[0] != target || !strings.Contains(hs.screen(), "deleted") {
		t.Fatalf("deleted %v\n%s", deleted, hs.screen())
	}

	ro := newHarness(t, f, "localhost:5000/app", 60, 20, func(o *common.Options) { o.ReadOnly = true })
	ro.keys("ctrl+d")
	if _, ok := ro.m.top().(*tags.Model); !ok || !strings.Contains(ro.screen(), "readonly: not deleted") || !strings.Contains(ro.screen(), "readonly") {
		t.Fatalf("ctrl+d under readonly: %T\n%s", ro.m.top(), ro.screen())
	}
	if len(deleted) != 1 {
		t.Fatal("deleted under readonly")
	}
}
