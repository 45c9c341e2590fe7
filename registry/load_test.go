package registry

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/testregistry"
)

// TestLoadConcurrentTagLists lists a 10,000-tag repository 50 times at
// once against a real in-process registry (distribution v3), streaming
// pages, and logs peak heap and the time to the first and the last page.
// It asserts that every listing is complete and that the peak heap stays
// far below what holding every answer at once would need. Seeding takes
// several seconds, so it runs only with MANIFOLD_LOAD=1 (make load) and
// never under -short.
func TestLoadConcurrentTagLists(t *testing.T) {
	if testing.Short() || os.Getenv("MANIFOLD_LOAD") == "" {
		t.Skip("load test: set MANIFOLD_LOAD=1 to run it")
	}
	const (
		tags      = 10_000
		listings  = 50
		heapLimit = 256 << 20
	)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	reg := testregistry.Start(t, testregistry.Options{})
	seedStart := time.Now()
	seedTags(t, reg, "load/app", tags)
	t.Logf("seeded %d tags in %s", tags, time.Since(seedStart).Round(time.Millisecond))

	c, err := New(Options{Keychain: authn.NewMultiKeychain(), Concurrency: 16})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	stopSampling := sampleHeap(2 * time.Millisecond)

	first := make([]time.Duration, listings)
	last := make([]time.Duration, listings)
	counts := make([]int, listings)
	errs := make([]error, listings)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range listings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Tags(ctx, reg.Host+"/load/app", func(p Page) error {
				if counts[i] == 0 {
					first[i] = time.Since(start)
				}
				counts[i] += len(p.Names) // streamed: nothing kept
				return nil
			})
			last[i] = time.Since(start)
		}()
	}
	wg.Wait()
	base, p := stopSampling()
	total := time.Since(start)

	for i := range listings {
		if errs[i] != nil {
			t.Fatalf("listing %d: %v", i, errs[i])
		}
		if counts[i] != tags {
			t.Fatalf("listing %d saw %d tags, want %d", i, counts[i], tags)
		}
	}
	slices.Sort(first)
	slices.Sort(last)
	t.Logf("%d concurrent listings of %d tags: total %s", listings, tags, total.Round(time.Millisecond))
	t.Logf("time to first page: median %s, max %s", first[listings/2].Round(time.Millisecond), first[listings-1].Round(time.Millisecond))
	t.Logf("time to last page:  median %s, max %s", last[listings/2].Round(time.Millisecond), last[listings-1].Round(time.Millisecond))
	t.Logf("heap in use: %.1f MiB before, peak %.1f MiB (registry and client in one process)", float64(base)/(1<<20), float64(p)/(1<<20))
	if p > heapLimit {
		t.Fatalf("peak heap %.1f MiB above %d MiB", float64(p)/(1<<20), heapLimit>>20)
	}
}

// sampleHeap starts sampling the live heap every interval, after a GC; the
// returned stop ends it and returns the heap at the start and its peak.
func sampleHeap(interval time.Duration) func() (base, peak uint64) {
	runtime.GC()
	base := heapInuse()
	var max atomic.Uint64
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if h := heapInuse(); h > max.Load() {
				max.Store(h)
			}
			select {
			case <-quit:
				return
			case <-tick.C:
			}
		}
	}()
	return func() (uint64, uint64) {
		close(quit)
		<-done
		return base, max.Load()
	}
}

// heapInuse reads the bytes in in-use heap spans from runtime/metrics
// (cheap enough to sample every few milliseconds, no stop-the-world).
func heapInuse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// seedTags pushes one small image and points n tags at it with concurrent
// manifest PUTs.
func seedTags(t testing.TB, reg *testregistry.Registry, repo string, n int) {
	t.Helper()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(reg.Ref(repo + ":seed"))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	raw, _ := img.RawManifest()
	mt, _ := img.MediaType()
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				u := fmt.Sprintf("%s/v2/%s/manifests/t%05d", reg.URL, repo, i)
				req, _ := http.NewRequest(http.MethodPut, u, bytes.NewReader(raw))
				req.Header.Set("Content-Type", string(mt))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					failed.Store(err)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failed.Store(fmt.Errorf("PUT %s: %s", u, resp.Status))
				}
			}
		}()
	}
	for i := range n - 1 { // plus "seed"
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		t.Fatal(err)
	}
}
