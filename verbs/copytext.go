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
		switch {
		case len(p.Stale) > 0:
			add("  attached to %s, and no longer matching the new digest:", shortDigest(p.SourceDigest))
			for _, r := range p.Stale {
				add("    %s %s (%s)", r.Kind, r.Digest, r.Source)
			}
		case p.staleUnknown():
			add("  could not tell what is attached to %s: signatures made on it would not apply to the new digest", shortDigest(p.SourceDigest))
		default:
			add("  nothing is attached to %s: no signature is lost (signatures made on it would not apply to the new digest)", shortDigest(p.SourceDigest))
		}
	} else {
		add("  digest of %s: %s  (the same: copied byte for byte)", dst, p.Digest)
	}
	if p.WithReferrers {
		out = append(out, "")
		support := string(p.TargetSupport)
		if support == "" {
			support = string(model.SupportUnknown)
		}
		add("  referrers to copy: %d (the target's referrers support: %s)", len(p.Referrers), support)
		if p.TargetSupport != model.SupportAPI && p.TargetCurrent == "" {
			add("    (asked again once the repository exists: a registry with the API gets no tag schema index)")
		}
		for _, r := range p.Referrers {
			add("    %s of %s: %s (%s)", r.Kind, termsafe.String(r.Of), r.Digest, r.Source)
		}
		for _, t := range p.ReferrerTags {
			add("    then tag %s: %s", termsafe.String(t.Tag), termsafe.String(t.Why))
		}
	}
	for _, g := range p.ReferrerGaps {
		add("  note: %s", termsafe.String(g))
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

// staleUnknown: a filtered copy could not list what is attached to the
// source index.
func (p *CopyPlan) staleUnknown() bool {
	for _, g := range p.ReferrerGaps {
		if strings.HasPrefix(g, "source index:") || strings.Contains(g, "cannot list referrers") {
			return true
		}
	}
	return false
}
