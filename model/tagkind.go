package model

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// TagKind is what a tag holds, as the tags list's kind column says it: a
// list and how many platforms it names, an image, or an artifact and its
// type. KindFromMediaType makes one from a HEAD's media type alone (list
// or image, nothing counted); TagKindOf reads the manifest itself.
type TagKind struct {
	// Kind is KindIndex or KindImage; KindOther for a media type that is
	// neither (the column shows nothing for it).
	Kind Kind
	// Read is set when the manifest itself was read: Platforms, Lists,
	// Artifact and Type are known. Without it the kind is the HEAD's
	// media type only, and Why may say why the body was not read.
	Read bool
	Why  string
	// Platforms counts an index's platforms as users count them, with
	// PlatformList (the tree's header count): image entries whose
	// descriptor names a platform, neither attestations nor unknown/unknown.
	Platforms int
	// Lists counts an index's nested indexes; their platforms are not
	// counted (that would take their manifests).
	Lists int
	// Entries counts all of an index's entries (a referrers index, or
	// one of platform-less artifacts, has entries but no platform).
	Entries int
	// Artifact: an image manifest with an artifact type (ArtifactTypeOf),
	// or whose layers are a supply-chain artifact's (cosign's .sig and
	// .att, as isArtifact says), or an index that names no platform but
	// has an artifactType.
	Artifact bool
	// Type is the artifact's type: its short name from the vocabulary when
	// it has one, else the type itself cut to MaxTagKindType bytes. Not
	// sanitized.
	Type string
}

// MaxTagKindType caps the artifact type a TagKind keeps: a registry's
// artifactType can be megabytes.
const MaxTagKindType = 64

// KindFromMediaType is what a HEAD's media type tells: a list or an image
// manifest (which may turn out to be an artifact once read).
func KindFromMediaType(mediaType string) TagKind {
	switch k := KindOf(mediaType); k {
	case KindIndex, KindImage:
		if k == KindImage && !IsManifestMediaType(baseType(mediaType)) {
			return TagKind{Kind: KindOther} // schema 1: nothing to read
		}
		return TagKind{Kind: k}
	}
	return TagKind{Kind: KindOther}
}

// NeedsBody reports whether reading the manifest would say more than its
// media type did.
func (k TagKind) NeedsBody() bool {
	return !k.Read && (k.Kind == KindIndex || k.Kind == KindImage)
}

// TagKindOf reads a manifest (an index or an image manifest, as fetched
// and verified) into a TagKind.
func TagKindOf(mediaType string, raw []byte) (TagKind, error) {
	mt := baseType(mediaType)
	m, err := parseManifest(mt, raw)
	if err != nil {
		return TagKind{}, err
	}
	switch {
	case IsIndexMediaType(mt):
		k := TagKind{Kind: KindIndex, Read: true, Entries: len(m.Manifests)}
		t := &Tree{MediaType: mt}
		for _, d := range m.Manifests {
			if IsIndexMediaType(baseType(d.MediaType)) {
				k.Lists++
				continue
			}
			t.Entries = append(t.Entries, &Entry{Descriptor: d})
		}
		plats, _ := PlatformList(t)
		k.Platforms = len(plats)
		if k.Platforms == 0 && k.Lists == 0 && m.ArtifactType != "" {
			k.Artifact, k.Type = true, typeName(m.ArtifactType)
		}
		return k, nil
	case IsManifestMediaType(mt):
		if m.Config == nil {
			return TagKind{}, fmt.Errorf("image manifest has no config descriptor")
		}
		k := TagKind{Kind: KindImage, Read: true}
		at := ArtifactTypeOf(m.ArtifactType, m.Config.MediaType)
		if at != "" && baseType(at) != MediaTypeOCIEmpty {
			k.Artifact, k.Type = true, typeName(at)
		} else if ak := ArtifactKind(m.ArtifactType, m.Config.MediaType, m.Layers); at != "" || ak.IsSupplyChain() {
			// An empty config names no type, and cosign's signatures and
			// attestations carry an image config: the layers say what
			// it is (isArtifact's rule).
			k.Artifact = true
			if ak != KindOther {
				k.Type = string(ak)
			}
		}
		return k, nil
	}
	return TagKind{}, fmt.Errorf("media type %q is neither an index nor an image manifest", truncBytes(mt, MaxTagKindType))
}

// typeName is the vocabulary's short name for an artifact type, or the type
// cut to MaxTagKindType bytes.
func typeName(t string) string {
	return truncBytes(MediaTypeName(t), MaxTagKindType)
}

// truncBytes cuts s to at most n bytes, at a rune boundary, marking the cut.
func truncBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Labels are the ways to say the kind, longest first, for a column that
// takes the longest that fits: "list · 11 platforms", "list · 11", "list".
// They are not sanitized (an artifact type comes from the registry). A
// kind that says nothing has no labels.
func (k TagKind) Labels() []string {
	switch {
	case k.Kind == KindIndex && k.Artifact:
		return withType("artifact list", k.Type)
	case k.Kind == KindIndex && k.Read && k.Platforms == 0 && k.Lists == 0:
		n := plural(k.Entries, "1 entry", strconv.Itoa(k.Entries)+" entries")
		return []string{"list · " + n + ", no platform", "list · " + n, "list"}
	case k.Kind == KindIndex && k.Read:
		full := "list · " + plural(k.Platforms, "1 platform", strconv.Itoa(k.Platforms)+" platforms")
		short := "list · " + strconv.Itoa(k.Platforms)
		if k.Lists > 0 {
			full += ", " + plural(k.Lists, "1 list", strconv.Itoa(k.Lists)+" lists")
			short += "+" + strconv.Itoa(k.Lists)
		}
		return []string{full, short, "list"}
	case k.Kind == KindIndex:
		return []string{"list"}
	case k.Kind == KindImage && k.Artifact:
		return withType("artifact", k.Type)
	case k.Kind == KindImage:
		return []string{"image"}
	}
	return nil
}

func withType(what, typ string) []string {
	if typ == "" {
		return []string{what}
	}
	return []string{what + " (" + typ + ")", what}
}
