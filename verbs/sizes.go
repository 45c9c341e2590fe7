package verbs

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// SizeReader is what sizes needs: trees, and byte ranges of blobs.
type SizeReader interface {
	TreeReader
	BlobRange(ctx context.Context, repository, digest string, first, last int64) ([]byte, bool, error)
}

var _ SizeReader = (*registry.Client)(nil)

// maxRangeRequests bounds the range requests of sizes in flight.
const maxRangeRequests = 8

// Sizes reads ref with every child and config, asks for the gzip trailer
// or zstd frame header of each distinct layer (one small Range request
// each, never the layer), and reports the sizes (model.Sizes). A layer
// whose registry refuses ranges, or whose request fails, is unknown.
func Sizes(ctx context.Context, r SizeReader, ref string) (*model.SizeReport, error) {
	t, err := r.Tree(ctx, ref, registry.TreeOptions{All: true})
	if err != nil {
		return nil, err
	}
	ranged, known := model.LayersToEstimate(t)
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(maxRangeRequests)
	for _, l := range ranged {
		g.Go(func() error {
			n, ok := estimateLayer(gctx, r, t.Repository, l)
			if ok {
				mu.Lock()
				known[l.Digest] = n
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return model.Sizes(t, known), nil
}

// estimateLayer reads the one range that tells a layer's uncompressed size.
func estimateLayer(ctx context.Context, r SizeReader, repo string, l model.Descriptor) (int64, bool) {
	switch model.LayerCompression(l.MediaType) {
	case model.CompressionGzip:
		if l.Size < model.GzipTrailerLen+18 { // a gzip header and trailer at least
			return 0, false
		}
		b, ok, err := r.BlobRange(ctx, repo, l.Digest, l.Size-model.GzipTrailerLen, l.Size-1)
		if err != nil || !ok {
			return 0, false
		}
		return model.GzipISize(b, l.Size)
	case model.CompressionZstd:
		last := min(int64(model.ZstdHeaderLen), l.Size) - 1
		if last < 4 {
			return 0, false
		}
		b, ok, err := r.BlobRange(ctx, repo, l.Digest, 0, last)
		if err != nil || !ok {
			return 0, false
		}
		return model.ZstdContentSize(b)
	}
	return 0, false
}
