package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/verbs"
)

// The copy pane: `c` on a tree asks where to copy it (and which platforms),
// shows the plan that `manifold cp --dry-run` prints, and after a yes runs
// the copy in the background. The pane shows the progress bars; leaving it
// (esc) keeps the copy running, with its progress in the status line, and
// `c` on a tree opens the running copy again. `x` cancels it.

// copyJob is a copy running in the background. It belongs to the root (it
// outlives the pane), and its context is the program's, not a page's.
type copyJob struct {
	id     int
	plan   *verbs.CopyPlan
	prog   *CopyProgress
	cancel context.CancelFunc
	events chan verbs.CopyEvent
	done   chan copyResult

	finished bool
	res      *verbs.CopyResult
	err      error
}

type copyResult struct {
	res *verbs.CopyResult
	err error
}

// copyJobMsg is one step of the background copy: an event, or its end.
type copyJobMsg struct {
	job  int
	ev   *verbs.CopyEvent
	at   time.Time
	done *copyResult
}

// startCopy starts plan in the background on the program's context.
func startCopy(c *common, cl verbs.CopyClient, plan *verbs.CopyPlan) (*copyJob, tea.Cmd) {
	ctx, cancel := context.WithCancel(c.ctx)
	j := &copyJob{id: nextID(), plan: plan, prog: NewCopyProgress(plan, time.Now()), cancel: cancel,
		events: make(chan verbs.CopyEvent, 256), done: make(chan copyResult, 1)}
	go func() {
		res, err := verbs.Copy(ctx, cl, plan, 4, func(ev verbs.CopyEvent) {
			if ev.Kind == verbs.BlobProgress {
				select { // progress may be dropped when the UI lags; the rest never
				case j.events <- ev:
				default:
				}
				return
			}
			select {
			case j.events <- ev:
			case <-ctx.Done():
			}
		})
		j.done <- copyResult{res, err}
	}()
	return j, waitCopy(j)
}

// waitCopy waits for the job's next event, or its end once every event was
// delivered (the end is sent after the last event was queued).
func waitCopy(j *copyJob) tea.Cmd {
	return func() tea.Msg {
		select {
		case ev := <-j.events:
			return copyJobMsg{job: j.id, ev: &ev, at: time.Now()}
		case r := <-j.done:
			select {
			case ev := <-j.events:
				j.done <- r // not yet: deliver the queued events first
				return copyJobMsg{job: j.id, ev: &ev, at: time.Now()}
			default:
			}
			return copyJobMsg{job: j.id, done: &r, at: time.Now()}
		}
	}
}

// handleCopyJob is the root's part: it feeds the job's progress, keeps the
// status line current while another page is on top, and reports the end.
func (m *Model) handleCopyJob(msg copyJobMsg) tea.Cmd {
	j := m.c.copy
	if j == nil || j.id != msg.job {
		return nil // a job that was replaced
	}
	if msg.ev != nil {
		j.prog.Apply(*msg.ev, msg.at)
		if _, onPane := m.top().(*copyPage); !onPane {
			m.status, m.statusErr = "copying to "+termsafe.String(j.plan.Target)+": "+j.prog.Summary(), false
		}
		return waitCopy(j)
	}
	j.finished, j.res, j.err = true, msg.done.res, msg.done.err
	if errors.Is(j.err, context.Canceled) {
		m.status, m.statusErr = "copy to "+termsafe.String(j.plan.Target)+" cancelled: the tag was not moved; c on the tree runs it again, skipping what was copied", false
		return nil
	}
	if j.err != nil {
		m.status, m.statusErr = "copy to "+termsafe.String(j.plan.Target)+" failed: "+termsafe.String(j.err.Error())+" (press c on the tree to run it again: what was copied is skipped)", true
		return nil
	}
	m.status, m.statusErr = fmt.Sprintf("copied to %s (%s): %d blobs copied, %d mounted, %d already there",
		termsafe.String(j.plan.Target), shortDigest(j.res.Digest), j.res.Copied, j.res.Mounted, j.res.Skipped), false
	return tagWritten(j.plan.TargetRepo)
}

// Summary is the one-line progress for the status bar.
func (p *CopyProgress) Summary() string {
	pct := 100
	if p.total > 0 {
		pct = int(min(100*p.done/p.total, 100))
	}
	return fmt.Sprintf("%d%% · %s/s · blobs %d/%d", pct, humanSize(int64(p.Rate())), p.blobsDone, p.blobsTotal)
}

type copyState int

const (
	copyForm copyState = iota
	copyPlanning
	copyReview
	copyRunning
)

// copyPage is the copy pane.
type copyPage struct {
	pageBase
	src   string // the reference the tree shows
	host  string // the registry browsed: names without a host open there
	state copyState

	target, plats textinput.Model
	focus         int // 0 target, 1 platforms

	req  int
	plan *verbs.CopyPlan
	err  error
}

// copyPlanMsg carries a plan (or why there is none) to the pane.
type copyPlanMsg struct {
	page, req int
	plan      *verbs.CopyPlan
	err       error
}

func (m copyPlanMsg) target() int { return m.page }

// newCopyPage opens the pane for src; platform, when not "", fills the
// platform field (c on an entry copies that entry).
func newCopyPage(c *common, src, host, platform string) *copyPage {
	p := &copyPage{pageBase: newPageBase(c), src: src, host: host}
	p.target = newInput()
	p.target.Prompt = "to: "
	p.target.Placeholder = "repo:tag here, or host/repo:tag on another registry"
	p.plats = newInput()
	p.plats.Prompt = "platforms: "
	p.plats.Placeholder = "all (byte for byte), or linux/amd64,linux/arm64"
	p.plats.SetValue(platform)
	if c.copy != nil && !c.copy.finished {
		p.state, p.plan = copyRunning, c.copy.plan
	}
	return p
}

func (p *copyPage) Crumb() string      { return "copy" }
func (p *copyPage) InputFocused() bool { return p.state == copyForm }
func (p *copyPage) Busy() bool         { return p.state == copyPlanning }
func (p *copyPage) Where() (string, string) {
	return hostOf(p.src), p.srcRepo()
}

func (p *copyPage) srcRepo() string { repo, _ := splitRef(p.src); return repo }

func (p *copyPage) Init() tea.Cmd {
	if p.state == copyForm {
		return p.target.Focus()
	}
	return nil
}

func (p *copyPage) SetSize(w, h int) {
	p.pageBase.SetSize(w, h)
	p.target.SetWidth(max(w-8, 1))
	p.plats.SetWidth(max(w-16, 1))
}

// targetRef resolves what was typed as : does: a bare tag is a tag of the
// source's repository, a name without a host is in the registry browsed.
func (p *copyPage) targetRef() string {
	v := strings.TrimSpace(p.target.Value())
	if v == "" {
		return ""
	}
	if !strings.Contains(v, "/") && !hostLike(strings.SplitN(v, ":", 2)[0]) {
		v = strings.TrimPrefix(v, ":")
		if !strings.Contains(v, ":") {
			return p.srcRepo() + ":" + v
		}
	}
	return relativeTo(p.host, v)
}

func (p *copyPage) Update(msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case copyPlanMsg:
		if msg.req != p.req || p.state != copyPlanning {
			return p, nil // an answer for a plan the user has gone past
		}
		p.plan, p.err = msg.plan, msg.err
		if msg.err != nil {
			p.state = copyForm
			return p, tea.Batch(p.focusField(p.focus), setStatus("no plan: "+termsafe.String(msg.err.Error()), true))
		}
		p.state = copyReview
		return p, nil
	case tea.KeyPressMsg:
		if p.state == copyForm {
			return p, p.updateForm(msg)
		}
		return p, runKey(p.Keys(), msg)
	}
	if p.state == copyForm {
		var cmd tea.Cmd
		if p.focus == 0 {
			p.target, cmd = p.target.Update(msg)
		} else {
			p.plats, cmd = p.plats.Update(msg)
		}
		return p, cmd
	}
	return p, nil
}

func (p *copyPage) focusField(i int) tea.Cmd {
	p.focus = i
	if i == 0 {
		p.plats.Blur()
		return p.target.Focus()
	}
	p.target.Blur()
	return p.plats.Focus()
}

func (p *copyPage) updateForm(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, p.c.keys.Cancel):
		return popPage
	case key.Matches(msg, p.c.keys.NextField):
		return p.focusField(1 - p.focus)
	case key.Matches(msg, p.c.keys.Submit):
		return p.submit()
	}
	var cmd tea.Cmd
	if p.focus == 0 {
		p.target, cmd = p.target.Update(msg)
	} else {
		p.plats, cmd = p.plats.Update(msg)
	}
	return cmd
}

// submit checks the form and asks for the plan, in a command.
func (p *copyPage) submit() tea.Cmd {
	dst := p.targetRef()
	if dst == "" {
		return setStatus("Type where to copy to: a tag (v1-arm), repo:tag, or host/repo:tag.", true)
	}
	var plats []model.Platform
	for _, s := range strings.Split(p.plats.Value(), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		pl, err := model.ParsePlatform(s)
		if err != nil {
			return setStatus(fmt.Sprintf("platform %q: %s", termsafe.String(s), termsafe.String(err.Error())), true)
		}
		plats = append(plats, pl)
	}
	cl, ok := p.c.reg.(verbs.CopyClient)
	if !ok {
		return setStatus("this registry client cannot copy", true)
	}
	p.state, p.err = copyPlanning, nil
	p.req = nextID()
	p.target.Blur()
	p.plats.Blur()
	page, req, ctx, src := p.id, p.req, p.ctx, p.src
	return func() tea.Msg {
		plan, err := verbs.PlanCopy(ctx, cl, src, dst, verbs.CopyOptions{Platforms: plats})
		return copyPlanMsg{page: page, req: req, plan: plan, err: err}
	}
}

func (p *copyPage) Keys() []Key {
	k := p.c.keys
	review := func() bool { return p.state == copyReview }
	running := func() bool { return p.state == copyRunning && p.c.copy != nil && !p.c.copy.finished }
	form := func() bool { return p.state == copyForm }
	return []Key{
		{Binding: k.Submit, Group: groupAct, Footer: 1, When: form},
		{Binding: k.NextField, Group: groupAct, Footer: 2, When: form},
		{Binding: copyYes, Group: groupAct, Footer: 1, When: review, Run: p.start},
		{Binding: copyEdit, Group: groupAct, Footer: 2, When: review, Run: func(tea.KeyPressMsg) tea.Cmd {
			p.state = copyForm
			return p.focusField(0)
		}},
		{Binding: copyCancel, Group: groupAct, Footer: 1, When: running, Run: func(tea.KeyPressMsg) tea.Cmd {
			p.c.copy.cancel()
			return setStatus("cancelling the copy…", false)
		}},
	}
}

var (
	copyYes    = key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "copy"))
	copyEdit   = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit"))
	copyCancel = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel copy"))
)

// start runs the reviewed plan in the background.
func (p *copyPage) start(tea.KeyPressMsg) tea.Cmd {
	if p.c.copy != nil && !p.c.copy.finished {
		return setStatus("a copy is already running: wait for it, or press x to cancel it", true)
	}
	cl, ok := p.c.reg.(verbs.CopyClient)
	if !ok {
		return setStatus("this registry client cannot copy", true)
	}
	j, cmd := startCopy(p.c, cl, p.plan)
	p.c.copy = j
	p.state = copyRunning
	return tea.Batch(cmd, setStatus("copying to "+termsafe.String(p.plan.Target)+" (esc goes on browsing; the copy goes on)", false))
}

func (p *copyPage) View() string {
	s := p.c.styles
	var lines []string
	// Wrapped at word boundaries, never cut: a plan line holds digests.
	add := func(l string) { lines = append(lines, strings.Split(ansi.Wrap(l, max(p.width, 1), ""), "\n")...) }
	if p.state != copyReview { // the plan names both ends itself
		add(s.Title.Render("Copy " + termsafe.String(p.src)))
	}
	switch p.state {
	case copyForm, copyPlanning:
		if p.err != nil {
			add(s.Error.Render(termsafe.String(p.err.Error())))
		}
		add(s.Faint.Render("A tag here (v1-arm), repo:tag in this registry, or host/repo:tag on another. Platforms: empty copies everything byte for byte."))
		add("")
		add(p.target.View())
		add(p.plats.View())
		if p.state == copyPlanning {
			add("")
			add(s.Faint.Render("planning: reading the source and asking the target what it has…"))
		}
	case copyReview:
		for _, l := range p.plan.Describe() {
			add(l)
		}
		add("")
		add(s.Faint.Render("y copies · e edits · esc goes back"))
	case copyRunning:
		j := p.c.copy
		if j == nil {
			break
		}
		for _, l := range strings.Split(j.prog.View(p.width), "\n") {
			add(l)
		}
		add("")
		switch {
		case j.finished && j.err != nil:
			add(s.Error.Render(termsafe.String(j.err.Error())))
		case j.finished:
			add(fmt.Sprintf("done: %s@%s", termsafe.String(j.plan.TargetRepo), j.res.Digest))
		default:
			add(s.Faint.Render("esc goes on browsing while the copy runs · x cancels it"))
		}
	}
	if len(lines) > p.height {
		lines = lines[:max(p.height, 0)]
	}
	return joinLines(lines)
}
