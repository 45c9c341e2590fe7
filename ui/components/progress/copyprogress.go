// Package progress draws a copy's progress (overall bar, one bar per
// blob in flight), for the copy pane and for manifold cp on a terminal.
package progress

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/verbs"
)

// CopyProgress is the progress of one copy: an overall bar (bytes, rate,
// ETA) and one bar per blob in flight. It is fed verbs.CopyEvents and draws
// with bubbles/progress; the CLI (inline, on a terminal) and the TUI's copy
// pane both use it.
type CopyProgress struct {
	total   int64 // bytes to stream
	done    int64 // bytes streamed so far (finished blobs + in flight)
	started time.Time
	now     time.Time

	active map[string]*blobBar
	order  []string // active digests, oldest first

	blobsDone, blobsTotal int
	manifests             int
	finished              bool
}

type blobBar struct {
	digest string
	action verbs.BlobAction
	size   int64
	bytes  int64
}

// NewCopyProgress starts the progress of plan at now.
func NewCopyProgress(plan *verbs.CopyPlan, now time.Time) *CopyProgress {
	t := plan.Totals()
	return &CopyProgress{
		total: t.CopyBytes, started: now, now: now,
		active:     map[string]*blobBar{},
		blobsTotal: t.Copy + t.Mount,
	}
}

// Apply records one event that happened at now.
func (p *CopyProgress) Apply(ev verbs.CopyEvent, now time.Time) {
	p.now = now
	switch ev.Kind {
	case verbs.BlobStarted:
		if _, ok := p.active[ev.Digest]; !ok {
			p.active[ev.Digest] = &blobBar{digest: ev.Digest, action: ev.Action, size: ev.Size}
			p.order = append(p.order, ev.Digest)
		}
	case verbs.BlobProgress:
		if b := p.active[ev.Digest]; b != nil {
			p.done += ev.Bytes - b.bytes
			b.bytes, b.action = ev.Bytes, ev.Action
		}
	case verbs.BlobDone:
		if b := p.active[ev.Digest]; b != nil {
			if ev.Action == verbs.BlobCopy {
				p.done += ev.Bytes - b.bytes
			}
			delete(p.active, ev.Digest)
			for i, d := range p.order {
				if d == ev.Digest {
					p.order = append(p.order[:i], p.order[i+1:]...)
					break
				}
			}
		}
		p.blobsDone++
	case verbs.ManifestWritten:
		p.manifests++
	case verbs.IndexWritten:
		p.finished = true
	}
}

// Rate is the bytes per second streamed so far.
func (p *CopyProgress) Rate() float64 {
	secs := p.now.Sub(p.started).Seconds()
	if secs <= 0 {
		return 0
	}
	return float64(p.done) / secs
}

// ETA is the time left at the current rate (0 when unknown).
func (p *CopyProgress) ETA() time.Duration {
	r := p.Rate()
	if r <= 0 || p.done >= p.total {
		return 0
	}
	return time.Duration(float64(p.total-p.done) / r * float64(time.Second))
}

// maxBars bounds the per-blob bars drawn; the rest are counted.
const maxBars = 6

// View draws the bars in width columns.
func (p *CopyProgress) View(width int) string {
	width = max(width, 30)
	var b strings.Builder
	pct := 1.0
	if p.total > 0 {
		pct = min(float64(p.done)/float64(p.total), 1)
	}
	eta := "—"
	if d := p.ETA(); d > 0 {
		eta = d.Round(time.Second).String()
	}
	summary := fmt.Sprintf("%s / %s · %s/s · ETA %s · blobs %d/%d · manifests %d",
		common.HumanSize(p.done), common.HumanSize(p.total), common.HumanSize(int64(p.Rate())), eta, p.blobsDone, p.blobsTotal, p.manifests)
	if p.total == 0 {
		summary = fmt.Sprintf("no bytes to stream (%d blobs to mount, the rest are there) · blobs %d/%d · manifests %d",
			p.blobsTotal, p.blobsDone, p.blobsTotal, p.manifests)
	}
	bar := progress.New(progress.WithWidth(min(width, 60)), progress.WithDefaultBlend())
	b.WriteString(bar.ViewAs(pct))
	b.WriteString("\n")
	b.WriteString(ansi.Truncate(summary, width, "…"))
	for i, d := range p.order {
		if i == maxBars {
			fmt.Fprintf(&b, "\n  … %d more in flight", len(p.order)-maxBars)
			break
		}
		bb := p.active[d]
		label := fmt.Sprintf("  %s %s ", bb.action, common.ShortDigest(bb.digest))
		small := progress.New(progress.WithWidth(max(min(width-lipgloss.Width(label)-22, 40), 10)), progress.WithoutPercentage(), progress.WithDefaultBlend())
		frac := 1.0
		if bb.size > 0 {
			frac = min(float64(bb.bytes)/float64(bb.size), 1)
		}
		b.WriteString("\n" + label + small.ViewAs(frac) + " " + common.HumanSize(bb.bytes) + " / " + common.HumanSize(bb.size))
	}
	return b.String()
}

// Summary is the one-line progress for the status bar.
func (p *CopyProgress) Summary() string {
	pct := 100
	if p.total > 0 {
		pct = int(min(100*p.done/p.total, 100))
	}
	return fmt.Sprintf("%d%% · %s/s · blobs %d/%d", pct, common.HumanSize(int64(p.Rate())), p.blobsDone, p.blobsTotal)
}
