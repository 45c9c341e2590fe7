package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"
)

// ChangeKind says how an entry differs between the target tag and a staged
// list.
type ChangeKind int

const (
	// Unchanged entries are in both with the same digest, platform and
	// annotations.
	Unchanged ChangeKind = iota
	// Added entries are only in the staged list.
	Added
	// Removed entries are only in the target tag's index.
	Removed
	// Repointed entries keep their platform but point at a new digest.
	Repointed
	// Changed entries keep their digest but change platform or annotations.
	Changed
)

func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	case Repointed:
		return "re-pointed"
	case Changed:
		return "changed"
	}
	return "unchanged"
}

// Symbol is the one-character marker of a change in a diff listing.
func (k ChangeKind) Symbol() string {
	switch k {
	case Added:
		return "+"
	case Removed:
		return "-"
	case Repointed, Changed:
		return "~"
	}
	return " "
}

// Change is one entry of a diff.
type Change struct {
	Kind ChangeKind
	// Old is the entry in the target tag (nil when added); New the staged one
	// (nil when removed).
	Old *Descriptor
	New *StagedEntry
	// Details lists what changed, e.g. "platform linux/arm → linux/arm/v7".
	Details []string
}

// Platform is the platform the change concerns, for display.
func (c Change) Platform() string {
	switch {
	case c.New != nil:
		return c.New.PlatformString()
	case c.Old != nil && c.Old.Platform != nil:
		return c.Old.Platform.Label()
	}
	return "-"
}

// Digest is the digest the change concerns (the new one when there is one).
func (c Change) Digest() string {
	if c.New != nil {
		return c.New.Digest
	}
	if c.Old != nil {
		return c.Old.Digest
	}
	return ""
}

// ListDiff is what pushing a staged list changes at its target tag.
type ListDiff struct {
	// Current is the digest the tag holds now ("" when it does not exist).
	Current string
	// New is the digest the staged list renders to.
	New string
	// MediaType describes a change of the list's media type, or "".
	MediaType string
	// Annotations lists index annotation changes.
	Annotations []string
	// IndexFields lists changes of the index's artifactType and subject
	// (a Docker list cannot carry them).
	IndexFields []string
	Changes     []Change
	// NotIndex is set when the tag holds a single image, which the list
	// replaces.
	NotIndex bool
}

// Empty reports whether the push would change nothing.
func (d ListDiff) Empty() bool {
	if d.Current != "" && d.Current == d.New {
		return true
	}
	if d.Current == "" || d.MediaType != "" || len(d.Annotations) > 0 || len(d.IndexFields) > 0 || d.NotIndex {
		return false
	}
	for _, c := range d.Changes {
		if c.Kind != Unchanged {
			return false
		}
	}
	return true
}

// Counts returns how many entries were added, removed, re-pointed and
// changed.
func (d ListDiff) Counts() (added, removed, repointed, changed int) {
	for _, c := range d.Changes {
		switch c.Kind {
		case Added:
			added++
		case Removed:
			removed++
		case Repointed:
			repointed++
		case Changed:
			changed++
		}
	}
	return
}

// Lines renders the diff as text, one line per entry, with + - ~ markers.
// Registry strings are not escaped here: callers print through termsafe.
func (d ListDiff) Lines() []string {
	var out []string
	switch {
	case d.Current == "":
		out = append(out, "new tag")
	case d.NotIndex:
		out = append(out, fmt.Sprintf("replaces single image %s", short(d.Current)))
	}
	if d.MediaType != "" {
		out = append(out, "~ media type "+d.MediaType)
	}
	for _, a := range d.Annotations {
		out = append(out, "~ index annotation "+a)
	}
	for _, f := range d.IndexFields {
		out = append(out, "~ index "+f)
	}
	for _, c := range d.Changes {
		line := fmt.Sprintf("%s %-24s %s", c.Kind.Symbol(), c.Platform(), short(c.Digest()))
		if c.New != nil && c.New.IsAttestation() || c.New == nil && c.Old != nil && c.Old.Annotations[AnnotationReferenceType] == ReferenceTypeAttestation {
			line += " (attestation)"
		}
		if len(c.Details) > 0 {
			line += "  " + strings.Join(c.Details, "; ")
		}
		out = append(out, line)
	}
	if d.Empty() {
		out = append(out, "no change: the tag already holds this list")
	}
	return out
}

// Diff compares a staged list with the tree its target tag holds now (nil
// when the tag does not exist). Entries are matched by digest first, then
// images by platform (a re-pointed entry); what is left is added or removed.
// Changes come in staged order, then removals in the tag's order.
func Diff(current *Tree, l *StagedList) ListDiff {
	var d ListDiff
	if _, dg, err := l.Render(); err == nil {
		d.New = dg
	}
	if current == nil {
		for i := range l.Entries {
			d.Changes = append(d.Changes, Change{Kind: Added, New: &l.Entries[i]})
		}
		return d
	}
	d.Current = current.Digest
	if !current.IsIndex() {
		d.NotIndex = true
		for i := range l.Entries {
			d.Changes = append(d.Changes, Change{Kind: Added, New: &l.Entries[i]})
		}
		return d
	}
	if mt := l.EffectiveMediaType(); mt != current.MediaType {
		d.MediaType = MediaTypeName(current.MediaType) + " → " + MediaTypeName(mt)
	}
	newAnn := l.Annotations
	if l.EffectiveMediaType() == MediaTypeDockerList {
		newAnn = nil
	}
	d.Annotations = annotationChanges(current.Annotations, newAnn)
	d.IndexFields = indexFieldChanges(current.Raw, l)

	old := make([]*Descriptor, len(current.Entries))
	for i, e := range current.Entries {
		old[i] = &e.Descriptor
	}
	used := make([]bool, len(old))
	changes := make([]Change, len(l.Entries))
	matched := make([]bool, len(l.Entries))
	// By digest.
	for i := range l.Entries {
		ne := &l.Entries[i]
		for j, od := range old {
			if !used[j] && od.Digest == ne.Digest {
				used[j], matched[i] = true, true
				changes[i] = compareEntry(od, ne, l.EffectiveMediaType() == MediaTypeDockerList)
				break
			}
		}
	}
	// Images by platform.
	for i := range l.Entries {
		ne := &l.Entries[i]
		if matched[i] || ne.IsAttestation() || ne.Platform == nil {
			continue
		}
		key := PlatformKey(*ne.Platform)
		for j, od := range old {
			if used[j] || od.Platform == nil || od.Annotations[AnnotationReferenceType] == ReferenceTypeAttestation {
				continue
			}
			if PlatformKey(*od.Platform) == key {
				used[j], matched[i] = true, true
				c := compareEntry(od, ne, l.EffectiveMediaType() == MediaTypeDockerList)
				c.Kind = Repointed
				c.Details = append([]string{short(od.Digest) + " → " + short(ne.Digest)}, c.Details...)
				changes[i] = c
				break
			}
		}
	}
	for i := range l.Entries {
		if !matched[i] {
			changes[i] = Change{Kind: Added, New: &l.Entries[i]}
		}
	}
	d.Changes = changes
	for j, od := range old {
		if !used[j] {
			d.Changes = append(d.Changes, Change{Kind: Removed, Old: od})
		}
	}
	return d
}

// indexFieldChanges says how the index's artifactType and subject change:
// kept, changed, or dropped because a Docker list cannot carry them.
func indexFieldChanges(currentRaw []byte, l *StagedList) []string {
	oldAT, oldSubj, _ := indexFields(currentRaw)
	newAT, newSubj := l.ArtifactType, string(compactOrEmpty(l.Subject))
	if l.EffectiveMediaType() == MediaTypeDockerList {
		newAT, newSubj = "", ""
	}
	var out []string
	show := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return s
	}
	if oldAT != newAT {
		out = append(out, "artifactType "+show(oldAT)+" → "+show(newAT))
	}
	if o := string(compactOrEmpty(oldSubj)); o != newSubj {
		out = append(out, "subject "+show(subjectDigest(oldSubj))+" → "+show(subjectDigest(json.RawMessage(newSubj))))
	}
	return out
}

func compactOrEmpty(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if len(raw) == 0 || json.Compact(&b, raw) != nil {
		return nil
	}
	return b.Bytes()
}

func subjectDigest(raw json.RawMessage) string {
	var d struct {
		Digest string `json:"digest"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &d) != nil {
		return ""
	}
	if d.Digest == "" {
		return "(no digest)"
	}
	return short(d.Digest)
}

func compareEntry(od *Descriptor, ne *StagedEntry, docker bool) Change {
	c := Change{Kind: Unchanged, Old: od, New: ne}
	op, np := "-", "-"
	if od.Platform != nil {
		op = od.Platform.Label()
	}
	if ne.Platform != nil {
		np = ne.Platform.Label()
	}
	// Label carries os.features and features: an entry that changes only
	// those is changed (the push rewrites the index).
	if op != np {
		c.Kind = Changed
		c.Details = append(c.Details, "platform "+op+" → "+np)
	}
	newAnn := ne.Annotations
	if docker {
		newAnn = nil
	}
	if a := annotationChanges(od.Annotations, newAnn); len(a) > 0 {
		c.Kind = Changed
		for _, s := range a {
			c.Details = append(c.Details, "annotation "+s)
		}
	}
	return c
}

// annotationChanges lists added, removed and changed keys, sorted by key.
func annotationChanges(old, new map[string]string) []string {
	if maps.Equal(old, new) {
		return nil
	}
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range new {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []string
	for _, k := range sorted {
		ov, inOld := old[k]
		nv, inNew := new[k]
		switch {
		case !inOld:
			out = append(out, fmt.Sprintf("+%s=%s", k, nv))
		case !inNew:
			out = append(out, fmt.Sprintf("-%s", k))
		case ov != nv:
			out = append(out, fmt.Sprintf("%s: %s → %s", k, ov, nv))
		}
	}
	return out
}
