package model

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Spec is manifest-tool's `push from-spec` YAML:
//
//	image: registry/repo:tag
//	tags: ['1.0', 'latest']
//	manifests:
//	  - image: registry/repo:tag-arm
//	    platform:
//	      architecture: arm
//	      os: linux
//	      variant: v7
type Spec struct {
	Image       string            `yaml:"image"`
	Tags        []string          `yaml:"tags,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
	Manifests   []SpecManifest    `yaml:"manifests"`
}

// SpecManifest is one entry of a Spec. A zero Platform means "take it from
// the image config", as manifest-tool does.
type SpecManifest struct {
	Image       string            `yaml:"image"`
	Platform    SpecPlatform      `yaml:"platform,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

// SpecPlatform uses manifest-tool's field names.
type SpecPlatform struct {
	Architecture string   `yaml:"architecture,omitempty"`
	OS           string   `yaml:"os,omitempty"`
	Variant      string   `yaml:"variant,omitempty"`
	OSVersion    string   `yaml:"osversion,omitempty"`
	OSFeatures   []string `yaml:"osfeatures,omitempty"`
	Features     []string `yaml:"features,omitempty"`
}

// IsZero reports whether no platform field is set.
func (p SpecPlatform) IsZero() bool {
	return p.Architecture == "" && p.OS == "" && p.Variant == "" && p.OSVersion == "" && len(p.OSFeatures) == 0 && len(p.Features) == 0
}

// Edit returns the platform as an edit over the image config's platform.
func (p SpecPlatform) Edit() PlatformEdit {
	return PlatformEdit{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant, OSVersion: p.OSVersion, OSFeatures: p.OSFeatures, Features: p.Features}
}

// ParseSpec reads a from-spec YAML document. Unknown fields are errors, so a
// typo (osVersion for osversion) does not silently push the wrong platform.
func ParseSpec(raw []byte) (*Spec, error) {
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("spec file: %w", err)
	}
	if strings.TrimSpace(s.Image) == "" {
		return nil, fmt.Errorf("spec file: `image` (the target reference) is missing")
	}
	if len(s.Manifests) == 0 {
		return nil, fmt.Errorf("spec file: `manifests` is empty")
	}
	for i, m := range s.Manifests {
		if strings.TrimSpace(m.Image) == "" {
			return nil, fmt.Errorf("spec file: manifests[%d].image is missing", i)
		}
		p := m.Platform
		if !p.IsZero() && (p.OS == "" || p.Architecture == "") {
			return nil, fmt.Errorf("spec file: manifests[%d] (%s): platform needs both os and architecture", i, m.Image)
		}
	}
	for _, t := range s.Tags {
		if strings.TrimSpace(t) == "" || strings.ContainsAny(t, "/:@ ") {
			return nil, fmt.Errorf("spec file: tag %q is not a tag", t)
		}
	}
	return &s, nil
}

// ExportSpec writes a staged list as from-spec YAML. Images are pinned by
// digest (repository@digest) so the spec pushes the same content; each
// entry's platform is written out in full. Attestation entries are left out:
// the format has no place for them; their count is returned.
func ExportSpec(l *StagedList, tags []string) (raw []byte, skipped int, err error) {
	s := Spec{Image: l.Target, Tags: tags}
	if l.EffectiveMediaType() == MediaTypeOCIIndex && len(l.Annotations) > 0 {
		s.Annotations = l.Annotations
	}
	for _, e := range l.Entries {
		if e.IsAttestation() {
			skipped++
			continue
		}
		m := SpecManifest{Image: e.Ref(), Annotations: e.Annotations}
		if e.Platform != nil {
			p := e.Platform
			m.Platform = SpecPlatform{Architecture: p.Architecture, OS: p.OS, Variant: p.Variant, OSVersion: p.OSVersion, OSFeatures: p.OSFeatures, Features: p.Features}
		}
		s.Manifests = append(s.Manifests, m)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&s); err != nil {
		return nil, 0, fmt.Errorf("write spec: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, 0, fmt.Errorf("write spec: %w", err)
	}
	return b.Bytes(), skipped, nil
}

// ApplySpecPlatform sets the entry's platform from a spec manifest. As in
// manifest-tool, a platform given in the spec replaces the config's whole;
// an empty one keeps the config's.
func ApplySpecPlatform(e *StagedEntry, p SpecPlatform) error {
	if p.IsZero() {
		return nil
	}
	if p.OS == "" || p.Architecture == "" {
		return fmt.Errorf("%s: platform needs both os and architecture", e.Source)
	}
	e.Platform = &Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant, OSVersion: p.OSVersion,
		OSFeatures: nonEmpty(append([]string(nil), p.OSFeatures...)), Features: nonEmpty(append([]string(nil), p.Features...))}
	return nil
}
