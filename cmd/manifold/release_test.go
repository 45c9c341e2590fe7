package main

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/releaseimage"
)

// TestReleaseImageIsBuiltByManifold: what make release-image does, with
// small stand-in binaries: one image a binary (internal/releaseimage),
// then manifold's own create and push assemble the index; pulled back, each
// platform resolves to its image and carries its binary.
func TestReleaseImageIsBuiltByManifold(t *testing.T) {
	host := editEnv(t)
	dir := t.TempDir()
	var bins []releaseimage.Binary
	for _, n := range []string{"manifold-v0.1.0-linux-amd64", "manifold-v0.1.0-linux-arm64", "manifold-v0.1.0-linux-arm-v7"} {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, []byte("binary for "+n), 0o755); err != nil {
			t.Fatal(err)
		}
		pl, err := releaseimage.ParseName(p)
		if err != nil {
			t.Fatal(err)
		}
		bins = append(bins, releaseimage.Binary{Path: p, Platform: pl})
	}
	refs, err := releaseimage.Push(context.Background(), host+"/manifold", "v0.1.0", bins, time.Unix(1700000000, 0).UTC())
	if err != nil {
		t.Fatal(err)
	}
	list := host + "/manifold:v0.1.0"
	mustMF(t, append([]string{"create", list}, refs...)...)
	mustMF(t, "push", list)

	for i, plat := range []string{"linux/amd64", "linux/arm64", "linux/arm/v7"} {
		got := strings.TrimSpace(mustMF(t, "resolve", list, "--platform", plat))
		want := strings.TrimSpace(mustMF(t, "inspect", refs[i], "--format", "{{.digest}}"))
		if !strings.HasSuffix(got, "@"+want) {
			t.Fatalf("%s resolves to %s, want the image of %s (%s)", plat, got, bins[i].Path, want)
		}
		r, err := name.ParseReference(got, name.Insecure)
		if err != nil {
			t.Fatal(err)
		}
		img, err := remote.Image(r)
		if err != nil {
			t.Fatal(err)
		}
		layers, err := img.Layers()
		if err != nil || len(layers) != 1 {
			t.Fatalf("%s: %d layers %v", plat, len(layers), err)
		}
		rc, err := layers[0].Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		h, err := tr.Next()
		if err != nil || h.Name != "manifold" {
			t.Fatalf("%s: layer holds %v %v", plat, h, err)
		}
		body, _ := io.ReadAll(tr)
		rc.Close()
		if want := "binary for " + filepath.Base(bins[i].Path); string(body) != want {
			t.Fatalf("%s: binary %q, want %q", plat, body, want)
		}
		cf, _ := img.ConfigFile()
		if cf.Architecture != bins[i].Platform.Architecture || cf.Variant != bins[i].Platform.Variant || len(cf.Config.Entrypoint) != 1 {
			t.Fatalf("%s: config %+v", plat, cf)
		}
	}
}
