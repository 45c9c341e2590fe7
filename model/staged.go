package model

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// StagedList is a manifest list or image index being put together before it
// is pushed: the target it goes to, its entries in order and the digest the
// target tag held when the list was staged or amended.
type StagedList struct {
	// Name identifies the list in the staging store; by default the target.
	Name string `json:"name"`
	// Target is the reference the list is pushed to (registry/repo:tag).
	Target string `json:"target"`
	// MediaType forces a Docker list or an OCI index; "" chooses
	// automatically (see EffectiveMediaType).
	MediaType string `json:"mediaType,omitempty"`
	// Annotations are the index's own annotations (OCI only).
	Annotations map[string]string `json:"annotations,omitempty"`
	// Entries are the descriptors of the list, in the order they are pushed.
	Entries []StagedEntry `json:"entries"`
	// Base is the digest the target tag held when the list was staged or
	// last amended; "" when the tag did not exist. Push stops when the tag
	// has moved since.
	Base string `json:"base,omitempty"`
	// Updated is when the list last changed.
	Updated time.Time `json:"updated,omitzero"`
	// ArtifactType and Subject are the index's own artifactType and subject
	// (OCI only), kept from the index the list was started from.
	ArtifactType string          `json:"artifactType,omitempty"`
	Subject      json.RawMessage `json:"subject,omitempty"`
	// Extra holds the index's fields manifold does not model, as a JSON
	// object in the order they were read; they are written back unchanged.
	// It also holds the annotations as read, so that unchanged annotations
	// keep their order.
	Extra json.RawMessage `json:"extra,omitempty"`
}

// StagedEntry is one descriptor of a staged list and where its content
// lives until it is copied into the target repository.
type StagedEntry struct {
	// Source is the reference the entry was added from, as the user gave it.
	Source string `json:"source"`
	// Repository is registry/repository where the manifest can be read.
	Repository string `json:"repository"`
	// Digest, MediaType and Size pin the manifest.
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	Size      int64  `json:"size"`
	// Platform is what the descriptor declares; nil for none (attestations
	// carry unknown/unknown).
	Platform *Platform `json:"platform,omitempty"`
	// ConfigPlatform is what the image config says, when known.
	ConfigPlatform *Platform `json:"configPlatform,omitempty"`
	// Annotations are the descriptor's annotations.
	Annotations  map[string]string `json:"annotations,omitempty"`
	ArtifactType string            `json:"artifactType,omitempty"`
	// Descriptor is the descriptor as it was read from the index the entry
	// came from, when it came from one. Its fields that manifold does not
	// model (urls, data, unknown ones) are written back, and an entry that
	// was not edited is written back exactly as read.
	Descriptor json.RawMessage `json:"descriptor,omitempty"`
	// DescriptorIn is the media type of the index Descriptor was read from.
	// The descriptor is written back as read only into a list of that type;
	// into the other format it is written in that format's field order.
	DescriptorIn string `json:"descriptorIn,omitempty"`
}

// Ref returns repository@digest, the pinned reference of the entry.
func (e StagedEntry) Ref() string { return e.Repository + "@" + e.Digest }

// IsAttestation reports whether the entry is a BuildKit attestation.
func (e StagedEntry) IsAttestation() bool {
	return e.Annotations[AnnotationReferenceType] == ReferenceTypeAttestation
}

// PlatformString is the entry's platform as os/arch[/variant][:os.version]
// with the os.features and features it requires (Platform.Label), or "-"
// when it has none.
func (e StagedEntry) PlatformString() string {
	if e.Platform == nil {
		return "-"
	}
	return e.Platform.Label()
}

// Clone returns a deep copy of the list, so edits to the copy never reach
// the original.
func (l *StagedList) Clone() *StagedList {
	c := *l
	c.Annotations = cloneMap(l.Annotations)
	c.Subject = append(json.RawMessage(nil), l.Subject...)
	c.Extra = append(json.RawMessage(nil), l.Extra...)
	if len(c.Subject) == 0 {
		c.Subject = nil
	}
	if len(c.Extra) == 0 {
		c.Extra = nil
	}
	c.Entries = make([]StagedEntry, len(l.Entries))
	for i, e := range l.Entries {
		c.Entries[i] = e.clone()
	}
	return &c
}

func (e StagedEntry) clone() StagedEntry {
	c := e
	c.Platform = clonePlatform(e.Platform)
	c.ConfigPlatform = clonePlatform(e.ConfigPlatform)
	c.Annotations = cloneMap(e.Annotations)
	if len(e.Descriptor) > 0 {
		c.Descriptor = append(json.RawMessage(nil), e.Descriptor...)
	}
	return c
}

func clonePlatform(p *Platform) *Platform {
	if p == nil {
		return nil
	}
	c := *p
	c.OSFeatures = append([]string(nil), p.OSFeatures...)
	c.Features = append([]string(nil), p.Features...)
	if len(c.OSFeatures) == 0 {
		c.OSFeatures = nil
	}
	if len(c.Features) == 0 {
		c.Features = nil
	}
	return &c
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// EffectiveMediaType is the media type the list is pushed as: the forced one
// when set, else an OCI index when any child is OCI or any annotation or
// artifact type is set (a Docker list would drop them), else a Docker list.
func (l *StagedList) EffectiveMediaType() string {
	if l.MediaType != "" {
		return l.MediaType
	}
	if len(l.Annotations) > 0 || l.ArtifactType != "" || len(l.Subject) > 0 {
		return MediaTypeOCIIndex
	}
	for _, e := range l.Entries {
		if e.MediaType == MediaTypeOCIManifest || e.MediaType == MediaTypeOCIIndex || len(e.Annotations) > 0 || e.ArtifactType != "" {
			return MediaTypeOCIIndex
		}
	}
	return MediaTypeDockerList
}

// ParseMediaTypeFlag maps the --media-type values oci, docker and auto (or
// a full media type) to a StagedList.MediaType.
func ParseMediaTypeFlag(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return "", nil
	case "oci", MediaTypeOCIIndex:
		return MediaTypeOCIIndex, nil
	case "docker", MediaTypeDockerList:
		return MediaTypeDockerList, nil
	}
	return "", fmt.Errorf("unknown media type %q: use oci, docker or auto", s)
}

func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// EntryFromImage makes a staged entry of a single-platform image: the
// platform comes from its config.
func EntryFromImage(source, repository string, im *Image) (StagedEntry, error) {
	if im == nil {
		return StagedEntry{}, fmt.Errorf("%s: no image manifest", source)
	}
	e := StagedEntry{
		Source: source, Repository: repository,
		Digest: im.Digest, MediaType: im.MediaType, Size: im.Size,
		ArtifactType: im.ArtifactType,
	}
	if im.Config != nil {
		p := im.Config.Platform()
		e.ConfigPlatform = clonePlatform(&p)
		e.Platform = clonePlatform(&p)
	}
	return e, nil
}

// EntryFromIndexEntry makes a staged entry of an index entry, keeping its
// descriptor's platform and annotations.
func EntryFromIndexEntry(repository string, ie *Entry) StagedEntry {
	return entryFromIndexEntry(repository, ie, nil, "")
}

// EntryFromTreeEntry makes a staged entry of any entry of t, one of a
// nested index included, keeping its descriptor as written in the index
// that holds it.
func EntryFromTreeEntry(t *Tree, e *Entry) StagedEntry {
	var find func(raw []byte, mt string, es []*Entry) (json.RawMessage, string, bool)
	find = func(raw []byte, mt string, es []*Entry) (json.RawMessage, string, bool) {
		raws := rawDescriptors(raw)
		for i, x := range es {
			if x == e {
				if len(raws) == len(es) {
					return raws[i], mt, true
				}
				return nil, "", true
			}
			if r, in, ok := find(x.NestedRaw, x.MediaType, x.Children); ok {
				return r, in, true
			}
		}
		return nil, "", false
	}
	raw, in, _ := find(t.Raw, t.MediaType, t.Entries)
	return entryFromIndexEntry(t.Repository, e, raw, in)
}

// entryFromIndexEntry is EntryFromIndexEntry keeping the descriptor as it
// was written in the index (raw), so its unmodelled fields survive.
func entryFromIndexEntry(repository string, ie *Entry, raw json.RawMessage, from string) StagedEntry {
	e := StagedEntry{
		Source: repository + "@" + ie.Digest, Repository: repository,
		Digest: ie.Digest, MediaType: ie.MediaType, Size: ie.Size,
		Platform:     clonePlatform(ie.Platform),
		Annotations:  cloneMap(ie.Annotations),
		ArtifactType: ie.ArtifactType,
		Descriptor:   append(json.RawMessage(nil), raw...),
	}
	if len(e.Descriptor) == 0 {
		e.Descriptor = nil
	} else {
		e.DescriptorIn = from
	}
	if ie.Image != nil && ie.Image.Config != nil && !ie.IsAttestation() {
		p := ie.Image.Config.Platform()
		e.ConfigPlatform = clonePlatform(&p)
	}
	return e
}

// EntriesFromTree turns the tree of a source reference into entries. A single
// image becomes one entry. An index is expanded with ExpandIndex: pick
// chooses the images to take (nil takes all), and each image brings its
// attestations along, right after it.
func EntriesFromTree(source string, t *Tree, pick func(*Entry) bool) ([]StagedEntry, error) {
	if t == nil {
		return nil, fmt.Errorf("%s: nothing fetched", source)
	}
	if !t.IsIndex() {
		if t.Image == nil {
			return nil, fmt.Errorf("%s: %s is neither an index nor an image manifest", source, t.MediaType)
		}
		e, err := EntryFromImage(source, t.Repository, t.Image)
		if err != nil {
			return nil, err
		}
		return []StagedEntry{e}, nil
	}
	out := ExpandIndex(t, pick)
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no entry of the index was chosen", source)
	}
	return out, nil
}

// ExpandIndex returns entries for the images of an index that pick accepts
// (all when pick is nil), in index order, each followed by the attestations
// that describe it. Attestations of images not taken are left out; entries
// of nested indexes are taken as whole nested indexes.
func ExpandIndex(t *Tree, pick func(*Entry) bool) []StagedEntry {
	var out []StagedEntry
	raws := treeDescriptors(t)
	taken := map[string]bool{}
	for _, e := range t.Entries {
		if e.IsAttestation() {
			continue
		}
		if pick != nil && !pick(e) {
			continue
		}
		if taken[e.Digest] {
			continue
		}
		taken[e.Digest] = true
		out = append(out, entryFromIndexEntry(t.Repository, e, raws[e], t.MediaType))
		for _, a := range attestationsOf(t.Entries, e) {
			if taken[a.Digest] {
				continue
			}
			taken[a.Digest] = true
			out = append(out, entryFromIndexEntry(t.Repository, a, raws[a], t.MediaType))
		}
	}
	return out
}

// attestationsOf returns the attestation entries that refer to e, in index
// order, whether or not linkAttestations ran.
func attestationsOf(entries []*Entry, e *Entry) []*Entry {
	var out []*Entry
	for _, a := range entries {
		if !a.IsAttestation() {
			continue
		}
		ref := a.AttestationFor
		if ref == "" {
			ref = a.Annotations[AnnotationReferenceDigest]
		}
		if ref == e.Digest {
			out = append(out, a)
		}
	}
	return out
}

// StagedFromTree stages an existing index unchanged (for `create --amend`):
// every entry, attestations and annotations included, with Base set to the
// tree's digest.
func StagedFromTree(name, target string, t *Tree) (*StagedList, error) {
	if !t.IsIndex() {
		return nil, fmt.Errorf("%s is a single image, not a list: create a new list instead of amending", target)
	}
	l := &StagedList{Name: name, Target: target, MediaType: t.MediaType, Annotations: cloneMap(t.Annotations), Base: t.Digest}
	l.ArtifactType, l.Subject, l.Extra = indexFields(t.Raw)
	raws := treeDescriptors(t)
	for _, e := range t.Entries {
		l.Entries = append(l.Entries, entryFromIndexEntry(t.Repository, e, raws[e], t.MediaType))
	}
	return l, nil
}

// treeDescriptors pairs the entries of an index tree with their descriptors
// as written in the index's bytes. It is empty when the bytes do not match
// the entries (a tree built without them).
func treeDescriptors(t *Tree) map[*Entry]json.RawMessage {
	out := map[*Entry]json.RawMessage{}
	raws := rawDescriptors(t.Raw)
	if len(raws) != len(t.Entries) {
		return out
	}
	for i, e := range t.Entries {
		var d struct {
			Digest string `json:"digest"`
		}
		if json.Unmarshal(raws[i], &d) != nil || d.Digest != e.Digest {
			return map[*Entry]json.RawMessage{}
		}
		out[e] = raws[i]
	}
	return out
}

// Add appends entries, skipping any whose digest is already in the list.
// It returns how many were added; AddReport also says which were skipped.
func (l *StagedList) Add(entries ...StagedEntry) int {
	n, _ := l.AddReport(entries...)
	return n
}

// Skipped is an entry Add left out because the list already has its
// manifest, at Existing (an index into Entries).
type Skipped struct {
	Entry    StagedEntry
	Existing int
}

// Message tells the user which entry was left out and why.
func (s Skipped) Message(l *StagedList) string {
	what := s.Entry.PlatformString() + " " + short(s.Entry.Digest)
	if s.Entry.IsAttestation() {
		what = "attestation " + short(s.Entry.Digest)
	}
	other := ""
	if s.Existing >= 0 && s.Existing < len(l.Entries) {
		other = " (" + l.Entries[s.Existing].Source + ")"
	}
	return fmt.Sprintf("skipped %s from %s: the same manifest is already entry %d%s", what, s.Entry.Source, s.Existing+1, other)
}

// AddReport appends entries like Add and returns how many were added and
// the ones skipped because their digest was already in the list (or came
// twice in entries), so that nothing is dropped without telling the user.
func (l *StagedList) AddReport(entries ...StagedEntry) (int, []Skipped) {
	have := map[string]int{}
	for i, e := range l.Entries {
		if _, ok := have[e.Digest]; !ok {
			have[e.Digest] = i
		}
	}
	n := 0
	var skipped []Skipped
	for _, e := range entries {
		if i, ok := have[e.Digest]; ok {
			skipped = append(skipped, Skipped{Entry: e.clone(), Existing: i})
			continue
		}
		have[e.Digest] = len(l.Entries)
		l.Entries = append(l.Entries, e.clone())
		n++
	}
	return n, skipped
}

// Remove deletes the entry at i together with the attestations that refer
// to it, and returns how many entries went.
func (l *StagedList) Remove(i int) int {
	if i < 0 || i >= len(l.Entries) {
		return 0
	}
	gone := l.Entries[i].Digest
	kept := l.Entries[:0:0]
	n := 0
	for j, e := range l.Entries {
		if j == i || (e.IsAttestation() && e.Annotations[AnnotationReferenceDigest] == gone) {
			n++
			continue
		}
		kept = append(kept, e)
	}
	l.Entries = kept
	return n
}

// Find returns the index of the entry a user's reference names: its source
// as given, repository@digest, its digest or a unique digest prefix (at
// least 6 hex characters), or its platform (os/arch[/variant][:os.version])
// when exactly one entry has it. It returns -1 and an error otherwise.
func (l *StagedList) Find(ref string) (int, error) {
	ref = strings.TrimSpace(ref)
	for i, e := range l.Entries {
		if e.Source == ref || e.Ref() == ref || e.Digest == ref {
			return i, nil
		}
	}
	if at := strings.LastIndexByte(ref, '@'); at >= 0 {
		d := ref[at+1:]
		for i, e := range l.Entries {
			if e.Digest == d {
				return i, nil
			}
		}
	}
	match := -1
	hexPart := strings.TrimPrefix(ref, "sha256:")
	if len(hexPart) >= 6 && isHex(hexPart) {
		for i, e := range l.Entries {
			if strings.HasPrefix(strings.TrimPrefix(e.Digest, "sha256:"), hexPart) {
				if match >= 0 {
					return -1, fmt.Errorf("%q matches more than one entry: give more of the digest", ref)
				}
				match = i
			}
		}
		if match >= 0 {
			return match, nil
		}
	}
	if p, err := ParsePlatform(ref); err == nil {
		for i, e := range l.Entries {
			if e.Platform != nil && !e.IsAttestation() && PlatformKey(*e.Platform) == PlatformKey(p) {
				if match >= 0 {
					return -1, fmt.Errorf("platform %s matches more than one entry: name it by digest", ref)
				}
				match = i
			}
		}
		if match >= 0 {
			return match, nil
		}
	}
	return -1, fmt.Errorf("%s has no entry %q: name it by the reference it was added from, its digest or its platform", l.Name, ref)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// PlatformKey identifies a platform for duplicate checks and diffs: the
// normalised os/arch/variant with defaults folded, os.version and sorted
// os.features.
func PlatformKey(p Platform) string {
	n := p.Normalize()
	feats := append([]string(nil), n.OSFeatures...)
	sort.Strings(feats)
	key := n.OS + "/" + n.Architecture + "/" + variantOf(n) + ":" + n.OSVersion
	if len(feats) > 0 {
		key += "+" + strings.Join(feats, ",")
	}
	return key
}

// PlatformEdit is a change to an entry's platform; empty fields are left as
// they are. OSFeatures replaces the list when non-nil. ClearVariant and
// ClearOSVersion remove the variant and the os.version.
type PlatformEdit struct {
	OS, Architecture, Variant, OSVersion string
	OSFeatures                           []string
	Features                             []string
	ClearVariant, ClearOSVersion         bool
}

// IsZero reports whether the edit changes nothing.
func (e PlatformEdit) IsZero() bool {
	return e.OS == "" && e.Architecture == "" && e.Variant == "" && e.OSVersion == "" && e.OSFeatures == nil &&
		e.Features == nil && !e.ClearVariant && !e.ClearOSVersion
}

// Annotate changes the platform and annotations of entry i. An annotation
// with an empty value is removed.
func (l *StagedList) Annotate(i int, edit PlatformEdit, annotations map[string]string) error {
	if i < 0 || i >= len(l.Entries) {
		return fmt.Errorf("no entry %d", i)
	}
	e := &l.Entries[i]
	p := Platform{}
	if e.Platform != nil {
		p = *clonePlatform(e.Platform)
	}
	if edit.OS != "" {
		p.OS = edit.OS
	}
	if edit.Architecture != "" {
		p.Architecture = edit.Architecture
	}
	if edit.ClearVariant {
		p.Variant = ""
	}
	if edit.Variant != "" {
		p.Variant = edit.Variant
	}
	if edit.ClearOSVersion {
		p.OSVersion = ""
	}
	if edit.OSVersion != "" {
		p.OSVersion = edit.OSVersion
	}
	if edit.OSFeatures != nil {
		p.OSFeatures = nonEmpty(edit.OSFeatures)
	}
	if edit.Features != nil {
		p.Features = nonEmpty(edit.Features)
	}
	if p.OS == "" || p.Architecture == "" {
		if p.OS != "" || p.Architecture != "" || p.Variant != "" || p.OSVersion != "" {
			return fmt.Errorf("a platform needs both os and architecture (got %q)", p.String())
		}
	}
	if p.OS != "" {
		e.Platform = &p
	}
	for k, v := range annotations {
		if k == "" {
			return fmt.Errorf("annotation with an empty key")
		}
		if v == "" {
			delete(e.Annotations, k)
			continue
		}
		if e.Annotations == nil {
			e.Annotations = map[string]string{}
		}
		e.Annotations[k] = v
	}
	if len(e.Annotations) == 0 {
		e.Annotations = nil
	}
	return nil
}

// SetAnnotations changes the index annotations; an empty value removes a key.
func (l *StagedList) SetAnnotations(annotations map[string]string) {
	for k, v := range annotations {
		if v == "" {
			delete(l.Annotations, k)
			continue
		}
		if l.Annotations == nil {
			l.Annotations = map[string]string{}
		}
		l.Annotations[k] = v
	}
	if len(l.Annotations) == 0 {
		l.Annotations = nil
	}
}

// ParseAnnotations parses k=v pairs as given on a command line.
func ParseAnnotations(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("annotation %q: want key=value (key= removes it)", kv)
		}
		out[strings.TrimSpace(k)] = v
	}
	return out, nil
}
