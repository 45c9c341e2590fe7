// Command teafloor is the smallest bubbletea v2 program manifold's browser
// can be compared with: one static view in the alternate screen, no
// commands, no timers of its own, q quits. bench/tui.sh measures its idle
// CPU beside manifold's, at the same frame rate (MANIFOLD_FPS, 15 by
// default): what is left above it is manifold's, the rest is bubbletea's
// frame ticker and the Go runtime waking for it.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
)

type model struct{ view string }

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "q" {
		return m, tea.Quit
	}
	return m, nil
}

func (m model) View() tea.View {
	v := tea.NewView(m.view)
	v.AltScreen = true
	return v
}

func main() {
	fps := 15
	if n, err := strconv.Atoi(os.Getenv("MANIFOLD_FPS")); err == nil && n >= 1 && n <= 120 {
		fps = n
	}
	// A screen of text about the size of a tree's.
	view := strings.Repeat("linux/arm64   sha256:0123456789ab   12.3 MB   2 layers\n", 30)
	if _, err := tea.NewProgram(model{view: view}, tea.WithFPS(fps)).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "teafloor:", err)
		os.Exit(1)
	}
}
