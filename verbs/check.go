package verbs

import (
	"context"
	"fmt"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// supplyReader continues a tree with its referrers (registry.Client.Supply).
type supplyReader interface {
	Supply(ctx context.Context, t *model.Tree) (*model.Tree, error)
}

// CheckResult is a release check of one reference.
type CheckResult struct {
	Reference string
	Digest    string
	// Platforms are the image platforms of the index, in index order.
	Platforms []string
	Problems  []model.Problem
}

// OK reports whether every check held.
func (r *CheckResult) OK() bool { return len(r.Problems) == 0 }

// Check fetches ref with every child and config and runs model.Check on
// it. An error means the check could not run (network, auth, a missing
// tag); problems found are in the result.
func Check(ctx context.Context, r TreeReader, ref string, o model.CheckOptions) (*CheckResult, error) {
	t, err := r.Tree(ctx, ref, registry.TreeOptions{All: true})
	if err != nil {
		return nil, err
	}
	if sr, ok := r.(supplyReader); ok && o.RequireAttestations && t.IsIndex() {
		// Attestations may be referrers rather than index entries.
		if t, err = sr.Supply(ctx, t); err != nil {
			return nil, fmt.Errorf("read the referrers of %s: %w", ref, err)
		}
	}
	plats, _ := model.PlatformList(t)
	res := &CheckResult{Reference: t.Reference, Digest: t.Digest, Problems: model.Check(t, o)}
	for _, p := range plats {
		res.Platforms = append(res.Platforms, p.String())
	}
	return res, nil
}
