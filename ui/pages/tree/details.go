package tree

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/styles"
)

// DetailsView renders the side pane: everything known about the selected
// node, cut to width × height.
func (p *Model) DetailsView(width, height int) string {
	n := p.Selected()
	if n == nil || width < 4 {
		return ""
	}
	s := p.C.Styles
	var lines []string
	add := func(label, value string) {
		if value == "" {
			return
		}
		lines = append(lines, s.Faint.Render(termsafe.String(label)+": ")+termsafe.String(value)) // labels may be annotation keys
	}
	head := func(t string) { lines = append(lines, s.Accent.Render(t)) }
	// typeOf labels what a manifest carries: an artifact's type (its
	// artifactType, or a config that is not an image config), or a plain
	// image's config type. Without the manifest, the descriptor's
	// artifactType says it.
	typeOf := func(d model.Descriptor, im *model.Image) {
		if im == nil {
			typeOfDescriptor(d.ArtifactType, add)
			return
		}
		if at := model.ArtifactTypeOf(im.ArtifactType, im.ConfigDescriptor.MediaType); at != "" {
			add("artifact type", at)
			return
		}
		add("config type", im.ConfigDescriptor.MediaType)
	}
	desc := func(d model.Descriptor, im *model.Image) {
		add("digest", d.Digest)
		add("media type", d.MediaType)
		add("size", fmt.Sprintf("%s (%d bytes)", common.HumanSize(d.Size), d.Size))
		typeOf(d, im)
		for _, u := range d.URLs {
			add("url", u)
		}
	}
	switch n.Kind {
	case NodeIndex:
		head("Index")
		add("reference", p.ref)
		desc(n.Desc, nil)
		plats, att := model.PlatformList(n.tree)
		add("platforms", fmt.Sprint(len(plats)))
		if att > 0 {
			add("attestations", fmt.Sprint(att))
		}
	case NodeEntry:
		e := n.Entry
		switch {
		case e.IsAttestation():
			head("Attestation")
			add("describes", attestedDigest(e))
		case e.IsIndex():
			head("Nested index")
		default:
			head("Platform entry")
		}
		if e.Platform != nil {
			add("platform", e.Platform.String())
			if len(e.Platform.OSFeatures) > 0 {
				add("os.features", strings.Join(e.Platform.OSFeatures, ","))
			}
			if len(e.Platform.Features) > 0 {
				add("features", strings.Join(e.Platform.Features, ","))
			}
		}
		desc(e.Descriptor, e.Image)
		if e.Missing {
			lines = append(lines, s.Error.Render("missing: the registry has no such manifest (404)"))
		}
		if e.Err != "" {
			lines = append(lines, s.Error.Render("error: "+termsafe.String(e.Err)))
		}
		if e.Mismatch != "" {
			lines = append(lines, s.Warn.Render("mismatch: "+termsafe.String(e.Mismatch)))
		}
		if len(e.Attestations) > 0 {
			add("attestations", fmt.Sprint(len(e.Attestations)))
		}
		if e.Image != nil {
			add("layers", fmt.Sprint(len(e.Image.Layers)))
			add("pull size", common.HumanSize(e.Image.TotalSize()))
			if e.Image.Config != nil {
				lines = append(lines, configLines(s, e.Image.Config)...)
			}
		}
	case NodeManifest:
		head("Manifest")
		desc(n.Desc, n.image)
		if n.image != nil {
			add("layers", fmt.Sprint(len(n.image.Layers)))
			add("pull size", common.HumanSize(n.image.TotalSize()))
			if n.image.Subject != nil {
				add("subject", n.image.Subject.Digest)
			}
		}
	case NodeConfig:
		head("Config")
		desc(n.Desc, nil)
		if n.image.ConfigErr != "" {
			lines = append(lines, s.Error.Render("error: "+termsafe.String(n.image.ConfigErr)))
		}
		if n.image.Config != nil {
			lines = append(lines, configLines(s, n.image.Config)...)
		}
	case NodeLayer:
		head(fmt.Sprintf("Layer %d", n.layer))
		desc(n.Desc, nil)
		if c := n.image.Config; c != nil && n.layer-1 < len(c.DiffIDs) {
			add("diff id", c.DiffIDs[n.layer-1])
		}
	case NodeAnnotation:
		head("Annotation")
		add("key", n.annKey)
		lines = append(lines, termsafe.String(n.annValue))
	case NodeSupply:
		head("Supply chain")
		add("state", n.supply.SignatureState())
		add("referrers", referrersSupportText(n.supply.Support))
		add("attached", fmt.Sprint(len(n.supply.Referrers)))
		for _, e := range n.supply.Errs {
			add("lookup failed", e)
		}
	case NodeSupplyItem:
		supplyDetails(n.Item, head, add)
	}
	if ann := n.Desc.Annotations; len(ann) > 0 && n.Kind != NodeAnnotation {
		head("Annotations")
		keys := make([]string, 0, len(ann))
		for k := range ann {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(k, ann[k])
		}
	}
	var out []string
	for _, l := range lines {
		// Long values wrap at spaces rather than lose their end; a digest
		// or other token wider than the pane is cut where it must, never
		// inside an escaped sequence (\x1b, \u200b).
		out = append(out, WrapField(l, width)...)
	}
	if len(out) > height {
		out = out[:height]
	}
	for i, l := range out {
		out[i] = common.Fit(l, width)
	}
	return strings.Join(out, "\n")
}

func configLines(s *styles.Styles, c *model.Config) []string {
	var out []string
	add := func(label, value string) {
		if value != "" {
			out = append(out, s.Faint.Render(termsafe.String(label)+": ")+termsafe.String(value)) // label keys come from the registry
		}
	}
	out = append(out, s.Accent.Render("Config"))
	add("platform", c.Platform().String())
	if c.Created != nil {
		add("created", c.Created.UTC().Format("2006-01-02 15:04:05Z"))
	}
	add("author", c.Author)
	add("user", c.User)
	add("workdir", c.WorkingDir)
	add("entrypoint", strings.Join(c.Entrypoint, " "))
	add("cmd", strings.Join(c.Cmd, " "))
	for _, e := range c.Env {
		add("env", e)
	}
	if len(c.ExposedPorts) > 0 {
		add("ports", strings.Join(c.ExposedPorts, ", "))
	}
	keys := make([]string, 0, len(c.Labels))
	for k := range c.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add("label "+k, c.Labels[k])
	}
	if len(c.History) > 0 {
		add("history", common.Plural(len(c.History), "step", "steps"))
	}
	return out
}

// typeOfDescriptor labels a descriptor's artifactType: "artifact type", or
// "config type" when an index names an image config there.
func typeOfDescriptor(artifactType string, add func(label, value string)) {
	if model.KindOf(artifactType) == model.KindImageConfig {
		add("config type", artifactType)
		return
	}
	add("artifact type", artifactType)
}

// WrapField wraps one line of the details pane at spaces. A word that fits
// the width goes to the next line whole; only a word wider than the width
// (a digest, a long escaped value) is cut, starting beside its label, and
// never inside an escaped sequence termsafe wrote (\x1b, \u200b,
// \U0001f600). ANSI styling is kept.
func WrapField(l string, width int) []string {
	if width < 1 || ansi.StringWidth(l) <= width {
		return []string{l}
	}
	var out []string
	cur, curW, fresh := "", 0, true
	flush := func() {
		out = append(out, cur)
		cur, curW, fresh = "", 0, true
	}
	for _, w := range strings.Split(l, " ") {
		ww := ansi.StringWidth(w)
		sep := 1
		if fresh {
			sep = 0
		}
		if curW+sep+ww <= width {
			cur += strings.Repeat(" ", sep) + w
			curW += sep + ww
			fresh = false
			continue
		}
		if ww <= width { // fits a line of its own
			flush()
			cur, curW, fresh = w, ww, false
			continue
		}
		// Wider than the pane: start beside what is there, cut as needed.
		if !fresh && curW+sep >= width {
			flush()
			sep = 0
		}
		if !fresh {
			cur += " "
			curW++
		}
		for ww > 0 {
			room := width - curW
			if ww <= room {
				cur += w
				curW += ww
				fresh = false
				break
			}
			n := safeCut(ansi.Strip(w), room)
			if ansi.StringWidth(ansi.Cut(w, 0, n)) == 0 { // a wide rune in one cell
				if !fresh {
					flush()
					continue
				}
				n = ansi.StringWidth(string([]rune(ansi.Strip(w))[0]))
			}
			cur += ansi.Cut(w, 0, n)
			flush()
			w = ansi.Cut(w, n, ww)
			ww = ansi.StringWidth(w)
		}
	}
	if !fresh {
		out = append(out, cur)
	}
	return out
}

// safeCut moves a cut at cell n of plain back to the start of an escaped
// sequence (\xHH, \uHHHH, \UHHHHHHHH) that it would split.
func safeCut(plain string, n int) int {
	rs := []rune(plain)
	cell := 0
	for i, r := range rs {
		if cell >= n {
			break
		}
		if r == '\\' && i+1 < len(rs) {
			l := map[rune]int{'x': 4, 'u': 6, 'U': 10}[rs[i+1]]
			if l > 0 && cell+l > n && cell > 0 && i+l <= len(rs) {
				return cell
			}
		}
		cell += ansi.StringWidth(string(r))
	}
	return n
}
