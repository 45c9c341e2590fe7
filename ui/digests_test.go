package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/ui/common"
)

// hugeTags opens the tags page of localhost:5000/app with n synthetic tags
// loaded, and no digest fetched yet.
func hugeTags(t *testing.T, f *fakeRegistry, n int) (*harness, *tagsPage) {
	t.Helper()
	hs := newHarness(t, f, "localhost:5000/app", 120, 40)
	tp := hs.m.top().(*tagsPage)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("v%06d", i)
	}
	tp.list.Add(names)
	return hs, tp
}

// repeat sends key n times the way key repeat does: each press reaches
// Update before any timer armed by the previous ones has fired. The
// commands that come back are run only at the end, all together, as when
// the user lets go of the key.
func repeat(hs *harness, key string, n int) {
	hs.t.Helper()
	var cmds []tea.Cmd
	for range n {
		_, cmd := hs.m.Update(keyMsg(key))
		cmds = append(cmds, cmd)
	}
	hs.run(tea.Batch(cmds...))
}

func (f *fakeRegistry) gets() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, "get ") {
			n++
		}
	}
	return n
}

// TestScrollingTagsDebouncesDigestHEADs holds j down through 2,000 tags in
// bursts: only the screens where the scrolling stopped are asked for, with
// HEAD requests, never a full GET; the rows passed over are not.
func TestScrollingTagsDebouncesDigestHEADs(t *testing.T) {
	f := newFake()
	hs, tp := hugeTags(t, f, 2000)
	rows := tp.list.Rows()
	f.heads.Store(0) // the first screen's, if any
	const bursts, presses = 5, 300
	for range bursts {
		repeat(hs, "j", presses)
	}
	if tp.list.Cursor() != bursts*presses {
		t.Fatalf("cursor at %d, want %d", tp.list.Cursor(), bursts*presses)
	}
	heads := int(f.heads.Load())
	t.Logf("%d presses in %d bursts, %d rows on screen: %d HEADs, %d GETs", bursts*presses, bursts, rows, heads, f.gets())
	if g := f.gets(); g != 0 {
		t.Fatalf("%d manifest GETs for the digest column, want HEADs only", g)
	}
	// One screen per stop at most (the first screen was fetched before).
	if heads > bursts*rows {
		t.Fatalf("%d HEADs for %d stops of %d rows: rows passed over were fetched", heads, bursts, rows)
	}
	if heads == 0 {
		t.Fatal("no HEAD at all: the screen where scrolling stopped has no digests")
	}
	// The screen where the last burst stopped has every digest.
	for i := tp.list.Offset(); i < min(tp.list.Offset()+rows, tp.list.Shown()); i++ {
		if tag := tp.list.ShownName(i); tp.digests[tag] == "" {
			t.Fatalf("no digest for %s, on screen after the scroll stopped", tag)
		}
	}
}

// TestStaleDigestTickFetchesNothing: a tick armed before the window moved
// fetches nothing; the newest one fetches the screen now shown.
func TestStaleDigestTickFetchesNothing(t *testing.T) {
	f := newFake()
	hs, tp := hugeTags(t, f, 500)
	f.heads.Store(0)
	hs.m.Update(keyMsg("pgdown"))
	stale := tp.digestSeq
	hs.m.Update(keyMsg("pgdown"))
	if tp.digestSeq == stale {
		t.Fatal("moving the window did not arm a new tick")
	}
	hs.send(digestTickMsg{page: tp.PageID, seq: stale})
	if n := f.heads.Load(); n != 0 {
		t.Fatalf("a stale tick made %d HEADs", n)
	}
	hs.send(digestTickMsg{page: tp.PageID, seq: tp.digestSeq})
	if n, rows := int(f.heads.Load()), tp.list.Rows(); n != rows {
		t.Fatalf("the current tick made %d HEADs, want the %d rows on screen", n, rows)
	}
	first := tp.list.ShownName(tp.list.Offset())
	if _, ok := tp.digests[first]; !ok {
		t.Fatalf("no digest for %s after the current tick", first)
	}
}

// TestDigestCacheIsBoundedAndRefetches: stopping on screen after screen
// keeps the cache under its limit, dropping the screens farthest away;
// back at the top, the dropped digests are asked for again and shown.
func TestDigestCacheIsBoundedAndRefetches(t *testing.T) {
	f := newFake()
	hs, tp := hugeTags(t, f, 5000)
	tp.digestDelay = time.Millisecond
	// 1.0, the first row, has a real digest, fetched when the page opened.
	const top = "1.0"
	tr := f.trees["localhost:5000/app:"+top]
	if first := tp.list.ShownName(0); first != top {
		t.Fatalf("first row %q, want %q", first, top)
	}
	if got := tp.digests[top]; got != common.ShortDigest(tr.Digest) {
		t.Fatalf("digest of %s = %q, want %q", top, got, common.ShortDigest(tr.Digest))
	}
	limit := tp.digestCacheLimit()
	for tp.list.Cursor() < tp.list.Shown()-1 {
		hs.send(keyMsg("pgdown"))
		if n := len(tp.digests); n > limit {
			t.Fatalf("%d digests cached, limit %d", n, limit)
		}
	}
	if _, ok := tp.digests[top]; ok {
		t.Fatalf("the digest of %s, 5,000 rows away, is still cached", top)
	}
	before := f.heads.Load()
	hs.send(keyMsg("home"))
	if n, rows := f.heads.Load()-before, int64(tp.list.Rows()); n != rows {
		t.Fatalf("back at the top: %d HEADs, want %d (the screen again)", n, rows)
	}
	if !strings.Contains(hs.screen(), common.ShortDigest(tr.Digest)) {
		t.Fatalf("the refetched digest of %s is not shown:\n%s", top, hs.screen())
	}
}
