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

// Stale is what is attached to the digest a tag holds now that will no
// longer apply once a push writes another digest there: signatures and
// attestations of the old index (the images' own stay, their digests do
// not change).
type Stale struct {
	// From and To are the digest the tag holds now and the one the push
	// writes.
	From, To string
	// Referrers are attached to From (never to To).
	Referrers []model.Referrer
	// Errs are lookups that failed: then the list may be incomplete.
	Errs []string
}

// Signatures counts the stale referrers that are signatures.
func (s *Stale) Signatures() int {
	n := 0
	for _, r := range s.Referrers {
		if r.Kind == model.KindSignature {
			n++
		}
	}
	return n
}

// Lines describes the stale referrers for people, one a line.
func (s *Stale) Lines() []string {
	var out []string
	for _, r := range s.Referrers {
		where := string(r.Source)
		if r.Tag != "" {
			where += " " + r.Tag
		}
		out = append(out, fmt.Sprintf("%s %s (%s)", r.Kind, r.Digest, where))
	}
	for _, e := range s.Errs {
		out = append(out, "could not tell: "+e)
	}
	return out
}

// StaleAfterPush lists what is attached to from, the digest the tag holds
// now, when a push writes to instead. It returns nil when nothing changes
// (same digest, or a new tag), or when l cannot list referrers.
func StaleAfterPush(ctx context.Context, r any, repository, from, to string) (*Stale, error) {
	lister, ok := r.(ReferrersLister)
	if !ok || from == "" || from == to {
		return nil, nil
	}
	l, err := lister.Referrers(ctx, repository, from)
	if err != nil {
		return nil, err
	}
	s := &Stale{From: from, To: to, Errs: l.Errs}
	for _, it := range l.Items {
		if it.Kind == "" {
			it.Kind = model.ArtifactKind(it.ArtifactType, "", nil)
		}
		s.Referrers = append(s.Referrers, it)
	}
	return s, nil
}
