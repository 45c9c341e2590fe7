package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/sync/errgroup"

	"github.com/manifold-dev/manifold/model"
)

// CopyAction says how a child manifest gets into the target repository.
type CopyAction int

const (
	// InPlace children already live in the target repository.
	InPlace CopyAction = iota
	// Mount children live in another repository of the same registry: their
	// blobs are mounted, then the manifest is pushed by digest.
	Mount
	// CrossRegistry children live on another registry and are copied blob by
	// blob. This needs the user's confirmation.
	CrossRegistry
)

func (a CopyAction) String() string {
	switch a {
	case Mount:
		return "mount"
	case CrossRegistry:
		return "copy from another registry"
	}
	return "in place"
}

// ChildPlan is one child of a push: which entry and how it is copied.
type ChildPlan struct {
	Entry  model.StagedEntry
	Action CopyAction
}

// PushPlan is what a push writes, worked out without any request.
type PushPlan struct {
	// Target is the staged list's target repository.
	Repository string
	// Tags are the full references the index is written to, the list's
	// target first.
	Tags      []string
	Raw       []byte
	Digest    string
	MediaType string
	// Children holds one plan per distinct child digest, in list order.
	Children []ChildPlan
	Findings []model.Finding
}

// CrossRegistry returns the children that must be copied from another
// registry.
func (p *PushPlan) CrossRegistry() []ChildPlan {
	var out []ChildPlan
	for _, c := range p.Children {
		if c.Action == CrossRegistry {
			out = append(out, c)
		}
	}
	return out
}

// PlanPush renders the list and decides how each child is copied. It makes
// no request. Extra tags are tag names in the target repository (or full
// references to it).
func (c *Client) PlanPush(l *model.StagedList, extraTags []string) (*PushPlan, error) {
	target, err := c.ParseReference(l.Target)
	if err != nil {
		return nil, fmt.Errorf("target of %s: %w", l.Name, err)
	}
	tag, ok := target.(name.Tag)
	if !ok {
		return nil, fmt.Errorf("target %s is not a tag: a list is pushed to a tag", l.Target)
	}
	repo := tag.Context()
	raw, digest, err := l.Render()
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", l.Name, err)
	}
	p := &PushPlan{Repository: repo.Name(), Raw: raw, Digest: digest, MediaType: l.EffectiveMediaType(), Findings: l.Validate()}
	seenTag := map[string]bool{}
	for _, t := range append([]string{tag.TagStr()}, extraTags...) {
		t = strings.TrimSpace(t)
		full := t
		if !strings.ContainsAny(t, "/:@") {
			full = repo.Name() + ":" + t
		}
		r, err := c.ParseReference(full)
		if err != nil {
			return nil, fmt.Errorf("tag %q: %w", t, err)
		}
		rt, ok := r.(name.Tag)
		if !ok || rt.Context().Name() != repo.Name() {
			return nil, fmt.Errorf("tag %q: give a tag of %s (children live in that repository)", t, repo.Name())
		}
		if !seenTag[rt.Name()] {
			seenTag[rt.Name()] = true
			p.Tags = append(p.Tags, rt.Name())
		}
	}
	seen := map[string]bool{}
	for _, e := range l.Entries {
		if seen[e.Digest] {
			continue
		}
		seen[e.Digest] = true
		src, err := c.ParseRepository(e.Repository)
		if err != nil {
			return nil, fmt.Errorf("entry %s: %w", e.Source, err)
		}
		a := Mount
		switch {
		case src.Name() == repo.Name():
			a = InPlace
		case src.RegistryStr() != repo.RegistryStr():
			a = CrossRegistry
		}
		p.Children = append(p.Children, ChildPlan{Entry: e, Action: a})
	}
	return p, nil
}

// PushOptions control a push.
type PushOptions struct {
	// Tags are extra tags of the target repository to write the index to.
	Tags []string
	// Force skips the check that the target tag still holds the list's Base.
	Force bool
	// AllowCrossRegistry confirms copying children from other registries.
	AllowCrossRegistry bool
	// ExpectDigest, when set, is the digest of the index the user
	// reviewed: the push refuses, before writing anything, with a
	// *NotReviewedError when the bytes it would write differ.
	ExpectDigest string
	// Progress, when set, is called (from one goroutine at a time) as the
	// push goes on.
	Progress func(PushEvent)
}

// PushEvent reports progress.
type PushEvent struct {
	// Step is "check", "exists", "mount", "copy", "index" or "verify".
	Step string
	// Ref is what the step concerns (a child digest or a tag).
	Ref string
	// Done and Total count children (copy steps) or tags (index, verify).
	Done, Total int
}

// PushResult is a completed push.
type PushResult struct {
	Digest   string
	Tags     []string
	Existing int // children already in the target repository
	Mounted  int // children mounted from another repository
	Copied   int // children copied from another registry
}

// CrossRegistryError stops a push whose children live on another registry
// until the user confirms the copy (PushOptions.AllowCrossRegistry).
type CrossRegistryError struct {
	Children []ChildPlan
}

func (e *CrossRegistryError) Error() string {
	var hosts []string
	seen := map[string]bool{}
	for _, c := range e.Children {
		h, _, _ := strings.Cut(c.Entry.Repository, "/")
		if !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	return fmt.Sprintf("%d child manifest(s) live on another registry (%s) and must be copied blob by blob: confirm the copy", len(e.Children), strings.Join(hosts, ", "))
}

// TagMovedError stops a push whose target tag no longer holds the digest
// the list was staged from. What the tag holds now, and the diff against
// it, is the verbs layer's (verbs.Push attaches them).
type TagMovedError struct {
	Tag     string
	Base    string
	Current string
}

func (e *TagMovedError) Error() string {
	was, now := e.Base, e.Current
	if was == "" {
		was = "nothing (a new tag)"
	}
	if now == "" {
		now = "nothing (deleted)"
	}
	return fmt.Sprintf("%s moved since the list was staged: it held %s and now holds %s", e.Tag, was, now)
}

// NotReviewedError stops a push whose index would not be the one the
// user reviewed (PushOptions.ExpectDigest).
type NotReviewedError struct {
	Reviewed, Now string
}

func (e *NotReviewedError) Error() string {
	return fmt.Sprintf("the index would be %s, not the %s that was reviewed", e.Now, e.Reviewed)
}

// ValidationError stops a push of a list with blocking findings.
type ValidationError struct {
	Findings []model.Finding
}

func (e *ValidationError) Error() string {
	var msgs []string
	for _, f := range e.Findings {
		if f.Severity == model.Block {
			msgs = append(msgs, f.String())
		}
	}
	return "the list cannot be pushed: " + strings.Join(msgs, "; ")
}

// VerifyError reports a tag that does not hold the pushed digest after the
// push.
type VerifyError struct {
	Tag, Want, Got string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("%s holds %s after the push, not the pushed %s: someone else wrote the tag at the same time", e.Tag, e.Got, e.Want)
}

// rawManifest is a manifest to PUT as it is.
type rawManifest struct {
	raw []byte
	mt  string
}

func (r rawManifest) RawManifest() ([]byte, error)        { return r.raw, nil }
func (r rawManifest) MediaType() (types.MediaType, error) { return types.MediaType(r.mt), nil }

func (c *Client) pusher() (*remote.Pusher, error) {
	return remote.NewPusher(c.writeOptions()...)
}

// copyPuller reads the children a push copies, as go-containerregistry
// descriptors (their layers then mount or stream into the target).
func (c *Client) copyPuller() (*remote.Puller, error) {
	return remote.NewPuller(c.writeOptions()...)
}

func (c *Client) writeOptions() []remote.Option {
	return append(ggcrRetryOff(), // manifold's transport retries GET/HEAD
		remote.WithTransport(c.ggcr), // the handshake authenticates
		remote.WithUserAgent(c.opts.UserAgent),
		remote.WithJobs(c.opts.Concurrency),
	)
}

// HeadDigest returns the digest a reference points at, asking the registry
// (never a cache), or "" when it does not exist (404).
func (c *Client) HeadDigest(ctx context.Context, ref string) (string, error) {
	m, err := c.Head(ctx, ref)
	if isStatus(err, http.StatusNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("check %s: %w", ref, err)
	}
	return m.Digest, nil
}

// CheckTag compares what the list's target tag holds with the list's Base,
// and returns a *TagMovedError when they differ (unless the tag already
// holds the list).
func (c *Client) CheckTag(ctx context.Context, l *model.StagedList) error {
	cur, err := c.HeadDigest(ctx, l.Target)
	if err != nil {
		return err
	}
	if cur == l.Base {
		return nil
	}
	if _, digest, err := l.Render(); err == nil && cur == digest {
		// The tag already holds this very list: a re-run of a push that
		// failed after writing it.
		return nil
	}
	return &TagMovedError{Tag: l.Target, Base: l.Base, Current: cur}
}

// Push writes a staged list: it copies children into the target repository
// (mounting blobs within a registry), checks that the target tag has not
// moved, PUTs the index to every tag and reads the tags back. Every write
// is by digest until the final tag PUTs, so a push that failed half-way can
// be run again. The staged list is not changed.
func (c *Client) Push(ctx context.Context, l *model.StagedList, opts PushOptions) (*PushResult, error) {
	plan, err := c.PlanPush(l, opts.Tags)
	if err != nil {
		return nil, err
	}
	if model.Blocking(plan.Findings) {
		return nil, &ValidationError{Findings: plan.Findings}
	}
	if opts.ExpectDigest != "" && opts.ExpectDigest != plan.Digest {
		return nil, &NotReviewedError{Reviewed: opts.ExpectDigest, Now: plan.Digest}
	}
	if cross := plan.CrossRegistry(); len(cross) > 0 && !opts.AllowCrossRegistry {
		return nil, &CrossRegistryError{Children: cross}
	}
	var mu sync.Mutex
	progress := func(ev PushEvent) {
		if opts.Progress != nil {
			mu.Lock()
			defer mu.Unlock()
			opts.Progress(ev)
		}
	}
	if !opts.Force {
		progress(PushEvent{Step: "check", Ref: l.Target})
		if err := c.CheckTag(ctx, l); err != nil {
			return nil, err
		}
	}
	pusher, err := c.pusher()
	if err != nil {
		return nil, err
	}
	target, err := c.ParseRepository(plan.Repository)
	if err != nil {
		return nil, err
	}
	res := &PushResult{Digest: plan.Digest}
	if err := c.copyChildren(ctx, pusher, target, plan.Children, res, progress); err != nil {
		return nil, err
	}
	if !opts.Force {
		// Again right before writing: copying may have taken a while.
		if err := c.CheckTag(ctx, l); err != nil {
			return nil, err
		}
	}
	for i, t := range plan.Tags {
		progress(PushEvent{Step: "index", Ref: t, Done: i, Total: len(plan.Tags)})
		ref, err := c.ParseReference(t)
		if err != nil {
			return nil, err
		}
		if err := pusher.Put(ctx, ref, rawManifest{raw: plan.Raw, mt: plan.MediaType}); err != nil {
			return nil, fmt.Errorf("push index to %s: %w", t, describeWriteErr(err))
		}
	}
	for i, t := range plan.Tags {
		progress(PushEvent{Step: "verify", Ref: t, Done: i, Total: len(plan.Tags)})
		got, err := c.HeadDigest(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("read back %s: %w", t, err)
		}
		if got != plan.Digest {
			return nil, &VerifyError{Tag: t, Want: plan.Digest, Got: got}
		}
		res.Tags = append(res.Tags, t)
	}
	return res, nil
}

// copyChildren makes every child resolve in the target repository, at most
// Concurrency at a time.
func (c *Client) copyChildren(ctx context.Context, pusher *remote.Pusher, target name.Repository, children []ChildPlan, res *PushResult, progress func(PushEvent)) error {
	puller, err := c.copyPuller()
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.opts.Concurrency)
	var mu sync.Mutex
	done := 0
	report := func(step, digest string, count *int) {
		mu.Lock()
		done++
		*count++
		ev := PushEvent{Step: step, Ref: digest, Done: done, Total: len(children)}
		mu.Unlock()
		progress(ev)
	}
	for _, ch := range children {
		g.Go(func() error {
			e := ch.Entry
			dst := target.Digest(e.Digest)
			have, err := c.HeadDigest(gctx, dst.Name())
			if err != nil {
				return err
			}
			if have == e.Digest {
				report("exists", e.Digest, &res.Existing)
				return nil
			}
			if ch.Action == InPlace {
				return fmt.Errorf("%s is not in %s (deleted since it was staged?)", e.Digest, target.Name())
			}
			srcRef, err := c.ParseReference(e.Ref())
			if err != nil {
				return err
			}
			desc, err := puller.Get(gctx, srcRef)
			if err != nil {
				return fmt.Errorf("read child %s: %w", e.Ref(), err)
			}
			if err := pusher.Push(gctx, dst, desc); err != nil {
				return fmt.Errorf("copy %s into %s: %w", e.Ref(), target.Name(), describeWriteErr(err))
			}
			if ch.Action == CrossRegistry {
				report("copy", e.Digest, &res.Copied)
			} else {
				report("mount", e.Digest, &res.Mounted)
			}
			return nil
		})
	}
	return g.Wait()
}

// ErrDeleteUnsupported is returned when a registry refuses deletes.
var ErrDeleteUnsupported = errors.New("this registry does not allow deleting manifests (deletes disabled, or deleting by tag unsupported)")

// Delete deletes the manifest a reference points at. A tag is resolved to
// its digest first (distribution refuses deletes by tag), so every tag
// pointing at the same manifest goes too. It returns the deleted digest.
func (c *Client) Delete(ctx context.Context, ref string) (string, error) {
	digest, err := c.HeadDigest(ctx, ref)
	if err != nil {
		return "", err
	}
	if digest == "" {
		return "", fmt.Errorf("%s: not found", ref)
	}
	r, err := c.ParseReference(ref)
	if err != nil {
		return "", err
	}
	pusher, err := c.pusher()
	if err != nil {
		return "", err
	}
	if err := pusher.Delete(ctx, r.Context().Digest(digest)); err != nil {
		if isStatus(err, http.StatusMethodNotAllowed) || isStatus(err, http.StatusBadRequest) && strings.Contains(err.Error(), "UNSUPPORTED") {
			return "", fmt.Errorf("delete %s: %w", ref, ErrDeleteUnsupported)
		}
		return "", fmt.Errorf("delete %s: %w", ref, err)
	}
	return digest, nil
}

// Retag points dst at the manifest src points at, bytes unchanged. When dst
// is in another repository, the manifest and its children are copied there
// first (blobs mounted within a registry). It returns the digest.
func (c *Client) Retag(ctx context.Context, src, dst string) (string, error) {
	sr, err := c.ParseReference(src)
	if err != nil {
		return "", err
	}
	dr, err := c.ParseReference(dst)
	if err != nil {
		return "", err
	}
	if _, ok := dr.(name.Tag); !ok {
		return "", fmt.Errorf("%s is not a tag", dst)
	}
	p, err := c.copyPuller()
	if err != nil {
		return "", err
	}
	desc, err := p.Get(ctx, sr)
	if err != nil {
		return "", fmt.Errorf("fetch %s: %w", src, err)
	}
	pusher, err := c.pusher()
	if err != nil {
		return "", err
	}
	if sr.Context().Name() == dr.Context().Name() {
		err = pusher.Put(ctx, dr, rawManifest{raw: desc.Manifest, mt: string(desc.MediaType)})
	} else {
		err = pusher.Push(ctx, dr, desc)
	}
	if err != nil {
		return "", fmt.Errorf("tag %s: %w", dst, describeWriteErr(err))
	}
	got, err := c.HeadDigest(ctx, dst)
	if err != nil {
		return "", err
	}
	if got != desc.Digest.String() {
		return "", &VerifyError{Tag: dst, Want: desc.Digest.String(), Got: got}
	}
	return got, nil
}

// describeWriteErr adds what a user can do to the write errors registries
// commonly answer with.
func describeWriteErr(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "MANIFEST_BLOB_UNKNOWN"):
		return fmt.Errorf("%w (a child or blob is missing from the target repository)", err)
	case isStatus(err, http.StatusUnauthorized), isStatus(err, http.StatusForbidden):
		return fmt.Errorf("%w (no push permission: log in with docker login)", err)
	case strings.Contains(msg, "TAG_INVALID") || strings.Contains(msg, "immutable"):
		return fmt.Errorf("%w (the tag may be immutable)", err)
	}
	return err
}
