package ui

import (
	tea "charm.land/bubbletea/v2"
)

// Page is one screen. Pages are kept on a stack: the top one has the keys,
// the ones below keep their state (and their listings keep loading) until
// they are popped, which cancels their context. A new screen (the staging
// pane, say) is a type implementing Page in its own file, pushed with
// pushPage.
type Page interface {
	ID() int
	// Crumb is this page's part of the breadcrumb.
	Crumb() string
	Init() tea.Cmd
	Update(tea.Msg) (Page, tea.Cmd)
	// View renders exactly the body area set by SetSize.
	View() string
	SetSize(w, h int)
	// Keys are the page's keys as data (keydefs.go): the root dispatches
	// them and renders the footer and the help screen from them.
	Keys() []Key
	// Where is the registry and the repository the page browses ("" when
	// it has none): a name typed at : opens relative to them.
	Where() (host, repo string)
	// InputFocused is true while a text field has focus: every key goes to
	// the page, and q does not quit.
	InputFocused() bool
	// MouseEnabled is false on screens whose text people select.
	MouseEnabled() bool
	// Busy is true while the page waits for the registry (spinner).
	Busy() bool
	// Close cancels the page's requests.
	Close()
}

// dialogPage is a page that sits over the page it serves (the login
// prompt): opening or leaving it keeps the status line, and a second one is
// not opened on top of it.
type dialogPage interface {
	Page
	servesPage() int
}

// hiddenCrumb is a page left out of the breadcrumb once another page is
// open on top of it (the start prompt).
type hiddenCrumb interface{ hideCrumb() bool }

// failedPage is a page that could not open (its first fetch failed and
// it shows nothing): the breadcrumb leaves it out once another page is
// open on top of it.
type failedPage interface{ failedToOpen() bool }

// tagLister is a page listing repo's tags: it refreshes when manifold
// writes a tag there.
type tagLister interface{ listsTagsOf(repo string) bool }

// Messages pages send to the root.
type (
	// pushPageMsg opens a page on top of the stack.
	pushPageMsg struct{ page Page }
	// popPageMsg goes back one page.
	popPageMsg struct{}
	// statusMsg shows a message in the status bar.
	statusMsg struct {
		text string
		err  bool
		// sticky: kept when pages open or close, until the next key
		// (where a push went).
		sticky bool
	}
	// errorMsg reports a failed request of a page; the root explains it
	// and, for a 401, opens the login prompt.
	errorMsg struct {
		page int
		what string
		err  error
		host string
	}
	// loggedInMsg swaps the registry client after a login and refreshes
	// the page that failed.
	loggedInMsg struct {
		reg  Registry
		page int
		keep bool // keep the login page open (it asks about saving)
	}
	// refreshMsg asks a page to fetch again.
	refreshMsg struct{}
	// routed is a message for one page; it is dropped when that page is
	// no longer open.
	routed interface{ target() int }
)

func pushPage(p Page) tea.Cmd { return func() tea.Msg { return pushPageMsg{p} } }
func popPage() tea.Msg        { return popPageMsg{} }
func setStatus(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, err: isErr} }
}

// setStickyStatus shows text until the next key press, over page changes.
func setStickyStatus(text string) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, sticky: true} }
}
