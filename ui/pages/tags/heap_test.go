package tags_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tags"
)

// TestScrollingHugeTagListKeepsHeapFlat scrolls a 100,000-tag list from top
// to bottom, rendering every screen and letting every screen's digests be
// fetched (the debounce shortened to 1ms: the worst case, a user who stops
// on each screen), and checks the live heap afterwards: rendering allocates
// per frame but must keep nothing per rendered row, and the tag → digest
// cache of the tags page is bounded.
func TestScrollingHugeTagListKeepsHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("scrolls 100,000 tags")
	}
	f := uitest.NewFake()
	hs := open(t, f, "localhost:5000/app", 120, 40)
	tp := hs.Top().(*tags.Model)
	tp.SetDigestDelay(time.Millisecond)
	names := make([]string, 100_000)
	for i := range names {
		names[i] = fmt.Sprintf("%d.%d.%d-build%d", i/10000, (i/100)%100, i%100, i)
	}
	tp.List().Add(names)
	names = nil
	if tp.List().Len() < 100_000 {
		t.Fatalf("%d tags", tp.List().Len())
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	_ = hs.M.View()
	before := heap()
	frames := 0
	for tp.List().Cursor() < tp.List().Len()-1 {
		hs.Send(uitest.KeyMsg("pgdown"))
		_ = hs.M.View()
		frames++
		if frames > 100_000 {
			t.Fatal("pgdown does not reach the end")
		}
	}
	after := heap()
	growth := int64(after) - int64(before)
	t.Logf("scrolled 100,000 tags in %d frames, %d HEADs: live heap %.1f MiB before, %.1f MiB after (%+.2f MiB, %.1f B/tag), %d digests cached",
		frames, f.Heads.Load(), float64(before)/(1<<20), float64(after)/(1<<20), float64(growth)/(1<<20),
		float64(growth)/100_000, len(tp.Rows()))
	// Every screen was fetched: the cache must have been trimmed.
	if heads := f.Heads.Load(); heads < 50_000 {
		t.Fatalf("%d HEADs: the screens' digests were not fetched, the test proves nothing", heads)
	}
	if n, limit := len(tp.Rows()), tp.DigestCacheLimit(); n > limit {
		t.Fatalf("%d digests cached, more than the limit %d", n, limit)
	}
	// The cache holds at most a few thousand short digests (a few hundred
	// KiB); an unbounded one (one entry a tag) grew the heap by ~14 MiB,
	// about 140 bytes a tag. 2 MiB is 20 bytes a tag.
	if budget := int64(2 << 20); growth > budget {
		t.Fatalf("live heap grew %.1f MiB while scrolling, more than the %.1f MiB budget",
			float64(growth)/(1<<20), float64(budget)/(1<<20))
	}
}
