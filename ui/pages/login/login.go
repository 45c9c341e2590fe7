// Package login is the login prompt opened after a 401; it retries the
// page that failed and offers to save the credentials.
package login

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
)

// Model asks for credentials after a 401 and retries the failed page
// with them. After a successful login it offers to save them, as docker
// login does.
type Model struct {
	common.PageBase
	host    string
	repo    string // the repository being opened, checked by the login
	failed  int    // the page to refresh after the login
	user    textinput.Model
	pass    textinput.Model
	focus   int
	busy    bool
	err     string
	saving  bool // asking "save to docker config?"
	secret  string
	account string
	store   string
}

// loginMsg is the result of a login attempt.
type loginMsg struct {
	page  int
	reg   common.Registry
	err   error
	store string // where saving would write
}

func (m loginMsg) Target() int { return m.page }

// savedMsg is the result of saving credentials.
type savedMsg struct {
	page int
	err  error
}

func (m savedMsg) Target() int { return m.page }

func New(c *common.Common, host, repo string, failed int) *Model {
	u := common.NewInput()
	u.Prompt = "user:     "
	u.Placeholder = "username"
	pw := common.NewInput()
	pw.Prompt = "password: "
	pw.Placeholder = "password or token"
	pw.EchoMode = textinput.EchoPassword
	pw.EchoCharacter = '•'
	return &Model{PageBase: common.NewPageBase(c), host: host, repo: repo, failed: failed, user: u, pass: pw}
}

func (p *Model) Crumb() string      { return "login" }
func (p *Model) InputFocused() bool { return true }
func (p *Model) Busy() bool         { return p.busy }
func (p *Model) Init() tea.Cmd      { return p.user.Focus() }

func (p *Model) SetSize(w, h int) {
	p.PageBase.SetSize(w, h)
	p.user.SetWidth(max(w-14, 1))
	p.pass.SetWidth(max(w-14, 1))
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case loginMsg:
		p.busy = false
		if msg.err != nil {
			// The reason in full; the refused password is cleared and the
			// cursor put back in its field, as a login prompt does.
			p.err = msg.err.Error()
			p.secret = ""
			p.pass.SetValue("")
			if p.focus != 1 {
				return p, p.switchFocus()
			}
			return p, nil
		}
		done := func() tea.Msg { return common.LoggedInMsg{Reg: msg.reg, Page: p.failed} }
		if p.C.Opts.SaveCredentials != nil {
			p.saving = true
			p.store = msg.store
			return p, func() tea.Msg { return common.LoggedInMsg{Reg: msg.reg, Page: p.failed, Keep: true} }
		}
		return p, done
	case savedMsg:
		if msg.err != nil {
			return p, tea.Batch(common.PopPage, common.SetStatus("Could not save the credentials: "+termsafe.String(msg.err.Error()), true))
		}
		return p, tea.Batch(common.PopPage, common.SetStatus("Saved the credentials for "+termsafe.String(p.host)+" to the docker config.", false))
	case tea.KeyPressMsg:
		if p.saving {
			switch msg.String() {
			case "y", "Y":
				save, host, user, secret, id := p.C.Opts.SaveCredentials, p.host, p.account, p.secret, p.PageID
				p.secret = ""
				return p, func() tea.Msg { return savedMsg{page: id, err: save(host, user, secret)} }
			case "n", "N", "esc":
				p.secret = ""
				return p, common.PopPage
			}
			return p, nil
		}
		if p.busy {
			return p, nil
		}
		switch msg.String() {
		case "esc":
			return p, common.PopPage
		case "tab", "shift+tab", "up", "down":
			return p, p.switchFocus()
		case "enter":
			if p.focus == 0 {
				return p, p.switchFocus()
			}
			if p.C.Opts.Login == nil {
				return p, common.SetStatus("Logging in is not available here.", true)
			}
			p.busy, p.err = true, ""
			p.account, p.secret = p.user.Value(), p.pass.Value()
			login, storeOf, host, repo, user, secret, id := p.C.Opts.Login, p.C.Opts.CredentialStore, p.host, p.repo, p.account, p.secret, p.PageID
			return p, func() tea.Msg {
				reg, err := login(host, repo, user, secret)
				msg := loginMsg{page: id, reg: reg, err: err}
				if err == nil && storeOf != nil {
					if s, serr := storeOf(host); serr == nil {
						msg.store = s
					}
				}
				return msg
			}
		}
	}
	var cmd tea.Cmd
	if p.focus == 0 {
		p.user, cmd = p.user.Update(msg)
	} else {
		p.pass, cmd = p.pass.Update(msg)
	}
	return p, cmd
}

func (p *Model) switchFocus() tea.Cmd {
	p.focus = 1 - p.focus
	if p.focus == 0 {
		p.pass.Blur()
		return p.user.Focus()
	}
	p.user.Blur()
	return p.pass.Focus()
}

func (p *Model) View() string {
	s := p.C.Styles
	lines := []string{
		s.Title.Render("Log in to " + termsafe.String(p.host)),
		s.Faint.Render("The registry answered 401: it needs credentials."),
		"",
	}
	if p.saving {
		// Wrapped, not cut: the question ends in [y/n], and the store's
		// description in whether it would be stored unencrypted.
		wrap := func(st lipgloss.Style, text string) {
			for _, l := range strings.Split(lipgloss.NewStyle().Width(max(p.Width, 1)).Render(text), "\n") {
				lines = append(lines, st.Render(strings.TrimRight(l, " ")))
			}
		}
		lines = append(lines, s.OK.Render("Logged in."), "")
		wrap(lipgloss.NewStyle(), "Save these credentials to your docker config (as docker login does)? [y/n]")
		if p.store != "" {
			wrap(s.Faint, "They would go to "+termsafe.String(p.store))
		}
	} else {
		lines = append(lines, p.user.View(), p.pass.View(), "")
		switch {
		case p.busy:
			lines = append(lines, s.Faint.Render("logging in…"))
		case p.err != "":
			// Wrapped, not cut: the reason says what to do.
			for _, l := range strings.Split(lipgloss.NewStyle().Width(max(p.Width, 1)).Render("Login failed: "+termsafe.String(p.err)), "\n") {
				lines = append(lines, s.Error.Render(strings.TrimRight(l, " ")))
			}
		}
	}
	for i, l := range lines {
		lines[i] = common.Fit(l, p.Width)
	}
	if len(lines) > p.Height {
		lines = lines[:max(p.Height, 0)]
	}
	return common.JoinLines(lines)
}

// Keys: the form has every key; its Update handles these.
func (p *Model) Keys() []keys.Key {
	k := p.C.Keys
	if p.saving {
		return []keys.Key{
			{Binding: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "save")), Group: keys.GroupAct, Footer: 1},
			{Binding: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "don't save")), Group: keys.GroupAct, Footer: 1},
		}
	}
	return []keys.Key{{Binding: k.NextField, Group: keys.GroupMove, Footer: 1}, {Binding: k.Submit, Group: keys.GroupAct, Footer: 1}, {Binding: k.Cancel, Group: keys.GroupAct, Footer: 1}}
}

// ServesPage: the login prompt sits over the page whose request failed.
func (p *Model) ServesPage() int { return p.failed }

// Password is what the password field holds (it is never drawn).
func (p *Model) Password() string { return p.pass.Value() }

// Focus is the field with focus: 0 the user, 1 the password.
func (p *Model) Focus() int { return p.focus }

// Saving is true while the prompt asks whether to save the credentials.
func (p *Model) Saving() bool { return p.saving }
