package uitest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// Harness drives a model (the UI's root) without a terminal: it calls
// Update and runs the commands that come back (dropping timers: spinner
// ticks and cursor blinks), recording the clipboard and whether the
// program quit.
type Harness struct {
	T         testing.TB
	M         tea.Model
	Clipboard string
	Quit      bool
	// Wait is how long a wave of commands may take before the ones still
	// running count as timers (CmdWait, or RealWait against a real registry).
	Wait time.Duration
}

// Options are the UI's options for a test: reg, start, no colour, and a
// linux/amd64 host for the resolve matrix.
func Options(reg common.Registry, start string) common.Options {
	return common.Options{Registry: reg, Start: start, NoColor: true,
		HostPlatform: model.Platform{OS: "linux", Architecture: "amd64"}}
}

// Start sizes m to w×h and runs its Init. reg is the registry m talks to:
// against a real one (*registry.Client) commands may take longer.
func Start(t testing.TB, m tea.Model, reg common.Registry, w, h int) *Harness {
	t.Helper()
	hs := &Harness{T: t, M: m, Wait: CmdWait}
	if _, real := reg.(*registry.Client); real {
		// Real HTTP under -race on a loaded machine can take far longer
		// than a fake; timers still end the wave when they fire.
		hs.Wait = RealWait
	}
	hs.Send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.Run(m.Init())
	return hs
}

// Send delivers msg and runs what it returns.
func (h *Harness) Send(msg tea.Msg) {
	h.T.Helper()
	_, cmd := h.M.Update(msg)
	h.Run(cmd)
}

// Run executes cmd and feeds its messages back, in waves: the commands of a
// wave run at once, and ones still waiting after Wait (timers) are
// dropped.
func (h *Harness) Run(cmd tea.Cmd) {
	h.T.Helper()
	wave := []tea.Cmd{cmd}
	for steps := 0; len(wave) > 0; steps++ {
		if steps > 1000 {
			h.T.Fatal("too many commands: a loop?")
		}
		msgs := RunWave(wave, h.Wait)
		wave = nil
		for len(msgs) > 0 {
			msg := msgs[0]
			msgs = msgs[1:]
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				wave = append(wave, msg...)
			case tea.QuitMsg:
				h.Quit = true
			default:
				typ := fmt.Sprintf("%T", msg)
				switch {
				case strings.HasPrefix(typ, "spinner.") || strings.HasPrefix(typ, "cursor."):
				case typ == "tea.setClipboardMsg":
					h.Clipboard = fmt.Sprint(msg)
				case strings.HasPrefix(typ, "tea.") && typ != "tea.KeyPressMsg":
					// terminal requests (background colour …): nothing to answer
				default:
					_, next := h.M.Update(msg)
					wave = append(wave, next)
				}
			}
		}
	}
}

// Keys presses keys (KeyMsg's names) one after the other.
func (h *Harness) Keys(keys ...string) {
	h.T.Helper()
	for _, k := range keys {
		h.Send(KeyMsg(k))
	}
}

// TypeText types s, a key press a rune.
func (h *Harness) TypeText(s string) {
	h.T.Helper()
	for _, r := range s {
		h.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// Screen is the rendered screen without colours.
func (h *Harness) Screen() string { return ansi.Strip(h.M.View().Content) }

// Top is the root's top page (the root has a Top method).
func (h *Harness) Top() common.Page { return h.M.(interface{ Top() common.Page }).Top() }

// Open builds the root with open (ui.New) over reg, opened at start, and
// starts it at w×h; mod adjusts the options first. The root is closed when
// the test ends.
func Open[M interface {
	tea.Model
	Close()
}](t testing.TB, open func(context.Context, common.Options) (M, error), reg common.Registry, start string, w, h int, mod ...func(*common.Options)) (*Harness, M) {
	t.Helper()
	opts := Options(reg, start)
	for _, fn := range mod {
		fn(&opts)
	}
	m, err := open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return Start(t, m, reg, w, h), m
}
