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

// SpecManifest is one entry of a Spec. Platform fields left out are taken
// from the image config, as manifest-tool does.
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

// specKeys are the keys of each level of a spec, as manifest-tool reads
// them, in the order they are listed in messages.
var specKeys = map[string][]string{
	"spec":     {"image", "tags", "annotations", "manifests"},
	"manifest": {"image", "platform", "annotations"},
	"platform": {"architecture", "os", "variant", "osversion", "osfeatures", "features"},
}

// specShape says what each key holds, for messages in the spec's own terms.
var specShape = map[string]yaml.Kind{
	"image": yaml.ScalarNode, "tags": yaml.SequenceNode, "annotations": yaml.MappingNode, "manifests": yaml.SequenceNode,
	"platform": yaml.MappingNode, "architecture": yaml.ScalarNode, "os": yaml.ScalarNode, "variant": yaml.ScalarNode,
	"osversion": yaml.ScalarNode, "osfeatures": yaml.SequenceNode, "features": yaml.SequenceNode,
}

var kindName = map[yaml.Kind]string{yaml.ScalarNode: "a single value", yaml.SequenceNode: "a list", yaml.MappingNode: "a map of keys"}

// checkSpecNode checks the keys and the shape of every level of a spec, so
// that a typo gets "did you mean" and a wrong shape names the key, never a
// Go type.
func checkSpecNode(n *yaml.Node, level, path string) error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: %s should be a map of keys (%s)", n.Line, path, strings.Join(specKeys[level], ", "))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		known := specKeys[level]
		at := k.Value
		if path != "" {
			at = path + "." + k.Value
		}
		if !oneOf(k.Value, known...) {
			msg := fmt.Sprintf("line %d: unknown key %q", k.Line, at)
			if near := Nearest(k.Value, known); near != "" {
				msg += fmt.Sprintf(": did you mean %q?", near)
			}
			return fmt.Errorf("%s (%s takes %s)", msg, levelName(level, path), strings.Join(known, ", "))
		}
		if want := specShape[k.Value]; v.Kind != want && !(v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
			return fmt.Errorf("line %d: %s should be %s", v.Line, at, kindName[want])
		}
		switch k.Value {
		case "manifests":
			for j, m := range v.Content {
				if err := checkSpecNode(m, "manifest", fmt.Sprintf("manifests[%d]", j)); err != nil {
					return err
				}
			}
		case "platform":
			if v.Kind == yaml.MappingNode {
				if err := checkSpecNode(v, "platform", at); err != nil {
					return err
				}
			}
		case "tags", "osfeatures", "features":
			for _, x := range v.Content {
				if x.Kind != yaml.ScalarNode {
					return fmt.Errorf("line %d: every item of %s should be a single value", x.Line, at)
				}
			}
		case "annotations":
			for j := 1; j < len(v.Content); j += 2 {
				if v.Content[j].Kind != yaml.ScalarNode {
					return fmt.Errorf("line %d: the value of annotation %q in %s should be a single value", v.Content[j].Line, v.Content[j-1].Value, at)
				}
			}
		}
	}
	return nil
}

func levelName(level, path string) string {
	if path == "" {
		return "the spec"
	}
	return path
}

// ParseSpec reads a from-spec YAML document. Unknown keys are errors with
// the nearest known key, so a typo (osVersion for osversion) does not
// silently push the wrong platform.
func ParseSpec(raw []byte) (*Spec, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("spec file: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("spec file is empty: give image and manifests")
	}
	if err := checkSpecNode(doc.Content[0], "spec", ""); err != nil {
		return nil, fmt.Errorf("spec file: %w", err)
	}
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
		if (p.OS == "") != (p.Architecture == "") {
			return nil, fmt.Errorf("spec file: manifests[%d] (%s): give both os and architecture, or neither to take them from the image config", i, m.Image)
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

// SpecConflict is a platform field where a spec contradicts the image
// config of the image it names.
type SpecConflict struct {
	Image, Field, Spec, Config string
	// Blocks is set for os and architecture: hosts would pull an image they
	// cannot run. The push stops unless forced.
	Blocks bool
}

func (c SpecConflict) String() string {
	msg := fmt.Sprintf("%s: the spec says %s %s but the image config says %s", c.Image, c.Field, c.Spec, c.Config)
	if c.Blocks {
		return msg + ": hosts would pull an image they cannot run (--force pushes it anyway)"
	}
	return msg + ": the spec's value is used"
}

// MergeSpecPlatform sets the entry's platform from a spec manifest as
// manifest-tool's push from-spec does: os and architecture from the spec
// when given (both, or neither to take the config's), and variant,
// os.version and os.features from the image config wherever the spec leaves
// them out. The spec's values win; where they contradict the config, a
// conflict names both.
func MergeSpecPlatform(e *StagedEntry, p SpecPlatform) ([]SpecConflict, error) {
	if (p.OS == "") != (p.Architecture == "") {
		return nil, fmt.Errorf("%s: give both os and architecture in the spec, or neither", e.Source)
	}
	cfg := Platform{}
	if e.ConfigPlatform != nil {
		cfg = *clonePlatform(e.ConfigPlatform)
	} else if e.Platform != nil {
		cfg = *clonePlatform(e.Platform)
	}
	out := cfg
	if p.OS != "" {
		out.OS, out.Architecture = p.OS, p.Architecture
		// A variant is the config's architecture's: it does not carry over
		// to another architecture (manifest-tool would push arm64/v7).
		if out.Normalize().Architecture != cfg.Normalize().Architecture {
			out.Variant = ""
		}
	}
	if p.Variant != "" {
		out.Variant = p.Variant
	}
	if p.OSVersion != "" {
		out.OSVersion = p.OSVersion
	}
	if len(p.OSFeatures) > 0 {
		out.OSFeatures = append([]string(nil), p.OSFeatures...)
	}
	out.Features = nonEmpty(append([]string(nil), p.Features...))
	if out.OS == "" || out.Architecture == "" {
		return nil, fmt.Errorf("%s: the image config names no os and architecture: give them in the spec", e.Source)
	}
	var cs []SpecConflict
	if e.ConfigPlatform != nil && (cfg.OS != "" || cfg.Architecture != "") {
		n, c := out.Normalize(), cfg.Normalize()
		add := func(field, spec, config string, blocks bool) {
			cs = append(cs, SpecConflict{Image: e.Source, Field: field, Spec: spec, Config: config, Blocks: blocks})
		}
		if n.OS != c.OS {
			add("os", p.OS, cfg.OS, true)
		}
		if n.Architecture != c.Architecture {
			add("architecture", p.Architecture, cfg.Architecture, true)
		} else if p.Variant != "" && cfg.Variant != "" && variantOf(n) != variantOf(c) {
			add("variant", p.Variant, cfg.Variant, false)
		}
		if p.OSVersion != "" && cfg.OSVersion != "" && p.OSVersion != cfg.OSVersion {
			add("os.version", p.OSVersion, cfg.OSVersion, false)
		}
	}
	e.Platform = &out
	return cs, nil
}
