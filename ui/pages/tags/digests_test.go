package tags_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/tags"
)

// hugeTags opens the tags page of localhost:5000/app with n synthetic tags
// loaded, and no digest fetched yet.
func hugeTags(t *testing.T, f *uitest.FakeRegistry, n int) (*uitest.Harness, *tags.Model) {
	t.Helper()
	hs := open(t, f, "localhost:5000/app", 120, 40)
	tp := hs.Top().(*tags.Model)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("v%06d", i)
	}
	tp.List().Add(names)
	return hs, tp
}

// repeat sends key n times the way key repeat does: each press reaches
// Update before any timer armed by the previous ones has fired. The
// commands that come back are run only at the end, all together, as when
// the user lets go of the key.
func repeat(hs *uitest.Harness, key string, n int) {
	hs.T.Helper()
	var cmds []tea.Cmd
	for range n {
		_, cmd := hs.M.Update(uitest.KeyMsg(key))
		cmds = append(cmds, cmd)
	}
	hs.Run(tea.Batch(cmds...))
}

// TestScrollingTagsDebouncesDigestHEADs holds j down through 2,000 tags in
// bursts: only the screens where the scrolling stopped are asked for, with
// HEAD requests; the rows passed over are not. The fake cannot read kinds
// (it has no TagKind), so here the kind column is the HEAD's and costs no
// GET at all; TestScrollingTagsKindsCostOneGETPerSettledRow counts the
// GETs by digest a real registry gets for the kinds.
func TestScrollingTagsDebouncesDigestHEADs(t *testing.T) {
	f := uitest.NewFake()
	hs, tp := hugeTags(t, f, 2000)
	rows := tp.List().Rows()
	f.Heads.Store(0) // the first screen's, if any
	const bursts, presses = 5, 300
	for range bursts {
		repeat(hs, "j", presses)
	}
	if tp.List().Cursor() != bursts*presses {
		t.Fatalf("cursor at %d, want %d", tp.List().Cursor(), bursts*presses)
	}
	heads := int(f.Heads.Load())
	t.Logf("%d presses in %d bursts, %d rows on screen: %d HEADs, %d GETs", bursts*presses, bursts, rows, heads, f.Gets())
	if g := f.Gets(); g != 0 {
		t.Fatalf("%d manifest GETs for the digest column of a registry that cannot read kinds, want HEADs only", g)
	}
	// One screen per stop at most (the first screen was fetched before).
	if heads > bursts*rows {
		t.Fatalf("%d HEADs for %d stops of %d rows: rows passed over were fetched", heads, bursts, rows)
	}
	if heads == 0 {
		t.Fatal("no HEAD at all: the screen where scrolling stopped has no digests")
	}
	// The screen where the last burst stopped has every digest.
	for i := tp.List().Offset(); i < min(tp.List().Offset()+rows, tp.List().Shown()); i++ {
		if tag := tp.List().ShownName(i); tp.Rows()[tag].Digest() == "" {
			t.Fatalf("no digest for %s, on screen after the scroll stopped", tag)
		}
	}
}

// TestStaleDigestTickFetchesNothing: a tick armed before the window moved
// fetches nothing; the newest one fetches the screen now shown.
func TestStaleDigestTickFetchesNothing(t *testing.T) {
	f := uitest.NewFake()
	hs, tp := hugeTags(t, f, 500)
	f.Heads.Store(0)
	hs.M.Update(uitest.KeyMsg("pgdown"))
	stale := tp.DigestSeq()
	hs.M.Update(uitest.KeyMsg("pgdown"))
	if tp.DigestSeq() == stale {
		t.Fatal("moving the window did not arm a new tick")
	}
	hs.Send(tags.DigestTick(tp.PageID, stale))
	if n := f.Heads.Load(); n != 0 {
		t.Fatalf("a stale tick made %d HEADs", n)
	}
	hs.Send(tags.DigestTick(tp.PageID, tp.DigestSeq()))
	if n, rows := int(f.Heads.Load()), tp.List().Rows(); n != rows {
		t.Fatalf("the current tick made %d HEADs, want the %d rows on screen", n, rows)
	}
	first := tp.List().ShownName(tp.List().Offset())
	if _, ok := tp.Rows()[first]; !ok {
		t.Fatalf("no digest for %s after the current tick", first)
	}
}

// TestDigestCacheIsBoundedAndRefetches: stopping on screen after screen
// keeps the cache under its limit, dropping the screens farthest away;
// back at the top, the dropped digests are asked for again and shown.
func TestDigestCacheIsBoundedAndRefetches(t *testing.T) {
	f := uitest.NewFake()
	hs, tp := hugeTags(t, f, 5000)
	tp.SetDigestDelay(time.Millisecond)
	// 1.0, the first row, has a real digest, fetched when the page opened.
	const top = "1.0"
	tr := f.Trees["localhost:5000/app:"+top]
	if first := tp.List().ShownName(0); first != top {
		t.Fatalf("first row %q, want %q", first, top)
	}
	if got := tp.Rows()[top].Digest(); got != common.ShortDigest(tr.Digest) {
		t.Fatalf("digest of %s = %q, want %q", top, got, common.ShortDigest(tr.Digest))
	}
	limit := tp.DigestCacheLimit()
	for tp.List().Cursor() < tp.List().Shown()-1 {
		hs.Send(uitest.KeyMsg("pgdown"))
		if n := len(tp.Rows()); n > limit {
			t.Fatalf("%d digests cached, limit %d", n, limit)
		}
	}
	if _, ok := tp.Rows()[top]; ok {
		t.Fatalf("the digest of %s, 5,000 rows away, is still cached", top)
	}
	before := f.Heads.Load()
	hs.Send(uitest.KeyMsg("home"))
	if n, rows := f.Heads.Load()-before, int64(tp.List().Rows()); n != rows {
		t.Fatalf("back at the top: %d HEADs, want %d (the screen again)", n, rows)
	}
	if !strings.Contains(hs.Screen(), common.ShortDigest(tr.Digest)) {
		t.Fatalf("the refetched digest of %s is not shown:\n%s", top, hs.Screen())
	}
}

// rawIndex is an index pushed as it is.
type rawIndex []byte

func (r rawIndex) RawManifest() ([]byte, error) { return r, nil }
func (r rawIndex) MediaType() (types.MediaType, error) {
	return types.OCIImageIndex, nil
}

// distinctTags starts a registry (behind wrap) whose repository "many"
// holds n tags t0000…, each a different one-platform index of one image,
// so that every tag has its own digest.
func distinctTags(t *testing.T, n int, wrap func(http.Handler) http.Handler) *testregistry.Registry {
	t.Helper()
	reg := testregistry.Start(t, testregistry.Options{Wrap: wrap})
	set, err := fixtures.Push(context.Background(), reg.Host, fixtures.Only(fixtures.SingleOCI))
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	f := set[fixtures.SingleOCI]
	if _, err := c.Retag(context.Background(), f.Ref(reg.Host), reg.Host+"/many:image"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			raw := fmt.Sprintf(`{"schemaVersion":2,"mediaType":%q,"manifests":[{"mediaType":%q,"digest":%q,"size":%d,"platform":{"os":"linux","architecture":"arm64"}}],"annotations":{"n":"%d"}}`,
				model.MediaTypeOCIIndex, f.MediaType, f.Digest, len(f.Raw), i)
			tag, err := name.NewTag(fmt.Sprintf("%s/many:t%04d", reg.Host, i), name.Insecure)
			if err == nil {
				err = remote.Put(tag, rawIndex(raw))
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	return reg
}

// headedTags returns the tags of the HEADs in a Counter's log, and how
// many GETs asked for a manifest by tag rather than by digest.
func headedTags(log []string) (tags map[string]bool, getsByTag int) {
	tags = map[string]bool{}
	for _, l := range log {
		i := strings.LastIndex(l, "/manifests/")
		if i < 0 {
			continue
		}
		id := l[i+len("/manifests/"):]
		switch {
		case strings.HasPrefix(l, "HEAD manifest"):
			tags[id] = true
		case strings.HasPrefix(l, "GET manifest") && !strings.HasPrefix(id, "sha256:"):
			getsByTag++
		}
	}
	return tags, getsByTag
}

// TestScrollingTagsKindsCostOneGETPerSettledRow, against a real registry
// whose every tag has its own digest: key repeat through the rows costs
// nothing for the rows passed over; each row where the scrolling stopped
// costs one HEAD (its digest) and one GET by digest (its kind), never a
// GET by tag; coming back to them costs the HEADs only (the bodies are
// cached).
func TestScrollingTagsKindsCostOneGETPerSettledRow(t *testing.T) {
	var cnt testregistry.Counter
	reg := distinctTags(t, 400, cnt.Wrap)
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Flush(context.Background()) }) // before the dir is removed
	cnt.Reset()
	hs := open(t, c, reg.Host+"/many", 120, 30)
	tp := hs.Top().(*tags.Model)
	rows := tp.List().Rows()
	settled := map[string]bool{}
	window := func() {
		for i := tp.List().Offset(); i < min(tp.List().Offset()+rows, tp.List().Shown()); i++ {
			settled[tp.List().ShownName(i)] = true
		}
	}
	window()
	const bursts, presses = 4, 80
	for range bursts {
		repeat(hs, "j", presses)
		window()
	}
	heads, byTag := headedTags(cnt.Log())
	for tag := range heads {
		if !settled[tag] {
			t.Errorf("%s was passed over, yet asked for", tag)
		}
	}
	gets := cnt.Count("GET manifest")
	t.Logf("%d presses in %d bursts, %d rows on screen: %d HEADs, %d GETs for %d settled rows", bursts*presses, bursts, rows, len(heads), gets, len(settled))
	if byTag != 0 || len(heads) != cnt.Count("HEAD manifest") || gets != len(heads) || len(heads) > len(settled) || len(heads) == 0 {
		t.Fatalf("%d HEADs (%d tags), %d GETs (%d by tag), want one HEAD and one GET by digest per settled row (%d at most)",
			cnt.Count("HEAD manifest"), len(heads), gets, byTag, len(settled))
	}
	// The screen where the last burst stopped has every kind.
	for i := tp.List().Offset(); i < min(tp.List().Offset()+rows, tp.List().Shown()); i++ {
		tag := tp.List().ShownName(i)
		if r := tp.Rows()[tag]; !r.Kind().Read || r.Kind().Platforms != 1 {
			t.Fatalf("%s: kind %+v after the scroll stopped", tag, r.Kind())
		}
	}
	cnt.Reset()
	hs.Send(uitest.KeyMsg("home"))
	hs2 := open(t, c, reg.Host+"/many", 120, 30)
	if g := cnt.Count("GET manifest"); g != 0 || cnt.Count("HEAD manifest") != rows {
		t.Errorf("the first screen again, on a new page: %d GETs, %d HEADs, want %d HEADs only", g, cnt.Count("HEAD manifest"), rows)
	}
	if !strings.Contains(hs2.Screen(), "list · 1 platform") {
		t.Errorf("kinds not shown:\n%s", hs2.Screen())
	}
}

// TestKindRequestsCancelledWhenScrolledAway: the kind GETs of a screen the
// user scrolled away from are cancelled (the server sees the request
// go), their answers are not waited for, and the rows are asked for again
// when back on screen.
func TestKindRequestsCancelledWhenScrolledAway(t *testing.T) {
	var mu sync.Mutex
	hold := false
	held := make(chan struct{}, 100)
	gone := make(chan struct{}, 100)
	reg := distinctTags(t, 100, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			h := hold
			mu.Unlock()
			if h && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/manifests/sha256:") {
				held <- struct{}{}
				<-r.Context().Done()
				gone <- struct{}{}
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	hs := open(t, c, reg.Host+"/many", 120, 30)
	tp := hs.Top().(*tags.Model)
	mu.Lock()
	hold = true
	mu.Unlock()
	// Page down to a screen of rows not seen yet and let the tick fire by
	// hand: the HEADs answer, then the kinds' GETs are held by the server.
	hs.M.Update(uitest.KeyMsg("pgdown"))
	hs.M.Update(uitest.KeyMsg("pgdown"))
	if tp.List().Offset() < tp.List().Rows() {
		t.Fatalf("offset %d: the second screen overlaps the first", tp.List().Offset())
	}
	_, cmd := hs.M.Update(tags.DigestTick(tp.PageID, tp.DigestSeq()))
	msgs := make(chan tea.Msg, 16)
	var runAll func(tea.Cmd)
	runAll = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		go func() {
			msg := cmd()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					runAll(c)
				}
				return
			}
			msgs <- msg
		}()
	}
	runAll(cmd)
	// recv bounds each wait, so that a broken page fails rather than hangs.
	recv := func(c chan struct{}, what string) {
		t.Helper()
		select {
		case <-c:
		case <-time.After(20 * time.Second):
			t.Fatalf("no %s", what)
		}
	}
	next := func() tea.Msg {
		t.Helper()
		select {
		case m := <-msgs:
			return m
		case <-time.After(20 * time.Second):
			t.Fatal("no message")
		}
		return nil
	}
	// The HEADs' answer (digestsMsg) starts the kinds.
	for {
		msg := next()
		if _, ok := msg.(tags.DigestsMsg); ok {
			_, cmd = hs.M.Update(msg)
			runAll(cmd)
			break
		}
	}
	second := tp.List().Offset()
	for range tags.KindFetchJobs {
		recv(held, "held GET")
	}
	if n := tp.KindsPending(); n != tp.List().Rows() {
		t.Fatalf("%d kinds pending, want the %d rows on screen", n, tp.List().Rows())
	}
	// Scroll away: every request of the screen left is cancelled.
	hs.M.Update(uitest.KeyMsg("pgdown"))
	hs.M.Update(uitest.KeyMsg("pgdown"))
	if tp.List().Offset() < second+tp.List().Rows() {
		t.Fatalf("offset %d: the third screen overlaps the second (%d)", tp.List().Offset(), second)
	}
	for range tags.KindFetchJobs {
		recv(gone, "cancelled GET")
	}
	msg := next()
	km, ok := msg.(tags.KindsMsg)
	if !ok || len(km.Kinds()) != 0 {
		t.Fatalf("after the scroll: %T %+v, want a kindsMsg without kinds", msg, msg)
	}
	hs.M.Update(km)
	if tp.KindsPending() != 0 {
		t.Fatalf("%d kinds still pending", tp.KindsPending())
	}
	tag := tp.List().ShownName(second)
	if r := tp.Rows()[tag]; r.Kind().Read || r.Head() == nil {
		t.Fatalf("%s: %+v, want its HEAD kind, to be asked again", tag, r)
	}
	mu.Lock()
	hold = false
	mu.Unlock()
	for i := 0; i < 10 && tp.List().Offset() > second; i++ {
		hs.Send(uitest.KeyMsg("pgup"))
	}
	if r := tp.Rows()[tag]; !r.Kind().Read {
		t.Fatalf("back on screen, %s: %+v, want its kind read", tag, r.Kind())
	}
}

// open is the root over f, opened at start, at w×h.
func open(t testing.TB, f common.Registry, start string, w, h int, mod ...func(*common.Options)) *uitest.Harness {
	t.Helper()
	hs, _ := uitest.Open(t, ui.New, f, start, w, h, mod...)
	return hs
}
