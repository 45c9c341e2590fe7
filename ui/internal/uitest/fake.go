// Package uitest is what the UI's tests share: a registry served from
// memory (FakeRegistry, TestTree ...), key presses by name, and a Harness
// that drives the root without a terminal. Test code only: nothing shipped
// imports it (TestUIDependencyRules).
package uitest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
)

func Unauthorized() error { return RegStatus(http.StatusUnauthorized) }

// RegStatus is a registry answer with an HTTP status, as the registry
// client returns it (a *registry.StatusError over go-containerregistry's
// *transport.Error).
func RegStatus(code int) error {
	return &registry.StatusError{What: "fake request", Status: code, Err: &transport.Error{StatusCode: code}}
}

// KeyMsg is the key press named k ("enter", "esc", "down", "ctrl+d" …), or
// the key of its first rune.
func KeyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+d":
		return tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// CmdWait is how long a command may take before it counts as a timer, with a
// fake registry; RealWait is the same against a real one.
const (
	CmdWait  = 300 * time.Millisecond
	RealWait = 5 * time.Second
)

// RunWave runs commands concurrently and returns their messages in order.
func RunWave(cmds []tea.Cmd, wait time.Duration) []tea.Msg {
	out := make([]tea.Msg, len(cmds))
	var wg sync.WaitGroup
	if wait <= 0 {
		wait = CmdWait
	}
	deadline := time.After(wait)
	done := make(chan struct{})
	var mu sync.Mutex
	for i, c := range cmds {
		if c == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := c()
			mu.Lock()
			out[i] = m
			mu.Unlock()
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-deadline:
	}
	mu.Lock()
	defer mu.Unlock()
	return append([]tea.Msg(nil), out...)
}

// FakeRegistry serves listings and trees from memory. Listing pages are
// pageSize names; gate, when set, must receive once before each page after
// the first (so tests can see the first page alone).
type FakeRegistry struct {
	Mu       sync.Mutex
	Repos    []string
	TagsOf   map[string][]string
	Trees    map[string]*model.Tree
	Errs     map[string]error // by registry, repository or reference
	PageSize int
	Gate     chan struct{}
	Calls    []string
	// TreeCtxs records the context of each Tree call (cancellation tests).
	TreeCtxs []context.Context
	Block    chan struct{} // Tree waits for this (or ctx) when set
	// Heads counts Head calls (not recorded in calls: a scroll through
	// 100,000 tags must not grow the fake's heap).
	Heads atomic.Int64
	// Retry, when set, is reported through the context's retry observer
	// at the start of every listing and Tree call, as the real transport
	// does before it waits; a listing then waits for block too, when set.
	Retry *registry.RetryEvent
}

func (f *FakeRegistry) record(s string) {
	f.Mu.Lock()
	f.Calls = append(f.Calls, s)
	f.Mu.Unlock()
}

func (f *FakeRegistry) list(ctx context.Context, key string, names []string, yield func(registry.Page) error) error {
	f.record("list " + key)
	if f.Retry != nil {
		registry.NotifyRetry(ctx, *f.Retry)
		if f.Block != nil {
			select {
			case <-f.Block:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	if err := f.Errs[key]; err != nil {
		return err
	}
	n := f.PageSize
	if n <= 0 {
		n = 1000
	}
	for i := 0; i < len(names) || i == 0; i += n {
		if i > 0 && f.Gate != nil {
			select {
			case <-f.Gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		end := min(i+n, len(names))
		if err := yield(registry.Page{Names: names[i:end], More: end < len(names)}); err != nil {
			return err
		}
		if end >= len(names) {
			break
		}
	}
	return nil
}

func (f *FakeRegistry) Repositories(ctx context.Context, reg string, yield func(registry.Page) error) error {
	return f.list(ctx, reg, f.Repos, yield)
}

func (f *FakeRegistry) Tags(ctx context.Context, repo string, yield func(registry.Page) error) error {
	return f.list(ctx, repo, f.TagsOf[repo], yield)
}

func (f *FakeRegistry) Tree(ctx context.Context, ref string, _ registry.TreeOptions) (*model.Tree, error) {
	f.record("tree " + ref)
	f.Mu.Lock()
	f.TreeCtxs = append(f.TreeCtxs, ctx)
	f.Mu.Unlock()
	if f.Retry != nil {
		registry.NotifyRetry(ctx, *f.Retry)
	}
	if f.Block != nil {
		select {
		case <-f.Block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := f.Errs[ref]; err != nil {
		return nil, err
	}
	t, ok := f.Trees[ref]
	if !ok {
		return nil, RegStatus(http.StatusNotFound)
	}
	return t, nil
}

// Head answers like Get, without the content.
func (f *FakeRegistry) Head(ctx context.Context, ref string) (*registry.Manifest, error) {
	f.Heads.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t, ok := f.Trees[ref]; ok {
		return &registry.Manifest{Repository: t.Repository, Digest: t.Digest, MediaType: t.MediaType}, nil
	}
	return nil, RegStatus(http.StatusNotFound)
}

func (f *FakeRegistry) Get(ctx context.Context, ref string) (*registry.Manifest, error) {
	f.record("get " + ref)
	if t, ok := f.Trees[ref]; ok {
		return &registry.Manifest{Repository: t.Repository, Digest: t.Digest, MediaType: t.MediaType, Raw: t.Raw}, nil
	}
	return nil, RegStatus(http.StatusNotFound)
}

// Content is a JSON document and its digest.
type Content struct {
	Raw       []byte
	Digest    string
	MediaType string
}

func MkContent(mt string, v any) Content {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return Content{Raw: b, Digest: "sha256:" + hex.EncodeToString(sum[:]), MediaType: mt}
}

func (c Content) Desc(p *model.Platform, ann map[string]string) map[string]any {
	d := map[string]any{"mediaType": c.MediaType, "digest": c.Digest, "size": len(c.Raw)}
	if p != nil {
		d["platform"] = p
	}
	if ann != nil {
		d["annotations"] = ann
	}
	return d
}

// TestImage adds an image with a config for platform cfg to store.
func TestImage(store model.Store, seed string, cfg model.Platform, layers int) Content {
	conf := MkContent(model.MediaTypeOCIConfig, map[string]any{
		"os": cfg.OS, "architecture": cfg.Architecture, "variant": cfg.Variant, "os.version": cfg.OSVersion,
		"config": map[string]any{"Entrypoint": []string{"/app"}, "Env": []string{"SEED=" + seed}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{}},
	})
	store[conf.Digest] = model.Content{MediaType: conf.MediaType, Raw: conf.Raw}
	var ls []map[string]any
	for i := 0; i < layers; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s-layer-%d", seed, i)))
		ls = append(ls, map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
			"digest": "sha256:" + hex.EncodeToString(sum[:]), "size": 1000000 * (i + 1)})
	}
	m := MkContent(model.MediaTypeOCIManifest, map[string]any{"schemaVersion": 2, "mediaType": model.MediaTypeOCIManifest,
		"config": conf.Desc(nil, nil), "layers": ls})
	store[m.Digest] = model.Content{MediaType: m.MediaType, Raw: m.Raw}
	return m
}

// TestTree builds, through model.Build, an OCI index of n platform entries
// (cycling through common platforms) plus: an attestation for the first,
// a missing child, and an entry whose config disagrees with its platform.
func TestTree(n int) *model.Tree {
	store := model.Store{}
	plats := []model.Platform{
		{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"},
		{OS: "linux", Architecture: "arm", Variant: "v7"}, {OS: "linux", Architecture: "arm", Variant: "v6"},
		{OS: "windows", Architecture: "amd64", OSVersion: "10.0.20348.2849"},
		{OS: "linux", Architecture: "ppc64le"}, {OS: "linux", Architecture: "s390x"},
	}
	var descs []map[string]any
	for i := 0; i < n; i++ {
		p := plats[i%len(plats)]
		im := TestImage(store, fmt.Sprint("img", i), p, 2)
		pp := p
		descs = append(descs, im.Desc(&pp, nil))
		if i == 0 {
			att := TestImage(store, "att0", model.Platform{OS: "unknown", Architecture: "unknown"}, 1)
			descs = append(descs, att.Desc(&model.Platform{OS: "unknown", Architecture: "unknown"}, map[string]string{
				model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: im.Digest}))
		}
	}
	// A child the registry lost.
	gone := MkContent(model.MediaTypeOCIManifest, map[string]any{"gone": true})
	descs = append(descs, gone.Desc(&model.Platform{OS: "linux", Architecture: "riscv64"}, nil))
	store[gone.Digest] = model.Content{NotFound: true}
	// A descriptor that says arm64 over an amd64 config.
	liar := TestImage(store, "liar", model.Platform{OS: "linux", Architecture: "amd64"}, 1)
	descs = append(descs, liar.Desc(&model.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}, nil))
	idx := MkContent(model.MediaTypeOCIIndex, map[string]any{"schemaVersion": 2, "mediaType": model.MediaTypeOCIIndex,
		"manifests": descs, "annotations": map[string]string{"org.opencontainers.image.source": "https://example.com/app"}})
	store[idx.Digest] = model.Content{MediaType: idx.MediaType, Raw: idx.Raw}
	t, err := model.Build("localhost:5000/app:1.0", "localhost:5000/app", idx.Digest, store)
	if err != nil {
		panic(err)
	}
	return t
}

// SingleTree is a single-platform image.
func SingleTree() *model.Tree {
	store := model.Store{}
	im := TestImage(store, "single", model.Platform{OS: "linux", Architecture: "amd64"}, 3)
	t, err := model.Build("localhost:5000/cli:2.0", "localhost:5000/cli", im.Digest, store)
	if err != nil {
		panic(err)
	}
	return t
}

func NewFake() *FakeRegistry {
	f := &FakeRegistry{
		Repos: []string{"acme/web", "acme/cli", "library/alpine", "library/golang", "team/api"},
		TagsOf: map[string][]string{
			"localhost:5000/app": {"latest", "1.0", "1.10", "1.9", "2.0.0-rc.1", "2.0.0"},
			"localhost:5000/cli": {"2.0"},
		},
		Trees: map[string]*model.Tree{
			"localhost:5000/app:1.0":  TestTree(5),
			"localhost:5000/app:1.10": TestTree(3), // fewer platforms: the diff screen
			"localhost:5000/cli:2.0":  SingleTree(),
			"localhost:5000/win:ltsc": WindowsTree(),
		},
		Errs: map[string]error{},
	}
	return f
}

// WindowsTree is an index of three windows builds, oldest first, and a
// linux entry.
func WindowsTree() *model.Tree {
	store := model.Store{}
	plats := []model.Platform{
		{OS: "windows", Architecture: "amd64", OSVersion: "10.0.17763.6532"},
		{OS: "windows", Architecture: "amd64", OSVersion: "10.0.20348.2849"},
		{OS: "windows", Architecture: "amd64", OSVersion: "10.0.26100.2314"},
		{OS: "linux", Architecture: "amd64"},
	}
	var descs []map[string]any
	for i, p := range plats {
		im := TestImage(store, "win"+string(rune('0'+i)), p, 1)
		pp := p
		descs = append(descs, im.Desc(&pp, nil))
	}
	idx := MkContent(model.MediaTypeOCIIndex, map[string]any{"schemaVersion": 2, "mediaType": model.MediaTypeOCIIndex, "manifests": descs})
	store[idx.Digest] = model.Content{MediaType: idx.MediaType, Raw: idx.Raw}
	t, err := model.Build("localhost:5000/win:ltsc", "localhost:5000/win", idx.Digest, store)
	if err != nil {
		panic(err)
	}
	return t
}

func (f *FakeRegistry) Gets() int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	n := 0
	for _, c := range f.Calls {
		if strings.HasPrefix(c, "get ") {
			n++
		}
	}
	return n
}

// DeletingFake is a FakeRegistry that can delete: it records the
// references it was asked to delete in Deleted.
type DeletingFake struct {
	*FakeRegistry
	Deleted *[]string
}

// Delete records ref and answers with a made-up digest.
func (f DeletingFake) Delete(_ context.Context, ref string) (string, error) {
	*f.Deleted = append(*f.Deleted, ref)
	return "sha256:" + strings.Repeat("ab", 32), nil
}
