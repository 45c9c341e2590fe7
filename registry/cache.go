package registry

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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
//
// It also remembers which tags were seen (CacheDir/tags/…): only as a hint
// that a HEAD is worth sending first. A tag's digest is never taken from the
// cache without the registry confirming it.
type diskCache struct {
	dir string

	mu       sync.Mutex
	idle     *sync.Cond // signalled when inFlight drops to zero
	inFlight int        // writes started by putAsync, not yet done
}

func newDiskCache(dir string) *diskCache {
	if dir == "" {
		return nil
	}
	c := &diskCache{dir: dir}
	c.idle = sync.NewCond(&c.mu)
	return c
}

func (c *diskCache) path(digest string) (string, bool) {
	alg, hexPart, ok := strings.Cut(digest, ":")
	if !ok || model.ValidateDigest(digest) != nil {
		return "", false
	}
	return filepath.Join(c.dir, "blobs", alg, hexPart), true
}

// get returns the cached content for digest, verified.
func (c *diskCache) get(digest string) (mediaType string, raw []byte, ok bool) {
	if c == nil {
		return "", nil, false
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
	return string(mt), body, true
}

// put stores verified content; failures are ignored (the cache is an
// optimisation).
func (c *diskCache) put(digest, mediaType string, raw []byte) {
	if c == nil || strings.ContainsAny(mediaType, "\n\r") {
		return
	}
	p, ok := c.path(digest)
	if !ok {
		return
	}
	if _, err := os.Stat(p); err == nil {
		return
	}
	b := make([]byte, 0, len(mediaType)+1+len(raw))
	b = append(append(append(b, mediaType...), '\n'), raw...)
	_ = writeAtomic(p, b)
}

// putAsync stores content in the background, so that writing the cache
// overlaps the next round of requests; wait for it with wait.
func (c *diskCache) putAsync(digest, mediaType string, raw []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.inFlight++
	c.mu.Unlock()
	go func() {
		defer func() {
			c.mu.Lock()
			if c.inFlight--; c.inFlight == 0 {
				c.idle.Broadcast()
			}
			c.mu.Unlock()
		}()
		c.put(digest, mediaType, raw)
	}()
}

// wait returns when no putAsync is in flight (safe to call concurrently
// with putAsync, from many goroutines).
func (c *diskCache) wait() {
	if c == nil {
		return
	}
	c.mu.Lock()
	for c.inFlight > 0 {
		c.idle.Wait()
	}
	c.mu.Unlock()
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
	_, err := os.Stat(c.tagPath(ref))
	return err == nil
}

// markTag records that ref was fetched, with its digest (for debugging only).
func (c *diskCache) markTag(ref, digest string) {
	if c == nil {
		return
	}
	_ = writeAtomic(c.tagPath(ref), []byte(ref+" "+digest+"\n"))
}

func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
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

// openHost reports whether host answered a ping anonymously before, and on
// which scheme. It is only a hint: a 401 makes the client do the handshake.
func (c *diskCache) openHost(host string) (scheme string, ok bool) {
	if c == nil {
		return "", false
	}
	b, err := os.ReadFile(c.hostPath(host))
	if err != nil {
		return "", false
	}
	h, scheme, found := strings.Cut(strings.TrimSpace(string(b)), " ")
	if !found || h != host || scheme != "http" && scheme != "https" {
		return "", false
	}
	return scheme, true
}

func (c *diskCache) markOpenHost(host, scheme string) {
	if c == nil || scheme != "http" && scheme != "https" {
		return
	}
	_ = writeAtomic(c.hostPath(host), []byte(host+" "+scheme+"\n"))
}

func (c *diskCache) forgetHost(host string) {
	if c != nil {
		_ = os.Remove(c.hostPath(host))
	}
}
