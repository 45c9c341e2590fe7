package ui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// harness is uitest's Harness over the root, which tests of the root
// reach into.
type harness struct {
	*uitest.Harness
	m *Model
}

func newHarness(t testing.TB, f common.Registry, start string, w, h int, mod ...func(*common.Options)) *harness {
	t.Helper()
	opts := uitest.Options(f, start)
	for _, fn := range mod {
		fn(&opts)
	}
	m, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return &harness{Harness: uitest.Start(t, m, f, w, h), m: m}
}

func (h *harness) send(msg tea.Msg)    { h.T.Helper(); h.Send(msg) }
func (h *harness) run(cmd tea.Cmd)     { h.T.Helper(); h.Run(cmd) }
func (h *harness) keys(keys ...string) { h.T.Helper(); h.Keys(keys...) }
func (h *harness) typeText(s string)   { h.T.Helper(); h.TypeText(s) }
func (h *harness) screen() string      { return h.Screen() }
