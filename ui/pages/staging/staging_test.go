package staging

import (
	"context"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/pages/tree"
	"github.com/manifold-dev/manifold/ui/styles"
)

// TestMain keeps every test of the package away from the user's staged
// lists.
func TestMain(m *testing.M) { uitest.Main(m) }

// testPages opens the one page the pane opens itself: the pushed tag's tree.
func testPages() common.Pages {
	return common.Pages{Tree: func(c *common.Common, ref string) common.Page { return tree.New(c, ref) }}
}

// TestStagingFlow is the new user's flow: stage two single-platform images
// with a, name the new list, fix one platform to arm/v7 in the form, review
// the diff and push, then read the index back with ggcr.
func TestStagingFlow(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	amd := env.Image(t, env.Host+"/hello:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	arm := env.Image(t, env.Host+"/hello:arm", v1.Platform{OS: "linux", Architecture: "arm64"})
	target := env.Host + "/hello:multi"

	// a with no list staged opens the pane asking for a target.
	env.Run(nil, Add(env.C, env.Host+"/hello:amd64", nil, nil))
	if len(env.Pages) != 1 {
		t.Fatalf("a opened %d pages", len(env.Pages))
	}
	p := env.Pages[0]
	p.SetSize(100, 30)
	p = env.Run(p, p.Init())
	if !p.InputFocused() || !strings.Contains(p.View(), "New list") || !strings.Contains(p.View(), env.Host+"/hello:multiarch") {
		t.Fatalf("no prompt for the new list:\n%s", p.View())
	}
	sp := p.(*Model)
	sp.input.SetValue(target)
	p = env.Key(p, "enter")
	if sp.cur == nil || len(sp.cur.Entries) != 1 || sp.cur.Entries[0].Digest != amd {
		t.Fatalf("list after create: %+v", sp.cur)
	}
	// a on another screen adds to the list changed last, and saves it.
	env.Run(nil, Add(env.C, env.Host+"/hello:arm", nil, nil))
	if !strings.Contains(env.LastStatus(), "staged linux/arm64") {
		t.Fatalf("status %q", env.LastStatus())
	}
	p = env.Run(p, p.Init())
	if len(sp.cur.Entries) != 2 {
		t.Fatalf("entries %d", len(sp.cur.Entries))
	}
	// Edit the second entry's platform.
	p = env.Key(p, "j")
	p = env.Key(p, "e")
	if sp.dialog != dialogPlatform {
		t.Fatal("e did not open the platform form")
	}
	p = env.Key(p, "tab") // to architecture
	sp.form.fields[fieldArch].SetValue("")
	p = env.TypeText(p, "arm") // offers arm and arm64
	p = env.Key(p, "tab")      // arm is complete: to variant
	p = env.TypeText(p, "v7")
	p = env.Key(p, "enter")
	if got := sp.cur.Entries[1].Platform.String(); got != "linux/arm/v7" {
		t.Fatalf("platform after the form: %s", got)
	}
	saved, _ := env.Store.Load(target)
	if saved.Entries[1].Platform.String() != "linux/arm/v7" {
		t.Fatal("the edit was not saved at once")
	}
	if !strings.Contains(p.View(), "config says") && !strings.Contains(p.View(), "image config says") {
		t.Fatalf("the config mismatch warning is not shown:\n%s", p.View())
	}
	before := len(env.Writes())
	// P reviews; it does not write.
	p = env.Key(p, "P")
	if sp.dialog != dialogPushConfirm {
		t.Fatalf("dialog %v, status %q", sp.dialog, env.LastStatus())
	}
	view := p.View()
	for _, want := range []string{"Push " + target, "to: " + target, "new tag", "+ linux/amd64", "+ linux/arm/v7", "y push"} {
		if !strings.Contains(view, want) {
			t.Fatalf("confirmation lacks %q:\n%s", want, view)
		}
	}
	if len(env.Writes()) != before {
		t.Fatalf("reviewing wrote: %v", env.Writes()[before:])
	}
	// esc cancels without writing; P then y pushes.
	p = env.Key(p, "esc")
	if sp.dialog != dialogNone || len(env.Writes()) != before {
		t.Fatal("esc did not cancel cleanly")
	}
	p = env.Key(p, "P")
	// t adds tags; the review is fetched again and lists them.
	p = env.Key(p, "t")
	p = env.TypeText(p, "latest")
	p = env.Key(p, "enter")
	if sp.dialog != dialogPushConfirm || !strings.Contains(p.View(), "to: "+target+", "+env.Host+"/hello:latest") {
		t.Fatalf("extra tag not in the review:\n%s", p.View())
	}
	env.Key(p, "y")
	if !strings.Contains(env.LastStatus(), "pushed") {
		t.Fatalf("status after push %q", env.LastStatus())
	}
	if h, err := remote.Head(mustParse(t, env.Host+"/hello:latest")); err != nil {
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
	if tp, ok := env.Pages[len(env.Pages)-1].(*tree.Model); !ok || tp.Ref() != target {
		t.Fatalf("the pushed tag is not opened in the tree: %#v", env.Pages[len(env.Pages)-1])
	}
	d, _ := idx.Digest()
	if saved, _ := env.Store.Load(target); saved.Base != d.String() {
		t.Fatalf("base after push %s, want %s", saved.Base, d)
	}
}

// oneImageList pushes a linux/amd64 image as a:amd64 and returns a list
// for a:multi that holds it, not saved yet.
func oneImageList(t *testing.T, env *uitest.StagingEnv) *model.StagedList {
	t.Helper()
	env.Image(t, env.Host+"/a:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	target := env.Host + "/a:multi"
	tr, err := env.C.Reg.Tree(context.Background(), env.Host+"/a:amd64", registry.TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	es, _ := model.EntriesFromTree(env.Host+"/a:amd64", tr, nil)
	return &model.StagedList{Name: target, Target: target, Entries: es}
}

func TestStagingPushStopsWhenTheTagMovesAfterReview(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	l := oneImageList(t, env)
	target := l.Target
	env.Store.Save(l)
	p := common.Page(New(env.C))
	p.SetSize(100, 30)
	p = env.Run(p, p.Init())
	sp := p.(*Model)
	p = env.Key(p, "P")
	if sp.dialog != dialogPushConfirm {
		t.Fatalf("no confirmation: %q", env.LastStatus())
	}
	moved := env.Image(t, target, v1.Platform{OS: "linux", Architecture: "s390x"})
	p = env.Key(p, "y")
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
	env.Key(p, "y")
	if !strings.Contains(env.LastStatus(), "pushed") {
		t.Fatalf("status %q", env.LastStatus())
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
	env := uitest.NewStagingEnv(t, testPages())
	env.Image(t, env.Host+"/a:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	tr, _ := env.C.Reg.Tree(context.Background(), env.Host+"/a:amd64", registry.TreeOptions{All: true})
	es, _ := model.EntriesFromTree(env.Host+"/a:amd64", tr, nil)
	target := env.Host + "/a:multi"
	env.Store.Save(&model.StagedList{Name: target, Target: target, Entries: es})
	file := env.Store.Path(target)
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := common.Page(New(env.C))
	p.SetSize(80, 24)
	p = env.Run(p, p.Init())
	writes := len(env.Writes())
	for _, k := range []string{"j", "k", "G", "g", "enter", "l", "h", "d", "r", "/", "esc", "P", "esc", "e", "esc", "A", "esc", "I", "esc", "t", "esc", "y", " "} {
		p = env.Key(p, k)
	}
	// Chords a vim or k9s user presses to scroll (k9s once deleted pods on
	// ctrl-d), on the entries and on the push confirmation.
	chords := []tea.KeyPressMsg{{Code: 'd', Mod: tea.ModCtrl}, {Code: 'u', Mod: tea.ModCtrl}, {Code: 'f', Mod: tea.ModCtrl},
		{Code: 'b', Mod: tea.ModCtrl}, {Code: tea.KeyPgDown}, {Code: tea.KeyPgUp}, {Code: tea.KeyHome}, {Code: tea.KeyEnd}, {Code: tea.KeyDelete, Mod: tea.ModCtrl}}
	for _, confirm := range []bool{false, true} {
		if confirm {
			p = env.Key(p, "P")
		}
		for _, k := range chords {
			var cmd tea.Cmd
			p, cmd = p.Update(k)
			p = env.Run(p, cmd)
		}
		p = env.Key(p, "esc")
	}
	after, _ := os.ReadFile(file)
	if string(before) != string(after) {
		t.Fatal("navigation changed the staged list")
	}
	if len(env.Writes()) != writes {
		t.Fatalf("navigation wrote to the registry: %v", env.Writes()[writes:])
	}
}

// TestStagingLayoutFits checks that no rendered line is wider than the
// pane, with findings, a long target and the push confirmation.
func TestStagingLayoutFits(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.Dark), Keys: keys.Default(), Opts: &common.Options{}, Pages: testPages()}
	p := New(c)
	p.SetList(uitest.GoldenList())
	for _, w := range []int{40, 60, 100, 200} {
		p.SetSize(w, 20)
		body, action := p.pushView()
		for _, view := range []string{p.View(), body + action} {
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
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: testPages()}
	p := New(c)
	l := uitest.GoldenList()
	l.Entries[0].Platform = &model.Platform{OS: "linux", Architecture: "arm64", Variant: "7"}
	p.SetList(l)
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

func TestStagingGolden(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: testPages()}
	p := New(c)
	p.SetSize(100, 20)
	p.SetList(uitest.GoldenList())
	t.Run("entries", func(t *testing.T) { golden.RequireEqual(t, []byte(ansi.Strip(p.View()))) })
	cur := &model.Tree{Digest: "sha256:" + strings.Repeat("b", 64), MediaType: model.MediaTypeOCIIndex,
		Entries: []*model.Entry{{Descriptor: model.Descriptor{MediaType: model.MediaTypeOCIManifest, Digest: "sha256:" + strings.Repeat("9", 64), Size: 1,
			Platform: &model.Platform{OS: "linux", Architecture: "amd64"}}}}}
	l := uitest.GoldenList()
	l.Entries = l.Entries[:3]
	p.SetList(l)
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
			c := &common.Common{Ctx: context.Background(), Styles: styles.New(theme), Keys: keys.Default(), Opts: &common.Options{}, Pages: testPages()}
			p := New(c)
			p.SetSize(100, 20)
			p.SetList(uitest.GoldenList())
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

func TestStagingStartupOffersStagedLists(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	if msg := StartupCmd(env.C.Opts)(); msg != nil {
		t.Fatalf("no lists, but %v", msg)
	}
	env.Store.Save(&model.StagedList{Name: "x", Target: "localhost:5000/a:b"})
	msg, ok := StartupCmd(env.C.Opts)().(common.StatusMsg)
	if !ok || !strings.Contains(msg.Text, "1 staged list waiting, newest x") {
		t.Fatalf("got %#v", msg)
	}
}

// TestStagingNewListFromAnExistingTag starts a list from a tag that holds an
// index: its entries (attestations and annotations too) are staged and its
// digest becomes the base.
func TestStagingNewListFromAnExistingTag(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	a := env.Image(t, env.Host+"/x:a", v1.Platform{OS: "linux", Architecture: "amd64"})
	b := env.Image(t, env.Host+"/x:b", v1.Platform{OS: "linux", Architecture: "arm64"})
	target := env.Host + "/x:multi"
	ctx := context.Background()
	var es []model.StagedEntry
	for _, r := range []string{env.Host + "/x:a", env.Host + "/x:b"} {
		tr, err := env.C.Reg.Tree(ctx, r, registry.TreeOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		e, _ := model.EntriesFromTree(r, tr, nil)
		es = append(es, e...)
	}
	seed := &model.StagedList{Target: target, Annotations: map[string]string{"k": "v"}, Entries: es}
	res, err := env.C.Reg.(Pusher).Push(ctx, seed, registry.PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := common.Page(New(env.C))
	p.SetSize(100, 30)
	p = env.Run(p, p.Init())
	p = env.Key(p, "n")
	sp := p.(*Model)
	sp.input.SetValue(target)
	env.Key(p, "enter")
	l := sp.cur
	if l == nil || l.Base != res.Digest || len(l.Entries) != 2 || l.Entries[0].Digest != a || l.Entries[1].Digest != b || l.Annotations["k"] != "v" {
		t.Fatalf("list from the tag: %+v", l)
	}
	if !strings.Contains(env.LastStatus(), "amending") {
		t.Fatalf("status %q", env.LastStatus())
	}
}

func TestStagingFormGolden(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{SteadyCursor: true}, Pages: testPages()}
	p := New(c)
	p.SetSize(100, 20)
	p.SetList(uitest.GoldenList())
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
