package registry

import (
	"fmt"
	"testing"
	"time"
)

func TestTagHistoryBoundedAndEvictedWithTheCache(t *testing.T) {
	c := newDiskCache(t.TempDir())
	ref := "localhost:5000/app:latest"
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range MaxTagHistory + 20 {
		c.recordTag(ref, fmt.Sprintf("sha256:%064x", i), t0.Add(time.Duration(i)*time.Hour))
	}
	seen := c.readHistory(ref)
	if len(seen) != MaxTagHistory || seen[0].Digest != fmt.Sprintf("sha256:%064x", 20) || seen[len(seen)-1].Digest != fmt.Sprintf("sha256:%064x", MaxTagHistory+19) {
		t.Fatalf("%d entries, first %s", len(seen), seen[0].Digest)
	}
	// The same digest again moves its last time on, adds nothing.
	last := seen[len(seen)-1]
	c.recordTag(ref, last.Digest, last.Last.Add(2*time.Hour))
	if s := c.readHistory(ref); len(s) != MaxTagHistory || !s[len(s)-1].Last.Equal(last.Last.Add(2*time.Hour)) || !s[len(s)-1].First.Equal(last.First) {
		t.Fatalf("repeat sighting: %+v", s[len(s)-1])
	}
	// Another tag's file is not this tag's history; bad digests are not recorded.
	c.recordTag("localhost:5000/app:other", "sha256:nothex", t0)
	if len(c.readHistory("localhost:5000/app:other")) != 0 {
		t.Error("bad digest recorded")
	}
	// Eviction removes the history with the cache.
	if _, _, _, err := c.pruneTo(0); err != nil {
		t.Fatal(err)
	}
	if len(c.readHistory(ref)) != 0 {
		t.Error("history survived a full prune")
	}
}
