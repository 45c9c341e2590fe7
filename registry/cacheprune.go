package registry

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// prune removes the blobs written longest ago until the cache
// holds at most max bytes. Entries are content-addressed: removing one only
// means fetching it again. Errors are ignored (a cache is a convenience).
func (c *diskCache) prune(max int64) (removed int) {
	if c == nil || max <= 0 {
		return 0
	}
	type entry struct {
		path string
		size int64
		used time.Time
	}
	var all []entry
	var total int64
	filepath.WalkDir(filepath.Join(c.dir, "blobs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		all = append(all, entry{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	if total <= max {
		return 0
	}
	sort.Slice(all, func(i, j int) bool { return all[i].used.Before(all[j].used) })
	for _, e := range all {
		if total <= max {
			break
		}
		if os.Remove(e.path) == nil {
			total -= e.size
			removed++
		}
	}
	return removed
}
