// Package releaseimage builds the single-platform images of a manifold
// release: one a binary, FROM scratch, the binary at /manifold as the
// entrypoint, the config's platform set. `make release-image` pushes them
// and then assembles the multi-platform index with manifold's own create and
// push, so the release is built by the tool it ships.
package releaseimage

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Binary is one built binary and the platform it runs on.
type Binary struct {
	Path     string
	Platform v1.Platform
}

// Image builds the image of b.
func Image(b Binary, created time.Time) (v1.Image, error) {
	data, err := os.ReadFile(b.Path)
	if err != nil {
		return nil, err
	}
	file := "manifold"
	if b.Platform.OS == "windows" {
		file = "manifold.exe"
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: file, Mode: 0o755, Size: int64(len(data)), ModTime: created, Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	raw := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.AppendLayers(img, layer)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant, cf.OSVersion = b.Platform.OS, b.Platform.Architecture, b.Platform.Variant, b.Platform.OSVersion
	cf.Created = v1.Time{Time: created}
	cf.Config.Entrypoint = []string{"/" + file}
	if b.Platform.OS == "windows" {
		cf.Config.Entrypoint = []string{`C:\` + file}
	}
	cf.Config.Labels = map[string]string{"org.opencontainers.image.title": "manifold"}
	return mutate.ConfigFile(img, cf)
}

// Push pushes the image of each binary to repo:tag-os-arch[-variant] and
// returns the references, in order.
func Push(ctx context.Context, repo, tag string, bins []Binary, created time.Time, opts ...remote.Option) ([]string, error) {
	var refs []string
	for _, b := range bins {
		img, err := Image(b, created)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.Path, err)
		}
		suffix := b.Platform.OS + "-" + b.Platform.Architecture
		if b.Platform.Variant != "" {
			suffix += "-" + b.Platform.Variant
		}
		ref := repo + ":" + tag + "-" + suffix
		r, err := name.ParseReference(ref, name.Insecure)
		if err != nil {
			return nil, err
		}
		if err := remote.Write(r, img, append(opts, remote.WithContext(ctx))...); err != nil {
			return nil, fmt.Errorf("push %s: %w", ref, err)
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

// ParseName reads a release binary's file name, manifold-VERSION-OS-ARCH[-VARIANT][.exe].
func ParseName(p string) (v1.Platform, error) {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(p, `\`, "/")), ".exe")
	parts := strings.Split(base, "-")
	if len(parts) < 3 {
		return v1.Platform{}, fmt.Errorf("%s: want manifold-VERSION-OS-ARCH[-VARIANT]", p)
	}
	if v := parts[len(parts)-1]; strings.HasPrefix(v, "v") && len(parts) >= 4 && (parts[len(parts)-2] == "arm" || parts[len(parts)-2] == "arm64") {
		return v1.Platform{OS: parts[len(parts)-3], Architecture: parts[len(parts)-2], Variant: v}, nil
	}
	return v1.Platform{OS: parts[len(parts)-2], Architecture: parts[len(parts)-1]}, nil
}
