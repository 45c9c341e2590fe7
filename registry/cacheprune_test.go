package registry

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCachePruneKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o700); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, name := range []string{"old", "mid", "new"} {
		p := filepath.Join(blobs, name)
		if err := os.WriteFile(p, make([]byte, 100), 0o600); err != nil {
			t.Fatal(err)
		}
		at := now.Add(time.Duration(i-3) * time.Hour)
		os.Chtimes(p, at, at)
	}
	c := newDiskCache(dir)
	if n := c.prune(1000); n != 0 {
		t.Fatalf("under the bound, %d removed", n)
	}
	if n := c.prune(150); n != 2 {
		t.Fatalf("removed %d, want 2", n)
	}
	if _, err := os.Stat(filepath.Join(blobs, "new")); err != nil {
		t.Fatal("the newest entry was removed")
	}
	if _, err := os.Stat(filepath.Join(blobs, "old")); err == nil {
		t.Fatal("the oldest entry was kept")
	}
}

// TestNewDoesNotScanTheCache: building a client neither walks nor evicts
// (that cost every command a stat per entry); the first write measures the
// directory and evicts down to the limit, a lowered limit included.
func TestNewDoesNotScanTheCache(t *testing.T) {
	dir := t.TempDir()
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o700); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for i := range 20 {
		p := filepath.Join(blobs, fmt.Sprintf("%064d", i))
		if err := os.WriteFile(p, make([]byte, 1000), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	// A stale temp file: a scan would remove it.
	tmp := filepath.Join(blobs, ".tmp-crashed")
	if err := os.WriteFile(tmp, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	stale := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(tmp, stale, stale); err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{CacheDir: dir, CacheMaxBytes: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Fatalf("New scanned the cache (the stale temp file is gone): %v", err)
	}
	if n := countFiles(t, blobs); n != 21 {
		t.Fatalf("New evicted: %d files left, want 21", n)
	}
	raw := []byte(`{"schemaVersion":2}`)
	c.cache.put(hashOf("", raw), "application/vnd.oci.image.manifest.v1+json", raw)

	var total int64
	entries, _ := c.cache.scan()
	for _, e := range entries {
		total += e.size
	}
	if total > 8_000 {
		t.Fatalf("after the first write the cache holds %d bytes, limit 10000 (80%% after eviction)", total)
	}
	if _, _, ok := c.cache.get(hashOf("", raw)); !ok {
		t.Fatal("the entry just written was evicted")
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}
