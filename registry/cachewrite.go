package registry

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Writing the disk cache. A fetch does not wait for its cache writes: the
// content goes to a queue and one writer per cache directory writes it
// behind the fetch, and until its file is in place a read in this process
// (by any client on that directory) is served from the queue. The hint
// files (a tag seen, a host's challenge, a tag's history) go the same way:
// written on the first round trip, they delayed the second. Flush waits
// for the queue, and so do CacheStats and PruneCache; the CLI and the
// browser flush before they exit.
//
// Why one writer: every entry is a file in one directory (blobs/ALG), and
// the kernel takes the directory's lock for each create and rename, so
// writers in parallel only queue on it. On the development VM's ext4 a
// goroutine per entry (400 for a 200-platform tree) spent a quarter of the
// process's CPU spinning on that lock (rwsem_spin_on_owner) and took both
// cores from the fetch: a cold tree cost 7–10 round trips instead of 3.7.
// One writer uses at most one core, and a fetch never waits for it.
//
// What is queued is bounded (maxPendingBytes): past the bound an entry is
// not cached, so a slow or hung disk costs memory no more than that and
// never blocks a fetch. A write that fails is dropped: the cache is an
// optimisation.

const (
	// maxPendingBytes bounds the content queued for the disk per cache
	// directory (the size of a tree's manifests and configs, Limits.TreeBytes,
	// is 64 MiB at most; a typical one is well under 1 MiB).
	maxPendingBytes = 32 << 20
	// cacheWriters is the number of goroutines writing one cache directory.
	cacheWriters = 1
)

// cacheQueue is the write queue of one cache directory, shared by every
// client of this process on that directory.
type cacheQueue struct {
	mu      sync.Mutex
	queue   []*pendingEntry          // not yet started, oldest first
	pending map[string]*pendingEntry // queued or being written, by digest or path
	bytes   int64                    // content bytes pending
	max     int64                    // bound on bytes (maxPendingBytes)
	writers int                      // writer goroutines running
	// drained is closed when the queue empties and the last write is
	// done; nil while idle.
	drained chan struct{}
	// made lists the directories created during this burst of writes, so
	// that each is made once, not once per entry. It is forgotten when
	// the queue empties: a directory removed in between is made again.
	made map[string]bool
}

// pendingEntry is content on its way to the disk: an entry by digest, or
// a hint file (a tag seen, a host's challenge, a tag's history) by path.
type pendingEntry struct {
	cache     *diskCache // whose eviction accounting the write counts in
	digest    string
	mediaType string
	raw       []byte
	path      string // a hint file's path, "" for an entry by digest
	file      []byte // the hint file's content
	started   bool   // the writer has taken it
}

func (e *pendingEntry) key() string {
	if e.path != "" {
		return e.path
	}
	return e.digest
}

func (e *pendingEntry) size() int64 { return int64(len(e.raw) + len(e.file)) }

var (
	queuesMu sync.Mutex
	queues   = map[string]*cacheQueue{}
)

// queueFor returns the write queue of dir, one per directory per process.
func queueFor(dir string) *cacheQueue {
	key := filepath.Clean(dir)
	if abs, err := filepath.Abs(key); err == nil {
		key = abs
	}
	queuesMu.Lock()
	defer queuesMu.Unlock()
	q := queues[key]
	if q == nil {
		q = &cacheQueue{pending: map[string]*pendingEntry{}, max: maxPendingBytes}
		queues[key] = q
	}
	return q
}

// putAsync queues verified content for the disk and returns at once. Past
// the bound on pending bytes the content is not cached.
func (c *diskCache) putAsync(digest, mediaType string, raw []byte) {
	if c == nil || !c.storable(digest, mediaType) {
		return
	}
	q := c.q
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending[digest] != nil {
		return
	}
	q.add(&pendingEntry{cache: c, digest: digest, mediaType: mediaType, raw: raw})
}

// putFileAsync queues a hint file for the disk; the last content queued
// for a path is the one read and written.
func (c *diskCache) putFileAsync(path string, b []byte) {
	q := c.q
	q.mu.Lock()
	defer q.mu.Unlock()
	if e := q.pending[path]; e != nil && !e.started {
		if q.bytes-e.size()+int64(len(b)) <= q.max {
			q.bytes += int64(len(b)) - e.size()
			e.file = b
		}
		return
	}
	q.add(&pendingEntry{cache: c, path: path, file: b})
}

// add queues e unless the queue is full, and starts a writer if none runs
// (q.mu held).
func (q *cacheQueue) add(e *pendingEntry) {
	if q.bytes+e.size() > q.max {
		return // the disk is behind: not cached
	}
	q.pending[e.key()] = e
	q.queue = append(q.queue, e)
	q.bytes += e.size()
	if q.drained == nil {
		q.drained = make(chan struct{})
	}
	if q.writers < cacheWriters {
		q.writers++
		go q.drain()
	}
}

// drain writes queued entries until none is left.
func (q *cacheQueue) drain() {
	q.mu.Lock()
	for len(q.queue) > 0 {
		e := q.queue[0]
		q.queue[0] = nil
		q.queue = q.queue[1:]
		e.started = true
		q.mu.Unlock()
		if e.path != "" {
			if e.cache.write(e.path, e.file) == nil {
				e.cache.grew(e.size())
			}
		} else {
			e.cache.put(e.digest, e.mediaType, e.raw)
		}
		q.mu.Lock()
		// Only now, with the file in place (or the write failed), does a
		// read go to the disk; unless a newer hint for the path is queued.
		if q.pending[e.key()] == e {
			delete(q.pending, e.key())
		}
		q.bytes -= e.size()
	}
	q.queue = nil
	if q.writers--; q.writers == 0 {
		q.made = nil
		close(q.drained)
		q.drained = nil
	}
	q.mu.Unlock()
}

// pendingGet returns content still on its way to the disk: a copy, so that
// what is written stays what was verified.
func (c *diskCache) pendingGet(digest string) (mediaType string, raw []byte, ok bool) {
	c.q.mu.Lock()
	defer c.q.mu.Unlock()
	e := c.q.pending[digest]
	if e == nil || e.path != "" {
		return "", nil, false
	}
	return e.mediaType, bytes.Clone(e.raw), true
}

// pendingFile returns a hint file still on its way to the disk.
func (c *diskCache) pendingFile(path string) ([]byte, bool) {
	c.q.mu.Lock()
	defer c.q.mu.Unlock()
	e := c.q.pending[path]
	if e == nil || e.path == "" {
		return nil, false
	}
	return bytes.Clone(e.file), true
}

// readHint returns a hint file: still queued for the disk, or read from it.
func (c *diskCache) readHint(path string) ([]byte, bool) {
	if b, ok := c.pendingFile(path); ok {
		return b, true
	}
	b, err := os.ReadFile(path)
	return b, err == nil
}

// ensureDir makes dir unless it was made in this burst of writes.
func (q *cacheQueue) ensureDir(dir string) error {
	q.mu.Lock()
	made := q.made[dir]
	q.mu.Unlock()
	if made {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	q.mu.Lock()
	if q.made == nil {
		q.made = map[string]bool{}
	}
	q.made[dir] = true
	q.mu.Unlock()
	return nil
}

// writeEntry writes one entry's file, atomically (see writeIn).
func (c *diskCache) writeEntry(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := c.q.ensureDir(dir); err != nil {
		return err
	}
	return writeIn(dir, path, b)
}

// flush waits until nothing is queued for the cache's directory, or ctx is
// done.
func (c *diskCache) flush(ctx context.Context) error {
	if c == nil {
		return nil
	}
	for {
		c.q.mu.Lock()
		ch := c.q.drained
		c.q.mu.Unlock()
		if ch == nil {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			c.q.mu.Lock()
			left := len(c.q.pending)
			c.q.mu.Unlock()
			return fmt.Errorf("write the cache %s: %d entries not written: %w", c.dir, left, ctx.Err())
		}
	}
}

// Flush waits until the content fetched so far is written to the disk
// cache, or ctx is done (then it says how many entries were not written).
// Fetches do not wait for their cache writes: a later read in this process
// is served from memory until the file is in place, but what is still
// queued when the process exits is lost, so call Flush before it does. A
// write that fails is not an error: the cache is an optimisation.
func (c *Client) Flush(ctx context.Context) error {
	return c.cache.flush(ctx)
}
