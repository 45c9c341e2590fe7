package registry

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"time"

	"github.com/manifold-dev/manifold/model"
)

// MaxTagHistory bounds the digests remembered per tag: the oldest go first.
const MaxTagHistory = 100

// Tag history: each time the registry tells manifold what a tag points at
// (a GET or a HEAD by tag), the digest and the time are recorded in
// CacheDir/history/, one small file per tag. The files are cache entries
// like any other: the least-recently-used eviction and PruneCache remove
// them too, so the history is bounded with the cache. Each record is
// queued for the disk like the other hints (cachewrite.go) and read from
// the queue until written. Two processes recording the same tag at the
// same moment may lose one sighting; the next read records it again.

// tagHistoryFile is the JSON of one tag's history.
type tagHistoryFile struct {
	Ref  string          `json:"ref"`
	Seen []model.TagSeen `json:"seen"`
}

func (c *diskCache) historyPath(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return filepath.Join(c.dir, "history", hex.EncodeToString(sum[:]))
}

// readHistory returns what is recorded for ref (nothing when the file is
// missing, unreadable or another tag's).
func (c *diskCache) readHistory(ref string) []model.TagSeen {
	b, ok := c.readHint(c.historyPath(ref))
	if !ok || int64(len(b)) > 1<<20 {
		return nil
	}
	var f tagHistoryFile
	if json.Unmarshal(b, &f) != nil || f.Ref != ref {
		return nil
	}
	return f.Seen
}

// recordTag notes that ref pointed at digest now: a new sighting when the
// digest differs from the last one, else the last one's time moves on.
func (c *diskCache) recordTag(ref, digest string, now time.Time) {
	if c == nil || digest == "" || model.ValidateDigest(digest) != nil {
		return
	}
	seen := c.readHistory(ref)
	if n := len(seen); n > 0 && seen[n-1].Digest == digest {
		if now.Sub(seen[n-1].Last) < touchAfter {
			return // seen a moment ago: not worth a write
		}
		seen[n-1].Last = now
	} else {
		seen = append(seen, model.TagSeen{Digest: digest, First: now, Last: now})
	}
	if len(seen) > MaxTagHistory {
		seen = seen[len(seen)-MaxTagHistory:]
	}
	b, err := json.Marshal(tagHistoryFile{Ref: ref, Seen: seen})
	if err != nil {
		return
	}
	c.putFileAsync(c.historyPath(ref), b)
}

// TagHistory returns the digests recorded for a tag, oldest first; nil when
// there is no cache or nothing was recorded.
func (c *Client) TagHistory(ref string) ([]model.TagSeen, string, error) {
	r, err := c.ParseReference(ref)
	if err != nil {
		return nil, "", err
	}
	if c.cache == nil {
		return nil, r.String(), nil
	}
	return c.cache.readHistory(r.String()), r.String(), nil
}
