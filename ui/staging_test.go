package ui

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/pages/tree"
	"github.com/manifold-dev/manifold/ui/styles"
)

// stagingEnv is a distribution registry that records the methods of its
// requests, a real client for it, and a staging store in a temp dir.
type stagingEnv struct {
	host    string
	c       *common.Common
	store   *stagestore.Store
	mu      sync.Mutex
	methods []string
	status  []string
	pages   []common.Page
}

func newStagingEnv(t *testing.T) *stagingEnv {
	t.Helper()
	env := &stagingEnv{}
	env.host = testregistry.Start(t, testregistry.Options{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			env.mu.Lock()
			env.methods = append(env.methods, r.Method+" "+r.URL.Path)
			env.mu.Unlock()
			h.ServeHTTP(w, r)
		})
	}}).Host
	client, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := stagestore.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env.store = st
	opts := &common.Options{SteadyCursor: true}
	uitest.WithStore(st)(opts)
	env.c = &common.Common{Ctx: context.Background(), Width: 100, Height: 30, Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: opts, Reg: client, Pages: pages()}
	return env
}

// writes returns the write requests the registry has seen.
func (env *stagingEnv) writes() []string {
	env.mu.Lock()
	defer env.mu.Unlock()
	var out []string
	for _, m := range env.methods {
		if !strings.HasPrefix(m, "GET ") && !strings.HasPrefix(m, "HEAD ") {
			out = append(out, m)
		}
	}
	return out
}

func (env *stagingEnv) image(t *testing.T, ref string, p v1.Platform) string {
	t.Helper()
	img, _ := random.Image(128, 1)
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	img, _ = mutate.ConfigFile(img, cf)
	r, _ := name.ParseReference(ref)
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d.String()
}

// run executes cmd and feeds what it returns to p, as the program would,
// until nothing is left. Status lines and opened pages are recorded; other
// messages (cursor blinks) are dropped.
func (env *stagingEnv) run(p common.Page, cmd tea.Cmd) common.Page {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case common.StatusMsg:
			env.status = append(env.status, msg.Text)
		case common.PushPageMsg:
			env.pages = append(env.pages, msg.Page)
		case common.PopPageMsg:
		case common.Routed:
			var next tea.Cmd
			p, next = p.Update(msg)
			queue = append(queue, next)
		}
	}
	return p
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func (env *stagingEnv) key(p common.Page, s string) common.Page {
	p, cmd := p.Update(press(s))
	return env.run(p, cmd)
}

func (env *stagingEnv) typeText(p common.Page, s string) common.Page {
	for _, r := range s {
		p = env.key(p, string(r))
	}
	return p
}

func (env *stagingEnv) lastStatus() string {
	if len(env.status) == 0 {
		return ""
	}
	return env.status[len(env.status)-1]
}

// TestStagingFlow is the new user's flow: stage two single-platform images
// with a, name the new list, fix one platform to arm/v7 in the form, review
// the diff and push, then read the index back with ggcr.
func TestStagingFlow(t *testing.T) {
	env := newStagingEnv(t)
	amd := env.image(t, env.host+"/hello:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	arm := env.image(t, env.host+"/hello:arm", v1.Platform{OS: "linux", Architecture: "arm64"})
	target := env.host + "/hello:multi"

	// a with no list staged opens the pane asking for a target.
	env.run(nil, stageAdd(env.c, env.host+"/hello:amd64", nil, nil))
	if len(env.pages) != 1 {
		t.Fatalf("a opened %d pages", len(env.pages))
	}
	p := env.pages[0]
	p.SetSize(100, 30)
	p = env.run(p, p.Init())
	if !p.InputFocused() || !strings.Contains(p.View(), "New list") || !strings.Contains(p.View(), env.host+"/hello:multiarch") {
		t.Fatalf("no prompt for the new list:\n%s", p.View())
	}
	sp := p.(*stagingPage)
	sp.input.SetValue(target)
	p = env.key(p, "enter")
	if sp.cur == nil || len(sp.cur.Entries) != 1 || sp.cur.Entries[0].Digest != amd {
		t.Fatalf("list after create: %+v", sp.cur)
	}
	// a on another screen adds to the list changed last, and saves it.
	env.run(nil, stageAdd(env.c, env.host+"/hello:arm", nil, nil))
	if !strings.Contains(env.lastStatus(), "staged linux/arm64") {
		t.Fatalf("status %q", env.lastStatus())
	}
	p = env.run(p, p.Init())
	if len(sp.cur.Entries) != 2 {
		t.Fatalf("entries %d", len(sp.cur.Entries))
	}
	// Edit the second entry's platform.
	p = env.key(p, "j")
	p = env.key(p, "e")
	if sp.dialog != dialogPlatform {
		t.Fatal("e did not open the platform form")
	}
	p = env.key(p, "tab") // to architecture
	sp.form.fields[fieldArch].SetValue("")
	p = env.typeText(p, "arm") // offers arm and arm64
	p = env.key(p, "tab")      // arm is complete: to variant
	p = env.typeText(p, "v7")
	p = env.key(p, "enter")
	if got := sp.cur.Entries[1].Platform.String(); got != "linux/arm/v7" {
		t.Fatalf("platform after the form: %s", got)
	}
	saved, _ := env.store.Load(target)
	if saved.Entries[1].Platform.String() != "linux/arm/v7" {
		t.Fatal("the edit was not saved at once")
	}
	if !strings.Contains(p.View(), "config says") && !strings.Contains(p.View(), "image config says") {
		t.Fatalf("the config mismatch warning is not shown:\n%s", p.View())
	}
	before := len(env.writes())
	// P reviews; it does not write.
	p = env.key(p, "P")
	if sp.dialog != dialogPushConfirm {
		t.Fatalf("dialog %v, status %q", sp.dialog, env.lastStatus())
	}
	view := p.View()
	for _, want := range []string{"Push " + target, "to: " + target, "new tag", "+ linux/amd64", "+ linux/arm/v7", "y push"} {
		if !strings.Contains(view, want) {
			t.Fatalf("confirmation lacks %q:\n%s", want, view)
		}
	}
	if len(env.writes()) != before {
		t.Fatalf("reviewing wrote: %v", env.writes()[before:])
	}
	// esc cancels without writing; P then y pushes.
	p = env.key(p, "esc")
	if sp.dialog != dialogNone || len(env.writes()) != before {
		t.Fatal("esc did not cancel cleanly")
	}
	p = env.key(p, "P")
	// t adds tags; the review is fetched again and lists them.
	p = env.key(p, "t")
	p = env.typeText(p, "latest")
	p = env.key(p, "enter")
	if sp.dialog != dialogPushConfirm || !strings.Contains(p.View(), "to: "+target+", "+env.host+"/hello:latest") {
		t.Fatalf("extra tag not in the review:\n%s", p.View())
	}
	env.key(p, "y")
	if !strings.Contains(env.lastStatus(), "pushed") {
		t.Fatalf("status after push %q", env.lastStatus())
	}
	if h, err := remote.Head(mustParse(t, env.host+"/hello:latest")); err != nil {
		t.Fatalf("extra tag not written: %v", err)
	} else if hm, _ := remote.Head(mustParse(t, target)); hm.Digest != h.Digest {
		t.Fatal("extra tag holds another digest")
	}
	r, _ := name.ParseReference(target)
	idx, err := remote.Index(r)
	if err != nil {
		t.Fatal(err)
	}
	im, _ := idx.IndexManifest()
	if len(im.Manifests) != 2 || im.Manifests[0].Digest.String() != amd || im.Manifests[1].Digest.String() != arm ||
		im.Manifests[1].Platform.Architecture != "arm" || im.Manifests[1].Platform.Variant != "v7" {
		t.Fatalf("pushed index %+v", im.Manifests)
	}
	if tp, ok := env.pages[len(env.pages)-1].(*tree.Model); !ok || tp.Ref() != target {
		t.Fatalf("the pushed tag is not opened in the tree: %#v", env.pages[len(env.pages)-1])
	}
	d, _ := idx.Digest()
	if saved, _ := env.store.Load(target); saved.Base != d.String() {
		t.Fatalf("base after push %s, want %s", saved.Base, d)
	}
}

func TestStagingPushStopsWhenTheTagMovesAfterReview(t *testing.T) {
	env := newStagingEnv(t)
	env.image(t, env.host+"/a:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	target := env.host + "/a:multi"
	tr, err := env.c.Reg.Tree(context.Background(), env.host+"/a:amd64", registry.TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	es, _ := model.EntriesFromTree(env.host+"/a:amd64", tr, nil)
	env.store.Save(&model.StagedList{Name: target, Target: target, Entries: es})
	p := common.Page(newStagingPage(env.c))
	p.SetSize(100, 30)
	p = env.run(p, p.Init())
	sp := p.(*stagingPage)
	p = env.key(p, "P")
	if sp.dialog != dialogPushConfirm {
		t.Fatalf("no confirmation: %q", env.lastStatus())
	}
	moved := env.image(t, target, v1.Platform{OS: "linux", Architecture: "s390x"})
	p = env.key(p, "y")
	if sp.dialog != dialogPushConfirm || !strings.Contains(p.View(), "moved") {
		t.Fatalf("a tag moved after review was not shown again:\n%s", p.View())
	}
	if !strings.Contains(p.View(), "replaces single image") {
		t.Fatalf("the new diff is not shown:\n%s", p.View())
	}
	head, _ := remote.Head(mustParse(t, target))
	if head.Digest.String() != moved {
		t.Fatal("the push wrote over the moved tag")
	}
	// Confirming the new review pushes.
	env.key(p, "y")
	if !strings.Contains(env.lastStatus(), "pushed") {
		t.Fatalf("status %q", env.lastStatus())
	}
}

func mustParse(t *testing.T, s string) name.Reference {
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestStagingNavigationNeverWrites presses every navigation key, and the
// keys of the pane that only open dialogs, and checks that neither the
// registry nor the store changed.
func TestStagingNavigationNeverWrites(t *testing.T) {
	env := newStagingEnv(t)
	env.image(t, env.host+"/a:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	tr, _ := env.c.Reg.Tree(context.Background(), env.host+"/a:amd64", registry.TreeOptions{All: true})
	es, _ := model.EntriesFromTree(env.host+"/a:amd64", tr, nil)
	target := env.host + "/a:multi"
	env.store.Save(&model.StagedList{Name: target, Target: target, Entries: es})
	file := env.store.Path(target)
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := common.Page(newStagingPage(env.c))
	p.SetSize(80, 24)
	p = env.run(p, p.Init())
	writes := len(env.writes())
	for _, k := range []string{"j", "k", "G", "g", "enter", "l", "h", "d", "r", "/", "esc", "P", "esc", "e", "esc", "A", "esc", "I", "esc", "t", "esc", "y", " "} {
		p = env.key(p, k)
	}
	// Chords a vim or k9s user presses to scroll (k9s once deleted pods on
	// ctrl-d), on the entries and on the push confirmation.
	chords := []tea.KeyPressMsg{{Code: 'd', Mod: tea.ModCtrl}, {Code: 'u', Mod: tea.ModCtrl}, {Code: 'f', Mod: tea.ModCtrl},
		{Code: 'b', Mod: tea.ModCtrl}, {Code: tea.KeyPgDown}, {Code: tea.KeyPgUp}, {Code: tea.KeyHome}, {Code: tea.KeyEnd}, {Code: tea.KeyDelete, Mod: tea.ModCtrl}}
	for _, confirm := range []bool{false, true} {
		if confirm {
			p = env.key(p, "P")
		}
		for _, k := range chords {
			var cmd tea.Cmd
			p, cmd = p.Update(k)
			p = env.run(p, cmd)
		}
		p = env.key(p, "esc")
	}
	after, _ := os.ReadFile(file)
	if string(before) != string(after) {
		t.Fatal("navigation changed the staged list")
	}
	if len(env.writes()) != writes {
		t.Fatalf("navigation wrote to the registry: %v", env.writes()[writes:])
	}
}

// TestStagingLayoutFits checks that no rendered line is wider than the
// pane, with findings, a long target and the push confirmation.
func TestStagingLayoutFits(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.Dark), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	p := newStagingPage(c)
	p.setList(goldenList())
	for _, w := range []int{40, 60, 100, 200} {
		p.SetSize(w, 20)
		for _, view := range []string{p.View(), p.pushView()} {
			for i, line := range strings.Split(stagingClip(view, w, 20), "\n") {
				if lw := ansi.StringWidth(line); lw > w {
					t.Fatalf("width %d: line %d is %d wide: %q", w, i, lw, line)
				}
			}
		}
		if got := strings.Count(p.View(), "\n") + 1; got > 20 {
			t.Fatalf("width %d: %d lines for a height of 20", w, got)
		}
	}
}

// TestStagingErrorsAreWrappedNotCut: a finding that blocks the push is read
// whole at 60 columns, wrapped at words; the page still fits.
func TestStagingErrorsAreWrappedNotCut(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	p := newStagingPage(c)
	l := goldenList()
	l.Entries[0].Platform = &model.Platform{OS: "linux", Architecture: "arm64", Variant: "7"}
	p.setList(l)
	var blocking string
	for _, f := range p.finds {
		if f.Severity == model.Block && len(f.String()) > 60 {
			blocking = f.String()
			break
		}
	}
	if blocking == "" {
		t.Fatalf("no long blocking finding in %v", p.finds)
	}
	for _, h := range []int{20, 24} {
		p.SetSize(60, h)
		view := p.View()
		lines := strings.Split(view, "\n")
		if len(lines) > h {
			t.Fatalf("height %d: %d lines", h, len(lines))
		}
		var flat strings.Builder
		for _, line := range lines {
			if ansi.StringWidth(line) > 60 {
				t.Fatalf("line %q is wider than 60", line)
			}
			flat.WriteString(strings.TrimRight(ansi.Strip(line), " "))
		}
		if !strings.Contains(strings.ReplaceAll(flat.String(), " ", ""), strings.ReplaceAll(blocking, " ", "")) {
			t.Errorf("height %d: the error %q is not on screen whole:\n%s", h, blocking, view)
		}
		if !strings.Contains(ansi.Strip(view), "linux/arm64/7") {
			t.Errorf("height %d: the entries are gone:\n%s", h, view)
		}
	}
}

// goldenList is a fixed list with an attestation, an annotation and a
// blocking finding.
func goldenList() *model.StagedList {
	d := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	return &model.StagedList{Name: "localhost:5000/app:v1", Target: "localhost:5000/a-very-long-repository-name/for/layout/app:v1",
		Base: d("b"), Annotations: map[string]string{"org.opencontainers.image.source": "https://example.com"},
		Entries: []model.StagedEntry{
			{Source: "localhost:5000/app:amd64", Repository: "localhost:5000/app", Digest: d("1"), MediaType: model.MediaTypeOCIManifest, Size: 1,
				Platform: &model.Platform{OS: "linux", Architecture: "amd64"}, ConfigPlatform: &model.Platform{OS: "linux", Architecture: "amd64"}},
			{Source: "localhost:5000/app@" + d("2"), Repository: "localhost:5000/app", Digest: d("2"), MediaType: model.MediaTypeOCIManifest, Size: 1,
				Platform:    &model.Platform{OS: "unknown", Architecture: "unknown"},
				Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: d("1")}},
			{Source: "localhost:5000/app:arm", Repository: "localhost:5000/app", Digest: d("3"), MediaType: model.MediaTypeOCIManifest, Size: 1,
				Platform: &model.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, ConfigPlatform: &model.Platform{OS: "linux", Architecture: "arm64"},
				Annotations: map[string]string{"org.opencontainers.image.title": "app"}},
			{Source: "localhost:5000/app:amd64-again", Repository: "localhost:5000/app", Digest: d("4"), MediaType: model.MediaTypeOCIManifest, Size: 1,
				Platform: &model.Platform{OS: "linux", Architecture: "amd64"}},
		}}
}

func TestStagingGolden(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	p := newStagingPage(c)
	p.SetSize(100, 20)
	p.setList(goldenList())
	t.Run("entries", func(t *testing.T) { golden.RequireEqual(t, []byte(ansi.Strip(p.View()))) })
	cur := &model.Tree{Digest: "sha256:" + strings.Repeat("b", 64), MediaType: model.MediaTypeOCIIndex,
		Entries: []*model.Entry{{Descriptor: model.Descriptor{MediaType: model.MediaTypeOCIManifest, Digest: "sha256:" + strings.Repeat("9", 64), Size: 1,
			Platform: &model.Platform{OS: "linux", Architecture: "amd64"}}}}}
	l := goldenList()
	l.Entries = l.Entries[:3]
	p.setList(l)
	raw, dg, _ := l.Render()
	p.review = &pushReview{plan: &registry.PushPlan{Tags: []string{l.Target, "localhost:5000/app:latest"}, Raw: raw, Digest: dg, MediaType: l.EffectiveMediaType(),
		Children: []registry.ChildPlan{{Action: registry.Mount}, {Action: registry.CrossRegistry}}},
		current: cur.Digest, diff: model.Diff(cur, l)}
	p.dialog = dialogPushConfirm
	t.Run("confirm", func(t *testing.T) { golden.RequireEqual(t, []byte(ansi.Strip(p.View()))) })
}

// TestStagingGoldenStyled keeps one golden per theme with the ANSI styles
// in (the colour-stripped goldens above cannot see a styling regression:
// a lost selection highlight, a finding no longer in the error colour).
func TestStagingGoldenStyled(t *testing.T) {
	for _, name := range themes.Names() {
		theme, ok := themes.Builtin(name)
		if !ok {
			t.Fatalf("theme %s is not built in", name)
		}
		t.Run(name, func(t *testing.T) {
			c := &common.Common{Ctx: context.Background(), Styles: styles.New(theme), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
			p := newStagingPage(c)
			p.SetSize(100, 20)
			p.setList(goldenList())
			view := p.View()
			if name != "none" && view == ansi.Strip(view) {
				t.Fatalf("theme %s renders no styles at all", name)
			}
			golden.RequireEqual(t, []byte(view))
		})
	}
}

func TestStageEntriesPicksTheImageOfAnAttestation(t *testing.T) {
	d := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	img := &model.Entry{Descriptor: model.Descriptor{MediaType: model.MediaTypeOCIManifest, Digest: d("1"), Size: 1, Platform: &model.Platform{OS: "linux", Architecture: "amd64"}}}
	other := &model.Entry{Descriptor: model.Descriptor{MediaType: model.MediaTypeOCIManifest, Digest: d("2"), Size: 1, Platform: &model.Platform{OS: "linux", Architecture: "arm64"}}}
	att := &model.Entry{Descriptor: model.Descriptor{MediaType: model.MediaTypeOCIManifest, Digest: d("3"), Size: 1, Platform: &model.Platform{OS: "unknown", Architecture: "unknown"},
		Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: d("1")}}, AttestationFor: d("1")}
	tr := &model.Tree{Repository: "localhost:5000/a", MediaType: model.MediaTypeOCIIndex, Entries: []*model.Entry{img, other, att}}
	es, err := stageEntries("localhost:5000/a:v1", tr, att)
	if err != nil || len(es) != 2 || es[0].Digest != d("1") || es[1].Digest != d("3") {
		t.Fatalf("%+v %v", es, err)
	}
	es, _ = stageEntries("localhost:5000/a:v1", tr, nil)
	if len(es) != 3 {
		t.Fatalf("whole index: %d", len(es))
	}
}

func TestStagingKeyCmd(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	on := func(p common.Page, k string) (tea.Cmd, bool) {
		m := &Model{c: c, stack: []common.Page{p}}
		return m.dispatchKey(press(k))
	}
	if _, ok := on(newStagingPage(c), "S"); ok {
		t.Fatal("S on the staging pane opened another")
	}
	if cmd, ok := on(&plainPage{}, "S"); !ok || cmd == nil {
		t.Fatal("S does not open the staging pane")
	} else if _, ok := cmd().(common.PushPageMsg); !ok {
		t.Fatal("S does not push a page")
	}
	if _, ok := on(&plainPage{}, "a"); ok {
		t.Fatal("a on a page that cannot stage did something")
	}
	if _, ok := on(&plainPage{}, "x"); ok {
		t.Fatal("an unrelated key was taken")
	}
}

// plainPage is a page that cannot stage anything.
type plainPage struct{ common.PageBase }

func (*plainPage) Crumb() string                           { return "" }
func (*plainPage) Init() tea.Cmd                           { return nil }
func (p *plainPage) Update(tea.Msg) (common.Page, tea.Cmd) { return p, nil }
func (*plainPage) View() string                            { return "" }
func (*plainPage) Keys() []keys.Key                        { return nil }

func TestStagingStartupOffersStagedLists(t *testing.T) {
	env := newStagingEnv(t)
	if msg := stagingStartupCmd(env.c.Opts)(); msg != nil {
		t.Fatalf("no lists, but %v", msg)
	}
	env.store.Save(&model.StagedList{Name: "x", Target: "localhost:5000/a:b"})
	msg, ok := stagingStartupCmd(env.c.Opts)().(common.StatusMsg)
	if !ok || !strings.Contains(msg.Text, "1 staged list waiting, newest x") {
		t.Fatalf("got %#v", msg)
	}
}

// TestStagingNewListFromAnExistingTag starts a list from a tag that holds an
// index: its entries (attestations and annotations too) are staged and its
// digest becomes the base.
func TestStagingNewListFromAnExistingTag(t *testing.T) {
	env := newStagingEnv(t)
	a := env.image(t, env.host+"/x:a", v1.Platform{OS: "linux", Architecture: "amd64"})
	b := env.image(t, env.host+"/x:b", v1.Platform{OS: "linux", Architecture: "arm64"})
	target := env.host + "/x:multi"
	ctx := context.Background()
	var es []model.StagedEntry
	for _, r := range []string{env.host + "/x:a", env.host + "/x:b"} {
		tr, err := env.c.Reg.Tree(ctx, r, registry.TreeOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		e, _ := model.EntriesFromTree(r, tr, nil)
		es = append(es, e...)
	}
	seed := &model.StagedList{Target: target, Annotations: map[string]string{"k": "v"}, Entries: es}
	res, err := env.c.Reg.(Pusher).Push(ctx, seed, registry.PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := common.Page(newStagingPage(env.c))
	p.SetSize(100, 30)
	p = env.run(p, p.Init())
	p = env.key(p, "n")
	sp := p.(*stagingPage)
	sp.input.SetValue(target)
	env.key(p, "enter")
	l := sp.cur
	if l == nil || l.Base != res.Digest || len(l.Entries) != 2 || l.Entries[0].Digest != a || l.Entries[1].Digest != b || l.Annotations["k"] != "v" {
		t.Fatalf("list from the tag: %+v", l)
	}
	if !strings.Contains(env.lastStatus(), "amending") {
		t.Fatalf("status %q", env.lastStatus())
	}
}

func TestStagingFormGolden(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{SteadyCursor: true}, Pages: pages()}
	p := newStagingPage(c)
	p.SetSize(100, 20)
	p.setList(goldenList())
	p.cursor = 2
	p.form = newPlatformForm(p.C.Opts, p.cur.Entries[2].Platform, p.Width)
	p.dialog = dialogPlatform
	p.form.focus()
	golden.RequireEqual(t, []byte(ansi.Strip(p.View())))
	if pl, err := p.form.platform(); err != nil || pl.String() != "linux/arm/v7" {
		t.Fatalf("form platform %v %v", pl, err)
	}
	p.form.fields[fieldArch].SetValue("")
	if _, err := p.form.platform(); err == nil {
		t.Fatal("a platform without architecture accepted")
	}
}
