package model

import "testing"

func TestKindOf(t *testing.T) {
	for mt, want := range map[string]Kind{
		MediaTypeDockerList:                           KindIndex,
		MediaTypeOCIIndex:                             KindIndex,
		MediaTypeOCIManifest:                          KindImage,
		MediaTypeDockerConfig:                         KindImageConfig,
		MediaTypeOCIConfig:                            KindImageConfig,
		MediaTypeOCIEmpty:                             KindConfig,
		"application/vnd.oci.image.layer.v1.tar+gzip": KindLayer,
		MediaTypeInToto:                               KindAttestation,
		MediaTypeCosignSimple:                         KindSignature,
		MediaTypeCosignSig + "; charset=utf-8":        KindSignature,
		MediaTypeCycloneDX:                            KindSBOM,
		MediaTypeOpenVEX:                              KindVEX,
		"application/x-something-new":                 KindOther,
		"":                                            KindOther,
	} {
		if got := KindOf(mt); got != want {
			t.Errorf("KindOf(%q) = %s, want %s", mt, got, want)
		}
	}
}

func TestArtifactTypeOf(t *testing.T) {
	for _, c := range []struct{ artifactType, configType, want string }{
		{"", MediaTypeOCIConfig, ""},
		{"", MediaTypeDockerConfig, ""},
		{"", MediaTypeOCIConfig + "; charset=utf-8", ""},
		{"", "", ""},
		{"application/vnd.example.thing", MediaTypeOCIEmpty, "application/vnd.example.thing"},
		{"", "application/vnd.cncf.helm.config.v1+json", "application/vnd.cncf.helm.config.v1+json"},
		{"", MediaTypeOCIEmpty, MediaTypeOCIEmpty},
		{MediaTypeSPDX, MediaTypeOCIConfig, MediaTypeSPDX},
	} {
		if got := ArtifactTypeOf(c.artifactType, c.configType); got != c.want {
			t.Errorf("ArtifactTypeOf(%q, %q) = %q, want %q", c.artifactType, c.configType, got, c.want)
		}
	}
}

func TestPredicateKind(t *testing.T) {
	for p, want := range map[string]Kind{
		"https://slsa.dev/provenance/v0.2":           KindProvenance,
		"https://slsa.dev/provenance/v1":             KindProvenance,
		"https://spdx.dev/Document":                  KindSBOM,
		"https://spdx.dev/Document/v2.3":             KindSBOM,
		"https://cyclonedx.org/bom/v1.5":             KindSBOM,
		"https://openvex.dev/ns/v0.2.0":              KindVEX,
		"https://cosign.sigstore.dev/attestation/v1": KindAttestation,
		"https://example.com/custom":                 KindAttestation,
	} {
		if got := PredicateKind(p); got != want {
			t.Errorf("PredicateKind(%q) = %s, want %s", p, got, want)
		}
	}
}

func TestArtifactKind(t *testing.T) {
	tar := "application/vnd.oci.image.layer.v1.tar"
	cases := []struct {
		name           string
		artifact, conf string
		layers         []Descriptor
		want           Kind
	}{
		// oras attach: the artifactType decides, not the tar layer.
		{"oras cyclonedx", MediaTypeCycloneDX, MediaTypeOCIEmpty, []Descriptor{{MediaType: tar}}, KindSBOM},
		// cosign sign: no artifactType, a fake image config, simplesigning layers.
		{"cosign .sig", "", MediaTypeOCIConfig, []Descriptor{{MediaType: MediaTypeCosignSimple}}, KindSignature},
		// cosign attest: DSSE layers with an un-namespaced predicateType.
		{"cosign .att slsa", "", MediaTypeOCIConfig, []Descriptor{{MediaType: MediaTypeDSSE,
			Annotations: map[string]string{"predicateType": "https://slsa.dev/provenance/v0.2"}}}, KindProvenance},
		// BuildKit attestation manifest with provenance and SBOM: an attestation,
		// its statements say the rest.
		{"buildkit", "", MediaTypeInToto, []Descriptor{
			{MediaType: MediaTypeInToto, Annotations: map[string]string{AnnotationPredicateType: "https://spdx.dev/Document"}},
			{MediaType: MediaTypeInToto, Annotations: map[string]string{AnnotationPredicateType: "https://slsa.dev/provenance/v0.2"}}}, KindAttestation},
		{"buildkit sbom only", "", MediaTypeOCIConfig, []Descriptor{
			{MediaType: MediaTypeInToto, Annotations: map[string]string{AnnotationPredicateType: "https://spdx.dev/Document"}}}, KindSBOM},
		{"cosign .att on att config", "", MediaTypeInToto, []Descriptor{{MediaType: MediaTypeDSSE}}, KindAttestation},
		{"unknown", "application/x-thing", "", []Descriptor{{MediaType: tar}}, KindOther},
	}
	for _, c := range cases {
		if got := ArtifactKind(c.artifact, c.conf, c.layers); got != c.want {
			t.Errorf("%s: ArtifactKind = %s, want %s", c.name, got, c.want)
		}
	}
}

func TestMediaTypeName(t *testing.T) {
	if got := MediaTypeName(MediaTypeDockerManifest); got != "Docker manifest" {
		t.Errorf("name = %q", got)
	}
	if got := MediaTypeName("application/x-new"); got != "application/x-new" {
		t.Errorf("unknown name = %q", got)
	}
}
