package confirm_test

import (
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/ui"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/confirm"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tags"
)

// TestDeleteNeedsTheNameTyped: ctrl+d on a tag opens a confirmation that
// deletes only once the reference is typed exactly; esc and a wrong name
// delete nothing; in readonly mode ctrl+d refuses in the status line.
func TestDeleteNeedsTheNameTyped(t *testing.T) {
	var deleted []string
	f := uitest.DeletingFake{FakeRegistry: uitest.NewFake(), Deleted: &deleted}
	hs, _ := uitest.Open(t, ui.New, f, "localhost:5000/app", 60, 20)
	tag := hs.Top().(*tags.Model).List().Selected()
	target := "localhost:5000/app:" + tag
	hs.Keys("ctrl+d")
	if _, ok := hs.Top().(*confirm.DeletePage); !ok || !strings.Contains(hs.Screen(), "Delete "+target) {
		t.Fatalf("ctrl+d: %T\n%s", hs.Top(), hs.Screen())
	}
	hs.TypeText("q") // typed, not quit
	hs.Keys("enter")
	if hs.Quit || len(deleted) != 0 || !strings.Contains(hs.Screen(), "not deleted: type") {
		t.Fatalf("a wrong name deleted (or quit): %v\n%s", deleted, hs.Screen())
	}
	hs.Keys("esc")
	if _, ok := hs.Top().(*tags.Model); !ok || len(deleted) != 0 {
		t.Fatal("esc did not cancel")
	}
	hs.Keys("ctrl+d")
	hs.TypeText(target)
	hs.Keys("enter")
	if len(deleted) != 1 || deleted[0] != target || !strings.Contains(hs.Screen(), "deleted") {
		t.Fatalf("deleted %v\n%s", deleted, hs.Screen())
	}

	ro, _ := uitest.Open(t, ui.New, f, "localhost:5000/app", 60, 20, func(o *common.Options) { o.ReadOnly = true })
	ro.Keys("ctrl+d")
	if _, ok := ro.Top().(*tags.Model); !ok || !strings.Contains(ro.Screen(), "readonly: not deleted") || !strings.Contains(ro.Screen(), "readonly") {
		t.Fatalf("ctrl+d under readonly: %T\n%s", ro.Top(), ro.Screen())
	}
	if len(deleted) != 1 {
		t.Fatal("deleted under readonly")
	}
}
