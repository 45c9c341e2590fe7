// Package model is manifold's pure domain: the tree of a reference, platforms,
// resolution, staged lists, diffs and validation. It does no I/O and knows
// nothing of terminals or HTTP.
package model

import (
	"math"
	"time"
)

// MaxManifestSize is the largest manifest or config manifold will read (the
// OCI distribution spec's floor, and distribution's PUT cap).
const MaxManifestSize = 4 << 20

// MaxDepth bounds how deep nested indexes are followed.
const MaxDepth = 4

// Descriptor points at content by digest.
type Descriptor struct {
	MediaType    string            `json:"mediaType"`
	Digest       string            `json:"digest"`
	Size         int64             `json:"size"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	Platform     *Platform         `json:"platform,omitempty"`
	URLs         []string          `json:"urls,omitempty"`
	ArtifactType string            `json:"artifactType,omitempty"`
}

// Tree is everything manifold knows about one reference: the index (or single
// manifest) it points at and, as far as they were fetched, its children.
type Tree struct {
	Reference   string            // the reference as the user gave it, normalised
	Repository  string            // registry/repository, e.g. "localhost:5000/app"
	Digest      string            // digest of the top-level manifest
	MediaType   string            // media type of the top-level manifest
	Size        int64             // size of the top-level manifest in bytes
	Annotations map[string]string // top-level annotations
	Raw         []byte            // the registry's bytes, unchanged

	// For an index: its entries, in registry order.
	Entries []*Entry
	// For a single manifest: the image it describes.
	Image *Image
	// LeftOut counts the child manifests not fetched because their index
	// names more than the eager cap (registry Limits.Children): their
	// entries are the index's descriptors only.
	LeftOut int

	// Supply is what is attached to the top level (the index, or the
	// single image); nil when it was not looked up.
	Supply *Supply
}

// IsIndex reports whether the tree's top level is an index.
func (t *Tree) IsIndex() bool { return IsIndexMediaType(t.MediaType) }

// Entry is one descriptor of an index and what it points at.
type Entry struct {
	Descriptor

	// AttestationFor is the digest of the image this entry attests, when the
	// entry is a BuildKit attestation manifest.
	AttestationFor string
	// Attestations lists the digests of attestation entries that describe
	// this entry's image.
	Attestations []string

	// Missing is set when the registry has no such manifest (404).
	Missing bool
	// Err holds a fetch or parse problem for this entry, if any.
	Err string

	// Image is the manifest this entry points at, once fetched.
	Image *Image
	// Children are the entries of a nested index, once fetched.
	Children []*Entry
	// NestedMediaType etc. describe a nested index.
	NestedAnnotations map[string]string
	NestedRaw         []byte

	// Mismatch describes a difference between the descriptor's platform and
	// the image config's os/arch/variant (the "exec format error" trap).
	Mismatch string

	// Supply is what is attached to this image (its in-index attestations
	// and its referrers); nil when it was not looked up.
	Supply *Supply
	// Artifact is what an attestation entry's layers say, once decoded.
	Artifact *Artifact
}

// IsAttestation reports whether the entry is a BuildKit attestation.
func (e *Entry) IsAttestation() bool {
	return e.AttestationFor != "" || isAttestationDescriptor(e.Descriptor)
}

// IsIndex reports whether the entry is itself an index.
func (e *Entry) IsIndex() bool { return IsIndexMediaType(e.MediaType) }

// Image is a single-platform manifest with its config and layers.
type Image struct {
	Digest       string
	MediaType    string
	Size         int64
	Annotations  map[string]string
	ArtifactType string
	Raw          []byte

	ConfigDescriptor Descriptor
	Layers           []Descriptor
	Subject          *Descriptor

	// Config is set once the config blob was fetched and parsed.
	Config    *Config
	ConfigRaw []byte
	ConfigErr string
}

// TotalSize is the sum of the config and layer sizes: what a pull downloads.
// Sizes come from the registry, so the sum saturates instead of overflowing.
func (im *Image) TotalSize() int64 {
	n := max(im.ConfigDescriptor.Size, 0)
	for _, l := range im.Layers {
		if l.Size > 0 {
			if n > math.MaxInt64-l.Size {
				return math.MaxInt64
			}
			n += l.Size
		}
	}
	return n
}

// Config is the part of an image config manifold shows.
type Config struct {
	OS           string            `json:"os"`
	Architecture string            `json:"architecture"`
	Variant      string            `json:"variant,omitempty"`
	OSVersion    string            `json:"os.version,omitempty"`
	OSFeatures   []string          `json:"os.features,omitempty"`
	Created      *time.Time        `json:"created,omitempty"`
	Author       string            `json:"author,omitempty"`
	User         string            `json:"user,omitempty"`
	WorkingDir   string            `json:"workingDir,omitempty"`
	Entrypoint   []string          `json:"entrypoint,omitempty"`
	Cmd          []string          `json:"cmd,omitempty"`
	Env          []string          `json:"env,omitempty"`
	Labels       map[string]string `json:"labels,omitempty"`
	ExposedPorts []string          `json:"exposedPorts,omitempty"`
	History      []History         `json:"history,omitempty"`
	DiffIDs      []string          `json:"diffIDs,omitempty"`
}

// History is one step of an image's build history.
type History struct {
	Created    *time.Time `json:"created,omitempty"`
	CreatedBy  string     `json:"created_by,omitempty"`
	Comment    string     `json:"comment,omitempty"`
	EmptyLayer bool       `json:"empty_layer,omitempty"`
}

// Platform returns the platform an image's config declares.
func (c *Config) Platform() Platform {
	return Platform{OS: c.OS, Architecture: c.Architecture, Variant: c.Variant, OSVersion: c.OSVersion, OSFeatures: c.OSFeatures}
}

// TagSeen is one digest a tag was seen pointing at, locally recorded:
// first and last when manifold saw it there.
type TagSeen struct {
	Digest string    `json:"digest"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
}
