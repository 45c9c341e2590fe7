// Package common is what manifold's pages share: Common (the program's
// context, the terminal size, styles, keys, options and the registry
// client), the Page interface the root knows pages by, the messages pages
// send to the root, and small helpers (PageBase, Fit, PadRight,
// ShortDigest, CopyCmd, ReportErr ...). It imports no page and not the
// root.
package common

import (
	"context"
	"sync/atomic"

	"charm.land/bubbles/v2/textinput"

	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/styles"
)

// Common is shared by every page: the context of the program, the size of
// the body, the styles and keys, and the registry. No globals.
type Common struct {
	Ctx    context.Context
	Width  int // the whole terminal
	Height int
	Styles *styles.Styles
	Keys   *keys.Map
	Opts   *Options
	Reg    Registry
	// Copy is the copy running in the background (copypage.go), if any.
	Copy *CopyJob
	// Mark is the reference marked for a diff (M), "" for none.
	Mark string
	// Pages opens pages from pages (filled by the root).
	Pages Pages
}

var lastID atomic.Int64

// NextID returns a process-unique id for a page or a request.
func NextID() int { return int(lastID.Add(1)) }

// PageBase is embedded by pages: their id, a context cancelled when the page
// is left, and the body size.
type PageBase struct {
	C      *Common
	PageID int
	Ctx    context.Context
	cancel context.CancelFunc
	Width  int
	Height int
}

func NewPageBase(c *Common) PageBase {
	ctx, cancel := context.WithCancel(c.Ctx)
	return PageBase{C: c, PageID: NextID(), Ctx: ctx, cancel: cancel}
}

func (p *PageBase) ID() int            { return p.PageID }
func (p *PageBase) Close()             { p.cancel() }
func (p *PageBase) SetSize(w, h int)   { p.Width, p.Height = w, h }
func (p *PageBase) InputFocused() bool { return false }
func (p *PageBase) MouseEnabled() bool { return true }
func (p *PageBase) Busy() bool         { return false }

// Where: no registry or repository of its own.
func (p *PageBase) Where() (host, repo string) { return "", "" }

// NewInput is a text field with a steady cursor (no blink timer).
func NewInput() textinput.Model {
	ti := textinput.New()
	st := ti.Styles()
	st.Cursor.Blink = false
	ti.SetStyles(st)
	return ti
}
