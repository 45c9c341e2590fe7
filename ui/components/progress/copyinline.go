package progress

import (
	"context"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/verbs"
)

// RunCopyProgress runs copy while drawing its progress inline on out (a
// terminal): the bars of CopyProgress, redrawn as events arrive, and left
// on screen when the copy ends. It returns what copy returned.
func RunCopyProgress(ctx context.Context, out io.Writer, plan *verbs.CopyPlan, copy func(ctx context.Context, progress func(verbs.CopyEvent)) (*verbs.CopyResult, error)) (*verbs.CopyResult, error) {
	m := &inlineCopy{p: NewCopyProgress(plan, time.Now()), width: 80}
	prog := tea.NewProgram(m, tea.WithOutput(out), tea.WithInput(nil), tea.WithContext(ctx), tea.WithoutSignalHandler())
	type result struct {
		res *verbs.CopyResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := copy(ctx, func(ev verbs.CopyEvent) { prog.Send(copyEventMsg{ev: ev, at: time.Now()}) })
		done <- result{res, err}
		prog.Send(copyFinishedMsg{}) // a no-op once the program has ended
	}()
	_, _ = prog.Run() // a display failure must not hide the copy's result
	r := <-done
	return r.res, r.err
}

type copyEventMsg struct {
	ev verbs.CopyEvent
	at time.Time
}

type copyFinishedMsg struct{}

type inlineCopy struct {
	p     *CopyProgress
	width int
}

func (m *inlineCopy) Init() tea.Cmd { return nil }

func (m *inlineCopy) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case copyEventMsg:
		m.p.Apply(msg.ev, msg.at)
	case copyFinishedMsg:
		return m, tea.Quit
	}
	return m, nil
}

func (m *inlineCopy) View() tea.View { return tea.NewView(m.p.View(m.width) + "\n") }
