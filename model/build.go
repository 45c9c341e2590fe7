package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Content is a manifest or config blob as a registry returned it.
type Content struct {
	MediaType string
	Raw       []byte
	// NotFound is set when the registry answered 404.
	NotFound bool
	// Err is any other problem fetching the content.
	Err error
	// Referrers is the answer to a WantReferrers (stored under
	// ReferrersKey), nil for everything else.
	Referrers *ReferrerList
}

// Store holds fetched content by digest. Content is addressed by digest, so a
// store never goes stale.
type Store map[string]Content

// ErrSchema1 is returned for Docker schema 1 manifests, which manifold does
// not support.
var ErrSchema1 = errors.New("docker schema 1 manifests are unsupported (deprecated and removed from registries): rebuild and push the image with a current docker or buildx")

// rawManifest covers the fields of all four manifest media types.
type rawManifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType"`
	ArtifactType  string            `json:"artifactType"`
	Manifests     []Descriptor      `json:"manifests"`
	Config        *Descriptor       `json:"config"`
	Layers        []Descriptor      `json:"layers"`
	Subject       *Descriptor       `json:"subject"`
	Annotations   map[string]string `json:"annotations"`
	// schema 1 markers
	FSLayers json.RawMessage `json:"fsLayers"`
}

// DetectMediaType returns the media type of a manifest: the declared one, or,
// when a registry sent a generic Content-Type, the one its fields imply.
func DetectMediaType(headerType string, raw []byte) string {
	var m rawManifest
	if err := json.Unmarshal(raw, &m); err == nil {
		if m.MediaType != "" {
			return m.MediaType
		}
		if m.SchemaVersion == 1 || m.FSLayers != nil {
			return MediaTypeSchema1
		}
		if IsIndexMediaType(headerType) || IsManifestMediaType(headerType) {
			return headerType
		}
		if m.Manifests != nil {
			return MediaTypeOCIIndex
		}
		if m.Config != nil {
			return MediaTypeOCIManifest
		}
	}
	if i := strings.IndexByte(headerType, ';'); i >= 0 {
		headerType = strings.TrimSpace(headerType[:i])
	}
	return headerType
}

func parseManifest(mediaType string, raw []byte) (*rawManifest, error) {
	if mediaType == MediaTypeSchema1 || mediaType == MediaTypeSchema1Signed {
		return nil, ErrSchema1
	}
	var m rawManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("malformed manifest JSON: %w", err)
	}
	if m.SchemaVersion == 1 {
		return nil, ErrSchema1
	}
	if m.SchemaVersion != 2 {
		return nil, fmt.Errorf("unsupported manifest schemaVersion %d (want 2)", m.SchemaVersion)
	}
	for i, d := range m.Manifests {
		if err := checkDescriptor(d); err != nil {
			return nil, fmt.Errorf("manifests[%d]: %w", i, err)
		}
	}
	if m.Config != nil {
		if err := checkDescriptor(*m.Config); err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}
	for i, d := range m.Layers {
		if err := checkDescriptor(d); err != nil {
			return nil, fmt.Errorf("layers[%d]: %w", i, err)
		}
	}
	return &m, nil
}

// ParseIndex parses the descriptors of an index or manifest list.
func ParseIndex(mediaType string, raw []byte) ([]Descriptor, map[string]string, error) {
	m, err := parseManifest(mediaType, raw)
	if err != nil {
		return nil, nil, err
	}
	if m.Config != nil && len(m.Manifests) == 0 {
		return nil, nil, fmt.Errorf("expected an index but got an image manifest")
	}
	return m.Manifests, m.Annotations, nil
}

// ParseImage parses a single-image manifest (Docker schema 2 or OCI).
func ParseImage(digest, mediaType string, raw []byte) (*Image, error) {
	m, err := parseManifest(mediaType, raw)
	if err != nil {
		return nil, err
	}
	if m.Config == nil {
		return nil, fmt.Errorf("image manifest has no config descriptor")
	}
	return &Image{
		Digest:           digest,
		MediaType:        mediaType,
		Size:             int64(len(raw)),
		Annotations:      m.Annotations,
		ArtifactType:     m.ArtifactType,
		Raw:              raw,
		ConfigDescriptor: *m.Config,
		Layers:           m.Layers,
		Subject:          m.Subject,
	}, nil
}

type rawConfig struct {
	OS           string       `json:"os"`
	Architecture string       `json:"architecture"`
	Variant      string       `json:"variant"`
	OSVersion    string       `json:"os.version"`
	OSFeatures   []string     `json:"os.features"`
	Created      *jsonTime    `json:"created"`
	Author       string       `json:"author"`
	History      []rawHistory `json:"history"`
	RootFS       *rawRootFS   `json:"rootfs"`
	Config       struct {
		User         string              `json:"User"`
		WorkingDir   string              `json:"WorkingDir"`
		Entrypoint   []string            `json:"Entrypoint"`
		Cmd          []string            `json:"Cmd"`
		Env          []string            `json:"Env"`
		Labels       map[string]string   `json:"Labels"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	} `json:"config"`
}

// rawHistory reads history steps with the same tolerance for odd created
// timestamps as the config itself.
type rawHistory struct {
	Created    *jsonTime `json:"created"`
	CreatedBy  string    `json:"created_by"`
	Comment    string    `json:"comment"`
	EmptyLayer bool      `json:"empty_layer"`
}

type rawRootFS struct {
	DiffIDs []string `json:"diff_ids"`
}

// ParseConfig parses an image config blob.
func ParseConfig(raw []byte) (*Config, error) {
	var rc rawConfig
	if err := json.Unmarshal(raw, &rc); err != nil {
		return nil, fmt.Errorf("malformed image config JSON: %w", err)
	}
	c := &Config{
		OS:           rc.OS,
		Architecture: rc.Architecture,
		Variant:      rc.Variant,
		OSVersion:    rc.OSVersion,
		OSFeatures:   rc.OSFeatures,
		Author:       rc.Author,
		User:         rc.Config.User,
		WorkingDir:   rc.Config.WorkingDir,
		Entrypoint:   rc.Config.Entrypoint,
		Cmd:          rc.Config.Cmd,
		Env:          rc.Config.Env,
		Labels:       rc.Config.Labels,
	}
	for _, h := range rc.History {
		c.History = append(c.History, History{Created: h.Created.timePtr(), CreatedBy: h.CreatedBy, Comment: h.Comment, EmptyLayer: h.EmptyLayer})
	}
	c.Created = rc.Created.timePtr()
	for p := range rc.Config.ExposedPorts {
		c.ExposedPorts = append(c.ExposedPorts, p)
	}
	sortStrings(c.ExposedPorts)
	if rc.RootFS != nil {
		c.DiffIDs = rc.RootFS.DiffIDs
	}
	return c, nil
}

// checkDescriptor rejects descriptors whose digest cannot be used to address
// content. Unknown media types are fine.
func checkDescriptor(d Descriptor) error {
	if err := ValidateDigest(d.Digest); err != nil {
		return err
	}
	if d.Size < 0 {
		return fmt.Errorf("descriptor %s has negative size %d", d.Digest, d.Size)
	}
	return nil
}

// ValidateDigest checks that s is algorithm:hex with a known algorithm and the
// right length of lower-case hex.
func ValidateDigest(s string) error {
	alg, hex, ok := strings.Cut(s, ":")
	if !ok {
		return fmt.Errorf("invalid digest %q: want sha256:<64 hex>", s)
	}
	var n int
	switch alg {
	case "sha256":
		n = 64
	case "sha512":
		n = 128
	default:
		return fmt.Errorf("invalid digest %q: unsupported algorithm %q", s, alg)
	}
	if len(hex) != n {
		return fmt.Errorf("invalid digest %q: want %d hex characters", s, n)
	}
	for i := 0; i < len(hex); i++ {
		c := hex[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("invalid digest %q: not lower-case hex", s)
		}
	}
	return nil
}
