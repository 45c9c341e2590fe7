package registry

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
)

// writeGate holds a cache's disk writes until it is opened, and records
// how many were in progress at once.
type writeGate struct {
	open     chan struct{}
	once     sync.Once
	mu       sync.Mutex
	now, max int
	started  chan struct{} // one token per write that began
}

// gateWrites makes c's cache writes wait for the returned gate, which the
// test's end opens if the test did not.
func gateWrites(t *testing.T, c *Client) *writeGate {
	g := &writeGate{open: make(chan struct{}), started: make(chan struct{}, 1024)}
	t.Cleanup(g.release) // before the cleanup that flushes
	write := c.cache.write
	c.cache.write = func(p string, b []byte) error {
		g.mu.Lock()
		g.now++
		g.max = max(g.max, g.now)
		g.mu.Unlock()
		g.started <- struct{}{}
		<-g.open
		err := write(p, b)
		g.mu.Lock()
		g.now--
		g.mu.Unlock()
		return err
	}
	return g
}

func (g *writeGate) release() { g.once.Do(func() { close(g.open) }) }

func (g *writeGate) maxAtOnce() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max
}

// blobFiles lists the content entries on disk under dir.
func blobFiles(t *testing.T, dir string) []string {
	t.Helper()
	return filesUnder(t, filepath.Join(dir, "blobs"))
}

// filesUnder lists the files under dir, temp files left out.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), ".tmp-") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// treeDigests are the manifests and configs of a fetched tree, by digest
// (what Tree wrote to the cache).
func treeDigests(t *testing.T, tr *model.Tree) (manifests, configs []string) {
	t.Helper()
	manifests = append(manifests, tr.Digest)
	for _, e := range tr.Entries {
		if e.Image == nil || e.Image.Config == nil {
			t.Fatalf("entry %s not complete", e.Digest)
		}
		manifests = append(manifests, e.Digest)
		configs = append(configs, e.Image.ConfigDescriptor.Digest)
	}
	return manifests, configs
}

// treeInBackground runs Tree and fails the test if it has not returned
// by ctx's end: it must not wait for the disk.
func treeInBackground(ctx context.Context, t *testing.T, c *Client, ref string) *model.Tree {
	t.Helper()
	type result struct {
		tr  *model.Tree
		err error
	}
	done := make(chan result, 1)
	go func() {
		tr, err := c.Tree(ctx, ref, TreeOptions{All: true})
		done <- result{tr, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.tr
	case <-ctx.Done():
		t.Fatal("Tree did not return while its cache writes were held: it waits for the disk")
		return nil
	}
}

// TestTreeDoesNotWaitForItsCacheWrites holds every disk write: Tree still
// returns, and what it fetched is served in this process (to this client
// and to another on the same directory) without a request until Flush
// has written it; then a new process finds it on disk.
func TestTreeDoesNotWaitForItsCacheWrites(t *testing.T) {
	var cnt testregistry.Counter
	r := testregistry.Start(t, testregistry.Options{Wrap: cnt.Wrap})
	ref := r.Host + "/held:v1"
	seedIndex(t, ref, "linux/amd64", "linux/arm64", "linux/s390x")
	dir := t.TempDir()
	c := readClient(t, Options{CacheDir: dir})
	other := readClient(t, Options{CacheDir: dir}) // another client of this process
	gate := gateWrites(t, c)                       // after them: opened before they flush
	ctx := deadline(t, time.Minute)

	tr := treeInBackground(ctx, t, c, ref)
	manifests, configs := treeDigests(t, tr)
	<-gate.started // the writer has one entry in hand, held
	// Nothing was written past the queue (a write there would wait for a
	// slow disk): no entry, no hint.
	if files := filesUnder(t, dir); len(files) != 0 {
		t.Fatalf("files written while every write is held: %v", files)
	}

	cnt.Reset()
	repo := r.Host + "/held"
	for _, cl := range []*Client{c, other} {
		for _, d := range manifests {
			m, err := cl.Get(ctx, repo+"@"+d)
			if err != nil || m.Digest != d || len(m.Raw) == 0 {
				t.Fatalf("Get %s: %v, %v", d, m, err)
			}
			m.Raw[0] ^= 0xff // the caller's copy: the queued bytes stay as verified
		}
		for _, d := range configs {
			if b, err := cl.Blob(ctx, repo, d); err != nil || hashOf(d, b) != d {
				t.Fatalf("Blob %s: %v", d, err)
			}
		}
	}
	if cnt.Total() != 0 {
		t.Fatalf("reads of what Tree fetched went to the registry: %v", cnt.Log())
	}
	// The hints are queued too, and read from the queue: the tag was seen
	// (one HEAD confirms it, the index comes from memory) and the host needs
	// no login (no ping).
	if m, err := other.Get(ctx, ref); err != nil || m.Digest != tr.Digest {
		t.Fatalf("Get %s: %v, %v", ref, m, err)
	}
	if cnt.Total() != 1 || cnt.Count("HEAD manifest") != 1 {
		t.Fatalf("opening the tag again: %v, want its HEAD alone", cnt.Log())
	}
	cnt.Reset()
	history := func(when string) {
		t.Helper()
		seen, _, err := c.TagHistory(ref)
		if err != nil || len(seen) != 1 || seen[0].Digest != tr.Digest {
			t.Fatalf("tag history %s: %+v, %v; want one sighting of %s", when, seen, err, tr.Digest)
		}
	}
	history("with the writes held")

	stopped, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.Flush(stopped); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "not written") {
		t.Fatalf("Flush with the writes held and ctx done = %v, want context.Canceled and what was not written", err)
	}

	gate.release()
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(blobFiles(t, dir)); n != len(manifests)+len(configs) {
		t.Fatalf("%d entries on disk after Flush, want %d", n, len(manifests)+len(configs))
	}
	for _, hint := range []string{c.cache.tagPath(ref), c.cache.historyPath(ref), c.cache.hostPath(r.Host)} {
		if _, err := os.Stat(hint); err != nil {
			t.Errorf("hint not on disk after Flush: %v", err)
		}
	}
	history("after Flush")
	if got := gate.maxAtOnce(); got > cacheWriters {
		t.Fatalf("%d cache writes at once, want at most %d", got, cacheWriters)
	}
	c.cache.q.mu.Lock()
	left, bytes := len(c.cache.q.pending), c.cache.q.bytes
	c.cache.q.mu.Unlock()
	if left != 0 || bytes != 0 {
		t.Fatalf("after Flush %d entries (%d bytes) still pending", left, bytes)
	}
	// What is on disk is whole: read back and verified, no request.
	cnt.Reset()
	for _, d := range manifests {
		if mt, raw, ok := c.cache.get(d); !ok || mt == blobType || hashOf(d, raw) != d {
			t.Fatalf("entry %s not on disk, or not whole", d)
		}
	}
	for _, d := range configs {
		if mt, raw, ok := c.cache.get(d); !ok || mt != blobType || hashOf(d, raw) != d {
			t.Fatalf("config %s not on disk, or not whole", d)
		}
	}
	if cnt.Total() != 0 {
		t.Fatalf("requests: %v", cnt.Log())
	}
}

// TestCacheWriteFailureNeverFailsAFetch: a cache directory that cannot be
// written (here a file) costs the cache, not the fetch, and Flush does not
// report it.
func TestCacheWriteFailureNeverFailsAFetch(t *testing.T) {
	var cnt testregistry.Counter
	r := testregistry.Start(t, testregistry.Options{Wrap: cnt.Wrap})
	ref := r.Host + "/nodisk:v1"
	seedIndex(t, ref, "linux/amd64", "linux/arm64")
	dir := filepath.Join(t.TempDir(), "cache")
	if err := os.WriteFile(dir, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := readClient(t, Options{CacheDir: dir})
	ctx := deadline(t, time.Minute)
	tr := treeInBackground(ctx, t, c, ref)
	manifests, _ := treeDigests(t, tr)
	if err := c.Flush(ctx); err != nil {
		t.Fatalf("Flush after failed writes: %v", err)
	}
	// Nothing was kept: in memory or on disk, the next read fetches.
	cnt.Reset()
	if _, err := c.Get(ctx, r.Host+"/nodisk@"+manifests[1]); err != nil {
		t.Fatal(err)
	}
	if cnt.Count("GET manifest") != 1 {
		t.Fatalf("a write that failed was served: %v", cnt.Log())
	}
}

// TestCacheQueueBounded: with the disk stalled, what waits for it stays
// within the queue's bound (the rest is not cached) and the fetch is
// whole; once the disk moves, exactly what was queued is written.
func TestCacheQueueBounded(t *testing.T) {
	var cnt testregistry.Counter
	r := testregistry.Start(t, testregistry.Options{Wrap: cnt.Wrap})
	ref := r.Host + "/stalled:v1"
	seedIndex(t, ref, "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le", "linux/s390x", "linux/386")
	ctx := deadline(t, time.Minute)

	// What the tree holds, fetched without a cache.
	full, err := readClient(t, Options{}).Tree(ctx, ref, TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, content := range model.StoreOf(full) {
		total += int64(len(content.Raw))
	}

	dir := t.TempDir()
	c := readClient(t, Options{CacheDir: dir})
	c.cache.q.max = total / 2
	gate := gateWrites(t, c)
	tr := treeInBackground(ctx, t, c, ref)
	manifests, configs := treeDigests(t, tr)
	all := append(manifests, configs...)
	c.cache.q.mu.Lock()
	queued, bytes := 0, c.cache.q.bytes
	for _, e := range c.cache.q.pending {
		if e.path == "" { // an entry by digest, not a hint
			queued++
		}
	}
	c.cache.q.mu.Unlock()
	if bytes > total/2 {
		t.Fatalf("%d bytes queued, bound %d", bytes, total/2)
	}
	if queued == 0 || queued >= len(all) {
		t.Fatalf("%d of %d entries queued: the bound of %d bytes (of %d) was not what limited them", queued, len(all), total/2, total)
	}

	gate.release()
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(blobFiles(t, dir)); n != queued {
		t.Fatalf("%d entries on disk, %d were queued", n, queued)
	}
	// The entries that did not fit are fetched again, the others are not.
	cnt.Reset()
	for _, d := range manifests {
		if _, err := c.Get(ctx, r.Host+"/stalled@"+d); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range configs {
		if _, err := c.Blob(ctx, r.Host+"/stalled", d); err != nil {
			t.Fatal(err)
		}
	}
	if got := cnt.Total(); got != len(all)-queued {
		t.Fatalf("%d GETs for %d entries of which %d were cached: %v", got, len(all), queued, cnt.Log())
	}
}
