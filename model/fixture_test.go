package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// fxStore builds a content store by hand, the way a registry would hold it:
// every blob is addressed by the sha256 of its bytes.
type fxStore struct {
	t testing.TB
	s Store
	n int // makes every config unique
}

func newFxStore(t testing.TB) *fxStore { return &fxStore{t: t, s: Store{}} }

func fxDigest(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// putRaw stores raw bytes under their digest and returns their descriptor.
func (f *fxStore) putRaw(mt string, raw []byte) Descriptor {
	d := fxDigest(raw)
	f.s[d] = Content{MediaType: mt, Raw: raw}
	return Descriptor{MediaType: mt, Digest: d, Size: int64(len(raw))}
}

func (f *fxStore) put(mt string, v any) Descriptor {
	raw, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.putRaw(mt, raw)
}

// config stores an image config declaring p.
func (f *fxStore) config(mt string, p Platform) Descriptor {
	f.n++
	return f.put(mt, map[string]any{
		"os": p.OS, "architecture": p.Architecture, "variant": p.Variant, "os.version": p.OSVersion,
		"created": "2024-05-01T10:00:00Z",
		"config": map[string]any{
			"Env":          []string{"PATH=/usr/bin", fmt.Sprintf("N=%d", f.n)},
			"Entrypoint":   []string{"/app"},
			"Labels":       map[string]string{"org.opencontainers.image.title": "app"},
			"ExposedPorts": map[string]any{"8080/tcp": struct{}{}, "443/tcp": struct{}{}},
		},
		"rootfs":  map[string]any{"type": "layers", "diff_ids": []string{fxDigest([]byte(fmt.Sprint("diff", f.n)))}},
		"history": []map[string]any{{"created_by": "COPY app /app"}},
	})
}

// image stores a config declaring cfgPlat and a manifest of type mt over it;
// the returned descriptor carries descPlat (nil for none).
func (f *fxStore) image(mt string, descPlat *Platform, cfgPlat Platform) Descriptor {
	cfgMT := MediaTypeOCIConfig
	layerMT := "application/vnd.oci.image.layer.v1.tar+gzip"
	if mt == MediaTypeDockerManifest {
		cfgMT = MediaTypeDockerConfig
		layerMT = "application/vnd.docker.image.rootfs.diff.tar.gzip"
	}
	cfg := f.config(cfgMT, cfgPlat)
	d := f.put(mt, map[string]any{
		"schemaVersion": 2, "mediaType": mt, "config": cfg,
		"layers": []Descriptor{{MediaType: layerMT, Digest: fxDigest([]byte(cfg.Digest)), Size: 1234}},
	})
	d.Platform = descPlat
	return d
}

// img is an image whose descriptor and config agree on the platform.
func (f *fxStore) img(mt, platform string) Descriptor {
	p := fxPlat(f.t, platform)
	return f.image(mt, &p, p)
}

// attestation stores a BuildKit attestation manifest for the image d.
func (f *fxStore) attestation(d Descriptor) Descriptor {
	cfg := f.putRaw("application/vnd.in-toto+json", []byte(`{"_type":"https://in-toto.io/Statement/v0.1","n":"`+d.Digest+`"}`))
	a := f.put(MediaTypeOCIManifest, map[string]any{
		"schemaVersion": 2, "mediaType": MediaTypeOCIManifest, "config": cfg,
		"layers": []Descriptor{{MediaType: "application/vnd.in-toto+json", Digest: fxDigest([]byte("att" + d.Digest)), Size: 99,
			Annotations: map[string]string{"in-toto.io/predicate-type": "https://spdx.dev/Document"}}},
	})
	a.Platform = &Platform{OS: "unknown", Architecture: "unknown"}
	a.Annotations = map[string]string{AnnotationReferenceType: ReferenceTypeAttestation, AnnotationReferenceDigest: d.Digest}
	return a
}

// index stores an index (or Docker list) of descs.
func (f *fxStore) index(mt string, ann map[string]string, descs ...Descriptor) Descriptor {
	if descs == nil {
		descs = []Descriptor{}
	}
	v := map[string]any{"schemaVersion": 2, "mediaType": mt, "manifests": descs}
	if ann != nil {
		v["annotations"] = ann
	}
	return f.put(mt, v)
}

// fxPlat splits os/arch[/variant][:os.version] as written, without
// normalising, so fixtures hold exactly what a list in the wild declares.
func fxPlat(t testing.TB, s string) Platform {
	t.Helper()
	var p Platform
	rest, osv, _ := strings.Cut(s, ":")
	parts := strings.Split(rest, "/")
	if len(parts) < 2 || len(parts) > 3 {
		t.Fatalf("fixture platform %q: want os/arch[/variant][:os.version]", s)
	}
	p.OS, p.Architecture, p.OSVersion = parts[0], parts[1], osv
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p
}

func mustBuild(t testing.TB, root Descriptor, s Store) *Tree {
	t.Helper()
	tr, err := Build("example.com/app:v1", "example.com/app", root.Digest, s)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return tr
}
