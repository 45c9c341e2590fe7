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
// every entry of the index and of nested indexes, except attestations.
// An entry without a platform is skipped, as containerd does.
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
			if e.Platform == nil || e.Platform.IsUnknown() {
				continue
			}
			out = append(out, e)
		}
	}
	walk(t.Entries)
	return out
}

// Resolve answers which entry a host pulls, with containerd's rules:
// platforms.Only(host) filters the entries and orders them, the first best
// match in index order wins, and an attestation is never chosen.
func Resolve(t *Tree, host Platform) (*Resolution, error) {
	r := &Resolution{Host: host}
	if !t.IsIndex() {
		// A single manifest is pulled by every host whose platform matches
		// its config; without a config we cannot tell, so we say so.
		if t.Image == nil || t.Image.Config == nil {
			return nil, fmt.Errorf("%s is a single-platform image and its config was not fetched", t.Reference)
		}
		p := t.Image.Config.Platform()
		if !platforms.Only(host.Spec()).Match(p.Spec()) {
			return r, nil
		}
		r.Digest, r.MediaType, r.Platform = t.Digest, t.MediaType, p
		r.Reference = t.Repository + "@" + t.Digest
		return r, nil
	}
	m := platforms.Only(host.Spec())
	var matched []*Entry
	for _, e := range Candidates(t) {
		if m.Match(e.Platform.Spec()) {
			matched = append(matched, e)
		}
	}
	if len(matched) == 0 {
		return r, nil
	}
	sort.SliceStable(matched, func(i, j int) bool {
		return m.Less(matched[i].Platform.Spec(), matched[j].Platform.Spec())
	})
	e := matched[0]
	r.Entry = e
	r.Digest, r.MediaType, r.Platform = e.Digest, e.MediaType, *e.Platform
	r.Reference = t.Repository + "@" + e.Digest
	return r, nil
}

// PlatformList returns the platforms of the tree's non-attestation entries in
// index order, and how many attestation entries were left out.
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
			if e.Platform != nil {
				plats = append(plats, *e.Platform)
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
