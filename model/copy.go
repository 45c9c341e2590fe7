package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// PlatformPick says which index entry a requested platform took.
type PlatformPick struct {
	Request  Platform // as the user asked for it
	Platform Platform // the entry's platform
	Digest   string
}

// Selection is the part of an index that a platform-filtered copy keeps.
type Selection struct {
	Picks []PlatformPick
	// Keep holds the indexes (into Tree.Entries) of the entries kept, in
	// index order: the picked images and their attestations.
	Keep []int
	// Raw is the rewritten index: the source bytes with only the kept
	// entries in "manifests", every other byte unchanged.
	Raw    []byte
	Digest string
}

// ErrNoPlatformMatch is wrapped by SelectPlatforms when a request matches no
// entry.
var ErrNoPlatformMatch = errors.New("no entry matches")

// SelectPlatforms picks, for each requested platform, the entry a host of
// that platform pulls (Resolve: containerd's rules, so linux/arm64 takes
// linux/arm64/v8), keeps the attestations of every picked image, and
// rewrites the index to hold just those entries. It fails before anything
// is written when a request matches nothing, naming what the index offers.
func SelectPlatforms(t *Tree, requests []Platform) (*Selection, error) {
	if !t.IsIndex() {
		return nil, fmt.Errorf("%s is a single-platform image: there are no platforms to choose (copy it without --platform)", t.Reference)
	}
	if len(t.Raw) == 0 {
		return nil, fmt.Errorf("%s: the index bytes were not fetched", t.Reference)
	}
	pos := map[*Entry]int{}
	for i, e := range t.Entries {
		pos[e] = i
	}
	keep := map[int]bool{}
	picked := map[string]bool{}
	s := &Selection{}
	for _, req := range requests {
		r, err := Resolve(t, req)
		if err != nil {
			return nil, err
		}
		if r.Entry == nil {
			return nil, fmt.Errorf("--platform %s: %w: %w", req, ErrNoPlatformMatch, NoMatchError(t, req))
		}
		i, top := pos[r.Entry]
		if !top {
			return nil, fmt.Errorf("--platform %s: the match %s is inside a nested index; copy without --platform", req, r.Digest)
		}
		keep[i] = true
		picked[r.Digest] = true
		s.Picks = append(s.Picks, PlatformPick{Request: req, Platform: r.Platform, Digest: r.Digest})
	}
	for i, e := range t.Entries {
		if e.IsAttestation() && picked[attestedDigest(e)] {
			keep[i] = true
		}
	}
	for i := range t.Entries {
		if keep[i] {
			s.Keep = append(s.Keep, i)
		}
	}
	raw, err := FilterIndexRaw(t.Raw, func(i int) bool { return keep[i] })
	if err != nil {
		return nil, fmt.Errorf("rewrite %s: %w", t.Reference, err)
	}
	s.Raw = raw
	s.Digest = SHA256Digest(raw)
	return s, nil
}

func attestedDigest(e *Entry) string {
	if e.AttestationFor != "" {
		return e.AttestationFor
	}
	return e.Annotations[AnnotationReferenceDigest]
}

// FilterIndexRaw returns raw (an index) with only the entries of its
// "manifests" array for which keep(i) is true. Every other byte is kept as
// the registry sent it: the index's own fields and their order, the kept
// entries' bytes, the indentation and the separators between entries.
func FilterIndexRaw(raw []byte, keep func(i int) bool) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("an index is a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if key != "manifests" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
			continue
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, err
		}
		if tok != json.Delim('[') {
			return nil, errors.New(`"manifests" is not an array`)
		}
		open := int(dec.InputOffset()) // just after '['
		type span struct{ start, end int }
		var elems []span
		for dec.More() {
			var el json.RawMessage
			if err := dec.Decode(&el); err != nil {
				return nil, err
			}
			end := int(dec.InputOffset())
			elems = append(elems, span{end - len(el), end})
		}
		if _, err := dec.Token(); err != nil { // ']'
			return nil, err
		}
		closeAt := int(dec.InputOffset()) - 1 // the ']'
		if len(elems) == 0 {
			return append([]byte(nil), raw...), nil
		}
		lead := raw[open:elems[0].start]
		sep := []byte(",")
		if len(elems) > 1 {
			sep = raw[elems[0].end:elems[1].start]
		}
		trail := raw[elems[len(elems)-1].end:closeAt]
		var out bytes.Buffer
		out.Write(raw[:open])
		n := 0
		for i, el := range elems {
			if !keep(i) {
				continue
			}
			if n == 0 {
				out.Write(lead)
			} else {
				out.Write(sep)
			}
			out.Write(raw[el.start:el.end])
			n++
		}
		if n > 0 {
			out.Write(trail)
		}
		out.Write(raw[closeAt:])
		return out.Bytes(), nil
	}
	return nil, errors.New(`the index has no "manifests"`)
}

// CopyManifest is one manifest a copy writes, children before parents.
type CopyManifest struct {
	Digest    string
	MediaType string
	Raw       []byte
	// Platform names the image ("" for nested indexes); Attestation is set
	// for attestation manifests, whose Platform names the image they attest.
	Platform    string
	Attestation bool
	Blobs       []Descriptor // config, then layers
}

// CopyClosure lists what a copy of t (or, with sel, of the selected part of
// t) must write: every child manifest, children first, and the blobs each
// needs. It fails when a needed child was not fetched or is missing at the
// source: a copy never writes an index whose children do not exist.
func CopyClosure(t *Tree, sel *Selection) ([]CopyManifest, error) {
	if !t.IsIndex() {
		if t.Image == nil {
			return nil, fmt.Errorf("%s: the manifest was not fetched", t.Reference)
		}
		return nil, nil // the single manifest is the top level: see CopyBlobs
	}
	entries := t.Entries
	if sel != nil {
		entries = make([]*Entry, 0, len(sel.Keep))
		for _, i := range sel.Keep {
			entries = append(entries, t.Entries[i])
		}
	}
	var out []CopyManifest
	seen := map[string]bool{}
	byDigest := map[string]*Entry{}
	for _, e := range t.Entries {
		byDigest[e.Digest] = e
	}
	var walk func(es []*Entry, depth int) error
	walk = func(es []*Entry, depth int) error {
		if depth > MaxDepth {
			return fmt.Errorf("%s: indexes nested deeper than %d", t.Reference, MaxDepth)
		}
		for _, e := range es {
			if seen[e.Digest] {
				continue
			}
			seen[e.Digest] = true
			switch {
			case e.Missing:
				return fmt.Errorf("child %s is missing at the source (404): nothing was copied", e.Digest)
			case e.Err != "":
				return fmt.Errorf("child %s: %s", e.Digest, e.Err)
			case e.IsIndex():
				if e.NestedRaw == nil {
					return fmt.Errorf("nested index %s was not fetched", e.Digest)
				}
				if err := walk(e.Children, depth+1); err != nil {
					return err
				}
				out = append(out, CopyManifest{Digest: e.Digest, MediaType: e.MediaType, Raw: e.NestedRaw})
			case e.Image != nil:
				m := CopyManifest{Digest: e.Digest, MediaType: e.MediaType, Raw: e.Image.Raw, Blobs: ImageBlobs(e.Image)}
				if e.IsAttestation() {
					m.Attestation = true
					if img := byDigest[attestedDigest(e)]; img != nil && img.Platform != nil {
						m.Platform = img.Platform.String()
					}
				} else if e.Platform != nil {
					m.Platform = e.Platform.String()
				}
				out = append(out, m)
			default:
				return fmt.Errorf("child %s was not fetched", e.Digest)
			}
		}
		return nil
	}
	if err := walk(entries, 1); err != nil {
		return nil, err
	}
	return out, nil
}

// ImageBlobs returns the blobs an image manifest refers to: its config, then
// its layers (a layer listed twice appears once).
func ImageBlobs(im *Image) []Descriptor {
	out := []Descriptor{im.ConfigDescriptor}
	seen := map[string]bool{im.ConfigDescriptor.Digest: true}
	for _, l := range im.Layers {
		if !seen[l.Digest] {
			seen[l.Digest] = true
			out = append(out, l)
		}
	}
	return out
}

// IsForeignLayer reports whether a layer is non-distributable (Windows base
// layers with urls): registries and copy tools leave those where they are.
func IsForeignLayer(d Descriptor) bool {
	return len(d.URLs) > 0 && (strings.Contains(d.MediaType, "foreign") || strings.Contains(d.MediaType, "nondistributable"))
}

// SHA256Digest returns "sha256:<hex>" of b.
func SHA256Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ReferrersTagIndex is the referrers tag schema's index (an OCI index at tag
// <alg>-<hex> of the subject) holding descs, in order, each once.
func ReferrersTagIndex(descs []Descriptor) ([]byte, error) {
	type entry struct {
		MediaType    string            `json:"mediaType"`
		Digest       string            `json:"digest"`
		Size         int64             `json:"size"`
		ArtifactType string            `json:"artifactType,omitempty"`
		Annotations  map[string]string `json:"annotations,omitempty"`
	}
	idx := struct {
		SchemaVersion int     `json:"schemaVersion"`
		MediaType     string  `json:"mediaType"`
		Manifests     []entry `json:"manifests"`
	}{SchemaVersion: 2, MediaType: MediaTypeOCIIndex, Manifests: []entry{}}
	seen := map[string]bool{}
	for _, d := range descs {
		if err := ValidateDigest(d.Digest); err != nil {
			return nil, err
		}
		if seen[d.Digest] {
			continue
		}
		seen[d.Digest] = true
		idx.Manifests = append(idx.Manifests, entry{d.MediaType, d.Digest, d.Size, d.ArtifactType, d.Annotations})
	}
	return json.Marshal(idx)
}

// ReferrersTag is the referrers tag schema's tag for digest: <alg>-<hex>,
// the algorithm cut to 32 characters and the hex to 64 (the spec's rule).
func ReferrersTag(digest string) string {
	alg, hex, _ := strings.Cut(digest, ":")
	if len(alg) > 32 {
		alg = alg[:32]
	}
	if len(hex) > 64 {
		hex = hex[:64]
	}
	return alg + "-" + hex
}
