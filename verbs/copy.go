package verbs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/name"
	"golang.org/x/sync/errgroup"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

// CopyClient is what a copy needs of a registry: *registry.Client
// satisfies it (the TUI reaches it through its own Registry interface).
type CopyClient interface {
	Reader
	ParseReference(ref string) (name.Reference, error)
	Get(ctx context.Context, ref string) (*registry.Manifest, error)
	BlobExists(ctx context.Context, repository, digest string) (bool, error)
	OpenBlob(ctx context.Context, repository, digest string, size int64) (io.ReadCloser, error)
	Writer(ctx context.Context, repository string, mountFrom ...string) (*registry.Writer, error)
}

var _ CopyClient = (*registry.Client)(nil)

// CopyOptions choose what a copy takes.
type CopyOptions struct {
	// Platforms, when set, keeps only the entries these platforms pull
	// (containerd's rules) and their attestations: the index is rewritten.
	Platforms []model.Platform
	// Jobs bounds the HEADs, mounts and uploads in flight (default 4).
	Jobs int
	// Referrers also copies what is attached to each image copied
	// (copyrefs.go).
	Referrers bool
}

func (o CopyOptions) jobs() int {
	if o.Jobs > 0 {
		return o.Jobs
	}
	return 4
}

// BlobAction is how one blob gets to the target.
type BlobAction string

const (
	BlobSkip    BlobAction = "skip"    // the target has it
	BlobMount   BlobAction = "mount"   // same registry: mounted, no bytes move
	BlobCopy    BlobAction = "copy"    // streamed from the source registry
	BlobForeign BlobAction = "foreign" // non-distributable (urls): left where it is
)

// PlannedBlob is one distinct blob of a copy.
type PlannedBlob struct {
	model.Descriptor
	Action BlobAction
	// Platforms names the platforms (and "attestation" entries) using it.
	Platforms []string
}

// PlannedManifest is one child manifest of a copy.
type PlannedManifest struct {
	model.CopyManifest
	Exists bool // the target already has it (by digest)
}

// CopyPlan is everything a copy will do, worked out before anything is
// written: shown by --dry-run and by the confirmation.
type CopyPlan struct {
	Source, Target         string // normalised references
	SourceRepo, TargetRepo string
	TargetTag              string
	SameRegistry           bool

	SourceDigest string // what SRC points at
	Digest       string // what DST will point at (differs when filtered)
	MediaType    string
	Raw          []byte
	Filtered     bool
	Picks        []model.PlatformPick
	// Dropped lists the platforms a filtered copy leaves out;
	// DroppedOther counts the other entries left out (their attestations).
	Dropped      []string
	DroppedOther int

	Manifests []*PlannedManifest // children first
	Blobs     []*PlannedBlob     // distinct, in first-use order

	// TargetCurrent is what DST points at now ("" when it does not exist).
	TargetCurrent string

	// Referrers (copyrefs.go): what is copied with --referrers, the tags
	// written after the index, the target's referrers support, what is
	// attached to the source index but will not apply to a rewritten
	// one, and the lookups that failed (then "none" means "could not
	// tell").
	WithReferrers bool
	Referrers     []*ReferrerCopy
	ReferrerTags  []TagWrite
	TargetSupport model.Support
	Stale         []model.Referrer
	ReferrerGaps  []string
}

// Totals sums the plan's blobs by action.
type Totals struct {
	Copy, Mount, Skip, Foreign int
	CopyBytes, MountBytes      int64
	SkipBytes                  int64
	Manifests, ManifestsExist  int
}

// Totals sums the plan.
func (p *CopyPlan) Totals() Totals {
	var t Totals
	for _, b := range p.Blobs {
		switch b.Action {
		case BlobCopy:
			t.Copy++
			t.CopyBytes += b.Size
		case BlobMount:
			t.Mount++
			t.MountBytes += b.Size
		case BlobSkip:
			t.Skip++
			t.SkipBytes += b.Size
		case BlobForeign:
			t.Foreign++
		}
	}
	for _, m := range p.Manifests {
		t.Manifests++
		if m.Exists {
			t.ManifestsExist++
		}
	}
	return t
}

// PlatformPlan is the plan's share of one platform: what moves for it.
type PlatformPlan struct {
	Platform          string
	Copy, Mount, Skip int
	CopyBytes         int64
}

// ByPlatform splits the blobs by the platforms using them (a shared blob
// counts for each), in the order the platforms appear.
func (p *CopyPlan) ByPlatform() []PlatformPlan {
	var order []string
	rows := map[string]*PlatformPlan{}
	for _, b := range p.Blobs {
		for _, name := range b.Platforms {
			r := rows[name]
			if r == nil {
				r = &PlatformPlan{Platform: name}
				rows[name] = r
				order = append(order, name)
			}
			switch b.Action {
			case BlobCopy:
				r.Copy++
				r.CopyBytes += b.Size
			case BlobMount:
				r.Mount++
			case BlobSkip:
				r.Skip++
			}
		}
	}
	out := make([]PlatformPlan, 0, len(order))
	for _, n := range order {
		out = append(out, *rows[n])
	}
	return out
}

// PlanCopy works out a copy of src to dst: it reads the source tree, picks
// the requested platforms, and asks the target (HEAD, in parallel) which
// blobs and manifests it already has. It writes nothing.
func PlanCopy(ctx context.Context, c CopyClient, src, dst string, opts CopyOptions) (*CopyPlan, error) {
	sr, err := c.ParseReference(src)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src, err)
	}
	dst = defaultTag(dst, sr.Identifier())
	dr, err := c.ParseReference(dst)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", dst, err)
	}
	if strings.Contains(dst, "@") {
		return nil, fmt.Errorf("target %s: give a tag to copy to, not a digest", dst)
	}
	p := &CopyPlan{
		Source: sr.Name(), Target: dr.Name(),
		SourceRepo: sr.Context().Name(), TargetRepo: dr.Context().Name(),
		TargetTag:    dr.Identifier(),
		SameRegistry: sr.Context().RegistryStr() == dr.Context().RegistryStr(),
	}
	tree, full, err := sourceTree(ctx, c, src)
	if err != nil {
		return nil, err
	}
	p.SourceDigest, p.Digest, p.MediaType, p.Raw = tree.Digest, tree.Digest, tree.MediaType, tree.Raw
	var sel *model.Selection
	if len(opts.Platforms) > 0 {
		if sel, err = model.SelectPlatforms(tree, opts.Platforms); err != nil {
			return nil, err
		}
		p.Filtered, p.Picks, p.Raw, p.Digest = true, sel.Picks, sel.Raw, sel.Digest
		kept := map[int]bool{}
		for _, i := range sel.Keep {
			kept[i] = true
		}
		for i, e := range tree.Entries {
			switch {
			case kept[i]:
			case e.Platform != nil && !e.IsAttestation() && !e.Platform.IsUnknown():
				p.Dropped = append(p.Dropped, e.Platform.String())
			default:
				p.DroppedOther++
			}
		}
	}
	if !full {
		read := tree.Entries
		if sel != nil {
			read = make([]*model.Entry, 0, len(sel.Keep))
			for _, i := range sel.Keep {
				read = append(read, tree.Entries[i])
			}
		}
		if err := readChildren(ctx, c, tree.Repository, read, opts.jobs()); err != nil {
			return nil, err
		}
	}
	closure, err := model.CopyClosure(tree, sel)
	if err != nil {
		return nil, err
	}
	blobs := map[string]*PlannedBlob{}
	addBlobs := func(ds []model.Descriptor, user string) {
		for _, d := range ds {
			b := blobs[d.Digest]
			if b == nil {
				b = &PlannedBlob{Descriptor: d}
				blobs[d.Digest] = b
				p.Blobs = append(p.Blobs, b)
			}
			if user != "" && !contains(b.Platforms, user) {
				b.Platforms = append(b.Platforms, user)
			}
		}
	}
	if tree.Image != nil {
		addBlobs(model.ImageBlobs(tree.Image), platformOf(tree))
	}
	for _, m := range closure {
		if m.Attestation {
			m.Platform = "attestation of " + orUnknown(m.Platform)
		}
		p.Manifests = append(p.Manifests, &PlannedManifest{CopyManifest: m})
	}
	if opts.Referrers || p.Filtered {
		if err := planReferrers(ctx, c, p, referrerSubjects(p), opts.Referrers, opts.jobs()); err != nil {
			return nil, err
		}
	}
	for _, m := range p.Manifests {
		addBlobs(m.Blobs, m.Platform)
	}

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.jobs())
	for _, b := range p.Blobs {
		if model.IsForeignLayer(b.Descriptor) {
			b.Action = BlobForeign
			continue
		}
		g.Go(func() error {
			have, err := c.BlobExists(gctx, p.TargetRepo, b.Digest)
			switch {
			case err != nil:
				return err
			case have:
				b.Action = BlobSkip
			case p.SameRegistry:
				b.Action = BlobMount
			default:
				b.Action = BlobCopy
			}
			return nil
		})
	}
	for _, m := range p.Manifests {
		g.Go(func() error {
			got, err := c.HeadDigest(gctx, p.TargetRepo+"@"+m.Digest)
			m.Exists = err == nil && got == m.Digest
			if err != nil && !errors.Is(err, registry.ErrNotFound) {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		cur, err := c.HeadDigest(gctx, p.Target)
		p.TargetCurrent = cur
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("plan copy to %s: %w", p.Target, err)
	}
	return p, nil
}

// sourceTree reads the top level of src. When every entry is an image
// that declares its platform (what buildx, docker and manifest-tool write),
// that is all a plan needs to choose entries: readChildren then reads only
// the child manifests the copy writes, and no configs (they are copied as
// blobs, never read). Otherwise (nested indexes, entries without a
// platform, a single image) the whole tree is read, as inspect --all does,
// and full is set.
func sourceTree(ctx context.Context, c CopyClient, src string) (tree *model.Tree, full bool, err error) {
	tree, err = c.Tree(ctx, src, registry.TreeOptions{})
	if err != nil {
		return nil, false, err
	}
	partial := tree.IsIndex()
	for _, e := range tree.Entries {
		if e.IsIndex() || (!e.IsAttestation() && e.Platform == nil) {
			partial = false
		}
	}
	if partial {
		return tree, false, nil
	}
	tree, err = c.Tree(ctx, src, registry.TreeOptions{All: true})
	return tree, true, err
}

// readChildren reads the image manifests of entries, at most jobs at a
// time. A child the registry does not have is marked missing (CopyClosure
// then refuses the copy).
func readChildren(ctx context.Context, c CopyClient, repo string, entries []*model.Entry, jobs int) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	for _, e := range entries {
		g.Go(func() error {
			m, err := c.Get(gctx, repo+"@"+e.Digest)
			switch {
			case errors.Is(err, registry.ErrNotFound):
				e.Missing = true
				return nil
			case err != nil:
				return fmt.Errorf("read child %s: %w", e.Digest, err)
			}
			im, err := model.ParseImage(m.Digest, m.MediaType, m.Raw)
			if err != nil {
				e.Err = err.Error()
				return nil
			}
			e.Image = im
			return nil
		})
	}
	return g.Wait()
}

func platformOf(t *model.Tree) string {
	if t.Image != nil && t.Image.Config != nil {
		return t.Image.Config.Platform().String()
	}
	return "image"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// defaultTag gives dst the source's tag when dst names only a repository.
func defaultTag(dst, srcID string) string {
	last := dst[strings.LastIndex(dst, "/")+1:]
	if strings.ContainsAny(last, ":@") || strings.HasPrefix(srcID, "sha256:") || srcID == "" {
		return dst
	}
	return dst + ":" + srcID
}

// CopyEventKind says what happened.
type CopyEventKind int

const (
	BlobStarted CopyEventKind = iota
	BlobProgress
	BlobDone
	ManifestWritten
	IndexWritten
)

// CopyEvent reports progress. Events arrive one at a time (never
// concurrently), in the order they happened.
type CopyEvent struct {
	Kind   CopyEventKind
	Digest string
	Action BlobAction // for blob events: what was done (a declined mount becomes copy)
	Size   int64      // the blob's size
	Bytes  int64      // bytes of this blob sent so far
	Ref    string     // for manifest and index events
}

// CopyResult is what a copy did.
type CopyResult struct {
	Digest                string
	Copied, Mounted       int
	Skipped               int
	BytesCopied           int64
	ManifestsWritten      int
	ManifestsAlreadyThere int
}

// Copy carries out a plan: blobs first (mounted or streamed, verified by
// digest as they pass, at most Jobs at a time), then the child manifests by
// digest, and only then the index by tag, so an interrupted copy never
// leaves DST pointing at an index with missing children. Running the same
// plan again skips what is already there. progress may be nil.
func Copy(ctx context.Context, c CopyClient, p *CopyPlan, jobs int, progress func(CopyEvent)) (*CopyResult, error) {
	if jobs <= 0 {
		jobs = 4
	}
	var mu sync.Mutex
	emit := func(ev CopyEvent) {
		if progress != nil {
			mu.Lock()
			defer mu.Unlock()
			progress(ev)
		}
	}
	res := &CopyResult{Digest: p.Digest}
	var from []string
	if p.SameRegistry {
		from = append(from, p.SourceRepo)
	}
	w, err := c.Writer(ctx, p.TargetRepo, from...)
	if err != nil {
		return nil, err
	}
	// A failed blob stops new ones from starting, but the ones in flight
	// finish (they are not cancelled): when Copy returns, every blob it
	// sent is at the target or failed, so a re-run's plan sees it and no
	// blob is sent twice. Cancelling ctx still stops everything.
	var g errgroup.Group
	g.SetLimit(jobs)
	var failed atomic.Bool
	var rmu sync.Mutex
	for _, b := range p.Blobs {
		if b.Action == BlobSkip || b.Action == BlobForeign {
			rmu.Lock()
			res.Skipped++
			rmu.Unlock()
			continue
		}
		g.Go(func() error {
			if failed.Load() {
				return nil
			}
			action, n, err := copyBlob(ctx, c, w, p, b, emit)
			if err != nil {
				failed.Store(true)
				return err
			}
			rmu.Lock()
			defer rmu.Unlock()
			if action == BlobMount {
				res.Mounted++
			} else {
				res.Copied++
				res.BytesCopied += n
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return res, err
	}
	if err := writeManifests(ctx, w, p, jobs, emit, res); err != nil {
		return res, err
	}
	if p.TargetCurrent != p.Digest {
		if err := w.PutManifest(ctx, p.TargetTag, p.MediaType, p.Raw); err != nil {
			return res, err
		}
	}
	got, err := c.HeadDigest(ctx, p.Target)
	if err != nil {
		return res, fmt.Errorf("read back %s: %w", p.Target, err)
	}
	if got != p.Digest {
		return res, &registry.VerifyError{Tag: p.Target, Want: p.Digest, Got: got}
	}
	emit(CopyEvent{Kind: IndexWritten, Ref: p.Target, Digest: p.Digest})
	if err := writeReferrerTags(ctx, c, w, p, emit); err != nil {
		return res, err
	}
	return res, nil
}

func copyBlob(ctx context.Context, c CopyClient, w *registry.Writer, p *CopyPlan, b *PlannedBlob, emit func(CopyEvent)) (BlobAction, int64, error) {
	upload := ""
	if b.Action == BlobMount {
		emit(CopyEvent{Kind: BlobStarted, Digest: b.Digest, Action: BlobMount, Size: b.Size})
		mounted, loc, err := w.Mount(ctx, b.Digest, p.SourceRepo)
		if err != nil {
			return "", 0, err
		}
		if mounted {
			emit(CopyEvent{Kind: BlobDone, Digest: b.Digest, Action: BlobMount, Size: b.Size, Bytes: b.Size})
			return BlobMount, 0, nil
		}
		upload = loc // the registry declined: stream it into the upload it opened
	} else {
		emit(CopyEvent{Kind: BlobStarted, Digest: b.Digest, Action: BlobCopy, Size: b.Size})
	}
	rc, err := c.OpenBlob(ctx, p.SourceRepo, b.Digest, b.Size)
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	cr := &countingReader{r: rc, report: func(n int64) {
		emit(CopyEvent{Kind: BlobProgress, Digest: b.Digest, Action: BlobCopy, Size: b.Size, Bytes: n})
	}}
	if err := w.Upload(ctx, b.Digest, b.Size, cr, upload); err != nil {
		if cr.err != nil { // the source failed (or did not verify): say that
			return "", 0, cr.err
		}
		return "", 0, err
	}
	emit(CopyEvent{Kind: BlobDone, Digest: b.Digest, Action: BlobCopy, Size: b.Size, Bytes: cr.n})
	return BlobCopy, cr.n, nil
}

// writeManifests PUTs the children the target lacks: images in parallel,
// then nested indexes in order (their children come first in the plan).
func writeManifests(ctx context.Context, w *registry.Writer, p *CopyPlan, jobs int, emit func(CopyEvent), res *CopyResult) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(jobs)
	var indexes []*PlannedManifest
	var mu sync.Mutex
	for _, m := range p.Manifests {
		if m.Exists {
			res.ManifestsAlreadyThere++
			continue
		}
		if model.IsIndexMediaType(m.MediaType) {
			indexes = append(indexes, m)
			continue
		}
		g.Go(func() error {
			if err := w.PutManifest(gctx, m.Digest, m.MediaType, m.Raw); err != nil {
				return err
			}
			mu.Lock()
			res.ManifestsWritten++
			mu.Unlock()
			emit(CopyEvent{Kind: ManifestWritten, Digest: m.Digest, Ref: p.TargetRepo + "@" + m.Digest})
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, m := range indexes {
		if err := w.PutManifest(ctx, m.Digest, m.MediaType, m.Raw); err != nil {
			return err
		}
		res.ManifestsWritten++
		emit(CopyEvent{Kind: ManifestWritten, Digest: m.Digest, Ref: p.TargetRepo + "@" + m.Digest})
	}
	return nil
}

// countingReader reports the bytes read so far, at most every 256 KiB and
// at the end, and keeps the source's error apart from the upload's.
type countingReader struct {
	r      io.Reader
	n      int64
	last   int64
	err    error
	report func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n-c.last >= 256<<10 || (err == io.EOF && c.n != c.last) {
		c.last = c.n
		c.report(c.n)
	}
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// PickLines returns the plan's picks in request order, as lines for
// display: "linux/arm64 → linux/arm64/v8 (sha256:…)".
func (p *CopyPlan) PickLines() []string {
	out := make([]string, 0, len(p.Picks))
	for _, pk := range p.Picks {
		out = append(out, fmt.Sprintf("%s → %s (%s)", pk.Request, pk.Platform, pk.Digest))
	}
	return out
}
