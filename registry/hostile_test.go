package registry

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/manifold-dev/manifold/internal/hostile"
	"github.com/manifold-dev/manifold/model"
)

// Tests against internal/hostile, a registry that attacks: each asserts
// that the attack fired (what the server counted) and that manifold held
// (the error, the heap, the request count).

func hostileClient(t *testing.T, opts ...func(*Options)) *Client {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	o := Options{Keychain: authn.NewMultiKeychain()}
	for _, f := range opts {
		f(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	flushAtCleanup(t, c)
	return c
}

// peakHeap runs fn while sampling the live heap and returns how far the
// peak rose above where it started.
//
// The collector runs at GOGC=20 meanwhile, so that the sample (live objects
// and garbage not yet swept) follows what is held rather than how far the
// collector lets garbage pile up.
func peakHeap(t *testing.T, fn func()) uint64 {
	t.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	stop := sampleHeap(time.Millisecond)
	fn()
	if base, peak := stop(); peak > base {
		return peak - base
	}
	return 0
}

func listAll(ctx context.Context, c *Client, catalog bool, target string) (int, error) {
	n := 0
	y := func(p Page) error { n += len(p.Names); return nil }
	if catalog {
		return n, c.Repositories(ctx, target, y)
	}
	return n, c.Tags(ctx, target, y)
}

// A 1 GiB gzip bomb (about 1 MB on the wire) as a tags page and as a
// catalog page: cut at the page limit counted after inflating, with the
// typed error naming the URL and the limit, and the heap far below the bomb.
func TestHostileGzipBombPage(t *testing.T) {
	for _, catalog := range []bool{false, true} {
		t.Run(fmt.Sprintf("catalog=%v", catalog), func(t *testing.T) {
			s := &hostile.Server{GzipBomb: 1 << 30}
			host := s.Start(t)
			c := hostileClient(t)
			target := host + "/bomb"
			if catalog {
				target = host
			}
			var err error
			grew := peakHeap(t, func() { _, err = listAll(deadline(t, time.Minute), c, catalog, target) })
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.Limit != DefaultListPageBytes {
				t.Fatalf("err = %v, want a *TooLargeError at %d bytes", err, DefaultListPageBytes)
			}
			wantErr(t, err, "http://"+host+"/v2/", fmt.Sprint(DefaultListPageBytes))
			if s.BytesSent() == 0 {
				t.Fatal("the bomb was never sent")
			}
			t.Logf("error: %v; heap grew %d MiB", err, grew>>20)
			if grew > 128<<20 {
				t.Fatalf("heap grew %d MiB on a gzip bomb; want < 128 MiB", grew>>20)
			}
		})
	}
}

// A page whose chunked body never ends is cut at the page limit.
func TestHostileEndlessPageBody(t *testing.T) {
	for _, catalog := range []bool{false, true} {
		t.Run(fmt.Sprintf("catalog=%v", catalog), func(t *testing.T) {
			s := &hostile.Server{EndlessBody: true}
			host := s.Start(t)
			c := hostileClient(t, func(o *Options) { o.Limits.ListPageBytes = 4 << 20 })
			target := host + "/endless"
			if catalog {
				target = host
			}
			var err error
			grew := peakHeap(t, func() { _, err = listAll(deadline(t, time.Minute), c, catalog, target) })
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want too large", err)
			}
			wantErr(t, err, "4194304-byte limit")
			if s.BytesSent() < 4<<20 {
				t.Fatalf("server sent %d bytes: the endless body did not fire", s.BytesSent())
			}
			if grew > 96<<20 {
				t.Fatalf("heap grew %d MiB; want < 96 MiB", grew>>20)
			}
		})
	}
}

// A Link that repeats stops at the first repeat; one whose last= does not
// move stops at once too; one that is new on every page stops at the page
// cap, which the error names.
func TestHostileEndlessLink(t *testing.T) {
	cases := []struct {
		mode      hostile.LinkMode
		cap       int
		reason    PaginationReason
		wantPages int
		words     string
	}{
		{hostile.LinkRepeat, 0, ReasonRepeat, 2, "repeats a page already fetched"},
		{hostile.LinkStuck, 0, ReasonLastStuck, 2, "does not advance"},
		{hostile.LinkFresh, 50, ReasonPageCap, 50, "more than 50 pages, the list-pages limit"},
		{hostile.LinkBackwards, 0, ReasonLastBackwards, 2, "goes backwards"},
	}
	for _, tc := range cases {
		for _, catalog := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d/catalog=%v", tc.mode, catalog), func(t *testing.T) {
				s := &hostile.Server{Link: tc.mode}
				host := s.Start(t)
				c := hostileClient(t, func(o *Options) { o.Limits.ListPages = tc.cap })
				target := host + "/loop"
				if catalog {
					target = host
				}
				names, err := listAll(deadline(t, time.Minute), c, catalog, target)
				var pe *PaginationError
				if !errors.As(err, &pe) || pe.Reason != tc.reason || !errors.Is(err, ErrPagination) {
					t.Fatalf("err = %v, want a pagination error (%d)", err, tc.reason)
				}
				wantErr(t, err, tc.words, fmt.Sprintf("stopped after %d pages", tc.wantPages))
				if names != tc.wantPages {
					t.Errorf("got %d names, want the %d pages' names", names, tc.wantPages)
				}
				// The ping, the pages, and nothing more.
				if got := s.Requests(); got > int64(tc.wantPages)+1 {
					t.Errorf("%d requests for %d pages", got, tc.wantPages)
				}
			})
		}
	}
}

// The default page cap is 10,000 and is named in the error.
func TestHostileDefaultPageCapNamed(t *testing.T) {
	if DefaultListPages != 10_000 {
		t.Fatalf("DefaultListPages = %d", DefaultListPages)
	}
	err := &PaginationError{What: "list tags of x", Pages: 10_000, Reason: ReasonPageCap, Limit: DefaultListPages}
	wantErr(t, err, "more than 10000 pages")
}

// A next link to another host is not followed (it would carry the
// listing, and perhaps credentials, elsewhere).
func TestHostileLinkToAnotherHost(t *testing.T) {
	var other atomic.Int64
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Add(1) }))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/" {
			return
		}
		w.Header().Set("Link", "<"+elsewhere.URL+"/v2/app/tags/list?last=a>; rel=\"next\"")
		fmt.Fprint(w, `{"tags":["a"]}`)
	}))
	defer srv.Close()
	c := hostileClient(t)
	_, err := listAll(deadline(t, time.Minute), c, false, strings.TrimPrefix(srv.URL, "http://")+"/app")
	var pe *PaginationError
	if !errors.As(err, &pe) || pe.Reason != ReasonOtherHost {
		t.Fatalf("err = %v, want other host", err)
	}
	if other.Load() != 0 {
		t.Fatal("the other host was asked")
	}
}

func TestNextLink(t *testing.T) {
	base, _ := http.NewRequest("GET", "http://r.example/v2/app/tags/list?n=10", nil)
	for _, tc := range []struct{ link, want string }{
		{`</v2/app/tags/list?last=b&n=10>; rel="next"`, "http://r.example/v2/app/tags/list?last=b&n=10"},
		{`<http://r.example/x>; rel=next`, "http://r.example/x"},
		{`</prev>; rel="prev", </n2>; rel="next"`, "http://r.example/n2"},
		{`</v2/x>; rel="last"`, ""},
		{``, ""},
		{`garbage`, ""},
	} {
		resp := &http.Response{Header: http.Header{}, Request: base}
		if tc.link != "" {
			resp.Header.Set("Link", tc.link)
		}
		u, err := nextLink(resp)
		if err != nil {
			t.Fatalf("%q: %v", tc.link, err)
		}
		got := ""
		if u != nil {
			got = u.String()
		}
		if got != tc.want {
			t.Errorf("nextLink(%q) = %q, want %q", tc.link, got, tc.want)
		}
	}
}

// A registry that leaves Docker-Content-Digest out of HEAD answers: a tag
// seen before (the cache's hint sends a HEAD first) stays readable, by a GET
// verified as usual, and Head finds the digest the same way.
func TestHostileHeadWithoutDigest(t *testing.T) {
	s := &hostile.Server{NoHeadDigest: true}
	host := s.Start(t)
	c := hostileClient(t, func(o *Options) { o.CacheDir = t.TempDir() })
	ctx := deadline(t, time.Minute)
	ref := host + "/small:v1"
	first, err := c.Get(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	heads := s.Heads()
	again, err := c.Get(ctx, ref) // seen: HEAD first, no digest, then GET
	if err != nil {
		t.Fatalf("second read of a tag whose HEAD has no digest: %v", err)
	}
	if s.Heads() == heads {
		t.Fatal("no HEAD was sent: the fault never fired")
	}
	if again.Digest != first.Digest || len(again.Raw) == 0 {
		t.Fatalf("second read: %s (%d bytes), want %s", again.Digest, len(again.Raw), first.Digest)
	}
	heads = s.Heads()
	h, err := c.Head(ctx, ref)
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	if s.Heads() == heads || h.Digest != first.Digest {
		t.Fatalf("Head: digest %s (HEADs %d → %d), want %s", h.Digest, heads, s.Heads(), first.Digest)
	}
	tree, err := c.Tree(ctx, ref, TreeOptions{All: true})
	if err != nil || tree.Digest != first.Digest {
		t.Fatalf("Tree after: %v", err)
	}
}

// A registry error body can neither forge a line nor drive the terminal:
// JSON messages and raw bodies reach the error text with newlines and
// escapes shown, whoever parsed them.
func TestHostileErrorBodyOneLine(t *testing.T) {
	for _, body := range []string{
		`{"errors":[{"code":"NAME_UNKNOWN","message":"gone\nmanifold: pushed evil@sha256:00\r\u001b[2J","detail":"x\ny"}]}`,
		"not json\nmanifold: pushed evil@sha256:00\n\x1b]52;c;aGk=\x07",
	} {
		s := &hostile.Server{ErrorBody: []byte(body)}
		host := s.Start(t)
		c := hostileClient(t)
		ctx := deadline(t, time.Minute)
		_, err := c.Get(ctx, host+"/nothing:v1")
		if err == nil || !errors.Is(err, ErrNotFound) {
			t.Fatalf("err = %v, want not found", err)
		}
		_, lerr := listAll(ctx, c, false, host+"/nothing")
		for _, e := range []error{err, lerr} {
			msg := e.Error()
			if strings.ContainsAny(msg, "\n\r\x1b\x07") {
				t.Fatalf("error text holds a raw control character: %q", msg)
			}
			if !strings.Contains(msg, `\x0amanifold: pushed`) {
				t.Fatalf("the registry's message is not shown escaped: %q", msg)
			}
		}
	}
}

// A body trickled just fast enough for the stall rule is cut by the
// per-request deadline; a large one by the minimum rate; the error says
// which rule fired. A body that keeps the rules is read whole.
func TestHostileTrickleDeadlineAndRate(t *testing.T) {
	cases := []struct {
		name string
		to   Timeouts
		rule TimeoutRule
		want string
	}{
		{"deadline", Timeouts{Stall: 500 * time.Millisecond, MinBytes: 1, Total: time.Second}, RuleDeadline, "within 1s, the per-request deadline"},
		{"rate", Timeouts{Stall: 300 * time.Millisecond, MinBytes: 1, LargeBody: 100, MinRate: 1000}, RuleRate, "less than 1000 bytes/s on average, the minimum rate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &hostile.Server{Trickle: 40}
			host := s.Start(t)
			c := hostileClient(t, func(o *Options) { o.Timeouts = tc.to })
			_, err := c.Get(deadline(t, time.Minute), host+"/small:v1")
			var te *TimeoutError
			if !errors.As(err, &te) || te.Rule != tc.rule || !errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want the %s rule", err, tc.name)
			}
			wantErr(t, err, tc.want)
			if s.BytesSent() == 0 {
				t.Fatal("nothing was trickled: the fault never fired")
			}
		})
	}
	s := &hostile.Server{Trickle: 1 << 20}
	host := s.Start(t)
	c := hostileClient(t, func(o *Options) {
		o.Timeouts = Timeouts{Stall: time.Second, MinBytes: 1, Total: time.Minute, LargeBody: 100, MinRate: 10}
	})
	if _, err := c.Get(deadline(t, time.Minute), host+"/small:v1"); err != nil {
		t.Fatalf("a steady body was cut: %v", err)
	}
}

// entryErrs counts the entries whose error holds substr, and those with an
// image.
func entryErrs(t *model.Tree, substr string) (errs, images int) {
	for _, e := range t.Entries {
		if e.Err != "" && strings.Contains(e.Err, substr) {
			errs++
		}
		if e.Image != nil {
			images++
		}
	}
	return errs, images
}

// An index of 300 children of 2 MiB each: only the first 256 are asked for
// (Tree.LeftOut says 44 were left out), each refused past the 1 MiB child
// limit, announced or chunked; the heap holds no child, and nothing is
// cached.
func TestHostileFatIndex(t *testing.T) {
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			s := &hostile.Server{Children: 300, ChildSize: 2 << 20, Chunked: chunked}
			host := s.Start(t)
			cache := t.TempDir()
			c := hostileClient(t, func(o *Options) { o.CacheDir = cache })
			var (
				tree *model.Tree
				err  error
			)
			grew := peakHeap(t, func() { tree, err = c.Tree(deadline(t, time.Minute), host+"/fat:v1", TreeOptions{All: true}) })
			if err != nil {
				t.Fatal(err)
			}
			if len(tree.Entries) != 300 || tree.LeftOut != 300-DefaultChildren {
				t.Fatalf("%d entries, %d left out; want 300 and %d", len(tree.Entries), tree.LeftOut, 300-DefaultChildren)
			}
			tooBig, images := entryErrs(tree, fmt.Sprintf("%d-byte limit", DefaultChildBytes))
			if tooBig != DefaultChildren || images != 0 {
				t.Fatalf("%d children refused as too large, %d images; want %d and 0", tooBig, images, DefaultChildren)
			}
			// The ping, the index, the first 256 children.
			if got := s.Requests(); got > 2+int64(DefaultChildren) || s.ChildrenServed() != DefaultChildren {
				t.Fatalf("%d requests, %d children for an index of 300", got, s.ChildrenServed())
			}
			// Announced: refused before reading. Chunked: at most
			// Concurrency (32) reads of up to 1 MiB in flight, each
			// doubling as it grows, plus what the collector has not
			// swept yet. Keeping the children would be 512 MiB.
			limit := uint64(64 << 20)
			if chunked {
				limit = 128 << 20
			}
			if grew > limit {
				t.Fatalf("heap grew %d MiB, want < %d MiB", grew>>20, limit>>20)
			}
			if err := c.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := dirSize(t, cache); n > 1<<20 {
				t.Fatalf("cache holds %d bytes after a fat index", n)
			}
			t.Logf("requests %d, heap grew %d MiB, sent %d MiB", s.Requests(), grew>>20, s.BytesSent()>>20)
		})
	}
}

// MaxChildren < 0 asks for every child; a smaller cap for fewer.
func TestHostileFatIndexMaxChildren(t *testing.T) {
	s := &hostile.Server{Children: 40, ChildSize: 4 << 10}
	host := s.Start(t)
	c := hostileClient(t)
	ctx := deadline(t, time.Minute)
	all, err := c.Tree(ctx, host+"/fat:v1", TreeOptions{All: true, MaxChildren: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, images := entryErrs(all, "-"); images != 40 || all.LeftOut != 0 {
		t.Fatalf("MaxChildren -1: %d images, %d left out", images, all.LeftOut)
	}
	some, err := c.Tree(ctx, host+"/fat:v1", TreeOptions{All: true, MaxChildren: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, images := entryErrs(some, "-"); images != 10 || some.LeftOut != 30 {
		t.Fatalf("MaxChildren 10: %d images, %d left out", images, some.LeftOut)
	}
}

// Children under the child limit but over the tree's byte budget: fetching
// stops once the budget is spent, and the entries say why.
func TestHostileTreeBudget(t *testing.T) {
	s := &hostile.Server{Children: 100, ChildSize: 600 << 10}
	host := s.Start(t)
	c := hostileClient(t, func(o *Options) { o.Limits.TreeBytes = 4 << 20; o.Concurrency = 4 })
	tree, err := c.Tree(deadline(t, time.Minute), host+"/fat:v1", TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	over, images := entryErrs(tree, "4194304-byte limit")
	if over == 0 || images == 0 {
		t.Fatalf("%d entries over the budget, %d images; want both", over, images)
	}
	if kept := int64(images) * (600 << 10); kept > 4<<20+4*DefaultChildBytes {
		t.Fatalf("kept %d bytes, budget 4 MiB + in flight", kept)
	}
	if got := s.Requests(); got >= 100 {
		t.Fatalf("%d requests: the budget did not stop fetching", got)
	}
}

func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The disk cache stays within its limit while a tree writes more than it,
// evicting least recently used first, and two clients (two processes)
// evicting the same directory at once leave only whole, verified entries.
func TestHostileCacheBounded(t *testing.T) {
	s := &hostile.Server{Children: 120, ChildSize: 8 << 10}
	host := s.Start(t)
	dir := t.TempDir()
	const limit = 256 << 10
	mk := func() *Client {
		return hostileClient(t, func(o *Options) { o.CacheDir = dir; o.CacheMaxBytes = limit })
	}
	c := mk()
	ctx := deadline(t, time.Minute)
	if _, err := c.Tree(ctx, host+"/fat:v1", TreeOptions{All: true, MaxChildren: -1}); err != nil {
		t.Fatal(err)
	}
	if s.ChildrenServed() != 120 {
		t.Fatalf("%d children served: the writes never passed the limit", s.ChildrenServed())
	}
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := dirSize(t, dir); n > limit {
		t.Fatalf("cache holds %d bytes, limit %d", n, limit)
	}
	st, err := c.CacheStats()
	if err != nil || st.Bytes > limit || st.Entries == 0 || st.Limit != limit {
		t.Fatalf("CacheStats = %+v, %v", st, err)
	}

	// Least recently used: an old entry that is read survives the next
	// eviction; old ones not read are gone.
	entries, _ := c.cache.scan()
	old := time.Now().Add(-time.Hour)
	for _, e := range entries {
		_ = os.Chtimes(e.path, old, old)
	}
	idx := filepath.Join(c.cache.dir, "blobs", "sha256") + string(filepath.Separator)
	var kept string
	for _, e := range entries {
		if strings.HasPrefix(e.path, idx) {
			kept = "sha256:" + filepath.Base(e.path)
			break
		}
	}
	if _, _, ok := c.cache.get(kept); !ok {
		t.Fatal("cached entry not readable")
	}
	if _, _, err := c.PruneCache(false); err != nil {
		t.Fatal(err)
	}
	c.cache.max = 32 << 10
	if _, _, err := c.PruneCache(false); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := c.cache.get(kept); !ok {
		t.Fatal("the entry read last was evicted before older ones")
	}
	if n := dirSize(t, dir); n > 32<<10 {
		t.Fatalf("after prune: %d bytes, limit 32 KiB", n)
	}

	// Two clients on one directory, writing and evicting at once.
	a, b := mk(), mk()
	errs := make(chan error, 2)
	for _, cl := range []*Client{a, b} {
		go func() {
			_, err := cl.Tree(ctx, host+"/fat:v1", TreeOptions{All: true, MaxChildren: -1})
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, cl := range []*Client{a, b} {
		if err := cl.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ = a.cache.scan()
	for _, e := range entries {
		if !strings.HasPrefix(e.path, idx) {
			continue
		}
		d := "sha256:" + filepath.Base(e.path)
		if _, _, ok := a.cache.get(d); !ok {
			t.Fatalf("entry %s is not whole after concurrent eviction", d)
		}
	}
	// Each process counts its own writes and re-measures when it evicts
	// (down to 80%): what one holds after its last eviction (≤ 80%), plus
	// its writes since (≤ 20% before it evicts again), plus the other's
	// writes since that measure (≤ 20% for the same reason) is at most
	// 1.4× the limit until the next eviction, which the prune below shows.
	// (Under Wine, 1.29× was seen; the bound used to be 1.1×, which only
	// held when the two interleaved finely.)
	if n := dirSize(t, dir); n > limit*3/2 {
		t.Fatalf("cache holds %d bytes after two writers, limit %d", n, limit)
	}
	if _, _, err := a.PruneCache(false); err != nil || dirSize(t, dir) > limit {
		t.Fatalf("prune after two writers: %v, %d bytes", err, dirSize(t, dir))
	}
	if removed, _, err := a.PruneCache(true); err != nil || removed == 0 || dirSize(t, dir) != 0 {
		t.Fatalf("prune --all: removed %d, %v, %d bytes left", removed, err, dirSize(t, dir))
	}
}

// A token endpoint whose answer is a gzip bomb: refused at the token limit,
// counted after inflating.
func TestHostileTokenBomb(t *testing.T) {
	s := &hostile.Server{TokenBomb: 1 << 30, Tags: []string{"v1"}}
	host := s.Start(t)
	c := hostileClient(t)
	var err error
	grew := peakHeap(t, func() { _, err = listAll(deadline(t, time.Minute), c, false, host+"/app") })
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want too large", err)
	}
	wantErr(t, err, "token response", "limit")
	if s.BytesSent() == 0 {
		t.Fatal("the token bomb was never sent")
	}
	if grew > 64<<20 {
		t.Fatalf("heap grew %d MiB on a token bomb", grew>>20)
	}
}

// An error body is quoted short: a registry's 64 KiB of text (or a gzip
// bomb behind a 404) is not printed whole to the terminal, in plain text,
// in one JSON string, or in a JSON array of many errors.
func TestHostileErrorBodyQuotedShort(t *testing.T) {
	var many strings.Builder
	many.WriteString(`{"errors":[`)
	for i := 0; i < 2000; i++ {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `{"code":"NAME_UNKNOWN","message":"error number %d of many"}`, i)
	}
	many.WriteString(`]}`)
	for name, body := range map[string]string{
		"text":       "first words " + strings.Repeat("x", 1<<20),
		"jsonstring": `{"errors":[{"code":"NAME_UNKNOWN","message":"first words ` + strings.Repeat("x", 60<<10) + `"}]}`,
		"jsonarray":  many.String(),
		"jsondetail": `{"errors":[{"code":"NAME_UNKNOWN","message":"first words","detail":{` + detailKeys() + `}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			s := &hostile.Server{ErrorBody: []byte(body)}
			host := s.Start(t)
			c := hostileClient(t)
			ctx := deadline(t, time.Minute)
			_, err := c.Get(ctx, host+"/nothing:v1")
			if err == nil || !errors.Is(err, ErrNotFound) {
				t.Fatalf("err = %v, want not found", err)
			}
			_, lerr := listAll(ctx, c, false, host+"/nothing")
			for _, e := range []error{err, lerr} {
				msg := e.Error()
				if len(msg) > 4<<10 {
					t.Fatalf("error text is %d bytes, want the registry's body quoted short: %.300q…", len(msg), msg)
				}
				if !strings.Contains(msg, "first words") && !strings.Contains(msg, "error number 0 of many") {
					t.Fatalf("the registry's message is not quoted: %.300q", msg)
				}
			}
		})
	}
}

func detailKeys() string {
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"key%04d":"value"`, i)
	}
	return b.String()
}

// nestedIndexServer serves an index of subs indexes of kids image
// manifests each (all distinct), and counts the manifests served and the
// referrer lists asked for (each once).
func nestedIndexServer(t *testing.T, subs, kids int) (host string, manifests, referrers *atomic.Int64) {
	t.Helper()
	blobs := map[string][]byte{}
	put := func(v any) (string, int) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		d := fmt.Sprintf("sha256:%x", sha256.Sum256(b))
		blobs[d] = b
		return d, len(b)
	}
	cfg := []byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`)
	cfgDigest := fmt.Sprintf("sha256:%x", sha256.Sum256(cfg))
	var subDescs []any
	for i := 0; i < subs; i++ {
		var kidDescs []any
		for j := 0; j < kids; j++ {
			d, n := put(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
				"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfgDigest, "size": len(cfg)},
				"layers": []any{}, "annotations": map[string]string{"n": fmt.Sprint(i, "-", j)}})
			kidDescs = append(kidDescs, map[string]any{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "size": n,
				"platform": map[string]string{"os": "linux", "architecture": "amd64", "variant": fmt.Sprint("v", j)}})
		}
		d, n := put(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": kidDescs})
		subDescs = append(subDescs, map[string]any{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": d, "size": n})
	}
	root, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": subDescs})
	manifests, referrers = &atomic.Int64{}, &atomic.Int64{}
	var askedFor sync.Map // referrer lists asked for, each counted once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/v2/" {
			return
		}
		if strings.Contains(p, "/referrers/") {
			if _, dup := askedFor.LoadOrStore(p, true); !dup {
				referrers.Add(1)
			}
			w.WriteHeader(http.StatusNotFound) // no referrers API
			return
		}
		ref := p[strings.LastIndex(p, "/")+1:]
		b, ok := blobs[ref]
		switch {
		case strings.Contains(p, "/blobs/") && ref == cfgDigest:
			b, ok = cfg, true
		case strings.Contains(p, "/manifests/") && ref == "v1":
			b, ok = root, true
		}
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if strings.Contains(p, "/manifests/") {
			manifests.Add(1) // fetched: a tag-schema look-up (sha256-…) is a 404
			var mt struct{ MediaType string }
			_ = json.Unmarshal(b, &mt)
			w.Header().Set("Content-Type", mt.MediaType)
		}
		w.Header().Set("Docker-Content-Digest", fmt.Sprintf("sha256:%x", sha256.Sum256(b)))
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(b)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), manifests, referrers
}

// Indexes nested in an index do not multiply the fan-out: the children
// cap holds for the tree, not only for each index (an index of 40 indexes
// of 40 images each, with a cap of 30, asks for the index and 30 children,
// not 1,640), and the ones left out are counted.
func TestHostileNestedFanOut(t *testing.T) {
	host, manifests, referrerAsks := nestedIndexServer(t, 40, 40)
	c := hostileClient(t, func(o *Options) { o.Limits.Children = 30 })
	tree, err := c.Tree(deadline(t, time.Minute), host+"/nest:v1", TreeOptions{All: true, Supply: true})
	if err != nil {
		t.Fatal(err)
	}
	got := manifests.Load()
	// Referrers of the children left out are not asked for either.
	if n := referrerAsks.Load(); n > 1+30 {
		t.Fatalf("%d referrer requests (%d manifests), want at most the index's and its 30 children's", n, manifests.Load())
	}
	if got != 1+30 {
		t.Fatalf("%d manifest requests for a nested index with a children cap of 30, want the index and 30 children", got)
	}
	// The 10 child indexes past the cap of 30, and at least one within it
	// that the tree's cap left unfetched, are counted as left out.
	if tree.LeftOut < 11 {
		t.Fatalf("left out %d, want the children not fetched counted (%d manifests fetched)", tree.LeftOut, got)
	}
	t.Logf("%d manifest requests, %d left out", got, tree.LeftOut)
}
