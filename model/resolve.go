package model

import (
	"fmt"
	"sort"
	"strings"
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
	// Rule names the rule the chosen entry matched by (a Rule* constant).
	Rule string
	// Why is one sentence: what the host pulls and by which rule, the
	// runner-up, or for no match the nearest entry and why it cannot run.
	Why string
	// Candidates are every platform entry, ranked: the ones the host can
	// run, best first, then the ones it cannot, nearest first.
	Candidates []Candidate
}

// Candidate is an entry as the host's runtime ranks it.
type Candidate struct {
	Entry    *Entry // nil for a single-platform image
	Digest   string
	Platform Platform
	Match    bool   // the host can run it
	Rule     string // a Rule* constant
	Reason   string // why it matches, or why it cannot run
	declared bool   // the platform is the descriptor's, not the config's
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

// Resolve answers which entry a host pulls, with the rules the host's own
// runtime uses (HostRules): the best match wins, ties keep index order, and
// an attestation is never chosen. As in containerd's images.Manifest,
// entries whose descriptor has no platform come after every entry that has
// one and are matched by their config. The resolution explains itself: Why,
// and every candidate ranked with its reason.
func Resolve(t *Tree, host Platform) (*Resolution, error) {
	if err := checkHostVariant(host); err != nil {
		return nil, fmt.Errorf("host %s: %w", host, err)
	}
	r := &Resolution{Host: host}
	m := HostRules(host)
	if !t.IsIndex() {
		// A single manifest is pulled by every host whose platform matches
		// its config; without a config we cannot tell, so we say so.
		if t.Image == nil || t.Image.Config == nil {
			return nil, fmt.Errorf("%s is a single-platform image and its config was not fetched", t.Reference)
		}
		p := t.Image.Config.Platform()
		c := Candidate{Digest: t.Digest, Platform: p, Match: m.Match(p.Spec())}
		c.Rule, c.Reason = explain(host, p, c.Match)
		r.Candidates = []Candidate{c}
		if !c.Match {
			r.Why = fmt.Sprintf("%s cannot run this single-platform image: %s", host, c.Reason)
			return r, nil
		}
		r.Digest, r.MediaType, r.Platform, r.Rule = t.Digest, t.MediaType, p, c.Rule
		r.Reference = t.Repository + "@" + t.Digest
		r.Why = fmt.Sprintf("%s pulls the single-platform image %s: %s", host, p, c.Reason)
		return r, nil
	}
	var matched, rest []Candidate
	for _, e := range Candidates(t) {
		p, declared, _ := candidatePlatform(e)
		c := Candidate{Entry: e, Digest: e.Digest, Platform: p, Match: m.Match(p.Spec()), declared: declared}
		c.Rule, c.Reason = explain(host, p, c.Match)
		if !declared {
			c.Reason += " (no platform in the index: matched by its config)"
		}
		if c.Match {
			matched = append(matched, c)
		} else {
			rest = append(rest, c)
		}
	}
	sort.SliceStable(matched, func(i, j int) bool {
		if matched[i].declared != matched[j].declared {
			return matched[i].declared
		}
		return m.Less(matched[i].Platform.Spec(), matched[j].Platform.Spec())
	})
	sort.SliceStable(rest, func(i, j int) bool { return nearness(host, rest[i].Platform) < nearness(host, rest[j].Platform) })
	r.Candidates = append(matched, rest...)
	if len(matched) == 0 {
		r.Why = noMatchWhy(host, rest)
		return r, nil
	}
	c := matched[0]
	r.Entry = c.Entry
	r.Digest, r.MediaType, r.Platform, r.Rule = c.Entry.Digest, c.Entry.MediaType, c.Platform, c.Rule
	r.Reference = t.Repository + "@" + c.Entry.Digest
	r.Why = fmt.Sprintf("%s pulls %s (%s): %s.", host, c.Platform, short(c.Digest), c.Reason)
	if len(matched) > 1 {
		ru := matched[1]
		how := ru.Reason
		if ru.Rule == c.Rule && ru.Rule != RuleExact {
			how = "by the same rule, ranked lower"
		}
		r.Why += fmt.Sprintf(" Runner-up: %s (%s), %s.", ru.Platform, short(ru.Digest), how)
	} else {
		r.Why += " No other entry fits."
	}
	return r, nil
}

// noMatchWhy says that nothing fits, naming the nearest entry and why it
// cannot run.
func noMatchWhy(host Platform, rest []Candidate) string {
	if len(rest) == 0 {
		return fmt.Sprintf("no entry fits %s: the list has no platform entries", host)
	}
	n := rest[0]
	return fmt.Sprintf("no entry fits %s; nearest is %s (%s): %s", host, n.Platform, short(n.Digest), n.Reason)
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
			// unknown/unknown without attestation annotations is no platform
			// (UnknownEntries counts it).
			if p, _, ok := candidatePlatform(e); ok {
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
	why := ""
	for i, p := range plats {
		names[i] = p.Label()
		if why == "" && lacksFeatures(host, p) {
			why = fmt.Sprintf(": %s needs os.features %s, which the host does not declare, and containerd picks such an entry only for a host that declares them (give them as %s)",
				p.String(), strings.Join(p.OSFeatures, ","), hostWithFeatures(host, p.OSFeatures))
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%s has no entry for %s, and lists no platforms", t.Reference, host.Label())
	}
	return fmt.Errorf("%s has no entry for %s; available: %s%s", t.Reference, host.Label(), strings.Join(names, ", "), why)
}
