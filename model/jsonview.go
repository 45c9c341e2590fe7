package model

import "github.com/manifold-dev/manifold/model/attest"

// JSONView is the shape of `manifold inspect -o json`: the tree of a
// reference as a script reads it. Field names follow the OCI descriptor
// names. A platform is the registry's object (platform.architecture,
// platform.os, platform.variant, platform["os.version"], as jq reads an
// index) with platformString beside it in the os/arch[/variant][:os.version]
// form that docker and mquery print.
//
// For an index, Manifests lists its entries in registry order (a nested
// index's entries under its own Manifests). For a single-platform image,
// Manifests is empty and Platform, Manifest and Config describe the image
// itself.
type JSONView struct {
	Reference   string            `json:"reference"`
	Digest      string            `json:"digest"`
	MediaType   string            `json:"mediaType"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations"`
	Manifests   []JSONEntry       `json:"manifests"`

	// With --all: what is attached to the top level, and whether the
	// registry has the referrers API (api, tag-fallback or unknown).
	Referrers        []JSONReferrer `json:"referrers,omitempty"`
	ReferrersSupport Support        `json:"referrersSupport,omitempty"`
	// ReferrersErrors are lookups that failed ("could not tell").
	ReferrersErrors []string `json:"referrersErrors,omitempty"`

	// Single-platform image only.
	OCIPlatform *Platform `json:"platform,omitempty"`
	Platform    string    `json:"platformString,omitempty"`
	// OSFeatures and Features are the platform's (also in platform), which
	// platformString does not carry.
	OSFeatures  []string      `json:"os.features,omitempty"`
	Features    []string      `json:"features,omitempty"`
	Manifest    *JSONManifest `json:"manifest,omitempty"`
	Config      *Config       `json:"config,omitempty"`
	ConfigError string        `json:"configError,omitempty"`
}

// JSONEntry is one descriptor of an index and, with --all, what it points at.
type JSONEntry struct {
	Digest      string            `json:"digest"`
	MediaType   string            `json:"mediaType"`
	Size        int64             `json:"size"`
	OCIPlatform *Platform         `json:"platform"`       // null when the descriptor has none
	Platform    string            `json:"platformString"` // "" when the descriptor has none
	OSFeatures  []string          `json:"os.features,omitempty"`
	Features    []string          `json:"features,omitempty"`
	Annotations map[string]string `json:"annotations"`
	// AttestationFor is the digest of the image an attestation describes;
	// null for every other entry.
	AttestationFor *string `json:"attestationFor"`
	// Attestations are the digests of the attestations of this image.
	Attestations []string `json:"attestations,omitempty"`

	Missing          bool   `json:"missing,omitempty"`
	Error            string `json:"error,omitempty"`
	PlatformMismatch string `json:"platformMismatch,omitempty"`

	// With --all: the image manifest and its config.
	Manifest    *JSONManifest `json:"manifest,omitempty"`
	Config      *Config       `json:"config,omitempty"`
	ConfigError string        `json:"configError,omitempty"`
	// For a nested index: its annotations and entries.
	IndexAnnotations map[string]string `json:"indexAnnotations,omitempty"`
	Manifests        []JSONEntry       `json:"manifests,omitempty"`

	// With --all: what is attached to this image, and for an attestation
	// entry what its statements say.
	Referrers       []JSONReferrer  `json:"referrers,omitempty"`
	ReferrersErrors []string        `json:"referrersErrors,omitempty"`
	Statements      []JSONStatement `json:"statements,omitempty"`
}

// JSONReferrer is one artifact attached to an image or index.
type JSONReferrer struct {
	Digest       string          `json:"digest"`
	MediaType    string          `json:"mediaType"`
	ArtifactType string          `json:"artifactType,omitempty"`
	Kind         Kind            `json:"kind"`
	Source       Source          `json:"source"`
	Tag          string          `json:"tag,omitempty"`
	Statements   []JSONStatement `json:"statements,omitempty"`
	Signatures   []JSONSignature `json:"signatures,omitempty"`
	SBOMs        []*attest.SBOM  `json:"sboms,omitempty"`
	Error        string          `json:"error,omitempty"`
	Errors       []string        `json:"errors,omitempty"`
}

// JSONStatement is a decoded in-toto statement.
type JSONStatement struct {
	PredicateType string             `json:"predicateType"`
	Kind          Kind               `json:"kind"`
	Provenance    *attest.Provenance `json:"provenance,omitempty"`
	SBOM          *attest.SBOM       `json:"sbom,omitempty"`
	Error         string             `json:"error,omitempty"`
}

// JSONSignature is a cosign signature, not verified.
type JSONSignature struct {
	SignedDigest string `json:"signedDigest,omitempty"`
	Identity     string `json:"identity,omitempty"`
	Issuer       string `json:"issuer,omitempty"`
	Keyless      bool   `json:"keyless,omitempty"`
	Verified     bool   `json:"verified"` // always false: see manifold verify
	Error        string `json:"error,omitempty"`
}

// JSONManifest is a single-image manifest.
type JSONManifest struct {
	MediaType    string            `json:"mediaType"`
	ArtifactType string            `json:"artifactType,omitempty"`
	Config       Descriptor        `json:"config"`
	Layers       []Descriptor      `json:"layers"`
	Subject      *Descriptor       `json:"subject,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	// TotalSize is the config plus every layer: what a pull downloads.
	TotalSize int64 `json:"totalSize"`
}

// NewJSONView returns the JSON shape of t. With all, child manifests and
// configs are included as far as they were fetched.
func NewJSONView(t *Tree, all bool) *JSONView {
	v := &JSONView{
		Reference:   t.Reference,
		Digest:      t.Digest,
		MediaType:   t.MediaType,
		Size:        t.Size,
		Annotations: nonNilMap(t.Annotations),
		Manifests:   jsonEntries(t.Entries, all),
	}
	if all && t.Supply != nil {
		v.Referrers, v.ReferrersErrors = jsonReferrers(t.Supply), t.Supply.Errs
		v.ReferrersSupport = t.Supply.Support
	}
	if t.Image != nil {
		if t.Image.Config != nil {
			pl := t.Image.Config.Platform()
			v.OCIPlatform, v.Platform = &pl, pl.String()
			v.OSFeatures = t.Image.Config.OSFeatures
		}
		if all {
			v.Manifest = jsonManifest(t.Image)
			v.Config = t.Image.Config
			v.ConfigError = t.Image.ConfigErr
		}
	}
	return v
}

func jsonEntries(es []*Entry, all bool) []JSONEntry {
	out := make([]JSONEntry, 0, len(es))
	for _, e := range es {
		je := JSONEntry{
			Digest:           e.Digest,
			MediaType:        e.MediaType,
			Size:             e.Size,
			Annotations:      nonNilMap(e.Annotations),
			Attestations:     e.Attestations,
			Missing:          e.Missing,
			Error:            e.Err,
			PlatformMismatch: e.Mismatch,
		}
		if e.Platform != nil {
			pl := *e.Platform
			je.OCIPlatform, je.Platform = &pl, pl.String()
			je.OSFeatures, je.Features = e.Platform.OSFeatures, e.Platform.Features
		}
		if e.AttestationFor != "" {
			a := e.AttestationFor
			je.AttestationFor = &a
		}
		if all && e.Image != nil {
			je.Manifest = jsonManifest(e.Image)
			je.Config = e.Image.Config
			je.ConfigError = e.Image.ConfigErr
		}
		if all && e.Supply != nil {
			je.Referrers, je.ReferrersErrors = jsonReferrers(e.Supply), e.Supply.Errs
		}
		if all && e.Artifact != nil {
			je.Statements = jsonStatements(e.Artifact.Statements)
		}
		if len(e.Children) > 0 || e.NestedRaw != nil {
			je.IndexAnnotations = e.NestedAnnotations
			je.Manifests = jsonEntries(e.Children, all)
		}
		out = append(out, je)
	}
	return out
}

func jsonManifest(im *Image) *JSONManifest {
	layers := im.Layers
	if layers == nil {
		layers = []Descriptor{}
	}
	return &JSONManifest{
		MediaType:    im.MediaType,
		ArtifactType: im.ArtifactType,
		Config:       im.ConfigDescriptor,
		Layers:       layers,
		Subject:      im.Subject,
		Annotations:  im.Annotations,
		TotalSize:    im.TotalSize(),
	}
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func jsonReferrers(s *Supply) []JSONReferrer {
	out := []JSONReferrer{}
	for _, r := range s.Referrers {
		jr := JSONReferrer{Digest: r.Digest, MediaType: r.MediaType, ArtifactType: r.ArtifactType, Kind: r.Kind, Source: r.Source, Tag: r.Tag, Error: r.Err}
		if a := r.Artifact; a != nil {
			jr.Statements, jr.SBOMs, jr.Errors = jsonStatements(a.Statements), a.SBOMs, a.Errs
			for _, sig := range a.Signatures {
				jr.Signatures = append(jr.Signatures, JSONSignature{SignedDigest: sig.SignedDigest, Identity: sig.Identity, Issuer: sig.Issuer, Keyless: sig.Keyless, Error: sig.Err})
			}
		}
		out = append(out, jr)
	}
	return out
}

func jsonStatements(sts []*attest.Statement) []JSONStatement {
	var out []JSONStatement
	for _, st := range sts {
		out = append(out, JSONStatement{PredicateType: st.PredicateType, Kind: StatementKind(st), Provenance: st.Provenance, SBOM: st.SBOM, Error: st.PredicateErr})
	}
	return out
}
