package common

import (
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/model/attest"
	"github.com/manifold-dev/manifold/ui/keys"
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
	Keys() []keys.Key
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

// Dialog is a page that sits over the page it serves (the login
// prompt): opening or leaving it keeps the status line, and a second one is
// not opened on top of it.
type Dialog interface {
	Page
	ServesPage() int
}

// HiddenCrumb is a page left out of the breadcrumb once another page is
// open on top of it (the start prompt).
type HiddenCrumb interface{ HideCrumb() bool }

// FailedPage is a page that could not open (its first fetch failed and
// it shows nothing): the breadcrumb leaves it out once another page is
// open on top of it.
type FailedPage interface{ FailedToOpen() bool }

// TagLister is a page listing repo's tags: it refreshes when manifold
// writes a tag there.
type TagLister interface{ ListsTagsOf(repo string) bool }

// StagingPane is implemented by the staging pane: S does not open a second
// one on top, and a does not stage from it.
type StagingPane interface{ IsStagingPane() }

// Stageable is implemented by pages that can say what is under the cursor,
// so that a (stage) works from any screen: the tree page, the tags page.
type Stageable interface {
	// StageTarget returns the reference under the cursor, the tree when the
	// page has it (nil: fetched when staging), and the index entry under the
	// cursor (nil: the whole reference). ok is false when nothing stageable
	// is under the cursor.
	StageTarget() (ref string, t *model.Tree, e *model.Entry, ok bool)
}

// CopyPane is implemented by the copy pane: while it is on top, the
// background copy's progress is drawn there, not in the status line.
type CopyPane interface{ IsCopyPane() }

// Messages pages send to the root.
type (
	// PushPageMsg opens a page on top of the stack.
	PushPageMsg struct{ Page Page }
	// PopPageMsg goes back one page.
	PopPageMsg struct{}
	// StatusMsg shows a message in the status bar.
	StatusMsg struct {
		Text string
		Err  bool
		// Sticky: kept when pages open or close, until the next key
		// (where a push went).
		Sticky bool
	}
	// ErrorMsg reports a failed request of a page; the root explains it
	// and, for a 401, opens the login prompt.
	ErrorMsg struct {
		Page int
		What string
		Err  error
		Host string
	}
	// LoggedInMsg swaps the registry client after a login and refreshes
	// the page that failed.
	LoggedInMsg struct {
		Reg  Registry
		Page int
		Keep bool // keep the login page open (it asks about saving)
	}
	// RefreshMsg asks a page to fetch again.
	RefreshMsg struct{}
	// Routed is a message for one page; it is dropped when that page is
	// no longer open.
	Routed interface{ Target() int }
)

func PushPage(p Page) tea.Cmd { return func() tea.Msg { return PushPageMsg{Page: p} } }
func PopPage() tea.Msg        { return PopPageMsg{} }
func SetStatus(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Err: isErr} }
}

// SetStickyStatus shows text until the next key press, over page changes.
func SetStickyStatus(text string) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Sticky: true} }
}

// ReportErr sends a page's failure to the root, which explains it.
func ReportErr(page int, what string, err error, host string) tea.Cmd {
	return func() tea.Msg { return ErrorMsg{Page: page, What: what, Err: err, Host: host} }
}

// Pages are the constructors of the pages that one page opens from another
// (repositories → tags → tree → raw, resolve, SBOM, copy; a push → its
// tree; the start prompt → what was typed), so that no page imports
// another: the root fills them (ui/root_open.go) and pages call them
// through Common.
type Pages struct {
	// Open is the page for what s names: a registry lists its
	// repositories, a repository its tags, a reference opens its tree. A
	// bare tag or digest opens in repo, when repo is not "".
	Open func(c *Common, s, repo string) Page
	// Tags lists repo's tags.
	Tags func(c *Common, repo string) Page
	// Tree shows ref's tree.
	Tree func(c *Common, ref string) Page
	// Raw shows a JSON document; when ref is not "", r fetches ref's tree
	// again and shows the document node finds in it (ok false: gone).
	Raw func(c *Common, title string, raw []byte, ref string, node func(t *model.Tree) (title string, raw []byte, ok bool)) Page
	// Resolve is the resolve matrix of t; ref, when set, is fetched again
	// on r.
	Resolve func(c *Common, t *model.Tree, ref string) Page
	// SBOM lists the packages of an SBOM found at where.
	SBOM func(c *Common, where string, sb *attest.SBOM) Page
	// Copy is the copy pane for src (host: the registry browsed;
	// platform, when not "", fills the platform field).
	Copy func(c *Common, src, host, platform string) Page
	// Staging is the staging pane.
	Staging func(c *Common) Page
}

// MarkTarget is what M would mark on page p.
func MarkTarget(p Page) (string, bool) {
	m, ok := p.(Markable)
	if !ok {
		return "", false
	}
	return m.MarkTarget()
}

// Markable is a page whose cursor names something a diff compares: a tag
// of the tag list, or the tree's reference or entry under the cursor. M
// marks it; D on another opens the diff of the two (the root's keys).
type Markable interface {
	MarkTarget() (ref string, ok bool)
}
