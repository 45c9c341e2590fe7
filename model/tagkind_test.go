package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func desc(mt string, i int, plat *Platform, ann map[string]string) Descriptor {
	return Descriptor{MediaType: mt, Digest: fmt.Sprintf("sha256:%064x", i), Size: 100 + int64(i), Platform: plat, Annotations: ann}
}

func rawOf(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTagKindOf: platforms counted as the tree's header counts them
// (PlatformList: no attestations, no unknown/unknown), nested lists
// apart, images, and artifacts by artifactType, config type or layers.
func TestTagKindOf(t *testing.T) {
	att := map[string]string{AnnotationReferenceType: ReferenceTypeAttestation, AnnotationReferenceDigest: "sha256:" + strings.Repeat("1", 64)}
	unknown := &Platform{OS: "unknown", Architecture: "unknown"}
	var eleven []Descriptor
	for i := range 11 {
		eleven = append(eleven, desc(MediaTypeOCIManifest, i, &Platform{OS: "linux", Architecture: fmt.Sprintf("arch%d", i)}, nil),
			desc(MediaTypeOCIManifest, 100+i, unknown, att))
	}
	// podman's create --all: unknown/unknown without the annotations.
	eleven = append(eleven, desc(MediaTypeOCIManifest, 200, unknown, nil))
	index := func(mt string, ms []Descriptor, extra map[string]any) []byte {
		v := map[string]any{"schemaVersion": 2, "mediaType": mt, "manifests": ms}
		for k, x := range extra {
			v[k] = x
		}
		return rawOf(t, v)
	}
	image := func(artifactType, configType string, layers ...Descriptor) []byte {
		v := map[string]any{"schemaVersion": 2, "mediaType": MediaTypeOCIManifest,
			"config": desc(configType, 1, nil, nil), "layers": layers}
		if artifactType != "" {
			v["artifactType"] = artifactType
		}
		return rawOf(t, v)
	}
	amd := &Platform{OS: "linux", Architecture: "amd64"}
	long := "application/vnd.example." + strings.Repeat("x", 500) + "+json"
	cases := []struct {
		name   string
		mt     string
		raw    []byte
		labels []string
	}{
		{"eleven", MediaTypeOCIIndex, index(MediaTypeOCIIndex, eleven, nil), []string{"list · 11 platforms", "list · 11", "list"}},
		{"one", MediaTypeDockerList, index(MediaTypeDockerList, []Descriptor{desc(MediaTypeDockerManifest, 1, amd, nil)}, nil), []string{"list · 1 platform", "list · 1", "list"}},
		{"nested", MediaTypeOCIIndex, index(MediaTypeOCIIndex, []Descriptor{desc(MediaTypeOCIIndex, 1, nil, nil), desc(MediaTypeOCIManifest, 2, &Platform{OS: "linux", Architecture: "s390x"}, nil)}, nil),
			[]string{"list · 1 platform, 1 list", "list · 1+1", "list"}},
		{"no platform field", MediaTypeOCIIndex, index(MediaTypeOCIIndex, []Descriptor{desc(MediaTypeOCIManifest, 1, nil, nil)}, nil), []string{"list · 1 entry, no platform", "list · 1 entry", "list"}},
		{"empty", MediaTypeOCIIndex, index(MediaTypeOCIIndex, []Descriptor{}, nil), []string{"list · 0 entries, no platform", "list · 0 entries", "list"}},
		{"artifact index", MediaTypeOCIIndex, index(MediaTypeOCIIndex, []Descriptor{desc(MediaTypeOCIManifest, 1, nil, nil)}, map[string]any{"artifactType": MediaTypeSPDX}),
			[]string{"artifact list (SPDX)", "artifact list"}},
		{"docker image", MediaTypeDockerManifest, rawOf(t, map[string]any{"schemaVersion": 2, "mediaType": MediaTypeDockerManifest, "config": desc(MediaTypeDockerConfig, 1, nil, nil)}), []string{"image"}},
		{"oci image", MediaTypeOCIManifest, image("", MediaTypeOCIConfig), []string{"image"}},
		{"artifactType", MediaTypeOCIManifest, image(MediaTypeSPDX, MediaTypeOCIEmpty), []string{"artifact (SPDX)", "artifact"}},
		{"helm", MediaTypeOCIManifest, image("", "application/vnd.cncf.helm.config.v1+json"), []string{"artifact (application/vnd.cncf.helm.config.v1+json)", "artifact"}},
		{"empty config, sbom layer", MediaTypeOCIManifest, image("", MediaTypeOCIEmpty, desc(MediaTypeCycloneDX, 3, nil, nil)), []string{"artifact (sbom)", "artifact"}},
		{"empty config, no clue", MediaTypeOCIManifest, image("", MediaTypeOCIEmpty, desc("application/octet-stream", 3, nil, nil)), []string{"artifact"}},
		{"cosign sig", MediaTypeOCIManifest, image("", MediaTypeOCIConfig, desc(MediaTypeCosignSimple, 3, nil, nil)), []string{"artifact (signature)", "artifact"}},
		{"long type", MediaTypeOCIManifest, image(long, MediaTypeOCIEmpty), []string{"artifact (" + long[:MaxTagKindType-len("…")] + "…)", "artifact"}},
	}
	for _, c := range cases {
		k, err := TagKindOf(c.mt, c.raw)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !k.Read || k.NeedsBody() {
			t.Errorf("%s: read %v, needs body %v", c.name, k.Read, k.NeedsBody())
		}
		if got := k.Labels(); !slices.Equal(got, c.labels) {
			t.Errorf("%s: labels %q, want %q", c.name, got, c.labels)
		}
		if len(k.Type) > MaxTagKindType {
			t.Errorf("%s: type of %d bytes", c.name, len(k.Type))
		}
	}
}

// TestTagKindOfBadBodies: garbage, schema 1, wrong shapes and media types
// are errors, never a panic or a made-up kind.
func TestTagKindOfBadBodies(t *testing.T) {
	for _, c := range []struct{ mt, raw string }{
		{MediaTypeOCIIndex, "garbage"},
		{MediaTypeOCIIndex, ""},
		{MediaTypeOCIIndex, `{"schemaVersion":1}`},
		{MediaTypeOCIIndex, `{"schemaVersion":2,"manifests":[{"digest":"nope"}]}`},
		{MediaTypeOCIManifest, `{"schemaVersion":2,"layers":[]}`},
		{MediaTypeSchema1, `{"schemaVersion":1}`},
		{"application/json", `{"schemaVersion":2}`},
		{MediaTypeOCIManifest, "\x1b]52;c;aGk=\x07"},
	} {
		if k, err := TagKindOf(c.mt, []byte(c.raw)); err == nil {
			t.Errorf("%s %q: %+v, want an error", c.mt, c.raw, k)
		}
	}
}

// TestKindFromMediaType: the HEAD tells list or image, nothing counted.
func TestKindFromMediaType(t *testing.T) {
	for mt, want := range map[string][]string{
		MediaTypeDockerList:                     {"list"},
		MediaTypeOCIIndex + "; charset=utf-8":   {"list"},
		MediaTypeDockerManifest:                 {"image"},
		MediaTypeOCIManifest:                    {"image"},
		MediaTypeSchema1Signed:                  nil,
		"application/vnd.example.thing.v1+json": nil,
		"":                                      nil,
	} {
		k := KindFromMediaType(mt)
		if got := k.Labels(); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", mt, got, want)
		}
		if k.NeedsBody() != (want != nil) {
			t.Errorf("%q: needs body %v", mt, k.NeedsBody())
		}
	}
}
