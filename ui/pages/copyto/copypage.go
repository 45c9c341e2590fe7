// Package copyto is the copy pane (c on a tree): where to copy, the plan,
// and the copy running in the background.
package copyto

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/progress"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/verbs"
)

// The copy pane: `c` on a tree asks where to copy it (and which platforms),
// shows the plan that `manifold cp --dry-run` prints, and after a yes runs
// the copy in the background. The pane shows the progress bars; leaving it
// (esc) keeps the copy running, with its progress in the status line, and
// `c` on a tree opens the running copy again. `x` cancels it.

// State is where the pane is.
type State int

const (
	Form State = iota
	Planning
	Review
	Running
)

// Model is the copy pane.
type Model struct {
	common.PageBase
	src   string // the reference the tree shows
	host  string // the registry browsed: names without a host open there
	state State

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

func (m copyPlanMsg) Target() int { return m.page }

// New opens the pane for src; platform, when not "", fills the
// platform field (c on an entry copies that entry).
func New(c *common.Common, src, host, platform string) *Model {
	p := &Model{PageBase: common.NewPageBase(c), src: src, host: host}
	p.target = common.NewInput()
	p.target.Prompt = "to: "
	p.target.Placeholder = "repo:tag here, or host/repo:tag on another registry"
	p.plats = common.NewInput()
	p.plats.Prompt = "platforms: "
	p.plats.Placeholder = "all (byte for byte), or linux/amd64,linux/arm64"
	p.plats.SetValue(platform)
	if c.Copy != nil && !c.Copy.Finished {
		p.state, p.plan = Running, c.Copy.Plan
	}
	return p
}

func (p *Model) Crumb() string      { return "copy" }
func (p *Model) InputFocused() bool { return p.state == Form }
func (p *Model) Busy() bool         { return p.state == Planning }
func (p *Model) Where() (string, string) {
	return common.HostOf(p.src), p.srcRepo()
}

func (p *Model) srcRepo() string { repo, _ := common.SplitRef(p.src); return repo }

func (p *Model) Init() tea.Cmd {
	if p.state == Form {
		return p.target.Focus()
	}
	return nil
}

func (p *Model) SetSize(w, h int) {
	p.PageBase.SetSize(w, h)
	p.target.SetWidth(max(w-8, 1))
	p.plats.SetWidth(max(w-16, 1))
}

// targetRef resolves what was typed as : does: a bare tag is a tag of the
// source's repository, a name without a host is in the registry browsed.
func (p *Model) targetRef() string {
	v := strings.TrimSpace(p.target.Value())
	if v == "" {
		return ""
	}
	if !strings.Contains(v, "/") && !common.HostLike(strings.SplitN(v, ":", 2)[0]) {
		v = strings.TrimPrefix(v, ":")
		if !strings.Contains(v, ":") {
			return p.srcRepo() + ":" + v
		}
	}
	return common.RelativeTo(p.host, v)
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case copyPlanMsg:
		if msg.req != p.req || p.state != Planning {
			return p, nil // an answer for a plan the user has gone past
		}
		p.plan, p.err = msg.plan, msg.err
		if msg.err != nil {
			p.state = Form
			return p, tea.Batch(p.focusField(p.focus), common.SetStatus("no plan: "+termsafe.String(msg.err.Error()), true))
		}
		p.state = Review
		return p, nil
	case tea.KeyPressMsg:
		if p.state == Form {
			return p, p.updateForm(msg)
		}
		return p, keys.Run(p.Keys(), msg)
	}
	if p.state == Form {
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

func (p *Model) focusField(i int) tea.Cmd {
	p.focus = i
	if i == 0 {
		p.plats.Blur()
		return p.target.Focus()
	}
	p.target.Blur()
	return p.plats.Focus()
}

func (p *Model) updateForm(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, p.C.Keys.Cancel):
		return common.PopPage
	case key.Matches(msg, p.C.Keys.NextField):
		return p.focusField(1 - p.focus)
	case key.Matches(msg, p.C.Keys.Submit):
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
func (p *Model) submit() tea.Cmd {
	dst := p.targetRef()
	if dst == "" {
		return common.SetStatus("Type where to copy to: a tag (v1-arm), repo:tag, or host/repo:tag.", true)
	}
	var plats []model.Platform
	for _, s := range strings.Split(p.plats.Value(), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		pl, err := model.ParsePlatform(s)
		if err != nil {
			return common.SetStatus(fmt.Sprintf("platform %q: %s", termsafe.String(s), termsafe.String(err.Error())), true)
		}
		plats = append(plats, pl)
	}
	cl, ok := p.C.Reg.(verbs.CopyClient)
	if !ok {
		return common.SetStatus("this registry client cannot copy", true)
	}
	p.state, p.err = Planning, nil
	p.req = common.NextID()
	p.target.Blur()
	p.plats.Blur()
	page, req, ctx, src := p.PageID, p.req, p.Ctx, p.src
	return func() tea.Msg {
		plan, err := verbs.PlanCopy(ctx, cl, src, dst, verbs.CopyOptions{Platforms: plats})
		return copyPlanMsg{page: page, req: req, plan: plan, err: err}
	}
}

func (p *Model) Keys() []keys.Key {
	k := p.C.Keys
	review := func() bool { return p.state == Review }
	running := func() bool { return p.state == Running && p.C.Copy != nil && !p.C.Copy.Finished }
	form := func() bool { return p.state == Form }
	return []keys.Key{
		{Binding: k.Submit, Group: keys.GroupAct, Footer: 1, When: form},
		{Binding: k.NextField, Group: keys.GroupAct, Footer: 2, When: form},
		{Binding: copyYes, Group: keys.GroupAct, Footer: 1, When: review, Run: p.start},
		{Binding: copyEdit, Group: keys.GroupAct, Footer: 2, When: review, Run: func(tea.KeyPressMsg) tea.Cmd {
			p.state = Form
			return p.focusField(0)
		}},
		{Binding: copyCancel, Group: keys.GroupAct, Footer: 1, When: running, Run: func(tea.KeyPressMsg) tea.Cmd {
			p.C.Copy.Cancel()
			return common.SetStatus("cancelling the copy…", false)
		}},
	}
}

var (
	copyYes    = key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y", "copy"))
	copyEdit   = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit"))
	copyCancel = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "cancel copy"))
)

// start runs the reviewed plan in the background.
func (p *Model) start(tea.KeyPressMsg) tea.Cmd {
	if p.C.Copy != nil && !p.C.Copy.Finished {
		return common.SetStatus("a copy is already running: wait for it, or press x to cancel it", true)
	}
	cl, ok := p.C.Reg.(verbs.CopyClient)
	if !ok {
		return common.SetStatus("this registry client cannot copy", true)
	}
	j, cmd := common.StartCopy(p.C, cl, p.plan, progress.NewCopyProgress(p.plan, time.Now()))
	p.C.Copy = j
	p.state = Running
	return tea.Batch(cmd, common.SetStatus("copying to "+termsafe.String(p.plan.Target)+" (esc goes on browsing; the copy goes on)", false))
}

func (p *Model) View() string {
	s := p.C.Styles
	var lines []string
	// Wrapped at word boundaries, never cut: a plan line holds digests.
	add := func(l string) { lines = append(lines, strings.Split(ansi.Wrap(l, max(p.Width, 1), ""), "\n")...) }
	if p.state != Review { // the plan names both ends itself
		add(s.Title.Render("Copy " + termsafe.String(p.src)))
	}
	switch p.state {
	case Form, Planning:
		if p.err != nil {
			add(s.Error.Render(termsafe.String(p.err.Error())))
		}
		add(s.Faint.Render("A tag here (v1-arm), repo:tag in this registry, or host/repo:tag on another. Platforms: empty copies everything byte for byte."))
		add("")
		add(p.target.View())
		add(p.plats.View())
		if p.state == Planning {
			add("")
			add(s.Faint.Render("planning: reading the source and asking the target what it has…"))
		}
	case Review:
		for _, l := range p.plan.Describe() {
			add(l)
		}
		add("")
		add(s.Faint.Render("y copies · e edits · esc goes back"))
	case Running:
		j := p.C.Copy
		if j == nil {
			break
		}
		for _, l := range strings.Split(j.Progress.View(p.Width), "\n") {
			add(l)
		}
		add("")
		switch {
		case j.Finished && j.Err != nil:
			add(s.Error.Render(termsafe.String(j.Err.Error())))
		case j.Finished:
			add(fmt.Sprintf("done: %s@%s", termsafe.String(j.Plan.TargetRepo), j.Result.Digest))
		default:
			add(s.Faint.Render("esc goes on browsing while the copy runs · x cancels it"))
		}
	}
	if len(lines) > p.Height {
		lines = lines[:max(p.Height, 0)]
	}
	return common.JoinLines(lines)
}

// IsCopyPane: the pane draws the copy's progress itself.
func (p *Model) IsCopyPane() {}

// State is where the pane is: the form, planning, the plan to review, or
// the copy running.
func (p *Model) State() State { return p.state }

// Err is why the last plan failed, nil when it did not.
func (p *Model) Err() error { return p.err }

// TargetText is what the target field holds.
func (p *Model) TargetText() string { return p.target.Value() }

// PlatformsText is what the platforms field holds.
func (p *Model) PlatformsText() string { return p.plats.Value() }
