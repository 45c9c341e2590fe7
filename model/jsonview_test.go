package model

import (
	"encoding/json"
	"fmt"
	"testing"
)

// decode marshals v and reads it back generically, as a script would.
func decode(t testing.TB, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestJSONViewIndex(t *testing.T) {
	fx := newFxStore(t)
	amd := fx.img(MediaTypeOCIManifest, "linux/amd64")
	win := fx.img(MediaTypeOCIManifest, "windows/amd64:10.0.20348.2113")
	att := fx.attestation(amd)
	gone := fx.img(MediaTypeOCIManifest, "linux/arm64")
	root := fx.index(MediaTypeOCIIndex, nil, amd, win, att, gone)
	delete(fx.s, gone.Digest)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	tr := mustBuild(t, root, store)

	for _, all := range []bool{false, true} {
		m := decode(t, NewJSONView(tr, all))
		for _, k := range []string{"reference", "digest", "mediaType", "annotations", "manifests"} {
			if _, ok := m[k]; !ok {
				t.Errorf("all=%v: top-level key %q missing", all, k)
			}
		}
		if m["digest"] != root.Digest || m["reference"] != "example.com/app:v1" || m["mediaType"] != MediaTypeOCIIndex {
			t.Errorf("top level = %v", m)
		}
		if a, ok := m["annotations"].(map[string]any); !ok || len(a) != 0 {
			t.Errorf("annotations = %#v, want {}", m["annotations"])
		}
		ms := m["manifests"].([]any)
		if len(ms) != 4 {
			t.Fatalf("%d manifests", len(ms))
		}
		wantPlat := []string{"linux/amd64", "windows/amd64:10.0.20348.2113", "unknown/unknown", "linux/arm64"}
		for i, x := range ms {
			e := x.(map[string]any)
			for _, k := range []string{"digest", "mediaType", "size", "platform", "platformString", "annotations", "attestationFor"} {
				if _, ok := e[k]; !ok {
					t.Errorf("manifests[%d] lacks %q", i, k)
				}
			}
			if e["platformString"] != wantPlat[i] {
				t.Errorf("manifests[%d].platformString = %v, want %s", i, e["platformString"], wantPlat[i])
			}
			// The registry's shape: jq '.manifests[].platform.architecture'.
			pl, _ := e["platform"].(map[string]any)
			if want, _ := ParsePlatform(wantPlat[i]); pl["architecture"] != want.Architecture || pl["os"] != want.OS || (want.OSVersion != "" && pl["os.version"] != want.OSVersion) {
				t.Errorf("manifests[%d].platform = %v, want the object of %s", i, e["platform"], wantPlat[i])
			}
			_, hasManifest := e["manifest"]
			_, hasConfig := e["config"]
			switch {
			case i == 3:
				if e["missing"] != true || hasManifest || hasConfig {
					t.Errorf("missing entry = %v", e)
				}
			case all:
				if !hasManifest || (i != 2 && !hasConfig) {
					t.Errorf("all: manifests[%d] lacks manifest/config: %v", i, e)
				}
			default:
				if hasManifest || hasConfig {
					t.Errorf("manifests[%d] has manifest/config without all", i)
				}
			}
		}
		if ms[2].(map[string]any)["attestationFor"] != amd.Digest || ms[0].(map[string]any)["attestationFor"] != nil {
			t.Errorf("attestationFor: %v / %v", ms[2], ms[0])
		}
		if a := ms[0].(map[string]any)["attestations"].([]any); len(a) != 1 || a[0] != att.Digest {
			t.Errorf("attestations of amd64 = %v", a)
		}
	}
	v := NewJSONView(tr, true)
	if c := v.Manifests[1].Config; c == nil || c.OSVersion != "10.0.20348.2113" || c.Entrypoint[0] != "/app" {
		t.Errorf("windows config = %+v", c)
	}
	if m := v.Manifests[0].Manifest; m.TotalSize != m.Config.Size+1234 || len(m.Layers) != 1 {
		t.Errorf("manifest = %+v", m)
	}
}

func TestJSONViewNestedAndSingle(t *testing.T) {
	fx := newFxStore(t)
	arm := fx.img(MediaTypeDockerManifest, "linux/arm/v5")
	inner := fx.index(MediaTypeDockerList, map[string]string{"k": "v"}, arm)
	root := fx.index(MediaTypeOCIIndex, map[string]string{"top": "1"}, inner)
	store, _ := fetchAll(t, root.Digest, fx.s, true)
	v := NewJSONView(mustBuild(t, root, store), true)
	if v.Annotations["top"] != "1" || len(v.Manifests) != 1 {
		t.Fatalf("view = %+v", v)
	}
	n := v.Manifests[0]
	if n.Platform != "" || n.IndexAnnotations["k"] != "v" || len(n.Manifests) != 1 || n.Manifests[0].Digest != arm.Digest || n.Manifests[0].Config == nil {
		t.Errorf("nested = %+v", n)
	}

	single := fx.img(MediaTypeOCIManifest, "linux/s390x")
	store, _ = fetchAll(t, single.Digest, fx.s, true)
	tr := mustBuild(t, single, store)
	m := decode(t, NewJSONView(tr, false))
	if ms, ok := m["manifests"].([]any); !ok || len(ms) != 0 {
		t.Errorf("single image manifests = %#v, want []", m["manifests"])
	}
	if pl, _ := m["platform"].(map[string]any); m["platformString"] != "linux/s390x" || pl["architecture"] != "s390x" || m["manifest"] != nil || m["config"] != nil {
		t.Errorf("single image without all = %v", m)
	}
	full := NewJSONView(tr, true)
	if full.Manifest == nil || full.Config == nil || full.Config.Architecture != "s390x" || full.Manifest.Config.Digest == "" {
		t.Errorf("single image with all = %+v", full)
	}
}

// benchStore is a 50-entry index with every manifest and config fetched.
func benchStore(b *testing.B) (Descriptor, Store) {
	fx := newFxStore(b)
	var descs []Descriptor
	for i := range 25 {
		d := fx.img(MediaTypeOCIManifest, fmt.Sprintf("linux/arch%d", i))
		descs = append(descs, d, fx.attestation(d))
	}
	return fx.index(MediaTypeOCIIndex, map[string]string{"org.opencontainers.image.created": "2024-05-01"}, descs...), fx.s
}

func BenchmarkBuild50(b *testing.B) {
	root, store := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		tr, err := Build("r/app:1", "r/app", root.Digest, store)
		if err != nil || len(tr.Entries) != 50 {
			b.Fatal(err)
		}
	}
}

func BenchmarkNeeded50(b *testing.B) {
	root, store := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if w := Needed(root.Digest, store, true); len(w) != 0 {
			b.Fatal(w)
		}
	}
}

func BenchmarkJSONView50(b *testing.B) {
	root, store := benchStore(b)
	tr, err := Build("r/app:1", "r/app", root.Digest, store)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		raw, err := json.MarshalIndent(NewJSONView(tr, true), "", "  ")
		if err != nil {
			b.Fatal(err)
		}
		n = len(raw)
	}
	b.SetBytes(int64(n))
}
