package verbs

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// Referrers in a copy. With --referrers, the signatures, SBOMs and
// attestations attached to each image that is copied (by the referrers API,
// its tag schema, or cosign's tags) are copied too: their manifests and
// blobs like any child, then, after the index, the tags that make them
// findable at the target: cosign's sha256-<hex>.sig/.att/.sbom, and the
// referrers tag schema's index where the target has no referrers API (a
// registry with the API indexes them by their subject itself).
//
// A filtered copy writes a new index digest: what is attached to the
// source index does not apply to it. The plan lists those (Stale) whether
// or not --referrers is given.

// ReferrersLister finds what is attached to a digest; *registry.Client
// satisfies it.
type ReferrersLister interface {
	Referrers(ctx context.Context, repository, digest string) (*model.ReferrerList, error)
}

// ReferrerCopy is one referrer a copy writes.
type ReferrerCopy struct {
	Subject string // the digest it is attached to
	Of      string // what that is, for people: "index", "linux/arm64", …
	model.Referrer
	MediaType string

	raw      []byte
	writeTag bool // a cosign tag the target lacks
}

// TagWrite is a tag a copy writes after the index.
type TagWrite struct {
	Tag       string
	MediaType string
	Raw       []byte
	Why       string
	// Subject is set for a referrers tag schema index: the digest it
	// lists the referrers of.
	Subject string
}

// subject is one digest whose referrers a plan looks up.
type subject struct{ digest, of string }

// planReferrers looks up, at once, the referrers of every subject at the
// source and at the target, and adds what must be copied to the plan. It
// also records what is attached to the source index when the copy
// rewrites it (p.Stale). cl may lack Referrers: then nothing is looked up
// and the plan says so.
func planReferrers(ctx context.Context, cl CopyClient, p *CopyPlan, subjects []subject, copyThem bool, jobs int) error {
	rl, ok := cl.(ReferrersLister)
	if !ok {
		if copyThem || p.Filtered {
			p.ReferrerGaps = append(p.ReferrerGaps, "this registry client cannot list referrers")
		}
		return nil
	}
	type found struct {
		src, dst *model.ReferrerList
	}
	results := make([]found, len(subjects))
	var stale *model.ReferrerList
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	if p.Filtered {
		g.Go(func() error {
			l, err := rl.Referrers(gctx, p.SourceRepo, p.SourceDigest)
			stale = l
			return err
		})
	}
	if copyThem {
		for i, s := range subjects {
			g.Go(func() error {
				l, err := rl.Referrers(gctx, p.SourceRepo, s.digest)
				results[i].src = l
				return err
			})
			g.Go(func() error {
				l, err := rl.Referrers(gctx, p.TargetRepo, s.digest)
				results[i].dst = l
				return err
			})
		}
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("look up referrers: %w", err)
	}
	if stale != nil {
		for _, r := range stale.Items {
			if r.Source != model.SourceIndex {
				p.Stale = append(p.Stale, r)
			}
		}
		for _, e := range stale.Errs {
			p.ReferrerGaps = append(p.ReferrerGaps, "source index: "+e)
		}
	}
	if !copyThem {
		return nil
	}
	p.WithReferrers = true
	var mu sync.Mutex
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	seen := map[string]bool{}
	for i, s := range subjects {
		src, dst := results[i].src, results[i].dst
		for _, e := range src.Errs {
			p.ReferrerGaps = append(p.ReferrerGaps, s.of+": "+e)
		}
		if i == 0 || dst.Support == model.SupportAPI {
			p.TargetSupport = dst.Support
		}
		atTarget := map[string]bool{}
		var tagSchema []model.Descriptor
		for _, r := range dst.Items {
			atTarget[r.Digest] = true
			if r.Source == model.SourceTag {
				tagSchema = append(tagSchema, r.Descriptor)
			}
		}
		cosignAt := map[string]string{}
		for _, r := range dst.Items {
			if r.Source == model.SourceCosign {
				cosignAt[r.Tag] = r.Digest
			}
		}
		addToSchema := false
		for _, r := range src.Items {
			if r.Source == model.SourceIndex || seen[s.digest+r.Digest] {
				continue
			}
			seen[s.digest+r.Digest] = true
			rc := &ReferrerCopy{Subject: s.digest, Of: s.of, Referrer: r}
			p.Referrers = append(p.Referrers, rc)
			if c, ok := src.Manifests[r.Digest]; ok && c.Raw != nil {
				mu.Lock()
				err := p.addReferrerManifest(rc, c.MediaType, c.Raw)
				mu.Unlock()
				if err != nil {
					return err
				}
			} else {
				g.Go(func() error {
					m, err := cl.Get(gctx, p.SourceRepo+"@"+r.Digest)
					if err != nil {
						return fmt.Errorf("read referrer %s of %s: %w", r.Digest, s.of, err)
					}
					mu.Lock()
					defer mu.Unlock()
					return p.addReferrerManifest(rc, m.MediaType, m.Raw)
				})
			}
			switch r.Source {
			case model.SourceCosign:
				switch have := cosignAt[r.Tag]; {
				case have == r.Digest:
				case have != "":
					p.ReferrerGaps = append(p.ReferrerGaps, fmt.Sprintf("the target's own %s (%s) is kept; merge the signatures with cosign copy", r.Tag, have))
				default:
					rc.writeTag = true
				}
			default:
				if dst.Support != model.SupportAPI && !atTarget[r.Digest] {
					tagSchema = append(tagSchema, r.Descriptor)
					addToSchema = true
				}
			}
		}
		if addToSchema {
			raw, err := model.ReferrersTagIndex(tagSchema)
			if err != nil {
				return err
			}
			p.ReferrerTags = append(p.ReferrerTags, TagWrite{Tag: model.ReferrersTag(s.digest), MediaType: model.MediaTypeOCIIndex, Raw: raw,
				Why: "referrers of " + s.of + " (tag schema: the target has no referrers API)", Subject: s.digest})
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, rc := range p.Referrers {
		if rc.writeTag && rc.raw != nil {
			p.ReferrerTags = append(p.ReferrerTags, TagWrite{Tag: rc.Tag, MediaType: rc.MediaType, Raw: rc.raw, Why: string(rc.Kind) + " of " + rc.Of + " (cosign tag)"})
		}
	}
	return nil
}

// addReferrerManifest adds a referrer's manifest and blobs to the plan.
func (p *CopyPlan) addReferrerManifest(rc *ReferrerCopy, mediaType string, raw []byte) error {
	rc.MediaType, rc.raw = mediaType, raw
	im, err := model.ParseImage(rc.Digest, mediaType, raw)
	if err != nil {
		return fmt.Errorf("referrer %s of %s: %w (only image-manifest referrers are copied)", rc.Digest, rc.Of, err)
	}
	p.Manifests = append(p.Manifests, &PlannedManifest{CopyManifest: model.CopyManifest{
		Digest: rc.Digest, MediaType: mediaType, Raw: raw, Platform: string(rc.Kind) + " of " + rc.Of, Blobs: model.ImageBlobs(im)}})
	return nil
}

// referrerSubjects are the digests whose referrers a copy carries: the
// index (unless it is rewritten) and every child written.
func referrerSubjects(p *CopyPlan) []subject {
	var out []subject
	if !p.Filtered {
		of := "index"
		if !model.IsIndexMediaType(p.MediaType) {
			of = "image"
		}
		out = append(out, subject{p.SourceDigest, of})
	}
	for _, m := range p.Manifests {
		of := m.Platform
		if of == "" {
			of = "nested index"
		}
		out = append(out, subject{m.Digest, of})
	}
	return out
}

// writeReferrerTags writes the plan's referrer tags, after the index. A
// registry may answer for a repository that does not exist yet as if it
// had no referrers API (go-containerregistry's registry says NAME_UNKNOWN),
// so before writing a tag schema index the target is asked again, now that
// the repository exists: a registry with the API indexes the referrers by
// their subject itself, and gets no tag schema index.
func writeReferrerTags(ctx context.Context, c CopyClient, w *registry.Writer, p *CopyPlan, emit func(CopyEvent)) error {
	schema := true
	for _, t := range p.ReferrerTags {
		if t.Subject == "" || !schema {
			continue
		}
		if rl, ok := c.(ReferrersLister); ok {
			if l, err := rl.Referrers(ctx, p.TargetRepo, t.Subject); err == nil && l.Support == model.SupportAPI {
				schema = false
				p.TargetSupport = model.SupportAPI
			}
		}
		break
	}
	for _, t := range p.ReferrerTags {
		if t.Subject != "" && !schema {
			continue
		}
		if err := w.PutManifest(ctx, t.Tag, t.MediaType, t.Raw); err != nil {
			return fmt.Errorf("write %s: %w", t.Why, err)
		}
		emit(CopyEvent{Kind: ManifestWritten, Digest: model.SHA256Digest(t.Raw), Ref: p.TargetRepo + ":" + t.Tag})
	}
	return nil
}
