package model

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

// WantKind says where a fetcher gets a Want from.
type WantKind int

const (
	// WantManifest is a manifest, fetched from /manifests/<digest>.
	WantManifest WantKind = iota
	// WantBlob is a small blob (a config), fetched from /blobs/<digest>.
	WantBlob
	// WantReferrers is the list of artifacts that refer to the digest:
	// the referrers API, its tag schema fallback and cosign's tags. Its
	// result is stored under ReferrersKey(digest).
	WantReferrers
	// WantLayer is a layer of an attestation or referrer (a statement, a
	// signature payload, an SBOM), capped at MaxArtifactSize.
	WantLayer
)

// Plan says how much of a tree Needed asks for.
type Plan struct {
	// Configs asks for image configs, not only manifests.
	Configs bool
	// Supply asks for what is attached to the index and each image: the
	// referrers (API, tag schema, cosign tags), the artifact manifests and
	// the layers of those and of in-index attestations. The referrer lists
	// are asked for in the same round as the children.
	Supply bool
	// MaxChildren, when > 0, caps the child manifests asked for per index:
	// the first MaxChildren in index order. The others stay descriptors
	// (entries without their manifests); LeftOut counts them. A fetcher
	// also caps the children (Want.Child) it asks for over the whole tree
	// at MaxChildren, so indexes nested in an index do not multiply the
	// fan-out; LeftOut counts the ones it did not ask for too.
	MaxChildren int
}

// Want says what a fetcher must get next to complete a tree.
type Want struct {
	Descriptor
	Kind WantKind
	// Child is set for a child manifest of an index (not for a config,
	// a referrer list or an artifact of the supply chain).
	Child bool
}

// Needed walks the tree rooted at rootDigest through the store and returns the
// content not yet fetched. With configs false it stops at manifests. The walk
// is bounded by MaxDepth and never revisits a digest, so a self-referring
// index ends. Callers fetch everything returned at once, add it to the store
// and call Needed again until it returns nothing: one round per tree level.
func Needed(rootDigest string, store Store, configs bool) []Want {
	return NeededFor(rootDigest, store, Plan{Configs: configs})
}

// NeededFor is Needed with a Plan.
func NeededFor(rootDigest string, store Store, plan Plan) []Want {
	var out []Want
	seen := map[string]bool{}
	wantKeys := map[string]bool{}
	want := func(w Want) {
		key := w.Digest
		if w.Kind == WantReferrers {
			key = ReferrersKey(w.Digest)
		}
		if !wantKeys[key] {
			wantKeys[key] = true
			out = append(out, w)
		}
	}
	var own map[string]bool
	if plan.Supply {
		own = ownDigests(rootDigest, store)
	}
	configs := plan.Configs
	var walk func(digest string, depth int)
	walk = func(digest string, depth int) {
		if seen[digest] {
			return
		}
		seen[digest] = true
		c, ok := store[digest]
		if !ok || c.Err != nil || c.NotFound {
			return
		}
		if plan.Supply && depth == 0 {
			// An artifact (an attestation, a signature, an SBOM) is read,
			// not looked up in turn: referrers of referrers are not
			// followed, so a chain or a loop of them ends here.
			if isArtifact(digest, c) {
				wantArtifactLayers(digest, c, store, want)
			} else {
				wantSupply(digest, store, own, want)
			}
		}
		switch {
		case IsIndexMediaType(c.MediaType):
			if depth >= MaxDepth {
				return
			}
			descs, _, err := ParseIndex(c.MediaType, c.Raw)
			if err != nil {
				return
			}
			children := 0
			for _, d := range descs {
				if isManifestLike(d.MediaType) {
					if children++; plan.MaxChildren > 0 && children > plan.MaxChildren {
						continue
					}
				}
				if plan.Supply && isManifestLike(d.MediaType) && ValidateDigest(d.Digest) == nil {
					if isAttestationDescriptor(d) {
						if ac, have := store[d.Digest]; have {
							wantArtifactLayers(d.Digest, ac, store, want)
						}
					} else {
						wantSupply(d.Digest, store, own, want)
					}
				}
				if _, have := store[d.Digest]; !have {
					if !seen[d.Digest] && isManifestLike(d.MediaType) {
						seen[d.Digest] = true
						want(Want{Descriptor: d, Child: true})
					}
					continue
				}
				walk(d.Digest, depth+1)
			}
		case IsManifestMediaType(c.MediaType) && configs:
			im, err := ParseImage(digest, c.MediaType, c.Raw)
			if err != nil {
				return
			}
			cd := im.ConfigDescriptor
			if _, have := store[cd.Digest]; !have && !seen[cd.Digest] && isConfigMediaType(cd.MediaType) {
				seen[cd.Digest] = true
				want(Want{Descriptor: cd, Kind: WantBlob})
			}
		}
	}
	walk(rootDigest, 0)
	return out
}

// Build assembles the tree of a reference from fetched content. It never
// fails on a child: a missing or broken child becomes a marked entry and the
// rest of the tree still builds. Only a broken root is an error.
func Build(reference, repository, rootDigest string, store Store) (*Tree, error) {
	root, ok := store[rootDigest]
	if !ok {
		return nil, fmt.Errorf("%s: root manifest %s was not fetched", reference, rootDigest)
	}
	if root.NotFound {
		return nil, fmt.Errorf("%s: manifest %s not found", reference, rootDigest)
	}
	if root.Err != nil {
		return nil, root.Err
	}
	t := &Tree{
		Reference:  reference,
		Repository: repository,
		Digest:     rootDigest,
		MediaType:  root.MediaType,
		Size:       int64(len(root.Raw)),
		Raw:        root.Raw,
	}
	switch {
	case IsIndexMediaType(root.MediaType):
		descs, ann, err := ParseIndex(root.MediaType, root.Raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", reference, err)
		}
		t.Annotations = ann
		path := map[string]bool{rootDigest: true}
		t.Entries = buildEntries(descs, store, path, 1)
		own := ownDigests(rootDigest, store)
		t.Supply = buildSupply(rootDigest, nil, store, own)
		attachSupply(t.Entries, store, own)
	case IsManifestMediaType(root.MediaType):
		im, err := ParseImage(rootDigest, root.MediaType, root.Raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", reference, err)
		}
		t.Annotations = im.Annotations
		attachConfig(im, store)
		t.Image = im
		t.Supply = buildSupply(rootDigest, nil, store, map[string]bool{rootDigest: true})
	case root.MediaType == MediaTypeSchema1 || root.MediaType == MediaTypeSchema1Signed:
		return nil, fmt.Errorf("%s: %w", reference, ErrSchema1)
	default:
		return nil, fmt.Errorf("%s: unsupported media type %q: manifold reads Docker manifest lists and schema 2 manifests, and OCI indexes and manifests", reference, root.MediaType)
	}
	return t, nil
}

func buildEntries(descs []Descriptor, store Store, path map[string]bool, depth int) []*Entry {
	entries := make([]*Entry, 0, len(descs))
	for _, d := range descs {
		e := &Entry{Descriptor: d}
		if isAttestationDescriptor(d) {
			e.AttestationFor = d.Annotations[AnnotationReferenceDigest]
		}
		fillEntry(e, store, path, depth)
		entries = append(entries, e)
	}
	linkAttestations(entries)
	return entries
}

func fillEntry(e *Entry, store Store, path map[string]bool, depth int) {
	if e.MediaType == MediaTypeSchema1 || e.MediaType == MediaTypeSchema1Signed {
		e.Err = ErrSchema1.Error()
		return
	}
	c, ok := store[e.Digest]
	switch {
	case !ok:
		return // not fetched (yet): only the descriptor is known
	case c.NotFound:
		e.Missing = true
		e.Err = "manifest not found in the repository (404)"
		return
	case c.Err != nil:
		e.Err = c.Err.Error()
		return
	}
	if c.MediaType != "" && e.MediaType != "" && c.MediaType != e.MediaType {
		e.Err = fmt.Sprintf("descriptor says %s but the registry serves %s", e.MediaType, c.MediaType)
	}
	switch {
	case IsIndexMediaType(c.MediaType):
		if path[e.Digest] {
			e.Err = "index refers to itself (cycle): not followed"
			return
		}
		if depth >= MaxDepth {
			e.Err = fmt.Sprintf("nested deeper than %d indexes: not followed", MaxDepth)
			return
		}
		descs, ann, err := ParseIndex(c.MediaType, c.Raw)
		if err != nil {
			e.Err = err.Error()
			return
		}
		e.NestedAnnotations = ann
		e.NestedRaw = c.Raw
		path[e.Digest] = true
		e.Children = buildEntries(descs, store, path, depth+1)
		delete(path, e.Digest)
	case IsManifestMediaType(c.MediaType):
		im, err := ParseImage(e.Digest, c.MediaType, c.Raw)
		if err != nil {
			e.Err = err.Error()
			return
		}
		attachConfig(im, store)
		e.Image = im
		e.Mismatch = PlatformMismatch(e.Platform, im.Config)
	default:
		if c.MediaType == MediaTypeSchema1 || c.MediaType == MediaTypeSchema1Signed {
			e.Err = ErrSchema1.Error()
			return
		}
		e.Err = fmt.Sprintf("unsupported media type %q", c.MediaType)
	}
}

func attachConfig(im *Image, store Store) {
	c, ok := store[im.ConfigDescriptor.Digest]
	switch {
	case !ok:
		return
	case c.NotFound:
		im.ConfigErr = "config blob not found (404)"
	case c.Err != nil:
		im.ConfigErr = c.Err.Error()
	default:
		im.ConfigRaw = c.Raw
		if im.ConfigDescriptor.MediaType == MediaTypeDockerConfig || im.ConfigDescriptor.MediaType == MediaTypeOCIConfig {
			cfg, err := ParseConfig(c.Raw)
			if err != nil {
				im.ConfigErr = err.Error()
				return
			}
			im.Config = cfg
		}
	}
}

func isAttestationDescriptor(d Descriptor) bool {
	return d.Annotations[AnnotationReferenceType] == ReferenceTypeAttestation
}

func linkAttestations(entries []*Entry) {
	byDigest := map[string]*Entry{}
	for _, e := range entries {
		if !e.IsAttestation() {
			byDigest[e.Digest] = e
		}
	}
	for _, e := range entries {
		if e.AttestationFor == "" {
			continue
		}
		if target, ok := byDigest[e.AttestationFor]; ok {
			target.Attestations = append(target.Attestations, e.Digest)
		}
	}
}

// PlatformMismatch describes how an entry's declared platform differs from its
// image config, or returns "" when they agree (or either is unknown).
func PlatformMismatch(declared *Platform, cfg *Config) string {
	if declared == nil || cfg == nil || declared.IsUnknown() {
		return ""
	}
	return describeMismatch(*declared, cfg.Platform())
}

// describeMismatch says what a difference between the platform an index
// claims and the one the binary is built for means for the hosts that pick
// the entry. Whether a host of the claimed platform runs the binary is
// containerd's call (platforms.Only): "exec format error" is said only where
// it does not, because the architecture differs or the binary needs a
// higher arm variant than claimed.
func describeMismatch(declared, binary Platform) string {
	if binary.OS == "" && binary.Architecture == "" {
		return ""
	}
	d, c := declared.Normalize(), binary.Normalize()
	if d.OS == c.OS && d.Architecture == c.Architecture && variantOf(d) == variantOf(c) {
		return ""
	}
	head := fmt.Sprintf("index says %s but the image config says %s", declared.String(), binary.String())
	if d.OS != c.OS {
		return head + fmt.Sprintf(": %s hosts will pull an image built for %s, which they cannot run", d.OS, c.OS)
	}
	host := specs.Platform{OS: d.OS, Architecture: d.Architecture, Variant: d.Variant}
	bin := specs.Platform{OS: c.OS, Architecture: c.Architecture, Variant: c.Variant}
	if !platforms.Only(host).Match(bin) {
		switch {
		case d.Architecture != c.Architecture:
			return head + ": hosts will pull a binary they cannot run (exec format error)"
		case d.Architecture == "arm":
			return head + fmt.Sprintf(": %s hosts will pull a binary that needs %s (exec format error)", armName(d), armName(c))
		case d.Architecture == "amd64":
			return head + fmt.Sprintf(": hosts below amd64/%s will pull a binary that needs amd64/%s CPU features; it stops with an illegal instruction (or Go's \"this program can only be run on processors supporting x86-64-%s\")",
				variantOrBase(c), variantOrBase(c), strings.TrimPrefix(variantOrBase(c), "v"))
		}
		return head + fmt.Sprintf(": %s hosts will pull a binary built for %s, which they may not run", declared.String(), binary.String())
	}
	// The claimed platform's hosts run the binary: the claim is narrower
	// than it need be, and hosts that could run it too do not pick it.
	missed := binary.String() + " hosts"
	if d.Architecture == "arm64" && c.Architecture == "arm" {
		// containerd lets arm64 hosts run arm binaries, but only CPUs with
		// 32-bit (AArch32) support do: many arm64 CPUs have none.
		return head + fmt.Sprintf(": arm64 hosts whose CPU has no 32-bit (AArch32) support, such as Graviton3 or Apple silicon, fail with exec format error; and %s, which could run it, will not pick this entry", missed)
	}
	if d.Architecture == c.Architecture {
		missed = fmt.Sprintf("hosts below %s/%s", d.Architecture, variantOrBase(d))
	}
	return head + fmt.Sprintf(": harmless for the hosts that pick it (they all run a %s binary), but %s, which could run it too, will not pick this entry",
		binary.String(), missed)
}

func armName(p Platform) string { return "arm/" + variantOrBase(p) }

// variantOrBase is the variant, or the architecture's baseline when none is
// given (arm: v7 as containerd reads it, amd64: v1, arm64: v8).
func variantOrBase(p Platform) string {
	if p.Variant != "" {
		return p.Variant
	}
	if p.Architecture == "arm" {
		return "v7"
	}
	return defaultVariant(p.Architecture)
}

// variantOf treats the default variants as equal to no variant.
func variantOf(p Platform) string {
	switch {
	case p.Architecture == "arm64" && p.Variant == "v8":
		return ""
	case p.Architecture == "arm" && p.Variant == "v7":
		return ""
	case p.Architecture == "amd64" && p.Variant == "v1":
		return ""
	}
	return p.Variant
}

// jsonTime tolerates the created timestamps found in the wild: RFC 3339 and
// empty strings. Anything else is ignored rather than failing the config.
type jsonTime struct{ time.Time }

// timePtr is the time, or nil when it is absent, unreadable or zero.
func (t *jsonTime) timePtr() *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	tt := t.Time
	return &tt
}

func (t *jsonTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil
	}
	if s == "" {
		return nil
	}
	if tt, err := time.Parse(time.RFC3339Nano, s); err == nil {
		t.Time = tt
	}
	return nil
}

func sortStrings(s []string) { sort.Strings(s) }

// LeftOut counts the child manifests that NeededFor with a MaxChildren of
// max leaves out, over every index of the tree at rootDigest that was
// fetched: those past the first max of their index, and, once the tree is
// fetched, those within it that are not in the store (the fetcher's cap
// for the whole tree left them out).
func LeftOut(rootDigest string, store Store, max int) int {
	if max <= 0 {
		return 0
	}
	n := 0
	seen := map[string]bool{}
	var walk func(digest string, depth int)
	walk = func(digest string, depth int) {
		c, ok := store[digest]
		if seen[digest] || !ok || depth >= MaxDepth || !IsIndexMediaType(c.MediaType) {
			return
		}
		seen[digest] = true
		descs, _, err := ParseIndex(c.MediaType, c.Raw)
		if err != nil {
			return
		}
		children := 0
		for _, d := range descs {
			if !isManifestLike(d.MediaType) {
				continue
			}
			if children++; children > max {
				n++
				continue
			}
			if _, have := store[d.Digest]; !have {
				n++
				continue
			}
			walk(d.Digest, depth+1)
		}
	}
	walk(rootDigest, 0)
	return n
}
