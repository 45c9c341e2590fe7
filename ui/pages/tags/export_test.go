package tags

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// What the package's external tests (which drive the whole UI) read of the
// tags page.

// Row is a tag's row: its digest, kind and HEAD answer.
type Row = tagRow

// Digest is the row's short digest, "?" when the HEAD failed.
func (r tagRow) Digest() string { return r.digest }

// Kind is what the tag holds, once read.
func (r tagRow) Kind() model.TagKind { return r.kind }

// Head is the HEAD's answer while the kind may still be read.
func (r tagRow) Head() *registry.Manifest { return r.head }

// Rows are the rows cached, by tag.
func (p *Model) Rows() map[string]tagRow { return p.digests }

// DigestSeq is the id of the only digest tick that may fetch.
func (p *Model) DigestSeq() int { return p.digestSeq }

// SetDigestDelay sets the debounce of the digest column.
func (p *Model) SetDigestDelay(d time.Duration) { p.digestDelay = d }

// DigestCacheLimit is the most rows the cache keeps.
func (p *Model) DigestCacheLimit() int { return p.digestCacheLimit() }

// KindsPending is how many kind requests are in flight.
func (p *Model) KindsPending() int { return len(p.kindPending) }

// DigestTick is the digest column's debounce tick for page.
func DigestTick(page, seq int) tea.Msg { return digestTickMsg{page: page, seq: seq} }

// DigestsMsg is the HEADs' answer; KindsMsg the kinds' answer.
type (
	DigestsMsg = digestsMsg
	KindsMsg   = kindsMsg
)

// Kinds are the kinds a KindsMsg carries.
func (m kindsMsg) Kinds() map[string]model.TagKind { return m.kinds }

// KindFetchJobs bounds the kind requests in flight.
const KindFetchJobs = kindFetchJobs

// KindNotes are the title's notes about kinds not read.
var KindNotes = kindNotes
