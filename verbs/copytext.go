package verbs

import (
	"fmt"
	"strings"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
)

// Describe is the plan as people read it, one line each, every registry
// string escaped for the terminal: which entry each --platform took, per
// platform the blobs to copy, mount or skip and the bytes to transfer, the
// totals, the index digest before and after, and what a changed digest
// means for signatures. The CLI prints it before asking; the TUI's copy
// pane shows it.
func (p *CopyPlan) Describe() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	src, dst := termsafe.String(p.Source), termsafe.String(p.Target)
	add("Copy %s", src)
	add("  to %s", dst)
	for _, pk := range p.Picks {
		add("  --platform %s takes %s (%s)", termsafe.String(pk.Request.String()), termsafe.String(pk.Platform.String()), pk.Digest)
	}
	if len(p.Dropped) > 0 {
		line := "  left out: " + termsafe.String(strings.Join(p.Dropped, ", "))
		if p.DroppedOther > 0 {
			line += fmt.Sprintf(" (and %d attestations or other entries)", p.DroppedOther)
		}
		out = append(out, line)
	}
	out = append(out, "")
	add("  %-36s %6s %6s %6s %12s", "PLATFORM", "COPY", "MOUNT", "SKIP", "TO TRANSFER")
	for _, r := range p.ByPlatform() {
		add("  %-36s %6d %6d %6d %12s", termsafe.String(r.Platform), r.Copy, r.Mount, r.Skip, model.FormatSize(r.CopyBytes))
	}
	t := p.Totals()
	add("  %-36s %6d %6d %6d %12s", "total (distinct blobs)", t.Copy, t.Mount, t.Skip, model.FormatSize(t.CopyBytes))
	if t.Foreign > 0 {
		add("  %d foreign layers stay where their urls point", t.Foreign)
	}
	top := "manifest"
	if model.IsIndexMediaType(p.MediaType) {
		top = "index"
	}
	add("  manifests: %d to write, %d already there, then the %s", t.Manifests-t.ManifestsExist, t.ManifestsExist, top)
	out = append(out, "")
	add("  digest of %s: %s", src, p.SourceDigest)
	if p.Filtered {
		add("  digest of %s: %s  (changed: the index is rewritten)", dst, p.Digest)
		add("  signatures and attestations made on %s do not apply to the new digest", shortDigest(p.SourceDigest))
	} else {
		add("  digest of %s: %s  (the same: copied byte for byte)", dst, p.Digest)
	}
	switch p.TargetCurrent {
	case "":
		add("  %s does not exist yet", dst)
	case p.Digest:
		add("  %s already points at it", dst)
	default:
		add("  %s now points at %s: it will be moved", dst, p.TargetCurrent)
	}
	return out
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19] + "…"
	}
	return d
}
