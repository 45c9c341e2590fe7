package ui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// TestConventionGoldens: the screens of issue 14 at 60×20, 80×24 and
// 200×60: the copy menu, the help screen, the readonly header, the delete
// confirmation, a filter with no match and a failed tree's footer.
func TestConventionGoldens(t *testing.T) {
	type step struct {
		name, start string
		keys        []string
		text        string
		readonly    bool
	}
	steps := []step{
		{name: "copy-menu", start: "localhost:5000/app:1.0", keys: []string{"y"}},
		{name: "help", start: "localhost:5000/app:1.0", keys: []string{"?"}},
		{name: "readonly", start: "localhost:5000/app", readonly: true, keys: []string{"ctrl+d"}},
		{name: "delete", start: "localhost:5000/app", keys: []string{"ctrl+d"}},
		{name: "no-match", start: "localhost:5000/app", keys: []string{"/"}, text: "zzz"},
		{name: "failed-tree", start: "localhost:5000/app:nope"},
	}
	for _, sz := range [][2]int{{60, 20}, {80, 24}, {200, 60}} {
		for _, st := range steps {
			t.Run(fmt.Sprintf("%s-%dx%d", st.name, sz[0], sz[1]), func(t *testing.T) {
				var deleted []string
				hs := newHarness(t, uitest.DeletingFake{FakeRegistry: uitest.NewFake(), Deleted: &deleted}, st.start, sz[0], sz[1], func(o *common.Options) { o.ReadOnly = st.readonly })
				hs.keys(st.keys...)
				hs.typeText(st.text)
				for i, l := range hs.lines() {
					if w := len([]rune(l)); w > sz[0] {
						t.Errorf("line %d is %d wide", i, w)
					}
				}
				golden.RequireEqual(t, []byte(hs.screen()))
			})
		}
	}
}
