package model

import (
	"fmt"
	"slices"
	"strings"
)

// RefDiff is what changed between two references (tags, digests or staged
// lists), platform by platform. It is built by DiffRefs from two fetched
// trees; JSON is the shape of `manifold diff -o json`.
type RefDiff struct {
	From RefSide `json:"from"`
	To   RefSide `json:"to"`
	// MediaType is "old → new" when the top level changed type.
	MediaType string `json:"mediaType,omitempty"`
	// Annotations are the index-level annotation changes ("+k=v", "-k",
	// "k: a → b").
	Annotations []string       `json:"annotations,omitempty"`
	Platforms   []PlatformDiff `json:"platforms"`
}

// RefSide names one side of a diff.
type RefSide struct {
	Reference string `json:"reference"`
	Digest    string `json:"digest"`
}

// Platform change kinds of a PlatformDiff.
const (
	PlatformAdded   = "added"
	PlatformRemoved = "removed"
	PlatformChanged = "changed"
	PlatformSame    = "same"
)

// PlatformDiff is one platform of a RefDiff.
type PlatformDiff struct {
	Platform string `json:"platform"`
	Change   string `json:"change"` // added, removed, changed or same
	// From and To are the image digests on each side ("" on the side
	// that lacks the platform).
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// FromSize and ToSize are the compressed pull sizes (config and
	// layers), 0 when unknown.
	FromSize  int64     `json:"fromSize"`
	ToSize    int64     `json:"toSize"`
	SizeDelta int64     `json:"sizeDelta"`
	Layers    LayerDiff `json:"layers"`
	// Config is nil when neither side's config was read or nothing in it
	// changed.
	Config *ConfigDiff `json:"config,omitempty"`
	// Annotations are the descriptor's and the manifest's annotation
	// changes, each prefixed by its level.
	Annotations []string `json:"annotations,omitempty"`
	// AttestationsFrom and AttestationsTo count the attestation manifests
	// of the image on each side; Attestations is "added" or "removed" when
	// they appear or disappear.
	AttestationsFrom int    `json:"attestationsFrom"`
	AttestationsTo   int    `json:"attestationsTo"`
	Attestations     string `json:"attestations,omitempty"`
	// Notes say what could not be compared (a missing child).
	Notes []string `json:"notes,omitempty"`
}

// LayerDiff compares the layers of one platform by digest.
type LayerDiff struct {
	Added        []LayerRef `json:"added"`
	Removed      []LayerRef `json:"removed"`
	Shared       []LayerRef `json:"shared"`
	AddedBytes   int64      `json:"addedBytes"`
	RemovedBytes int64      `json:"removedBytes"`
	SharedBytes  int64      `json:"sharedBytes"`
}

// LayerRef is a layer in a diff.
type LayerRef struct {
	Digest string `json:"digest"`
	Size   int64  `json:"size"`
}

// ConfigDiff is what changed in the image config.
type ConfigDiff struct {
	Env          *ListChange   `json:"env,omitempty"`
	Entrypoint   *StringsPair  `json:"entrypoint,omitempty"`
	Cmd          *StringsPair  `json:"cmd,omitempty"`
	User         *StringPair   `json:"user,omitempty"`
	WorkDir      *StringPair   `json:"workdir,omitempty"`
	Labels       []string      `json:"labels,omitempty"`
	ExposedPorts *ListChange   `json:"exposedPorts,omitempty"`
	History      *CountsChange `json:"history,omitempty"`
}

// ListChange is the items added and removed of an unordered list.
type ListChange struct {
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// StringsPair is an argv before and after.
type StringsPair struct {
	From []string `json:"from"`
	To   []string `json:"to"`
}

// StringPair is a value before and after.
type StringPair struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// CountsChange is a length before and after.
type CountsChange struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// Counts returns how many platforms were added, removed and changed.
func (d *RefDiff) Counts() (added, removed, changed, same int) {
	for _, p := range d.Platforms {
		switch p.Change {
		case PlatformAdded:
			added++
		case PlatformRemoved:
			removed++
		case PlatformChanged:
			changed++
		default:
			same++
		}
	}
	return
}

// DiffRefs compares two fetched trees (with children and configs, as
// registry.TreeOptions{All: true} fetches them) platform by platform.
// Platforms are paired by their normalised platform (os, architecture,
// variant, os.version, os.features); two entries of one platform pair in
// index order. The result lists the platforms of to in its order, then the
// ones only from had.
func DiffRefs(from, to *Tree) *RefDiff {
	d := &RefDiff{
		From: RefSide{Reference: from.Reference, Digest: from.Digest},
		To:   RefSide{Reference: to.Reference, Digest: to.Digest},
	}
	if from.MediaType != to.MediaType {
		d.MediaType = MediaTypeName(from.MediaType) + " → " + MediaTypeName(to.MediaType)
	}
	d.Annotations = annotationChanges(from.Annotations, to.Annotations)
	fs, ts := diffSides(from), diffSides(to)
	used := make([]bool, len(fs))
	byKey := map[string][]int{}
	for i, s := range fs {
		byKey[s.key] = append(byKey[s.key], i)
	}
	for _, t := range ts {
		if q := byKey[t.key]; len(q) > 0 {
			byKey[t.key] = q[1:]
			used[q[0]] = true
			d.Platforms = append(d.Platforms, diffPlatform(&fs[q[0]], &t))
			continue
		}
		d.Platforms = append(d.Platforms, diffPlatform(nil, &t))
	}
	for i := range fs {
		if !used[i] {
			d.Platforms = append(d.Platforms, diffPlatform(&fs[i], nil))
		}
	}
	return d
}

// diffSide is one image of a tree, as a diff sees it.
type diffSide struct {
	key, platform string
	digest        string
	descAnn       map[string]string
	image         *Image
	attestations  int
	missing       string
}

// diffSides lists the images of a tree: the entries of an index (nested
// indexes flattened, attestations left out) or the single image.
func diffSides(t *Tree) []diffSide {
	if !t.IsIndex() {
		var p Platform
		if t.Image != nil && t.Image.Config != nil {
			p = t.Image.Config.Platform()
		}
		return []diffSide{{key: PlatformKey(p), platform: p.String(), digest: t.Digest, image: t.Image}}
	}
	var out []diffSide
	for _, e := range imageEntries(t.Entries) {
		p := entryPlatform(e)
		out = append(out, diffSide{key: PlatformKey(p), platform: p.String(), digest: e.Digest, descAnn: e.Annotations,
			image: e.Image, attestations: len(e.Attestations), missing: unreadable(e)})
	}
	return out
}

// diffPlatform compares one platform; from or to is nil for a platform
// only one side has.
func diffPlatform(from, to *diffSide) PlatformDiff {
	var pd PlatformDiff
	var fi, ti *Image
	if from != nil {
		pd.Platform, pd.From, fi, pd.AttestationsFrom = from.platform, from.digest, from.image, from.attestations
		if from.missing != "" {
			pd.Notes = append(pd.Notes, "from: "+short(from.digest)+" "+from.missing)
		}
	}
	if to != nil {
		pd.Platform, pd.To, ti, pd.AttestationsTo = to.platform, to.digest, to.image, to.attestations
		if to.missing != "" {
			pd.Notes = append(pd.Notes, "to: "+short(to.digest)+" "+to.missing)
		}
	}
	if fi != nil {
		pd.FromSize = fi.TotalSize()
	}
	if ti != nil {
		pd.ToSize = ti.TotalSize()
	}
	pd.SizeDelta = pd.ToSize - pd.FromSize
	pd.Layers = diffLayers(fi, ti)
	switch {
	case from == nil:
		pd.Change = PlatformAdded
	case to == nil:
		pd.Change = PlatformRemoved
	default:
		pd.Config = diffConfig(fi, ti)
		for _, a := range annotationChanges(from.descAnn, to.descAnn) {
			pd.Annotations = append(pd.Annotations, "descriptor "+a)
		}
		var fa, ta map[string]string
		if fi != nil {
			fa = fi.Annotations
		}
		if ti != nil {
			ta = ti.Annotations
		}
		for _, a := range annotationChanges(fa, ta) {
			pd.Annotations = append(pd.Annotations, "manifest "+a)
		}
		switch {
		case pd.AttestationsFrom == 0 && pd.AttestationsTo > 0:
			pd.Attestations = PlatformAdded
		case pd.AttestationsFrom > 0 && pd.AttestationsTo == 0:
			pd.Attestations = PlatformRemoved
		}
		pd.Change = PlatformSame
		if pd.From != pd.To || len(pd.Annotations) > 0 || pd.Attestations != "" {
			pd.Change = PlatformChanged
		}
	}
	return pd
}

// diffLayers pairs layers by digest, as a multiset: a layer twice in from
// and once in to is once shared and once removed.
func diffLayers(from, to *Image) LayerDiff {
	ld := LayerDiff{Added: []LayerRef{}, Removed: []LayerRef{}, Shared: []LayerRef{}}
	var fl, tl []Descriptor
	if from != nil {
		fl = from.Layers
	}
	if to != nil {
		tl = to.Layers
	}
	left := map[string]int{}
	for _, l := range fl {
		left[l.Digest]++
	}
	for _, l := range tl {
		r := LayerRef{Digest: l.Digest, Size: max(l.Size, 0)}
		if left[l.Digest] > 0 {
			left[l.Digest]--
			ld.Shared = append(ld.Shared, r)
			ld.SharedBytes += r.Size
			continue
		}
		ld.Added = append(ld.Added, r)
		ld.AddedBytes += r.Size
	}
	for _, l := range fl {
		if left[l.Digest] > 0 {
			left[l.Digest]--
			r := LayerRef{Digest: l.Digest, Size: max(l.Size, 0)}
			ld.Removed = append(ld.Removed, r)
			ld.RemovedBytes += r.Size
		}
	}
	return ld
}

// diffConfig compares two image configs; nil when neither was read or
// nothing the diff looks at changed.
func diffConfig(from, to *Image) *ConfigDiff {
	var fc, tc *Config
	if from != nil {
		fc = from.Config
	}
	if to != nil {
		tc = to.Config
	}
	if fc == nil && tc == nil {
		return nil
	}
	if fc == nil {
		fc = &Config{}
	}
	if tc == nil {
		tc = &Config{}
	}
	var c ConfigDiff
	changed := false
	if lc := listChange(fc.Env, tc.Env); lc != nil {
		c.Env, changed = lc, true
	}
	if !slices.Equal(fc.Entrypoint, tc.Entrypoint) {
		c.Entrypoint, changed = &StringsPair{From: nonNil(fc.Entrypoint), To: nonNil(tc.Entrypoint)}, true
	}
	if !slices.Equal(fc.Cmd, tc.Cmd) {
		c.Cmd, changed = &StringsPair{From: nonNil(fc.Cmd), To: nonNil(tc.Cmd)}, true
	}
	if fc.User != tc.User {
		c.User, changed = &StringPair{From: fc.User, To: tc.User}, true
	}
	if fc.WorkingDir != tc.WorkingDir {
		c.WorkDir, changed = &StringPair{From: fc.WorkingDir, To: tc.WorkingDir}, true
	}
	if l := annotationChanges(fc.Labels, tc.Labels); len(l) > 0 {
		c.Labels, changed = l, true
	}
	if lc := listChange(fc.ExposedPorts, tc.ExposedPorts); lc != nil {
		c.ExposedPorts, changed = lc, true
	}
	if len(fc.History) != len(tc.History) {
		c.History, changed = &CountsChange{From: len(fc.History), To: len(tc.History)}, true
	}
	if !changed {
		return nil
	}
	return &c
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// listChange compares two lists as sets; nil when equal.
func listChange(from, to []string) *ListChange {
	in := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, s := range list {
			m[s] = true
		}
		return m
	}
	fm, tm := in(from), in(to)
	var lc ListChange
	for _, s := range to {
		if !fm[s] {
			lc.Added = append(lc.Added, s)
		}
	}
	for _, s := range from {
		if !tm[s] {
			lc.Removed = append(lc.Removed, s)
		}
	}
	if len(lc.Added) == 0 && len(lc.Removed) == 0 {
		return nil
	}
	return &lc
}

// DiffRow is one line of a side-by-side diff: a label, the value on each
// side, and the change it marks ("+", "-", "~" or " ").
type DiffRow struct {
	Label       string
	Left, Right string
	Mark        string
	// Header starts a platform.
	Header bool
}

// Rows lays the diff out side by side, the form the CLI table and the
// TUI's two aligned columns share.
func (d *RefDiff) Rows() []DiffRow {
	var rows []DiffRow
	rows = append(rows, DiffRow{Label: "reference", Left: d.From.Reference, Right: d.To.Reference, Mark: mark(d.From.Digest != d.To.Digest), Header: true},
		DiffRow{Label: "digest", Left: short(d.From.Digest), Right: short(d.To.Digest), Mark: mark(d.From.Digest != d.To.Digest)})
	if d.MediaType != "" {
		l, r, _ := strings.Cut(d.MediaType, " → ")
		rows = append(rows, DiffRow{Label: "media type", Left: l, Right: r, Mark: "~"})
	}
	for _, a := range d.Annotations {
		rows = append(rows, annotationRow("annotation", a))
	}
	for _, p := range d.Platforms {
		rows = append(rows, p.rows()...)
	}
	return rows
}

func mark(changed bool) string {
	if changed {
		return "~"
	}
	return " "
}

// annotationRow shows an annotation change ("+k=v", "-k", "k: a → b").
func annotationRow(label, a string) DiffRow {
	switch {
	case strings.HasPrefix(a, "+"):
		k, v, _ := strings.Cut(a[1:], "=")
		return DiffRow{Label: label + " " + k, Right: v, Mark: "+"}
	case strings.HasPrefix(a, "-"):
		return DiffRow{Label: label + " " + a[1:], Left: "(set)", Mark: "-"}
	}
	k, rest, _ := strings.Cut(a, ": ")
	l, r, _ := strings.Cut(rest, " → ")
	return DiffRow{Label: label + " " + k, Left: l, Right: r, Mark: "~"}
}

func (p PlatformDiff) rows() []DiffRow {
	sym := map[string]string{PlatformAdded: "+", PlatformRemoved: "-", PlatformChanged: "~", PlatformSame: " "}[p.Change]
	rows := []DiffRow{{Label: p.Platform, Left: orDash(short(p.From)), Right: orDash(short(p.To)), Mark: sym, Header: true}}
	if p.Change == PlatformSame {
		return rows
	}
	sizeMark := mark(p.SizeDelta != 0)
	if p.Change != PlatformChanged {
		sizeMark = sym
	}
	rows = append(rows, DiffRow{Label: "size", Left: sizeOrBlank(p.FromSize, p.From), Right: sizeOrBlank(p.ToSize, p.To) + deltaSuffix(p), Mark: sizeMark})
	l := p.Layers
	if p.From != "" && p.To != "" {
		shared := fmt.Sprintf("%d (%s)", len(l.Shared), FormatSize(l.SharedBytes))
		rows = append(rows,
			DiffRow{Label: "layers only here", Left: fmt.Sprintf("%d removed (%s)", len(l.Removed), FormatSize(l.RemovedBytes)),
				Right: fmt.Sprintf("%d added (%s)", len(l.Added), FormatSize(l.AddedBytes)), Mark: mark(len(l.Added)+len(l.Removed) > 0)},
			DiffRow{Label: "layers shared", Left: shared, Right: shared, Mark: " "})
	}
	if c := p.Config; c != nil {
		rows = append(rows, c.Env.rows("env")...)
		if c.Entrypoint != nil {
			rows = append(rows, DiffRow{Label: "entrypoint", Left: argv(c.Entrypoint.From), Right: argv(c.Entrypoint.To), Mark: "~"})
		}
		if c.Cmd != nil {
			rows = append(rows, DiffRow{Label: "cmd", Left: argv(c.Cmd.From), Right: argv(c.Cmd.To), Mark: "~"})
		}
		if c.User != nil {
			rows = append(rows, DiffRow{Label: "user", Left: c.User.From, Right: c.User.To, Mark: "~"})
		}
		if c.WorkDir != nil {
			rows = append(rows, DiffRow{Label: "workdir", Left: c.WorkDir.From, Right: c.WorkDir.To, Mark: "~"})
		}
		for _, a := range c.Labels {
			rows = append(rows, annotationRow("label", a))
		}
		rows = append(rows, c.ExposedPorts.rows("port")...)
		if c.History != nil {
			rows = append(rows, DiffRow{Label: "history", Left: fmt.Sprintf("%d steps", c.History.From), Right: fmt.Sprintf("%d steps", c.History.To), Mark: "~"})
		}
	}
	for _, a := range p.Annotations {
		level, rest, _ := strings.Cut(a, " ")
		rows = append(rows, annotationRow(level, rest))
	}
	if p.Attestations != "" || (p.From != "" && p.To != "" && p.AttestationsFrom != p.AttestationsTo) {
		rows = append(rows, DiffRow{Label: "attestations", Left: fmt.Sprint(p.AttestationsFrom), Right: fmt.Sprint(p.AttestationsTo), Mark: map[string]string{PlatformAdded: "+", PlatformRemoved: "-", "": "~"}[p.Attestations]})
	}
	for _, n := range p.Notes {
		rows = append(rows, DiffRow{Label: "note", Left: n, Mark: "!"})
	}
	return rows
}

// rows shows a list change: removed items left, added ones right.
func (lc *ListChange) rows(label string) []DiffRow {
	if lc == nil {
		return nil
	}
	var rows []DiffRow
	for _, e := range lc.Removed {
		rows = append(rows, DiffRow{Label: label, Left: e, Mark: "-"})
	}
	for _, e := range lc.Added {
		rows = append(rows, DiffRow{Label: label, Right: e, Mark: "+"})
	}
	return rows
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func sizeOrBlank(n int64, digest string) string {
	if digest == "" {
		return ""
	}
	if n <= 0 {
		return "unknown"
	}
	return FormatSize(n)
}

func deltaSuffix(p PlatformDiff) string {
	if p.From == "" || p.To == "" || p.SizeDelta == 0 {
		return ""
	}
	if p.SizeDelta > 0 {
		return " (+" + FormatSize(p.SizeDelta) + ")"
	}
	return " (-" + FormatSize(-p.SizeDelta) + ")"
}

// argv shows an argv as JSON-ish ["a", "b"].
func argv(s []string) string {
	q := make([]string, len(s))
	for i, a := range s {
		q[i] = fmt.Sprintf("%q", a)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
