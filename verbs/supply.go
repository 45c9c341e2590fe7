package verbs

import (
	"context"
	"crypto"
	"fmt"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/model/attest"
	"github.com/manifold-dev/manifold/registry"
)

// SupplyTree fetches ref with every child, config and what is attached to
// the index and each image (signatures, attestations, SBOMs), decoded.
func SupplyTree(ctx context.Context, r Reader, ref string) (*model.Tree, error) {
	return r.Tree(ctx, ref, registry.TreeOptions{All: true, Supply: true})
}

// VerifyResult is every attached signature of a reference checked
// against a key.
type VerifyResult struct {
	Tree    *model.Tree
	Results []model.Verification
}

// Verified reports whether every signature found verified, and at least
// one was found.
func (v *VerifyResult) Verified() bool {
	if len(v.Results) == 0 {
		return false
	}
	for _, r := range v.Results {
		if r.Verdict != attest.Verified {
			return false
		}
	}
	return true
}

// Verify fetches ref's supply chain and checks each cosign signature (of
// the index and of every image, and of signed attestations) against pub,
// offline.
func Verify(ctx context.Context, r Reader, ref string, pub crypto.PublicKey) (*VerifyResult, error) {
	t, err := SupplyTree(ctx, r, ref)
	if err != nil {
		return nil, err
	}
	return &VerifyResult{Tree: t, Results: model.Verify(t, pub)}, nil
}

// SBOMSection is one SBOM of an image or index.
type SBOMSection struct {
	// Where is "index" or the platform; Subject its digest.
	Where, Subject string
	// Source is where the SBOM was found; Referrer its manifest.
	Source   model.Source
	Referrer string
	SBOM     *attest.SBOM
}

// SBOMs returns the SBOMs attached to t: the index's and each image's, or
// with platform set only those of the image a host of that platform pulls
// (containerd's rules, as resolve applies them).
func SBOMs(t *model.Tree, platform string) ([]SBOMSection, error) {
	var out []SBOMSection
	add := func(s *model.Supply, where, subject string) {
		if s == nil {
			return
		}
		for _, r := range s.Referrers {
			if r.Artifact == nil {
				continue
			}
			for _, st := range r.Artifact.Statements {
				if st.SBOM != nil {
					out = append(out, SBOMSection{Where: where, Subject: subject, Source: r.Source, Referrer: r.Digest, SBOM: st.SBOM})
				}
			}
			for _, sb := range r.Artifact.SBOMs {
				out = append(out, SBOMSection{Where: where, Subject: subject, Source: r.Source, Referrer: r.Digest, SBOM: sb})
			}
		}
	}
	if platform != "" {
		host, err := model.ParsePlatform(platform)
		if err != nil {
			return nil, err
		}
		res, err := model.Resolve(t, host)
		if err != nil {
			return nil, err
		}
		if res.Entry == nil && t.IsIndex() {
			return nil, model.NoMatchError(t, host)
		}
		if res.Entry == nil {
			add(t.Supply, res.Platform.String(), t.Digest)
			return out, nil
		}
		add(res.Entry.Supply, res.Platform.String(), res.Digest)
		return out, nil
	}
	where := "index"
	if !t.IsIndex() {
		where = "image"
	}
	add(t.Supply, where, t.Digest)
	var walk func(es []*model.Entry)
	walk = func(es []*model.Entry) {
		for _, e := range es {
			if e.IsAttestation() {
				continue
			}
			w := "entry " + e.Digest
			if e.Platform != nil {
				w = e.Platform.String()
			}
			add(e.Supply, w, e.Digest)
			walk(e.Children)
		}
	}
	walk(t.Entries)
	return out, nil
}

// ErrNoSBOM is returned when nothing attached is an SBOM.
var ErrNoSBOM = fmt.Errorf("no SBOM is attached")
