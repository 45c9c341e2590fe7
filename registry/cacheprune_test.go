package registry

import (
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
