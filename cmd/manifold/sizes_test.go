package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/zstd"

	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

func gzipped(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zstded(t *testing.T, raw []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(raw, nil)
}

// sizesIndex pushes amd64 [base.gz, app.gz, extra.tar] and arm64 [base.gz,
// app.zst], an attestation of amd64, and returns the true uncompressed
// sizes per platform.
func sizesIndex(t *testing.T, ref string) (map[string]int64, map[string]v1.Image) {
	t.Helper()
	text := func(seed string, n int) []byte { return []byte(strings.Repeat(seed+" compressible tar content\n", n)) }
	baseRaw, amdRaw, extraRaw, armRaw := text("base", 4000), text("amd64 app", 9000), text("extra", 50), text("arm64 app", 7000)
	base := static.NewLayer(gzipped(t, baseRaw), types.OCILayer)
	layers := map[string][]v1.Layer{
		"linux/amd64": {base, static.NewLayer(gzipped(t, amdRaw), types.OCILayer), static.NewLayer(extraRaw, types.OCIUncompressedLayer)},
		"linux/arm64": {base, static.NewLayer(zstded(t, armRaw), types.OCILayerZStd)},
	}
	truth := map[string]int64{
		"linux/amd64": int64(len(baseRaw) + len(amdRaw) + len(extraRaw)),
		"linux/arm64": int64(len(baseRaw) + len(armRaw)),
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	imgs := map[string]v1.Image{}
	for _, plat := range []string{"linux/amd64", "linux/arm64"} {
		img, err := mutate.AppendLayers(mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON), layers[plat]...)
		if err != nil {
			t.Fatal(err)
		}
		arch := strings.TrimPrefix(plat, "linux/")
		cf, _ := img.ConfigFile()
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = "linux", arch
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		imgs[plat] = img
		pl := v1.Platform{OS: "linux", Architecture: arch}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &pl}})
		if arch == "amd64" {
			att := mutate.ConfigMediaType(fxImage(t, p("unknown", "unknown", "", ""), true), "application/vnd.in-toto+json")
			up := v1.Platform{OS: "unknown", Architecture: "unknown"}
			idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{Platform: &up,
				Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: digestOf(t, img)}}})
		}
	}
	if err := remote.WriteIndex(mustParse(t, ref), idx); err != nil {
		t.Fatal(err)
	}
	return truth, imgs
}

func TestSizesSharedLayersAndEstimates(t *testing.T) {
	host := readEnv(t)
	truth, imgs := sizesIndex(t, host+"/sized:1")
	out := mustRun(t, "sizes", host+"/sized:1", "-o", "json")
	var r model.SizeReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Platforms) != 2 {
		t.Fatalf("platforms %+v", r.Platforms)
	}
	manifest := func(img v1.Image) *v1.Manifest {
		m, err := img.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	am, rm := manifest(imgs["linux/amd64"]), manifest(imgs["linux/arm64"])
	baseSize := am.Layers[0].Size
	unique := am.Config.Size + rm.Config.Size + baseSize + am.Layers[1].Size + am.Layers[2].Size + rm.Layers[1].Size
	if r.UniqueBytes != unique || r.SumBytes != unique+baseSize {
		t.Errorf("unique %d (want %d), sum %d (want %d)", r.UniqueBytes, unique, r.SumBytes, unique+baseSize)
	}
	for _, ps := range r.Platforms {
		m := am
		if ps.Platform == "linux/arm64" {
			m = rm
		}
		var total int64 = m.Config.Size
		for _, l := range m.Layers {
			total += l.Size
		}
		if ps.Compressed != total || ps.SharedBytes != baseSize || ps.UniqueBytes != total-m.Config.Size-baseSize || ps.Layers != len(m.Layers) {
			t.Errorf("%s: %+v (want compressed %d, shared %d)", ps.Platform, ps, total, baseSize)
		}
		// The gzip trailer, the zstd header and the tar's own size give
		// the true uncompressed size.
		if !ps.UncompressedKnown || ps.Uncompressed != truth[ps.Platform] {
			t.Errorf("%s: uncompressed %d known %v, true size %d", ps.Platform, ps.Uncompressed, ps.UncompressedKnown, truth[ps.Platform])
		}
		if ps.Uncompressed <= ps.Compressed {
			t.Errorf("%s: compressible layers estimated no larger than compressed", ps.Platform)
		}
	}
	if r.Attestations.Count != 1 || r.Attestations.Bytes <= 0 {
		t.Errorf("attestations %+v", r.Attestations)
	}
	table := mustRun(t, "sizes", host+"/sized:1")
	for _, want := range []string{"SHARED", "~" + model.FormatSize(truth["linux/amd64"]), "attestations: 1 manifest", "sharing saves " + model.FormatSize(baseSize)} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

// A registry that ignores Range answers 200 with the whole blob: the
// estimate is unknown, never a guess, and the rest still shows.
func TestSizesWithoutRanges(t *testing.T) {
	readEnv(t)
	reg := testregistry.Start(t, testregistry.Options{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Del("Range")
			next.ServeHTTP(w, r)
		})
	}})
	sizesIndex(t, reg.Host+"/sized:1")
	out := mustRun(t, "sizes", reg.Host+"/sized:1", "-o", "json")
	var r model.SizeReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	for _, ps := range r.Platforms {
		if ps.UncompressedKnown || ps.Compressed == 0 {
			t.Errorf("%s: %+v", ps.Platform, ps)
		}
	}
	// amd64's uncompressed tar is still known; its gzip layers are not.
	if r.Platforms[0].UnknownLayers != 2 || r.Platforms[0].Uncompressed == 0 {
		t.Errorf("amd64: %+v", r.Platforms[0])
	}
	if table := mustRun(t, "sizes", reg.Host+"/sized:1"); !strings.Contains(table, "(2 unknown)") || !strings.Contains(table, "unknown") {
		t.Errorf("table:\n%s", table)
	}
}
