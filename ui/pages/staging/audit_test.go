package staging

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/styles"
)

// TestStagingAnIndexSaysWhatItTook: a on a list's top row takes the whole
// list and says so (with how to take one entry), a on one entry takes only
// it, entries already staged are counted, and a duplicate platform the
// add created is flagged in the status line, not found later.
func TestStagingAnIndexSaysWhatItTook(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	own := env.Image(t, env.Host+"/base:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	var idx v1.ImageIndex = empty.Index
	for _, p := range []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}, {OS: "linux", Architecture: "s390x"}} {
		img, _ := random.Image(64, 1)
		cf, _ := img.ConfigFile()
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = p.OS, p.Architecture
		img, _ = mutate.ConfigFile(img, cf)
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	r, _ := name.ParseReference(env.Host + "/base:multi")
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	if err := env.Store.Save(&model.StagedList{Name: "rel", Target: env.Host + "/base:v1"}); err != nil {
		t.Fatal(err)
	}
	writesBefore := len(env.Writes())
	tree, err := env.C.Reg.Tree(env.C.Ctx, env.Host+"/base:multi", registry.TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}

	// One entry of the list: only it.
	env.Run(nil, Add(env.C, env.Host+"/base:multi", tree, tree.Entries[1]))
	if st := env.LastStatus(); st != "staged linux/arm64 in rel: 1 entry; S opens staging" {
		t.Fatalf("one entry: %q", st)
	}
	// The same entry again: nothing added, and it says so.
	env.Run(nil, Add(env.C, env.Host+"/base:multi", tree, tree.Entries[1]))
	if st := env.LastStatus(); st != "linux/arm64 is already in rel" {
		t.Fatalf("again: %q", st)
	}
	// A single image, then the whole list: two new entries, one already
	// there, and linux/amd64 twice, which blocks a push.
	env.Run(nil, Add(env.C, env.Host+"/base:amd64", nil, nil))
	env.Run(nil, Add(env.C, env.Host+"/base:multi", tree, nil))
	st := env.LastStatus()
	for _, want := range []string{"staged all 2 entries of the list in rel: 4 entries, 1 already there; a on an entry takes just it; 1 problem: S opens staging to fix"} {
		if !strings.Contains(st, want) {
			t.Fatalf("whole list: status %q lacks %q", st, want)
		}
	}
	l, err := env.Store.Load("rel")
	if err != nil || len(l.Entries) != 4 || l.Entries[1].Digest != own {
		t.Fatalf("staged: %+v %v", l, err)
	}
	env.Run(nil, Add(env.C, env.Host+"/base:multi", tree, nil))
	if st := env.LastStatus(); !strings.HasPrefix(st, "every entry of "+env.Host+"/base:multi is already in rel") {
		t.Fatalf("whole list again: %q", st)
	}
	if w := env.Writes(); len(w) != writesBefore {
		t.Fatalf("staging wrote to the registry: %v", w)
	}
}

// TestPushReviewWrapsTheMovedWarning: the moved-tag warning ends with what
// the diff is against; at 60 or 100 columns it is wrapped, not cut off.
func TestPushReviewWrapsTheMovedWarning(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: testPages()}
	p := New(c)
	l := uitest.GoldenList()
	p.SetList(l)
	raw, dg, _ := l.Render()
	p.review = &pushReview{plan: &registry.PushPlan{Tags: []string{l.Target}, Raw: raw, Digest: dg, MediaType: l.EffectiveMediaType()},
		diff: model.Diff(nil, l), warning: "the tag moved since the list was staged (sha256:27bd1041d367 → sha256:8d2874ef474e): the diff is against what it holds now"}
	p.dialog = dialogPushConfirm
	for _, w := range []int{60, 100} {
		p.SetSize(w, 30)
		view := ansi.Strip(p.View())
		if !strings.Contains(strings.Join(strings.Fields(view), " "), "the diff is against what it holds now") {
			t.Fatalf("width %d: warning cut:\n%s", w, view)
		}
		for _, line := range strings.Split(view, "\n") {
			if ansi.StringWidth(line) > w {
				t.Fatalf("width %d: line too wide: %q", w, line)
			}
		}
	}
}

// TestStagingEditKeys drives the pane's editing keys end to end against the
// store: A and I annotate (key= removes), M cycles the media type, e keeps
// platform features the form has no field for, x removes an entry with its
// attestation, u undoes, R renames, x then y discards, and anything but y
// keeps the list.
func TestStagingEditKeys(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	d := func(c string) string { return "sha256:" + strings.Repeat(c, 64) }
	amd := model.StagedEntry{Source: "localhost:5000/a:amd64", Repository: "localhost:5000/a", Digest: d("1"), MediaType: model.MediaTypeOCIManifest, Size: 10,
		Platform: &model.Platform{OS: "linux", Architecture: "amd64", Features: []string{"sse4"}}}
	att := model.StagedEntry{Source: "localhost:5000/a@" + d("2"), Repository: "localhost:5000/a", Digest: d("2"), MediaType: model.MediaTypeOCIManifest, Size: 10,
		Platform:    &model.Platform{OS: "unknown", Architecture: "unknown"},
		Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: d("1")}}
	arm := model.StagedEntry{Source: "localhost:5000/a:arm64", Repository: "localhost:5000/a", Digest: d("3"), MediaType: model.MediaTypeDockerManifest, Size: 10,
		Platform: &model.Platform{OS: "linux", Architecture: "arm64"}}
	if err := env.Store.Save(&model.StagedList{Name: "rel", Target: "localhost:5000/a:v1", Entries: []model.StagedEntry{amd, att, arm}}); err != nil {
		t.Fatal(err)
	}
	p := common.Page(New(env.C))
	p.SetSize(100, 30)
	p = env.Run(p, p.Init())
	sp := p.(*Model)
	saved := func() *model.StagedList {
		t.Helper()
		l, err := env.Store.Load("rel")
		if err != nil {
			t.Fatal(err)
		}
		return l
	}

	// A on the first entry, then I on the list.
	p = env.Key(p, "A")
	p = env.TypeText(p, "org.opencontainers.image.title=agent")
	p = env.Key(p, "enter")
	p = env.Key(p, "I")
	p = env.TypeText(p, "org.opencontainers.image.source=https://git.example/a")
	p = env.Key(p, "enter")
	l := saved()
	if l.Entries[0].Annotations["org.opencontainers.image.title"] != "agent" || l.Annotations["org.opencontainers.image.source"] != "https://git.example/a" {
		t.Fatalf("annotations not saved: %+v %+v", l.Entries[0].Annotations, l.Annotations)
	}
	p = env.Key(p, "A")
	p = env.TypeText(p, "org.opencontainers.image.title=")
	p = env.Key(p, "enter")
	if _, ok := saved().Entries[0].Annotations["org.opencontainers.image.title"]; ok {
		t.Fatal("key= did not remove the annotation")
	}
	p = env.Key(p, "A")
	p = env.TypeText(p, "no-equals-sign")
	p = env.Key(p, "enter")
	if !strings.Contains(env.LastStatus(), "key=value") {
		t.Fatalf("a bad annotation was not refused: %q", env.LastStatus())
	}

	// M cycles auto → OCI → Docker → auto.
	for _, want := range []string{model.MediaTypeOCIIndex, model.MediaTypeDockerList, ""} {
		p = env.Key(p, "M")
		if got := saved().MediaType; got != want {
			t.Fatalf("media type %q, want %q", got, want)
		}
	}

	// e on amd64: set variant v3; the features stay.
	p = env.Key(p, "e")
	for range 2 {
		p = env.Key(p, "tab")
	}
	p = env.TypeText(p, "v3")
	p = env.Key(p, "enter")
	if got := saved().Entries[0].Platform; got.Variant != "v3" || len(got.Features) != 1 || got.Features[0] != "sse4" {
		t.Fatalf("platform after the form: %+v", got)
	}

	// x removes amd64 and its attestation; u brings both back.
	p = env.Key(p, "x")
	if l := saved(); len(l.Entries) != 1 || l.Entries[0].Digest != arm.Digest {
		t.Fatalf("after x: %+v", l.Entries)
	}
	p = env.Key(p, "u")
	if l := saved(); len(l.Entries) != 3 || l.Entries[1].Digest != att.Digest {
		t.Fatalf("after u: %+v", l.Entries)
	}

	// To the lists: R renames, D asks, n keeps, D y discards.
	p = env.Key(p, "L")
	if sp.cur != nil {
		t.Fatal("L did not show the lists")
	}
	p = env.Key(p, "R")
	sp.input.SetValue("release")
	p = env.Key(p, "enter")
	if _, err := env.Store.Load("release"); err != nil {
		t.Fatalf("rename: %v (status %q)", err, env.LastStatus())
	}
	p = env.Key(p, "D")
	p = env.Key(p, "n")
	if _, err := env.Store.Load("release"); err != nil || !strings.Contains(env.LastStatus(), "not discarded") {
		t.Fatalf("n discarded the list: %v %q", err, env.LastStatus())
	}
	p = env.Key(p, "D")
	env.Key(p, "y")
	if ls, _ := env.Store.List(); len(ls) != 0 {
		t.Fatalf("x y left %+v", ls)
	}
}

// TestStagingNewListSaysWhatWasAlreadyThere: a pressed with no list staged
// asks for a target; when that tag's index already has the image, the note
// says so instead of "0 added" alone.
func TestStagingNewListSaysWhatWasAlreadyThere(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	env.Image(t, env.Host+"/x:a", v1.Platform{OS: "linux", Architecture: "amd64"})
	tr, err := env.C.Reg.Tree(context.Background(), env.Host+"/x:a", registry.TreeOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	es, _ := model.EntriesFromTree(env.Host+"/x:a", tr, nil)
	target := env.Host + "/x:multi"
	if _, err := env.C.Reg.(Pusher).Push(context.Background(), &model.StagedList{Target: target, MediaType: model.MediaTypeOCIIndex, Entries: es}, registry.PushOptions{}); err != nil {
		t.Fatal(err)
	}
	env.Run(nil, Add(env.C, env.Host+"/x:a", nil, nil))
	if len(env.Pages) != 1 {
		t.Fatalf("a opened %d pages", len(env.Pages))
	}
	p := env.Pages[0]
	p.SetSize(100, 30)
	p = env.Run(p, p.Init())
	p.(*Model).input.SetValue(target)
	env.Key(p, "enter")
	if st := env.LastStatus(); !strings.Contains(st, "amending") || !strings.Contains(st, "1 already there") {
		t.Fatalf("status %q", st)
	}
	if l, err := env.Store.Load(target); err != nil || len(l.Entries) != 1 {
		t.Fatalf("staged %+v %v", l, err)
	}
}
