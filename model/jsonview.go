package model

// JSONView is the shape of `manifold inspect -o json`: the tree of a
// reference as a script reads it. Field names follow the OCI descriptor
// names; platforms are strings in the os/arch[/variant][:os.version] form.
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

	// Single-platform image only.
	Platform    string        `json:"platform,omitempty"`
	Manifest    *JSONManifest `json:"manifest,omitempty"`
	Config      *Config       `json:"config,omitempty"`
	ConfigError string        `json:"configError,omitempty"`
}

// JSONEntry is one descriptor of an index and, with --all, what it points at.
type JSONEntry struct {
	Digest      string            `json:"digest"`
	MediaType   string            `json:"mediaType"`
	Size        int64             `json:"size"`
	Platform    string            `json:"platform"` // "" when the descriptor has none
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
	if t.Image != nil {
		if t.Image.Config != nil {
			v.Platform = t.Image.Config.Platform().String()
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
			je.Platform = e.Platform.String()
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
