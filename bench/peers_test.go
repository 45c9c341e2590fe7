package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/fixtures"
	"github.com/manifold-dev/manifold/internal/testregistry"
)

// peersInfo is what TestPeersServer tells bench/peers.sh.
type peersInfo struct {
	// Proxies maps a delay in ms ("0", "20", "50") to the host:port of a
	// proxy that delays every request by that much.
	Proxies map[string]string `json:"proxies"`
	Eleven  string            `json:"eleven"` // repo:tag of the 11-platform index with attestations
	Wide    string            `json:"wide"`   // repo:tag of a 200-platform index
	Tags    string            `json:"tags"`   // repo with many tags
	NTags   int               `json:"ntags"`  // how many
	NRepos  int               `json:"nrepos"` // repositories in the catalog
	Seeded  string            `json:"seeded"` // how long seeding took
}

// TestPeersServer serves a real registry (distribution v3) for
// bench/peers.sh behind delaying proxies at 0, 20 and 50 ms, seeded with the
// 11-platform index, a 200-platform index, a repository of
// MANIFOLD_PEERS_TAGS tags (20,000) and a catalog of MANIFOLD_PEERS_REPOS
// repositories (10,000). It writes peersInfo to MANIFOLD_PEERS_INFO and
// runs until MANIFOLD_PEERS_STOP exists (or 30 minutes pass).
func TestPeersServer(t *testing.T) {
	info := os.Getenv("MANIFOLD_PEERS_INFO")
	if info == "" {
		t.Skip("bench/peers.sh runs this")
	}
	ntags, nrepos := envInt("MANIFOLD_PEERS_TAGS", 20000), envInt("MANIFOLD_PEERS_REPOS", 10000)
	start := time.Now()
	r := testregistry.Start(t, testregistry.Options{CatalogMaxEntries: 1000})
	ctx := context.Background()
	set, err := fixtures.Push(ctx, r.Host, fixtures.Only(fixtures.Eleven))
	if err != nil {
		t.Fatal(err)
	}
	wide := r.Host + "/peers/wide:v1"
	seedWide(t, wide, 200)
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	tagRepo := r.Host + "/peers/many-tags"
	if err := remote.Write(mustTag(t, tagRepo+":seed"), img); err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Get(mustTag(t, tagRepo+":seed"))
	if err != nil {
		t.Fatal(err)
	}
	parallel(t, ntags, func(i int) error {
		return remote.Tag(mustTag(t, fmt.Sprintf("%s:1.%d.%d", tagRepo, i/100, i%100)), desc)
	})
	// The catalog: one small image per repository, its blobs mounted from
	// the first.
	parallel(t, nrepos, func(i int) error {
		return remote.Write(mustTag(t, fmt.Sprintf("%s/team-%02d/service-%05d:v1", r.Host, i%50, i)), img)
	})
	p := peersInfo{Proxies: map[string]string{}, Eleven: set[fixtures.Eleven].Repo + ":" + set[fixtures.Eleven].Tag,
		Wide: "peers/wide:v1", Tags: "peers/many-tags", NTags: ntags + 1, NRepos: nrepos + 3, Seeded: time.Since(start).Round(time.Second).String()}
	for _, ms := range []int{0, 20, 50} {
		p.Proxies[fmt.Sprint(ms)] = startProxy(t, r.URL, time.Duration(ms)*time.Millisecond).host()
	}
	b, _ := json.Marshal(p)
	if err := os.WriteFile(info+".tmp", b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(info+".tmp", info); err != nil {
		t.Fatal(err)
	}
	stop := os.Getenv("MANIFOLD_PEERS_STOP")
	for end := time.Now().Add(30 * time.Minute); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if _, err := os.Stat(stop); err == nil {
			return
		}
	}
}

func envInt(k string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(k), &n); err == nil && n >= 0 {
		return n
	}
	return def
}

func mustTag(t *testing.T, ref string) name.Tag {
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	return tag
}

// parallel runs f(0..n-1) 16 at a time and fails on the first error.
func parallel(t *testing.T, n int, f func(i int) error) {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		t.Fatal(first)
	}
}

// seedWide pushes an index of n small images, each its own platform.
func seedWide(t *testing.T, ref string, n int) {
	var adds []mutate.IndexAddendum
	for i := range n {
		img, err := random.Image(64, 1)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf.OS, cf.Architecture = "linux", fmt.Sprintf("arch%d", i)
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: cf.Architecture}}})
	}
	if err := remote.WriteIndex(mustTag(t, ref), mutate.AppendManifests(empty.Index, adds...)); err != nil {
		t.Fatal(err)
	}
}
