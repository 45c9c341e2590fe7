package ui

import (
	"context"
	"sync/atomic"
)

// common is shared by every page: the context of the program, the size of
// the body, the styles and keys, and the registry. No globals.
type common struct {
	ctx    context.Context
	width  int // the whole terminal
	height int
	styles *Styles
	keys   *KeyMap
	opts   *Options
	reg    Registry
	// copy is the copy running in the background (copypage.go), if any.
	copy *copyJob
	// mark is the reference marked for a diff (M), "" for none.
	mark string
}

var lastID atomic.Int64

// nextID returns a process-unique id for a page or a request.
func nextID() int { return int(lastID.Add(1)) }

// pageBase is embedded by pages: their id, a context cancelled when the page
// is left, and the body size.
type pageBase struct {
	c      *common
	id     int
	ctx    context.Context
	cancel context.CancelFunc
	width  int
	height int
}

func newPageBase(c *common) pageBase {
	ctx, cancel := context.WithCancel(c.ctx)
	return pageBase{c: c, id: nextID(), ctx: ctx, cancel: cancel}
}

func (p *pageBase) ID() int            { return p.id }
func (p *pageBase) Close()             { p.cancel() }
func (p *pageBase) SetSize(w, h int)   { p.width, p.height = w, h }
func (p *pageBase) InputFocused() bool { return false }
func (p *pageBase) MouseEnabled() bool { return true }
func (p *pageBase) Busy() bool         { return false }

// Where: no registry or repository of its own.
func (p *pageBase) Where() (host, repo string) { return "", "" }
