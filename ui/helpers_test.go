package ui

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
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
)

// fakeRegistry serves listings and trees from memory. Listing pages are
// pageSize names; gate, when set, must receive once before each page after
// the first (so tests can see the first page alone).
type fakeRegistry struct {
	mu       sync.Mutex
	repos    []string
	tags     map[string][]string
	trees    map[string]*model.Tree
	errs     map[string]error // by registry, repository or reference
	pageSize int
	gate     chan struct{}
	calls    []string
	// treeCtxs records the context of each Tree call (cancellation tests).
	treeCtxs []context.Context
	block    chan struct{} // Tree waits for this (or ctx) when set
	// heads counts Head calls (not recorded in calls: a scroll through
	// 100,000 tags must not grow the fake's heap).
	heads atomic.Int64
	// retry, when set, is reported through the context's retry observer
	// at the start of every listing and Tree call, as the real transport
	// does before it waits; a listing then waits for block too, when set.
	retry *registry.RetryEvent
}

func (f *fakeRegistry) record(s string) {
	f.mu.Lock()
	f.calls = append(f.calls, s)
	f.mu.Unlock()
}

func (f *fakeRegistry) list(ctx context.Context, key string, names []string, yield func(registry.Page) error) error {
	f.record("list " + key)
	if f.retry != nil {
		registry.NotifyRetry(ctx, *f.retry)
		if f.block != nil {
			select {
			case <-f.block:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	if err := f.errs[key]; err != nil {
		return err
	}
	n := f.pageSize
	if n <= 0 {
		n = 1000
	}
	for i := 0; i < len(names) || i == 0; i += n {
		if i > 0 && f.gate != nil {
			select {
			case <-f.gate:
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

func (f *fakeRegistry) Repositories(ctx context.Context, reg string, yield func(registry.Page) error) error {
	return f.list(ctx, reg, f.repos, yield)
}

func (f *fakeRegistry) Tags(ctx context.Context, repo string, yield func(registry.Page) error) error {
	return f.list(ctx, repo, f.tags[repo], yield)
}

func (f *fakeRegistry) Tree(ctx context.Context, ref string, _ registry.TreeOptions) (*model.Tree, error) {
	f.record("tree " + ref)
	f.mu.Lock()
	f.treeCtxs = append(f.treeCtxs, ctx)
	f.mu.Unlock()
	if f.retry != nil {
		registry.NotifyRetry(ctx, *f.retry)
	}
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := f.errs[ref]; err != nil {
		return nil, err
	}
	t, ok := f.trees[ref]
	if !ok {
		return nil, regStatus(http.StatusNotFound)
	}
	return t, nil
}

// Head answers like Get, without the content.
func (f *fakeRegistry) Head(ctx context.Context, ref string) (*registry.Manifest, error) {
	f.heads.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t, ok := f.trees[ref]; ok {
		return &registry.Manifest{Repository: t.Repository, Digest: t.Digest, MediaType: t.MediaType}, nil
	}
	return nil, regStatus(http.StatusNotFound)
}

func (f *fakeRegistry) Get(ctx context.Context, ref string) (*registry.Manifest, error) {
	f.record("get " + ref)
	if t, ok := f.trees[ref]; ok {
		return &registry.Manifest{Repository: t.Repository, Digest: t.Digest, MediaType: t.MediaType, Raw: t.Raw}, nil
	}
	return nil, regStatus(http.StatusNotFound)
}

// content is a JSON document and its digest.
type content struct {
	raw    []byte
	digest string
	mt     string
}

func mkContent(mt string, v any) content {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(b)
	return content{raw: b, digest: "sha256:" + hex.EncodeToString(sum[:]), mt: mt}
}

func (c content) desc(p *model.Platform, ann map[string]string) map[string]any {
	d := map[string]any{"mediaType": c.mt, "digest": c.digest, "size": len(c.raw)}
	if p != nil {
		d["platform"] = p
	}
	if ann != nil {
		d["annotations"] = ann
	}
	return d
}

// testImage adds an image with a config for platform cfg to store.
func testImage(store model.Store, seed string, cfg model.Platform, layers int) content {
	conf := mkContent(model.MediaTypeOCIConfig, map[string]any{
		"os": cfg.OS, "architecture": cfg.Architecture, "variant": cfg.Variant, "os.version": cfg.OSVersion,
		"config": map[string]any{"Entrypoint": []string{"/app"}, "Env": []string{"SEED=" + seed}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{}},
	})
	store[conf.digest] = model.Content{MediaType: conf.mt, Raw: conf.raw}
	var ls []map[string]any
	for i := 0; i < layers; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s-layer-%d", seed, i)))
		ls = append(ls, map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
			"digest": "sha256:" + hex.EncodeToString(sum[:]), "size": 1000000 * (i + 1)})
	}
	m := mkContent(model.MediaTypeOCIManifest, map[string]any{"schemaVersion": 2, "mediaType": model.MediaTypeOCIManifest,
		"config": conf.desc(nil, nil), "layers": ls})
	store[m.digest] = model.Content{MediaType: m.mt, Raw: m.raw}
	return m
}

// testTree builds, through model.Build, an OCI index of n platform entries
// (cycling through common platforms) plus: an attestation for the first,
// a missing child, and an entry whose config disagrees with its platform.
func testTree(n int) *model.Tree {
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
		im := testImage(store, fmt.Sprint("img", i), p, 2)
		pp := p
		descs = append(descs, im.desc(&pp, nil))
		if i == 0 {
			att := testImage(store, "att0", model.Platform{OS: "unknown", Architecture: "unknown"}, 1)
			descs = append(descs, att.desc(&model.Platform{OS: "unknown", Architecture: "unknown"}, map[string]string{
				model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: im.digest}))
		}
	}
	// A child the registry lost.
	gone := mkContent(model.MediaTypeOCIManifest, map[string]any{"gone": true})
	descs = append(descs, gone.desc(&model.Platform{OS: "linux", Architecture: "riscv64"}, nil))
	store[gone.digest] = model.Content{NotFound: true}
	// A descriptor that says arm64 over an amd64 config.
	liar := testImage(store, "liar", model.Platform{OS: "linux", Architecture: "amd64"}, 1)
	descs = append(descs, liar.desc(&model.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}, nil))
	idx := mkContent(model.MediaTypeOCIIndex, map[string]any{"schemaVersion": 2, "mediaType": model.MediaTypeOCIIndex,
		"manifests": descs, "annotations": map[string]string{"org.opencontainers.image.source": "https://example.com/app"}})
	store[idx.digest] = model.Content{MediaType: idx.mt, Raw: idx.raw}
	t, err := model.Build("localhost:5000/app:1.0", "localhost:5000/app", idx.digest, store)
	if err != nil {
		panic(err)
	}
	return t
}

// singleTree is a single-platform image.
func singleTree() *model.Tree {
	store := model.Store{}
	im := testImage(store, "single", model.Platform{OS: "linux", Architecture: "amd64"}, 3)
	t, err := model.Build("localhost:5000/cli:2.0", "localhost:5000/cli", im.digest, store)
	if err != nil {
		panic(err)
	}
	return t
}

func newFake() *fakeRegistry {
	f := &fakeRegistry{
		repos: []string{"acme/web", "acme/cli", "library/alpine", "library/golang", "team/api"},
		tags: map[string][]string{
			"localhost:5000/app": {"latest", "1.0", "1.10", "1.9", "2.0.0-rc.1", "2.0.0"},
			"localhost:5000/cli": {"2.0"},
		},
		trees: map[string]*model.Tree{
			"localhost:5000/app:1.0":  testTree(5),
			"localhost:5000/app:1.10": testTree(3), // fewer platforms: the diff screen
			"localhost:5000/cli:2.0":  singleTree(),
			"localhost:5000/win:ltsc": windowsTree(),
		},
		errs: map[string]error{},
	}
	return f
}

// harness drives a Model without a terminal: it calls Update and runs the
// commands that come back (dropping timers: spinner ticks and cursor blinks),
// recording the clipboard and whether the program quit.
type harness struct {
	t         testing.TB
	m         *Model
	clipboard string
	quit      bool
	// wait is how long a wave of commands may take before the ones still
	// running count as timers (cmdWait, or realWait against a real registry).
	wait time.Duration
}

func newHarness(t testing.TB, f common.Registry, start string, w, h int, mod ...func(*common.Options)) *harness {
	t.Helper()
	opts := common.Options{Registry: f, Start: start, NoColor: true,
		HostPlatform: model.Platform{OS: "linux", Architecture: "amd64"}}
	for _, fn := range mod {
		fn(&opts)
	}
	m, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	hs := &harness{t: t, m: m, wait: cmdWait}
	if _, real := f.(*registry.Client); real {
		// Real HTTP under -race on a loaded machine can take far longer
		// than a fake; timers still end the wave when they fire.
		hs.wait = realWait
	}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(m.Init())
	return hs
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// run executes cmd and feeds its messages back, in waves: the commands of a
// wave run at once, and ones still waiting after cmdWait (timers) are
// dropped.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	wave := []tea.Cmd{cmd}
	for steps := 0; len(wave) > 0; steps++ {
		if steps > 1000 {
			h.t.Fatal("too many commands: a loop?")
		}
		msgs := runWave(wave, h.wait)
		wave = nil
		for len(msgs) > 0 {
			msg := msgs[0]
			msgs = msgs[1:]
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				wave = append(wave, msg...)
			case tea.QuitMsg:
				h.quit = true
			default:
				typ := fmt.Sprintf("%T", msg)
				switch {
				case strings.HasPrefix(typ, "spinner.") || strings.HasPrefix(typ, "cursor."):
				case typ == "tea.setClipboardMsg":
					h.clipboard = fmt.Sprint(msg)
				case strings.HasPrefix(typ, "tea.") && typ != "tea.KeyPressMsg":
					// terminal requests (background colour …): nothing to answer
				default:
					_, next := h.m.Update(msg)
					wave = append(wave, next)
				}
			}
		}
	}
}

// cmdWait is how long a command may take before it counts as a timer, with a
// fake registry; realWait is the same against a real one.
const (
	cmdWait  = 300 * time.Millisecond
	realWait = 5 * time.Second
)

// runWave runs commands concurrently and returns their messages in order.
func runWave(cmds []tea.Cmd, wait time.Duration) []tea.Msg {
	out := make([]tea.Msg, len(cmds))
	var wg sync.WaitGroup
	if wait <= 0 {
		wait = cmdWait
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

func (h *harness) keys(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
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

// screen is the rendered screen without colours.
func (h *harness) screen() string { return ansi.Strip(h.m.View().Content) }

func unauthorized() error { return regStatus(http.StatusUnauthorized) }

// regStatus is a registry answer with an HTTP status, as the registry
// client returns it (a *registry.StatusError over go-containerregistry's
// *transport.Error).
func regStatus(code int) error {
	return &registry.StatusError{What: "fake request", Status: code, Err: &transport.Error{StatusCode: code}}
}
