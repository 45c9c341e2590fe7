package ui

import (
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
	hs, m := uitest.Open(t, New, f, start, w, h, mod...)
	return &harness{Harness: hs, m: m}
}

func (h *harness) send(msg tea.Msg)    { h.T.Helper(); h.Send(msg) }
func (h *harness) run(cmd tea.Cmd)     { h.T.Helper(); h.Run(cmd) }
func (h *harness) keys(keys ...string) { h.T.Helper(); h.Keys(keys...) }
func (h *harness) typeText(s string)   { h.T.Helper(); h.TypeText(s) }
func (h *harness) screen() string      { return h.Screen() }
