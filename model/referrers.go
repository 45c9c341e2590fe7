package model

import (
	"fmt"

	"github.com/manifold-dev/manifold/model/attest"
)

// Source says where an attached artifact was found.
type Source string

const (
	SourceIndex  Source = "index"         // a BuildKit attestation manifest in the index
	SourceAPI    Source = "referrers-api" // GET /v2/<name>/referrers/<digest>
	SourceTag    Source = "referrers-tag" // the referrers tag schema, sha256-<hex>
	SourceCosign Source = "cosign-tag"    // cosign's sha256-<hex>.sig/.att/.sbom
)

// Support says how a registry answers for referrers.
type Support string

const (
	SupportAPI         Support = "api"          // the referrers API answered
	SupportTagFallback Support = "tag-fallback" // the API is missing (404): the tag schema was read
	SupportUnknown     Support = "unknown"      // a lookup failed, or none was made
)

// Bounds on what is read of attached artifacts.
const (
	// MaxReferrers caps the descriptors kept per subject (the registry
	// adapter stops decoding a referrers list there).
	MaxReferrers = 1000
	// MaxReferrerFetch caps the referrer manifests fetched per subject;
	// the rest are listed by descriptor only.
	MaxReferrerFetch = 64
	// MaxArtifactLayers caps the layers read of one artifact manifest.
	MaxArtifactLayers = 16
	// MaxArtifactSize caps one artifact layer (a statement, an SBOM).
	MaxArtifactSize = 16 << 20
)

// ReferrerList is what a registry says refers to one digest: the content
// of a WantReferrers. It is not addressed by digest, so it is fetched
// again each time (referrers change), never cached.
type ReferrerList struct {
	Support Support
	Items   []Referrer
	// Errs are lookups that failed: with any, "none found" means "could
	// not tell".
	Errs []string
	// Truncated is set when the registry listed more than MaxReferrers.
	Truncated bool
	// Manifests are referrer manifests fetched by tag along the way
	// (cosign tags), by digest, so they are not fetched twice.
	Manifests map[string]Content
}

// ReferrersKey is the store key of the referrers of digest.
func ReferrersKey(digest string) string { return "referrers:" + digest }

// Referrer is one artifact attached to an image or index.
type Referrer struct {
	Descriptor
	Source Source
	// Tag is the tag it was found under (cosign and tag schema).
	Tag  string
	Kind Kind
	// Image is the artifact's manifest, once fetched.
	Image *Image
	// Artifact is what its layers say, once fetched and decoded.
	Artifact *Artifact
	Err      string
}

// Artifact is what an attestation or referrer's layers say.
type Artifact struct {
	Statements []*attest.Statement
	Signatures []*attest.Signature
	// SBOMs are SBOM documents attached directly (oras attach), not in a
	// statement.
	SBOMs []*attest.SBOM
	// Errs are layers that could not be read or decoded.
	Errs []string
}

// Supply is what is attached to one image or index: its referrers from
// every source, with the registry's support for the API.
type Supply struct {
	Support   Support
	Referrers []*Referrer
	Errs      []string
	Truncated bool
}

// Looked reports whether attached artifacts were looked up at all.
func (s *Supply) Looked() bool { return s != nil }

// Unknown reports whether "nothing found" cannot be trusted: a lookup
// failed.
func (s *Supply) Unknown() bool { return s == nil || len(s.Errs) > 0 }

// Count returns how many referrers are of kind k.
func (s *Supply) Count(k Kind) int {
	if s == nil {
		return 0
	}
	n := 0
	for _, r := range s.Referrers {
		if r.Kind == k {
			n++
		}
	}
	return n
}

// Signatures returns every signature attached, with the referrer it came in.
func (s *Supply) Signatures() []*attest.Signature {
	if s == nil {
		return nil
	}
	var out []*attest.Signature
	for _, r := range s.Referrers {
		if r.Artifact != nil {
			out = append(out, r.Artifact.Signatures...)
		}
	}
	return out
}

// Statements returns every decoded statement attached.
func (s *Supply) Statements() []*attest.Statement {
	if s == nil {
		return nil
	}
	var out []*attest.Statement
	for _, r := range s.Referrers {
		if r.Artifact != nil {
			out = append(out, r.Artifact.Statements...)
		}
	}
	return out
}

// SBOMs returns every SBOM attached, from statements and documents.
func (s *Supply) SBOMs() []*attest.SBOM {
	var out []*attest.SBOM
	for _, st := range s.Statements() {
		if st.SBOM != nil {
			out = append(out, st.SBOM)
		}
	}
	if s != nil {
		for _, r := range s.Referrers {
			if r.Artifact != nil {
				out = append(out, r.Artifact.SBOMs...)
			}
		}
	}
	return out
}

// Provenance returns the first provenance attached, or nil.
func (s *Supply) Provenance() *attest.Provenance {
	for _, st := range s.Statements() {
		if st.Provenance != nil {
			return st.Provenance
		}
	}
	return nil
}

// SignatureState summarises a Supply's signatures for display, without
// verification: "signed (not verified)", "unsigned", "unknown" (a lookup
// failed and nothing was found), or "" when nothing was looked up.
func (s *Supply) SignatureState() string {
	switch {
	case s == nil:
		return ""
	case s.Count(KindSignature) > 0:
		return "signed (not verified)"
	case len(s.Errs) > 0:
		return "signatures unknown"
	}
	return "unsigned"
}

// wantSupply adds the wants for what is attached to digest: its referrer
// list, then the referrer manifests, then their layers.
func wantSupply(digest string, store Store, own map[string]bool, want func(Want)) {
	c, ok := store[ReferrersKey(digest)]
	if !ok {
		want(Want{Descriptor: Descriptor{Digest: digest}, Kind: WantReferrers})
		return
	}
	if c.Referrers == nil {
		return
	}
	for i, r := range c.Referrers.Items {
		if i == MaxReferrerFetch {
			break
		}
		if own[r.Digest] || ValidateDigest(r.Digest) != nil {
			continue // a loop, or a descriptor not worth a request
		}
		mc, have := store[r.Digest]
		if !have {
			want(Want{Descriptor: Descriptor{Digest: r.Digest, MediaType: r.MediaType, Size: r.Size}, Kind: WantManifest})
			continue
		}
		wantArtifactLayers(r.Digest, mc, store, want)
	}
}

// wantArtifactLayers adds the layers of an artifact manifest that say
// something (statements, signatures, SBOMs).
func wantArtifactLayers(digest string, c Content, store Store, want func(Want)) {
	if c.Err != nil || c.NotFound || !IsManifestMediaType(c.MediaType) {
		return
	}
	im, err := ParseImage(digest, c.MediaType, c.Raw)
	if err != nil {
		return
	}
	kind := ArtifactKind(im.ArtifactType, im.ConfigDescriptor.MediaType, im.Layers)
	if !kind.IsSupplyChain() {
		return
	}
	for i, l := range im.Layers {
		if i == MaxArtifactLayers {
			break
		}
		if _, have := store[l.Digest]; have || ValidateDigest(l.Digest) != nil {
			continue
		}
		want(Want{Descriptor: l, Kind: WantLayer})
	}
}

// buildSupply assembles what is attached to digest: in-index attestations
// first, then what the registry lists. own holds the tree's digests, so a
// referrer that is the image itself (a loop) is reported, not followed.
func buildSupply(digest string, inIndex []*Entry, store Store, own map[string]bool) *Supply {
	c, looked := store[ReferrersKey(digest)]
	if !looked {
		return nil
	}
	s := &Supply{Support: SupportUnknown}
	for _, a := range inIndex {
		r := &Referrer{Descriptor: a.Descriptor, Source: SourceIndex, Kind: KindAttestation, Image: a.Image}
		if a.Image != nil {
			r.Kind = ArtifactKind(a.Image.ArtifactType, a.Image.ConfigDescriptor.MediaType, a.Image.Layers)
			r.Artifact = DecodeArtifact(a.Image, store)
			a.Artifact = r.Artifact
		}
		s.Referrers = append(s.Referrers, r)
	}
	switch {
	case c.Err != nil:
		s.Errs = append(s.Errs, c.Err.Error())
	case c.Referrers != nil:
		rl := c.Referrers
		s.Support, s.Errs, s.Truncated = rl.Support, append(s.Errs, rl.Errs...), rl.Truncated
		seen := map[string]bool{}
		for _, item := range rl.Items {
			if seen[item.Digest+string(item.Source)] {
				continue
			}
			seen[item.Digest+string(item.Source)] = true
			r := item
			if r.Kind == "" {
				r.Kind = ArtifactKind(r.ArtifactType, "", nil)
			}
			if own[r.Digest] {
				r.Err = "refers to itself (a referrers loop): not followed"
				s.Referrers = append(s.Referrers, &r)
				continue
			}
			fillReferrer(&r, store)
			s.Referrers = append(s.Referrers, &r)
		}
	}
	return s
}

// fillReferrer attaches a referrer's manifest and decodes its layers.
func fillReferrer(r *Referrer, store Store) {
	mc, ok := store[r.Digest]
	switch {
	case !ok:
		return
	case mc.NotFound:
		r.Err = "manifest not found (404)"
		return
	case mc.Err != nil:
		r.Err = mc.Err.Error()
		return
	case !IsManifestMediaType(mc.MediaType):
		r.Err = fmt.Sprintf("not an artifact manifest (%s)", MediaTypeName(mc.MediaType))
		return
	}
	im, err := ParseImage(r.Digest, mc.MediaType, mc.Raw)
	if err != nil {
		r.Err = err.Error()
		return
	}
	r.Image = im
	// The tag schema index written by go-containerregistry types bundles
	// with their config type: the manifest itself decides.
	if k := ArtifactKind(im.ArtifactType, im.ConfigDescriptor.MediaType, im.Layers); k.IsSupplyChain() {
		r.Kind = k
	}
	if r.ArtifactType == "" || r.ArtifactType == MediaTypeOCIEmpty {
		r.ArtifactType = im.ArtifactType
	}
	r.Artifact = DecodeArtifact(im, store)
	// A sigstore bundle is a signature or, with a predicate, an
	// attestation of that predicate's kind.
	if r.Kind == KindSignature && len(r.Artifact.Statements) > 0 {
		r.Kind = StatementKind(r.Artifact.Statements[0])
	}
}

// ownDigests returns the digests of the tree rooted at root, as far as it
// is in the store: a referrer with one of them is a loop.
func ownDigests(root string, store Store) map[string]bool {
	own := map[string]bool{}
	var walk func(d string, depth int)
	walk = func(d string, depth int) {
		if own[d] {
			return
		}
		own[d] = true
		c, ok := store[d]
		if !ok || depth >= MaxDepth || !IsIndexMediaType(c.MediaType) {
			return
		}
		descs, _, err := ParseIndex(c.MediaType, c.Raw)
		if err != nil {
			return
		}
		for _, e := range descs {
			walk(e.Digest, depth+1)
		}
	}
	walk(root, 0)
	return own
}

// attachSupply gives each image entry (recursively through nested
// indexes) what is attached to it, and decodes attestation entries.
func attachSupply(entries []*Entry, store Store, own map[string]bool) {
	for _, e := range entries {
		if e.IsAttestation() {
			if e.Image != nil && e.Artifact == nil {
				e.Artifact = DecodeArtifact(e.Image, store)
			}
			continue
		}
		var inIndex []*Entry
		for _, a := range entries {
			if a.AttestationFor == e.Digest {
				inIndex = append(inIndex, a)
			}
		}
		e.Supply = buildSupply(e.Digest, inIndex, store, own)
		attachSupply(e.Children, store, own)
	}
}

// Summary describes a Supply in a few short parts, for a table cell or a
// tree line: the signature state, provenance, SBOM package counts, other
// attestations and anything that could not be read.
func (s *Supply) Summary() []string {
	if s == nil {
		return nil
	}
	parts := []string{s.SignatureState()}
	if s.Provenance() != nil {
		parts = append(parts, "provenance")
	}
	for _, sb := range s.SBOMs() {
		parts = append(parts, fmt.Sprintf("SBOM %d %s", sb.Count, plural(sb.Count, "package", "packages")))
	}
	if n := s.Count(KindVEX); n > 0 {
		parts = append(parts, fmt.Sprintf("%d VEX", n))
	}
	other := 0
	for _, r := range s.Referrers {
		if r.Kind == KindOther || r.Err != "" {
			other++
		}
	}
	if other > 0 {
		parts = append(parts, fmt.Sprintf("%d other", other))
	}
	if s.Truncated {
		parts = append(parts, fmt.Sprintf("more than %d referrers: list cut", MaxReferrers))
	}
	return parts
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// isArtifact reports whether c is a supply-chain artifact manifest rather
// than an image or index.
func isArtifact(digest string, c Content) bool {
	if !IsManifestMediaType(c.MediaType) {
		return false
	}
	im, err := ParseImage(digest, c.MediaType, c.Raw)
	return err == nil && ArtifactKind(im.ArtifactType, im.ConfigDescriptor.MediaType, im.Layers).IsSupplyChain()
}
