package staging

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
)

// TestPushReviewScrollsAndKeepsItsQuestion: a push review taller than the
// pane (many findings, at 60×14) keeps its title and "y push · t tags · esc
// cancel" on screen, says where its window is, and ↓/G reach the last
// finding, gg/home the first; y still pushes what was reviewed.
func TestPushReviewScrollsAndKeepsItsQuestion(t *testing.T) {
	env := uitest.NewStagingEnv(t, testPages())
	l := oneImageList(t, env)
	for _, pl := range []v1.Platform{{OS: "linux", Architecture: "arm64"}, {OS: "linux", Architecture: "arm", Variant: "v7"},
		{OS: "linux", Architecture: "arm", Variant: "v6"}, {OS: "linux", Architecture: "386"}, {OS: "linux", Architecture: "ppc64le"},
		{OS: "linux", Architecture: "s390x"}, {OS: "linux", Architecture: "riscv64"}, {OS: "linux", Architecture: "mips64le"}} {
		ref := env.Host + "/a:" + strings.ReplaceAll(pl.Architecture+pl.Variant, "/", "")
		env.Image(t, ref, pl)
		tr, err := env.C.Reg.Tree(context.Background(), ref, registry.TreeOptions{All: true})
		if err != nil {
			t.Fatal(err)
		}
		es, _ := model.EntriesFromTree(ref, tr, nil)
		l.Entries = append(l.Entries, es...)
	}
	l.MediaType = model.MediaTypeDockerList
	l.Annotations = map[string]string{}
	for i := range 30 {
		l.Annotations[fmt.Sprintf("org.example.note-%02d", i)] = "a Docker list drops index annotations"
	}
	finds := l.Validate()
	if len(finds) == 0 || model.Blocking(finds) {
		t.Fatalf("want warnings that do not block, got %v", finds)
	}
	env.Store.Save(l)
	p := common.Page(New(env.C))
	p.SetSize(60, 14)
	p = env.Run(p, p.Init())
	p = env.Key(p, "P")
	if !p.(*Model).Reviewing() {
		t.Fatalf("no review: %q", env.LastStatus())
	}
	all := func() string {
		body, action := p.(*Model).pushView()
		return ansi.Strip(body + action)
	}()
	if strings.Count(all, "\n") <= 14 {
		t.Fatalf("the review fits in 14 lines; the test needs a taller one:\n%s", all)
	}
	view := func() []string { return strings.Split(ansi.Strip(p.View()), "\n") }
	check := func(what string) []string {
		t.Helper()
		lines := view()
		if len(lines) > 14 {
			t.Errorf("%s: %d lines in a 14-line pane", what, len(lines))
		}
		if !strings.HasPrefix(lines[0], "Push ") {
			t.Errorf("%s: the title is gone: %q", what, lines[0])
		}
		if last := lines[len(lines)-1]; !strings.Contains(last, "y push · t tags · esc cancel") {
			t.Errorf("%s: the question is not on the last line: %q", what, last)
		}
		if !strings.Contains(lines[len(lines)-2], "↑/↓ scroll") {
			t.Errorf("%s: no position line: %q", what, lines[len(lines)-2])
		}
		return lines
	}
	allLines := strings.Split(strings.TrimRight(all, "\n"), "\n")
	lastBody := allLines[len(allLines)-2] // the line above the question
	top := check("top")
	if strings.Contains(strings.Join(top, "\n"), lastBody) {
		t.Fatalf("the last line %q is on the first screen already", lastBody)
	}
	p = env.Key(p, "j")
	if down := check("one down"); down[1] != top[2] {
		t.Errorf("j did not scroll one line: %q then %q", top[1], down[1])
	}
	p = env.Key(p, "G")
	bottom := check("bottom")
	if !strings.Contains(strings.Join(bottom, "\n"), lastBody) {
		t.Errorf("G does not show the last line %q:\n%s", lastBody, strings.Join(bottom, "\n"))
	}
	p = env.Key(p, "j")
	if again := check("past the bottom"); strings.Join(again, "\n") != strings.Join(bottom, "\n") {
		t.Errorf("j past the bottom moved the window")
	}
	p = env.Key(p, "home") // the root turns gg into home
	if first := check("home"); first[1] != top[1] {
		t.Errorf("gg: %q, want %q", first[1], top[1])
	}
	if !p.(*Model).Reviewing() {
		t.Fatalf("scrolling left the review")
	}
}
