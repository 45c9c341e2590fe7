package registry

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/manifold-dev/manifold/model"
)

// diskCache stores content fetched by digest, content-addressed, so entries
// never go stale. Each entry is one file, CacheDir/blobs/ALG/HEX, holding the
// media type on the first line and the content after it; files are written
// to a temp name and renamed into place, and verified against their digest
// on every read (a corrupt or truncated entry is ignored and removed).
// Entries are written behind the fetch, by one writer per directory, and
// served from memory until then (cachewrite.go).
//
// It also remembers which tags were seen (CacheDir/tags/…): only as a hint
// that a HEAD is worth sending first. A tag's digest is never taken from the
// cache without the registry confirming it.
type diskCache struct {
	dir string

	// max bounds the bytes held (cacheprune.go); -1: no bound.
	max int64

	// q is the directory's write queue (cachewrite.go), shared by the
	// clients of this process on dir.
	q *cacheQueue
	// write stores one entry's file: writeEntry, or a test's stand-in.
	write func(path string, b []byte) error

	mu      sync.Mutex
	size    int64 // bytes held, once sized
	sized   bool  // the directory was measured
	pruning bool  // an eviction is running
	during  int64 // bytes written while it runs
}

func newDiskCache(dir string) *diskCache {
	if dir == "" {
		return nil
	}
	c := &diskCache{dir: dir, max: DefaultCacheBytes, q: queueFor(dir)}
	c.write = c.writeEntry
	return c
}

func (c *diskCache) path(digest string) (string, bool) {
	alg, hexPart, ok := strings.Cut(digest, ":")
	if !ok || model.ValidateDigest(digest) != nil {
		return "", false
	}
	return filepath.Join(c.dir, "blobs", alg, hexPart), true
}

// get returns the cached content for digest: still queued for the disk,
// or read from it and verified.
func (c *diskCache) get(digest string) (mediaType string, raw []byte, ok bool) {
	if c == nil {
		return "", nil, false
	}
	if mt, raw, ok := c.pendingGet(digest); ok {
		return mt, raw, true
	}
	p, ok := c.path(digest)
	if !ok {
		return "", nil, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", nil, false
	}
	mt, body, found := bytes.Cut(b, []byte{'\n'})
	if !found || hashOf(digest, body) != digest {
		_ = os.Remove(p) // corrupt: fetch again
		return "", nil, false
	}
	if info, err := os.Stat(p); err == nil {
		touch(p, info)
	}
	return string(mt), body, true
}

// storable reports whether an entry can be cached under digest.
func (c *diskCache) storable(digest, mediaType string) bool {
	_, ok := c.path(digest)
	return ok && !strings.ContainsAny(mediaType, "\n\r")
}

// put stores verified content now (putAsync queues it); failures are
// ignored (the cache is an optimisation).
func (c *diskCache) put(digest, mediaType string, raw []byte) {
	if c == nil || !c.storable(digest, mediaType) {
		return
	}
	p, _ := c.path(digest)
	if info, err := os.Stat(p); err == nil {
		touch(p, info)
		return
	}
	b := make([]byte, 0, len(mediaType)+1+len(raw))
	b = append(append(append(b, mediaType...), '\n'), raw...)
	if c.write(p, b) == nil {
		c.grew(int64(len(b)))
	}
}

func (c *diskCache) tagPath(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return filepath.Join(c.dir, "tags", hex.EncodeToString(sum[:]))
}

// seenTag reports whether ref (a tag reference) was fetched before.
func (c *diskCache) seenTag(ref string) bool {
	if c == nil {
		return false
	}
	p := c.tagPath(ref)
	if _, ok := c.pendingFile(p); ok {
		return true
	}
	_, err := os.Stat(p)
	return err == nil
}

// markTag records that ref was fetched, with its digest (for debugging only).
func (c *diskCache) markTag(ref, digest string) {
	if c == nil {
		return
	}
	c.putFileAsync(c.tagPath(ref), []byte(ref+" "+digest+"\n"))
}

// writeAtomic writes path through a temp file renamed into place, making
// its directory first.
func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return writeIn(dir, path, b)
}

// writeIn writes path, in the existing directory dir, through a temp file
// renamed into place: no reader ever sees a half-written file.
func writeIn(dir, path string, b []byte) error {
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return nil
}

func (c *diskCache) hostPath(host string) string {
	sum := sha256.Sum256([]byte(host))
	return filepath.Join(c.dir, "hosts", hex.EncodeToString(sum[:]))
}

// hostChallenge returns what host asked of clients before (see
// challenge). It is only a hint: a 401 teaches the handshake anew.
func (c *diskCache) hostChallenge(host string) (challenge, bool) {
	if c == nil {
		return challenge{}, false
	}
	b, ok := c.readHint(c.hostPath(host))
	if !ok || len(b) > 64<<10 {
		return challenge{}, false
	}
	var h struct {
		Host string `json:"host"`
		challenge
	}
	if json.Unmarshal(b, &h) != nil || h.Host != host {
		return challenge{}, false
	}
	switch h.Scheme {
	case "none", "basic":
	case "bearer":
		if h.Realm == "" {
			return challenge{}, false
		}
	default:
		return challenge{}, false
	}
	return h.challenge, true
}

func (c *diskCache) markHostChallenge(host string, ch challenge) {
	if c == nil {
		return
	}
	b, err := json.Marshal(struct {
		Host string `json:"host"`
		challenge
	}{host, ch})
	if err == nil {
		c.putFileAsync(c.hostPath(host), append(b, '\n'))
	}
}
