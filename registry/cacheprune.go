package registry

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultCacheBytes is the disk cache's default size limit.
const DefaultCacheBytes = 512 << 20

// The disk cache is bounded (Options.CacheMaxBytes, 512 MiB by default):
// when a process's writes take it past the limit, the entries used longest
// ago are removed until it holds 80% of it. A read touches its entry's
// modification time, so the order is least recently used. Eviction is safe
// against other manifold processes using the same directory at the same
// time: entries are written to a temp name and renamed into place (a
// half-written entry is never under its digest's name, and every read
// verifies the digest anyway), removing an entry only means fetching it
// again, and one process at a time evicts (prune.lock; a lock older than
// staleLock is taken over, so a crashed process cannot block eviction).

const (
	// touchAfter is how stale an entry's time must be before a read
	// refreshes it (one write per read would be wasteful).
	touchAfter = time.Minute
	// staleTemp is the age at which a temp file is a crashed write's.
	staleTemp = time.Hour
	// staleLock is the age at which prune.lock is a crashed process's.
	staleLock = 5 * time.Minute
	// lockWait is how long an eviction waits for another process's.
	lockWait = 2 * time.Second
	lockName = "prune.lock"
)

// CacheStats describe the disk cache.
type CacheStats struct {
	Dir     string
	Entries int
	Bytes   int64
	Limit   int64 // -1: no limit
}

// CacheStats reports what the disk cache holds, once the writes queued by
// this process are done; Dir is "" when the client has none.
func (c *Client) CacheStats() (CacheStats, error) {
	if c.cache == nil {
		return CacheStats{}, nil
	}
	_ = c.cache.flush(context.Background())
	entries, err := c.cache.scan()
	st := CacheStats{Dir: c.cache.dir, Entries: len(entries), Limit: c.cache.max}
	for _, e := range entries {
		st.Bytes += e.size
	}
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return st, err
}

// PruneCache evicts least recently used entries until the cache is within
// its limit, or removes every entry with all, once the writes queued by
// this process are done. It returns what it removed.
func (c *Client) PruneCache(all bool) (removed int, freed int64, err error) {
	if c.cache == nil {
		return 0, 0, nil
	}
	max := c.cache.max
	if all {
		max = 0
	} else if max < 0 {
		return 0, 0, nil
	}
	removed, freed, _, err = c.cache.pruneTo(max)
	return removed, freed, err
}

type cacheEntry struct {
	path string
	size int64
	used time.Time
}

// scan lists the cache's entries (content, tag and host hints), removing
// temp files left by crashed writes on the way.
func (c *diskCache) scan() ([]cacheEntry, error) {
	var all []cacheEntry
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == c.dir {
				return err
			}
			return nil
		}
		if d.IsDir() || d.Name() == lockName {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			if time.Since(info.ModTime()) > staleTemp {
				_ = os.Remove(p)
			}
			return nil // another process's write in flight
		}
		all = append(all, cacheEntry{p, info.Size(), info.ModTime()})
		return nil
	})
	return all, err
}

// prune removes the entries used longest ago until the cache holds at most
// max bytes, and returns how many it removed.
func (c *diskCache) prune(max int64) (removed int) {
	if c == nil || max <= 0 {
		return 0
	}
	removed, _, _, _ = c.pruneTo(max)
	return removed
}

// pruneTo is evictTo once the writes this process queued are done.
func (c *diskCache) pruneTo(max int64) (removed int, freed, remain int64, err error) {
	_ = c.flush(context.Background())
	return c.evictTo(max)
}

// evictTo removes least recently used entries until at most max bytes
// remain, under the cross-process lock; it returns what it removed and
// what remains. When another process holds the lock it does nothing. (The
// cache's writer calls it, through grew: it must not wait for the queue.)
func (c *diskCache) evictTo(max int64) (removed int, freed, remain int64, err error) {
	unlock, ok := c.lock()
	if !ok {
		return 0, 0, -1, nil
	}
	defer unlock()
	entries, err := c.scan()
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, 0, nil
	}
	for _, e := range entries {
		remain += e.size
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].used.Before(entries[j].used) })
	for _, e := range entries {
		if remain <= max {
			break
		}
		if rerr := os.Remove(e.path); rerr == nil || errors.Is(rerr, fs.ErrNotExist) {
			remain -= e.size
			freed += e.size
			removed++
		}
	}
	return removed, freed, remain, err
}

// lock takes prune.lock, waiting up to lockWait while another process
// evicts, or reports false.
func (c *diskCache) lock() (unlock func(), ok bool) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, false
	}
	p := filepath.Join(c.dir, lockName)
	for give := time.Now().Add(lockWait); ; {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			f.Close()
			return func() { _ = os.Remove(p) }, true
		}
		if info, serr := os.Stat(p); serr == nil && time.Since(info.ModTime()) > staleLock {
			_ = os.Remove(p) // a crashed process's lock
			continue
		}
		if time.Now().After(give) {
			return nil, false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// touch marks an entry used now, for least-recently-used eviction.
func touch(p string, info fs.FileInfo) {
	if time.Since(info.ModTime()) > touchAfter {
		now := time.Now()
		_ = os.Chtimes(p, now, now)
	}
}

// grew records n bytes written; past the limit, it evicts down to 80% of
// it. The first call of a process measures the cache. Writes that land
// while an eviction runs are counted after it, and evict again if need be.
func (c *diskCache) grew(n int64) {
	if c.max < 0 {
		return
	}
	c.mu.Lock()
	if !c.sized {
		c.sized = true
		c.mu.Unlock()
		entries, _ := c.scan()
		var total int64
		for _, e := range entries {
			total += e.size
		}
		c.mu.Lock()
		c.size += total
	}
	if c.pruning {
		c.during += n
		c.mu.Unlock()
		return
	}
	c.size += n
	for c.size > c.max {
		c.pruning, c.during = true, 0
		c.mu.Unlock()
		_, _, remain, _ := c.evictTo(c.max * 8 / 10)
		c.mu.Lock()
		c.pruning = false
		if remain < 0 { // another process holds the lock: try next write
			c.size += c.during
			break
		}
		c.size = remain + c.during
	}
	c.mu.Unlock()
}
