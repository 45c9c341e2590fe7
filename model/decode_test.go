package model

import (
	"strings"
	"testing"
)

// cosign attach sbom: a .sbom tag whose layer is the SPDX document itself.
func TestDecodeArtifactCosignSBOMTag(t *testing.T) {
	doc := []byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","dataLicense":"CC0-1.0","documentNamespace":"https://x","creationInfo":{"created":"2026-01-01T00:00:00Z","creators":["Tool: x"]},"packages":[{"SPDXID":"SPDXRef-a","name":"a","versionInfo":"1","downloadLocation":"NOASSERTION"},{"SPDXID":"SPDXRef-b","name":"b","downloadLocation":"NOASSERTION"}]}`)
	l := Descriptor{MediaType: "text/spdx+json", Digest: fxDigest(doc), Size: int64(len(doc))}
	bad := Descriptor{MediaType: MediaTypeInToto, Digest: fxDigest([]byte("bad")), Size: 3}
	im := &Image{MediaType: MediaTypeOCIManifest, ConfigDescriptor: Descriptor{MediaType: MediaTypeOCIConfig}, Layers: []Descriptor{l, bad}}
	if k := ArtifactKind(im.ArtifactType, im.ConfigDescriptor.MediaType, im.Layers); k != KindSBOM {
		t.Fatalf("kind %s", k)
	}
	a := DecodeArtifact(im, Store{l.Digest: {Raw: doc}, bad.Digest: {Raw: []byte("bad")}})
	if len(a.SBOMs) != 1 || a.SBOMs[0].Count != 2 || a.SBOMs[0].Packages[0].Name != "a" {
		t.Fatalf("SBOMs %+v", a.SBOMs)
	}
	if len(a.Errs) != 1 || !strings.Contains(a.Errs[0], "in-toto") {
		t.Errorf("a broken statement layer is reported: %v", a.Errs)
	}
}
