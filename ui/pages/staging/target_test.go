package staging

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// openChooser presses a on ref (as a tree or tags page does) and opens the
// staging pane it asks for, at width w.
func openChooser(t *testing.T, env *uitest.StagingEnv, ref string, w int) *Model {
	t.Helper()
	env.Pages = nil
	env.Run(nil, Add(env.C, ref, nil, nil))
	if len(env.Pages) != 1 {
		t.Fatalf("a on %s opened %d pages (status %q)", ref, len(env.Pages), env.LastStatus())
	}
	p := env.Pages[0]
	p.SetSize(w, 30)
	env.Run(p, p.Init())
	return p.(*Model)
}

// The newest list is for repository A; a on an image of repository B asks
// where it goes, showing the target before anything is added, and stages
// only into the chosen list.
func TestStagingAsksWhenTheNewestListIsForAnotherRepository(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	env.Image(t, env.Host+"/a:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})
	b := env.Image(t, env.Host+"/b:arm64", v1.Platform{OS: "linux", Architecture: "arm64"})
	aList := env.Host + "/a:multi"
	if err := env.Store.Create(&model.StagedList{Name: aList, Target: aList}); err != nil {
		t.Fatal(err)
	}

	sp := openChooser(t, env, env.Host+"/b:arm64", 80)
	if sp.dialog != dialogChooseTarget {
		t.Fatalf("no choice offered: dialog %v, status %q", sp.dialog, env.LastStatus())
	}
	if l, _ := env.Store.Load(aList); len(l.Entries) != 0 {
		t.Fatal("staged into the other repository's list before asking")
	}
	view := sp.View()
	for _, want := range []string{"Stage linux/arm64 of " + env.Host + "/b:arm64", aList + ", is for another repository",
		"> new list " + env.Host + "/b:multiarch", "other repositories:", aList + "  0 entries", "esc stages nothing"} {
		if !strings.Contains(view, want) {
			t.Fatalf("the chooser lacks %q:\n%s", want, view)
		}
	}
	for _, line := range strings.Split(view, "\n") {
		if ansi.StringWidth(line) > 80 {
			t.Fatalf("line wider than 80: %q", line)
		}
	}
	// esc stages nothing.
	env.Key(sp, "esc")
	if l, _ := env.Store.Load(aList); len(l.Entries) != 0 || !strings.Contains(env.LastStatus(), "nothing staged") {
		t.Fatalf("esc: %+v, status %q", l.Entries, env.LastStatus())
	}
	if ls, _ := env.Store.List(); len(ls) != 1 {
		t.Fatalf("esc created a list: %+v", ls)
	}

	// Choosing the other repository's list, on purpose, stages there.
	sp = openChooser(t, env, env.Host+"/b:arm64", 80)
	env.Key(sp, "j")
	env.Key(sp, "enter")
	if l, _ := env.Store.Load(aList); len(l.Entries) != 1 || l.Entries[0].Digest != b {
		t.Fatalf("the chosen list: %+v", l)
	}
	if sp.cur == nil || sp.cur.Name != aList || !strings.Contains(env.LastStatus(), "staged 1 into "+aList) {
		t.Fatalf("open list %+v, status %q", sp.cur, env.LastStatus())
	}

	// A new list named after B: a bare tag is a tag of B. Then the lists
	// for B come first and a stages into the newest of them directly.
	sp = openChooser(t, env, env.Host+"/b:arm64", 80)
	env.Key(sp, "enter")
	if sp.dialog != dialogNewList || sp.input.Value() != env.Host+"/b:multiarch" {
		t.Fatalf("new list prompt: dialog %v value %q", sp.dialog, sp.input.Value())
	}
	sp.input.SetValue("v2")
	env.Key(sp, "enter")
	if l, err := env.Store.Load(env.Host + "/b:v2"); err != nil || len(l.Entries) != 1 || l.Target != env.Host+"/b:v2" {
		t.Fatalf("new list for b: %+v %v", l, err)
	}
	env.Pages = nil
	env.Run(nil, Add(env.C, env.Host+"/b:arm64", nil, nil))
	if len(env.Pages) != 0 || !strings.Contains(env.LastStatus(), "already in "+env.Host+"/b:v2") {
		t.Fatalf("a for the newest list's own repository asked (%d pages) or went elsewhere: %q", len(env.Pages), env.LastStatus())
	}
}

// The new-list prompt resolves a name without a host in the registry being
// browsed, as : does (it used to go to docker.io); a name that is not a
// tag keeps the prompt open, the entries with it, and the error wrapped.
func TestNewListPromptResolvesInTheBrowsedRegistryAndKeepsTheItem(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	d := env.Image(t, env.Host+"/team/app:amd64", v1.Platform{OS: "linux", Architecture: "amd64"})

	sp := openChooser(t, env, env.Host+"/team/app:amd64", 60)
	if sp.dialog != dialogNewList {
		t.Fatalf("with no list staged the prompt opens: dialog %v", sp.dialog)
	}
	// A name that is no tag: refused, nothing lost, the error wrapped.
	sp.input.SetValue("Team/App:v1")
	env.Key(sp, "enter")
	if sp.dialog != dialogNewList || len(sp.pending) != 1 || sp.input.Value() != "Team/App:v1" {
		t.Fatalf("after a bad name: dialog %v, %d pending, value %q", sp.dialog, len(sp.pending), sp.input.Value())
	}
	view := sp.View()
	if !strings.Contains(view, "repository names must be lowercase") {
		t.Fatalf("no error shown:\n%s", view)
	}
	for _, line := range strings.Split(view, "\n") {
		if ansi.StringWidth(line) > 60 {
			t.Fatalf("line wider than 60: %q", line)
		}
	}
	// Every word of the error is on screen whole.
	flat := strings.Join(strings.Fields(common.StripANSI(view)), " ")
	for _, w := range strings.Fields(sp.promptErr) {
		if !strings.Contains(flat, w) {
			t.Fatalf("word %q of the error is cut:\n%s", w, view)
		}
	}
	// A registry that fails: the entries are kept, the prompt reopens.
	sp.input.SetValue("127.0.0.1:1/nowhere:v1")
	env.Key(sp, "enter")
	if sp.dialog != dialogNewList || len(sp.pending) != 1 || sp.promptErr == "" {
		t.Fatalf("after a failed create: dialog %v, %d pending, err %q", sp.dialog, len(sp.pending), sp.promptErr)
	}
	if ls, _ := env.Store.List(); len(ls) != 0 {
		t.Fatalf("a failed create left a list: %+v", ls)
	}
	// Host-less: in this registry, not docker.io.
	sp.input.SetValue("team/app:multi")
	env.Key(sp, "enter")
	want := env.Host + "/team/app:multi"
	l, err := env.Store.Load(want)
	if err != nil || l.Target != want || len(l.Entries) != 1 || l.Entries[0].Digest != d {
		ls, _ := env.Store.List()
		t.Fatalf("want %s: %+v %v (lists %+v)", want, l, err, ls)
	}
	if sp.dialog != dialogNone || sp.promptErr != "" || len(sp.pending) != 0 {
		t.Fatalf("after success: dialog %v err %q pending %d", sp.dialog, sp.promptErr, len(sp.pending))
	}
}

func TestResolveListTarget(t *testing.T) {
	src := "127.0.0.1:5000/team/app:amd64"
	for typed, want := range map[string]string{
		"v2":                        "127.0.0.1:5000/team/app:v2",
		"team/web:1":                "127.0.0.1:5000/team/web:1",
		"web:1":                     "127.0.0.1:5000/web:1",
		"ghcr.io/o/r:1":             "ghcr.io/o/r:1",
		"localhost:5000/x:1":        "localhost:5000/x:1",
		"127.0.0.1:5000/team/app:z": "127.0.0.1:5000/team/app:z",
	} {
		if got, err := resolveListTarget(src, typed); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", typed, got, err, want)
		}
	}
	for _, bad := range []string{"", "UPPER/x:1", "team/app@sha256:" + strings.Repeat("a", 64)} {
		if got, err := resolveListTarget(src, bad); err == nil {
			t.Errorf("%q resolved to %q", bad, got)
		}
	}
}
