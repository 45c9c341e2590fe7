package model

import (
	"fmt"
	"sort"
	"strings"

	"github.com/containerd/platforms"
)

// Resolution is the entry a host pulls from a tree.
type Resolution struct {
	Host  Platform
	Entry *Entry // nil when nothing matches
	// Reference is repository@digest of the chosen entry (or of the single
	// manifest, for a tree that is not an index).
	Reference string
	Digest    string
	MediaType string
	Platform  Platform
}

// Candidates returns the entries a host could pull from, in index order:
// every entry of the index and of nested indexes, except attestations and
// unknown/unknown entries. An entry without a platform counts only when its
// image config was fetched (containerd then reads the platform from the
// config, as Resolve does).
func Candidates(t *Tree) []*Entry {
	var out []*Entry
	var walk func([]*Entry)
	walk = func(es []*Entry) {
		for _, e := range es {
			if e.IsAttestation() {
				continue
			}
			if len(e.Children) > 0 {
				walk(e.Children)
				continue
			}
			if _, _, ok := candidatePlatform(e); ok {
				out = append(out, e)
			}
		}
	}
	walk(t.Entries)
	return out
}

// candidatePlatform is the platform containerd matches an entry by: the
// descriptor's, or for a descriptor without one, its image config's.
func candidatePlatform(e *Entry) (p Platform, declared, ok bool) {
	switch {
	case e.Platform != nil:
		return *e.Platform, true, !e.Platform.IsUnknown()
	case e.Image != nil && e.Image.Config != nil:
		p := e.Image.Config.Platform()
		return p, false, !p.IsUnknown() && p.OS != "" && p.Architecture != ""
	}
	return Platform{}, false, false
}

// Resolve answers which entry a host pulls, with containerd's rules:
// platforms.Only(host) filters the entries and orders them, the first best
// match in index order wins, and an attestation is never chosen. As in
// containerd's images.Manifest, entries whose descriptor has no platform
// come after every entry that has one and are matched by their config.
func Resolve(t *Tree, host Platform) (*Resolution, error) {
	if err := checkHostVariant(host); err != nil {
		return nil, fmt.Errorf("host %s: %w", host, err)
	}
	r := &Resolution{Host: host}
	m := platforms.Only(host.Spec())
	if !t.IsIndex() {
		// A single manifest is pulled by every host whose platform matches
		// its config; without a config we cannot tell, so we say so.
		if t.Image == nil || t.Image.Config == nil {
			return nil, fmt.Errorf("%s is a single-platform image and its config was not fetched", t.Reference)
		}
		p := t.Image.Config.Platform()
		if !m.Match(p.Spec()) {
			return r, nil
		}
		r.Digest, r.MediaType, r.Platform = t.Digest, t.MediaType, p
		r.Reference = t.Repository + "@" + t.Digest
		return r, nil
	}
	type cand struct {
		e        *Entry
		p        Platform
		declared bool
	}
	var matched []cand
	for _, e := range Candidates(t) {
		p, declared, _ := candidatePlatform(e)
		if m.Match(p.Spec()) {
			matched = append(matched, cand{e, p, declared})
		}
	}
	if len(matched) == 0 {
		return r, nil
	}
	sort.SliceStable(matched, func(i, j int) bool {
		if matched[i].declared != matched[j].declared {
			return matched[i].declared
		}
		return m.Less(matched[i].p.Spec(), matched[j].p.Spec())
	})
	c := matched[0]
	r.Entry = c.e
	r.Digest, r.MediaType, r.Platform = c.e.Digest, c.e.MediaType, c.p
	r.Reference = t.Repository + "@" + c.e.Digest
	return r, nil
}

// PlatformList returns the platforms of the tree's non-attestation entries in
// index order (nested indexes flattened; an entry without a platform counts
// with its config's platform once that was fetched), and how many
// attestation entries were left out.
func PlatformList(t *Tree) (plats []Platform, attestations int) {
	var walk func([]*Entry)
	walk = func(es []*Entry) {
		for _, e := range es {
			if e.IsAttestation() {
				attestations++
				continue
			}
			if len(e.Children) > 0 {
				walk(e.Children)
				continue
			}
			if p, _, ok := candidatePlatform(e); ok || e.Platform != nil {
				plats = append(plats, p)
			}
		}
	}
	walk(t.Entries)
	if !t.IsIndex() && t.Image != nil && t.Image.Config != nil {
		plats = append(plats, t.Image.Config.Platform())
	}
	return plats, attestations
}

// NoMatchError explains that no entry fits a host, listing what there is.
func NoMatchError(t *Tree, host Platform) error {
	plats, _ := PlatformList(t)
	names := make([]string, len(plats))
	for i, p := range plats {
		names[i] = p.String()
	}
	if len(names) == 0 {
		return fmt.Errorf("%s has no entry for %s, and lists no platforms", t.Reference, host)
	}
	return fmt.Errorf("%s has no entry for %s; available: %s", t.Reference, host, strings.Join(names, ", "))
}
